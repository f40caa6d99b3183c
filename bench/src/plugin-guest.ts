import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { AppEvent } from '../../runtime/dist/core/index.js';
import { Reader, Writer } from '../../runtime/dist/openflow/index.js';
import type { CompiledComponent } from '../../runtime/dist/plugins/compile-cache.js';
import { eventKind, readEvent, witEvent, writeEvent } from '../../runtime/dist/plugins/events-wire.js';
import { loadGlue, type Instantiate, type PluginExports } from '../../runtime/dist/plugins/glue.js';
import { withHandWrittenHandle } from '../../runtime/dist/plugins/hand-glue.js';

/**
 * The guest alone: a compiled component instantiated in this thread with host
 * imports that do nothing, its `handle` called with the WIT values a plugin
 * worker would build. The time per event here is the glue (lowering events,
 * lifting commands) plus the guest's own code; what the plugin host adds on top
 * is the difference to the same events sent through the manager.
 */

setFlagsFromString('--experimental-wasm-extended-const');

/** A compiled core module, as the glue asks for it. */
type CoreModule = Awaited<ReturnType<Parameters<Instantiate>[0]>>;

/** The WebAssembly calls used here (lib ES2023 without DOM does not declare the namespace). */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object>; instantiate(module: object, imports?: object): Promise<object> } }).WebAssembly;

/** Nanoseconds spent inside the core module's `handle` export (the guest's own code, no glue), summed over calls. */
export interface CoreTimer {
  ns: number;
}

/**
 * The component instantiated in this thread; with `core`, the core module's
 * `handle` export is timed, so that glue (lowering events, lifting commands)
 * and guest code can be told apart.
 */
export async function instantiateDirect(compiled: CompiledComponent, config: string, core?: CoreTimer): Promise<PluginExports> {
  // As a plugin worker runs it: the hand-written `handle` glue where it applies.
  const glue = withHandWrittenHandle(loadGlue(readFileSync(join(compiled.dir, 'glue.js'), 'utf8')), compiled.world);
  const modules = new Map<string, object>();
  for (const name of compiled.coreModules) modules.set(name, await wasm.compile(readFileSync(join(compiled.dir, name))));
  const nothing = (): void => undefined;
  const imports = {
    'sdn:plugin/types': {},
    'sdn:plugin/openflow': { send: nothing },
    'sdn:plugin/pubsub': { publish: nothing },
    'sdn:plugin/kv': { get: () => undefined, put: nothing, delete: nothing },
    'sdn:plugin/log': { log: nothing },
    'sdn:plugin/clock': { nowMs: () => BigInt(Date.now()) },
  };
  const instantiateCore = async (module: CoreModule, coreImports?: object): Promise<{ exports: Record<string, unknown> }> => {
    const { exports } = (await wasm.instantiate(module, coreImports)) as { exports: Record<string, unknown> };
    const handle = exports.handle as ((events: number, count: number) => number) | undefined;
    if (core === undefined || handle === undefined) return { exports };
    const timed = (events: number, count: number): number => {
      const entered = process.hrtime.bigint();
      const returned = handle(events, count);
      core.ns += Number(process.hrtime.bigint() - entered);
      return returned;
    };
    return { exports: { ...exports, handle: timed } };
  };
  const instance = await glue(async (name) => modules.get(name) as CoreModule, imports, instantiateCore);
  instance.initialize(config);
  return instance;
}

/** The app id the benchmark's plugin has for the cookie rule: its packet-ins carry cookie 0, which every app is shown as it is. */
export const BENCH_APP_ID = 1;

/** The WIT values of `events`, as a worker reads them off the wire and jco's glue gets them (a packet-in decoded from its frame). */
export function witEvents(events: readonly AppEvent[]): unknown[] {
  const w = new Writer(256);
  for (const e of events) writeEvent(w, e, eventKind(e)!, BENCH_APP_ID);
  const r = new Reader(w.buf, 0, w.pos, 'bench');
  return events.map(() => witEvent(readEvent(r)));
}
