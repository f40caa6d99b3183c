import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { CompiledComponent } from './compile-cache.js';
import { PluginLoadError } from './errors.js';
import { capMemory } from './wasm-memory.js';

/** Compiled core modules of one component under one memory cap, by module file name. */
export type CoreModules = ReadonlyMap<string, WebAssembly.Module>;

/** Entries kept; a component beyond that is compiled again when it next starts. */
const MAX_ENTRIES = 8;

/**
 * Compiled core modules, kept in the main thread by component hash and memory
 * cap, and handed to each plugin worker that runs them (a WebAssembly.Module
 * sent to a worker shares its compiled code: nothing is compiled or copied
 * again). A reload, a restart after a fault and the old and new version during
 * a swap then cost no compile. `WebAssembly.compile` does its work on V8's
 * background threads; the main thread only rewrites the memory section.
 */
export class ModuleCache {
  private readonly entries = new Map<string, Promise<CoreModules>>();

  constructor() {
    // QuickJS guests are built with extended constant expressions (on by default from Node 22). A V8 flag is process-wide.
    setFlagsFromString('--experimental-wasm-extended-const');
  }

  /**
   * @throws PluginLoadError 'memory' when the component needs more memory at
   *   start than `memoryPages`, 'notComponent' when a core module does not compile.
   */
  modules(plugin: string, compiled: CompiledComponent, memoryPages: number): Promise<CoreModules> {
    const key = `${compiled.hash}:${memoryPages}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = compileAll(plugin, compiled, memoryPages);
      // A failure is not kept: the same bytes fail again, but the error names this plugin.
      entry.catch(() => this.entries.delete(key));
      this.entries.set(key, entry);
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    } else {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }
}

async function compileAll(plugin: string, compiled: CompiledComponent, memoryPages: number): Promise<CoreModules> {
  const modules = new Map<string, WebAssembly.Module>();
  for (const name of compiled.coreModules) {
    try {
      const capped = capMemory(await readFile(join(compiled.dir, name)), memoryPages);
      if (capped.requiredPages > memoryPages) {
        throw new PluginLoadError(plugin, 'memory', `the component starts with ${Math.ceil(capped.requiredPages / 16)} MiB of memory; the manifest caps it at ${memoryPages / 16} MiB`);
      }
      modules.set(name, await WebAssembly.compile(capped.bytes));
    } catch (err) {
      if (err instanceof PluginLoadError) throw err;
      throw new PluginLoadError(plugin, 'notComponent', `core module ${name} does not compile: ${(err as Error).message}`, { cause: err });
    }
  }
  return modules;
}
