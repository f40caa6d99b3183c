#!/usr/bin/env node
// Builds this plugin project into a folder the runtime loads:
//   tsc (type check, src/ -> build/), then componentize-qjs (build/plugin.js +
//   wit/plugin.wit -> a component with the WASI imports stubbed out), then
//   dist/<name>/plugin.json + plugin.wasm.
// Usage: node tools/build.mjs [--out DIR]   (run from the project folder; `npm run build`)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

function fail(message) {
  process.stderr.write(`build: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { out: 'dist' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1] !== undefined) args.out = argv[++i];
    else fail(`unknown argument ${JSON.stringify(argv[i])} (usage: build.mjs [--out DIR])`);
  }
  return args;
}

function readManifest(project) {
  const path = join(project, 'plugin.json');
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    fail(`cannot read ${path}: ${err.message}`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) fail(`${path} must hold a JSON object`);
  if (typeof manifest.name !== 'string' || !NAME.test(manifest.name)) fail(`${path}: "name" must be lowercase letters, digits and '-', starting with a letter`);
  if ('component' in manifest) fail(`${path}: leave "component" out; the build sets it to plugin.wasm`);
  return manifest;
}

const project = process.cwd();
const args = parseArgs(process.argv.slice(2));
const manifest = readManifest(project);
const wit = join(project, 'wit', 'plugin.wit');
if (!existsSync(wit)) fail(`no WIT at ${wit}`);
// Resolve the tools from the project (its node_modules, or a workspace's above it).
const require = createRequire(join(project, 'package.json'));
const resolveTool = (id, pkg) => {
  try {
    return require.resolve(id);
  } catch {
    return fail(`cannot find ${pkg}: run \`npm install\` in ${project}`);
  }
};

const started = performance.now();
rmSync(join(project, 'build'), { recursive: true, force: true });
try {
  execFileSync(process.execPath, [resolveTool('typescript/bin/tsc', 'typescript'), '-p', join(project, 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  fail('tsc reported errors (above)');
}
const compiled = performance.now();

const entry = join(project, 'build', 'plugin.js');
if (!existsSync(entry)) fail(`tsc did not produce ${entry}: the entry module must be src/plugin.ts`);
const { componentize } = await import(resolveTool('componentize-qjs', 'componentize-qjs@0.4.5'));
let component;
try {
  // sync: no component-model async ABI (the host has none); stubWasi: the world imports no WASI.
  ({ component } = await componentize({ witPath: wit, jsSource: readFileSync(entry, 'utf8'), jsPath: entry, stubWasi: true, sync: true }));
} catch (err) {
  fail(`componentize-qjs failed: ${err.message}`);
}

const out = resolve(project, args.out);
const target = join(out, manifest.name);
const staging = join(out, `.${manifest.name}.tmp-${process.pid}`);
mkdirSync(staging, { recursive: true });
writeFileSync(join(staging, 'plugin.wasm'), component);
writeFileSync(join(staging, 'plugin.json'), `${JSON.stringify({ ...manifest, component: 'plugin.wasm' }, null, 2)}\n`);
rmSync(target, { recursive: true, force: true });
renameSync(staging, target);

const seconds = (ms) => (ms / 1000).toFixed(1);
process.stdout.write(
  `built ${target}: plugin.wasm ${(component.length / 1048576).toFixed(2)} MiB (tsc ${seconds(compiled - started)} s, componentize ${seconds(performance.now() - compiled)} s)\n`,
);
