import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { glueToFunctionBody } from './glue.js';

/**
 * Worker entry of `compileComponent` (compile-cache.ts): transpiling a component
 * takes from 0.3 s to several seconds of CPU, which must not stall the switch
 * loop. Writes the glue (as a function body) and the core modules to `outDir`
 * and answers with the component's imports and exports, or the error text.
 */
const { bytes, outDir } = workerData as { readonly bytes: Uint8Array; readonly outDir: string };
try {
  const result = await transpileBytes(bytes, {
    name: 'plugin',
    instantiation: 'async',
    emitTypescriptDeclarations: false,
    nodejsCompat: false,
    // Inline nothing: every core module must pass through the memory cap.
    base64Cutoff: 0,
  });
  mkdirSync(outDir, { recursive: true });
  const coreModules: string[] = [];
  for (const [name, content] of Object.entries(result.files)) {
    if (name === 'plugin.js') writeFileSync(join(outDir, 'glue.js'), glueToFunctionBody(Buffer.from(content).toString('utf8')));
    else if (name.endsWith('.wasm')) {
      writeFileSync(join(outDir, name), content);
      coreModules.push(name);
    }
  }
  parentPort!.postMessage({ ok: true, imports: result.imports, exports: result.exports.map(([n, kind]) => `${n}:${kind}`), coreModules });
} catch (err) {
  parentPort!.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
