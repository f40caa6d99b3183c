/**
 * The transpiled glue as a function body. jco's output is an ES module with one
 * export, `instantiate`; importing it as a module would leak: Node never frees
 * an ES module, so every reload (cache-busted with a query) would keep the old
 * glue alive. Compiled with `new Function`, the glue is collected with the
 * worker that ran it.
 */

import { setFlagsFromString } from 'node:v8';
import { speedUpGlue } from './glue-speedups.js';

/**
 * V8 leaves a function of more bytecode than this in its interpreter and
 * baseline tiers (default 60 KiB). jco's `handle` of the 0.2.0 world lowers and
 * lifts every event and command case in one function of about 85 KiB, so it
 * never reached the optimizing compiler: 35-40 % of a Rust learning-switch
 * event's CPU time (docs/benchmarks.md, "Wasm plugins"). Twice the default
 * leaves room for a larger world; a still larger glue is slower, not wrong.
 */
export const MAX_OPTIMIZED_BYTECODE_SIZE = 128 * 1024;

/** What the glue's `instantiate` returns for our world. */
export interface PluginExports {
  initialize(config: string): void;
  handle(events: readonly unknown[]): unknown[];
}

/** jco's `instantiate`; `instantiateCore` (default WebAssembly.instantiate) lets a benchmark wrap the core exports. */
export type Instantiate = (
  getCoreModule: (name: string) => Promise<WebAssembly.Module>,
  imports: Record<string, Record<string, unknown>>,
  instantiateCore?: (module: WebAssembly.Module, imports?: object) => Promise<{ exports: Record<string, unknown> }>,
) => Promise<PluginExports>;

/** Thrown when the glue is not in the shape this loader expects (another transpiler version). */
export class GlueShapeError extends Error {}

const EXPORT_LINE = /^export function instantiate\(/m;

/**
 * Turns jco's ES module text into the text of a function body that returns
 * `instantiate`. `import.meta.url` only appears in the fallback core-module
 * loader, which we never use (we always pass `getCoreModule`).
 * @throws GlueShapeError when the module has other exports or any import.
 */
export function glueToFunctionBody(moduleText: string): string {
  const matches = moduleText.match(/^export /gm) ?? [];
  if (matches.length !== 1 || !EXPORT_LINE.test(moduleText)) throw new GlueShapeError('expected exactly one export, `export function instantiate(`');
  const body = moduleText.replace(EXPORT_LINE, 'function instantiate(').replaceAll('import.meta.url', 'importMetaUrl');
  if (/^\s*import[\s{*]/m.test(body) || /\bimport\s*\(/.test(body) || /\bimport\.meta\b/.test(body)) throw new GlueShapeError('the glue imports modules; build the component without WASI so it has no imports but our interfaces');
  return `${body}\nreturn instantiate;`;
}

/**
 * Compiles a body made by `glueToFunctionBody`, with jco's per-call helpers
 * replaced by cheaper ones (glue-speedups.ts). Applied here rather than when the
 * glue is cached, so entries cached before the rewrites existed get them too.
 * Raises V8's bytecode limit for optimization (MAX_OPTIMIZED_BYTECODE_SIZE); a
 * V8 flag is process-wide, and only functions that large (jco glue) notice it.
 */
export function loadGlue(body: string): Instantiate {
  setFlagsFromString(`--max-optimized-bytecode-size=${MAX_OPTIMIZED_BYTECODE_SIZE}`);
  return new Function('importMetaUrl', speedUpGlue(body).text)('file:///sdn-runtime-plugin/') as Instantiate;
}
