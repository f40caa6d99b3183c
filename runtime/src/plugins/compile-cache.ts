import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WitWorldVersion } from '../core/event-kinds.js';
import { PluginLoadError } from './errors.js';
import { worldVersion } from './world-version.js';

/** The transpiler that made the cached glue; a cache entry from another one is made again. */
export const TRANSPILER = '@bytecodealliance/jco-transpile@0.1.1';

/** Interfaces of the sdn:plugin world, as the transpiler names imports (unversioned). */
export const WORLD_IMPORTS: ReadonlySet<string> = new Set(['sdn:plugin/types', 'sdn:plugin/openflow', 'sdn:plugin/pubsub', 'sdn:plugin/kv', 'sdn:plugin/log', 'sdn:plugin/clock']);
const REQUIRED_EXPORTS = ['initialize', 'handle'];
/** `\0asm`, then version 0x0d and layer 1: the preamble of every binary component (a core module has version 1, layer 0). */
const COMPONENT_PREAMBLE = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);
/** Longest transpiler message passed on: it may quote the input (text formats are echoed line by line). */
const MAX_TRANSPILER_MESSAGE = 200;

/** A transpiled component in the cache: `dir` holds glue.js and the core modules. */
export interface CompiledComponent {
  readonly hash: string;
  readonly dir: string;
  readonly coreModules: readonly string[];
  readonly imports: readonly string[];
  /** `name:kind` ("handle:function"). */
  readonly exports: readonly string[];
  /** True when the cache already held it (no transpile ran). */
  readonly cached: boolean;
  /** The `sdn:plugin` world version it was built for (world-version.ts). */
  readonly world: WitWorldVersion;
}

/** What the cache keeps of a component; the world version is read from the bytes on each load. */
type Transpiled = Omit<CompiledComponent, 'world'>;

interface Meta {
  readonly transpiler: string;
  readonly imports: string[];
  readonly exports: string[];
  readonly coreModules: string[];
}

type CompileAnswer = { ok: true; imports: string[]; exports: string[]; coreModules: string[] } | { ok: false; message: string };

/**
 * Transpiles components once and keeps the result under `<cacheDir>/<sha256>/`,
 * so loading a component seen before (a reload, a restart of the runtime) skips
 * the transpile. Transpiling runs in a worker thread; concurrent requests for
 * the same bytes share one transpile.
 */
export class CompileCache {
  readonly cacheDir: string;
  private readonly pending = new Map<string, Promise<Transpiled>>();
  /** Transpiles run by this cache (for metrics and tests). */
  transpiles = 0;

  constructor(cacheDir: string) {
    this.cacheDir = cacheDir;
  }

  /**
   * @throws PluginLoadError 'notComponent' when the bytes do not transpile,
   *   'wrongWorld' / 'missingExport' when the component does not fit the world.
   */
  async compile(plugin: string, bytes: Uint8Array): Promise<CompiledComponent> {
    checkPreamble(plugin, bytes);
    const hash = createHash('sha256').update(bytes).digest('hex');
    let job = this.pending.get(hash);
    if (job === undefined) {
      job = this.lookupOrTranspile(plugin, hash, bytes).finally(() => this.pending.delete(hash));
      this.pending.set(hash, job);
    }
    const compiled = await job;
    checkWorld(plugin, compiled);
    // Read from the bytes on every load (cheap: section headers and the imports), so older cache entries need no field.
    const world = worldVersion(bytes);
    if (!world.ok) throw new PluginLoadError(plugin, 'wrongWorld', `not a component of the sdn:plugin world: ${world.reason}`);
    return { ...compiled, world: world.version };
  }

  private async lookupOrTranspile(plugin: string, hash: string, bytes: Uint8Array): Promise<Transpiled> {
    const dir = join(this.cacheDir, hash);
    const meta = await readMeta(dir);
    if (meta !== undefined && meta.transpiler === TRANSPILER) return { hash, dir, ...meta, cached: true };
    const tmp = join(this.cacheDir, `.tmp-${hash}-${process.pid}-${Date.now()}`);
    await mkdir(this.cacheDir, { recursive: true });
    this.transpiles++;
    const answer = await runCompileWorker(bytes, tmp);
    if (!answer.ok) {
      await rm(tmp, { recursive: true, force: true });
      throw new PluginLoadError(plugin, 'notComponent', `not a WebAssembly component this host can load: ${firstLine(answer.message)}`);
    }
    const fresh: Meta = { transpiler: TRANSPILER, imports: answer.imports, exports: answer.exports, coreModules: answer.coreModules };
    await writeFile(join(tmp, 'meta.json'), JSON.stringify(fresh));
    // Written last and renamed into place: a crash never leaves a half entry under the hash.
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return { hash, dir, ...fresh, cached: false };
  }
}

async function readMeta(dir: string): Promise<Meta | undefined> {
  const file = join(dir, 'meta.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Meta;
  } catch {
    // An unreadable entry is made again.
    return undefined;
  }
}

function runCompileWorker(bytes: Uint8Array, outDir: string): Promise<CompileAnswer> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./compile-worker.js', import.meta.url), { workerData: { bytes, outDir } });
    let answered = false;
    worker.once('message', (answer: CompileAnswer) => {
      answered = true;
      resolve(answer);
      void worker.terminate();
    });
    worker.once('error', (err) => resolve({ ok: false, message: err.message }));
    worker.once('exit', (code) => {
      if (!answered) resolve({ ok: false, message: `the transpiler exited with code ${code}` });
    });
  });
}

/**
 * Refuses anything but a binary component before the transpiler sees it: the
 * transpiler also reads the text format, and its errors then quote the input.
 * The error shows at most the first 8 bytes, in hex.
 * @throws PluginLoadError 'notComponent'
 */
export function checkPreamble(plugin: string, bytes: Uint8Array): void {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, COMPONENT_PREAMBLE.length));
  if (head.equals(COMPONENT_PREAMBLE)) return;
  throw new PluginLoadError(plugin, 'notComponent', `not a WebAssembly component this host can load: its ${bytes.length} bytes start with ${head.toString('hex') || 'nothing'}, a component's with ${COMPONENT_PREAMBLE.toString('hex')} (a core module's with 0061736d01000000)`);
}

/** The first line of a transpiler message, bounded. */
function firstLine(message: string): string {
  const line = message.split('\n', 1)[0]!;
  return line.length <= MAX_TRANSPILER_MESSAGE ? line : `${line.slice(0, MAX_TRANSPILER_MESSAGE)}...`;
}

function checkWorld(plugin: string, c: Transpiled): void {
  const foreign = c.imports.filter((i) => !WORLD_IMPORTS.has(i));
  if (foreign.length > 0) {
    throw new PluginLoadError(plugin, 'wrongWorld', `the component imports ${foreign.join(', ')}, which the sdn:plugin world does not provide (build it for wit/plugin.wit with WASI disabled: componentize-qjs --stub-wasi, jco componentize --disable all)`);
  }
  const missing = REQUIRED_EXPORTS.filter((e) => !c.exports.includes(`${e}:function`));
  if (missing.length > 0) {
    throw new PluginLoadError(plugin, 'missingExport', `the component does not export ${missing.join(' and ')} (it exports ${c.exports.join(', ') || 'nothing'}); is it built for the sdn:plugin world "plugin" (0.2.0 or 0.1.0)?`);
  }
}
