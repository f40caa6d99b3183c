import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Preloaded with `node --import` into a process under test (see traced-run.ts):
 * writes every module the process loads to the file named by SDN_MODULE_TRACE,
 * one URL a line. ES modules are recorded as they resolve (loader hooks); CommonJS
 * modules required by CommonJS code bypass those hooks in Node 20, so the require
 * cache is added when the process exits. Registering at import time is this
 * module's whole purpose; production code never imports it.
 */

const file = process.env.SDN_MODULE_TRACE;
if (file === undefined || file === '') throw new Error('module-trace: set SDN_MODULE_TRACE to the file that receives the loaded modules');
register(new URL('./module-trace-hooks.js', import.meta.url), { data: { file } });
const requireCache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  appendFileSync(file, Object.keys(requireCache).map((path) => `${pathToFileURL(path).href}\n`).join(''));
});
