import type { WitWorldVersion } from '../core/event-kinds.js';
import { witEvent, type WorkerEvent } from './events-wire.js';
import type { Instantiate, PluginExports } from './glue.js';
import { GuestMemory, type LinearMemory, type Realloc } from './guest-memory.js';
import { liftCommands } from './hand-glue-lift.js';
import { lowerEvents, lowers } from './hand-glue-lower.js';
import type { WitCommand } from './wit-types.js';

/**
 * Hand-written glue for the one hot call, `handle`: the events are written into
 * the guest's memory and the commands read out of it through the core module's
 * exports (`cabi_realloc`, `memory`, `handle`, `cabi_post_handle`) by the
 * canonical ABI's flat layout (hand-glue-lower.ts, hand-glue-lift.ts); the
 * memory is the one that instance exports or imports. jco's
 * generated `handle` does the same generically for every case in one function
 * (and ~3/4 of a Rust event's CPU time went there: docs/benchmarks.md). jco's
 * glue still instantiates the component, runs `initialize` and the host
 * imports, and runs `handle` when the hand-written one cannot:
 * - a component of another world version (its layout differs: 0.1.0 has fewer
 *   action and event cases), or whose core instances do not export the four
 *   names (another toolchain): every batch (`jcoOnly` says why);
 * - a batch holding an event case not lowered by hand (hand-glue-lower.ts):
 *   that batch (`jcoBatches` counts them).
 * The events are the worker's (events-wire.ts `WorkerEvent`): a packet-in is
 * lowered from its frame here, and decoded into its WIT value for jco's glue.
 */

/** The world version whose layout the hand-written glue has. */
export const HAND_GLUE_WORLD: WitWorldVersion = '0.2.0';

/** The plugin's exports, and which glue its `handle` runs. */
export interface HandGlueExports extends PluginExports {
  /** Why every batch goes through jco's glue, or undefined when the hand-written one runs. */
  readonly jcoOnly: string | undefined;
  /** Batches that went through jco's glue since instantiation. */
  readonly jcoBatches: number;
}

type CoreInstantiate = NonNullable<Parameters<Instantiate>[2]>;

/** The core exports the hand-written glue calls. */
interface CoreHandle {
  readonly memory: LinearMemory;
  readonly realloc: Realloc;
  readonly handle: (events: number, count: number) => number;
  readonly postReturn: ((ret: number) => void) | undefined;
}

/**
 * The memory a core instance works on: the one it exports, or else the one
 * memory among its imports (a QuickJS component's `handle` instance imports
 * the memory of another instance).
 */
function memoryOf(exports: Record<string, unknown>, imports: object | undefined): LinearMemory | undefined {
  if (exports.memory instanceof WebAssembly.Memory) return exports.memory;
  const imported = Object.values(imports ?? {}).flatMap((namespace: unknown) => (typeof namespace === 'object' && namespace !== null ? Object.values(namespace) : [])).filter((v) => v instanceof WebAssembly.Memory);
  return imported.length === 1 ? (imported[0] as LinearMemory) : undefined;
}

function coreHandle(exports: Record<string, unknown>, imports: object | undefined): CoreHandle | undefined {
  const { cabi_realloc: realloc, handle, cabi_post_handle: postReturn } = exports;
  if (typeof handle !== 'function' || typeof realloc !== 'function') return undefined;
  if (postReturn !== undefined && typeof postReturn !== 'function') return undefined;
  const memory = memoryOf(exports, imports);
  if (memory === undefined) return undefined;
  return { memory, realloc: realloc as Realloc, handle: handle as CoreHandle['handle'], postReturn: postReturn as CoreHandle['postReturn'] };
}

const defaultInstantiateCore: CoreInstantiate = (module, imports) => WebAssembly.instantiate(module, imports);

/**
 * `instantiate` (jco's, glue.ts) with the hand-written `handle` for a component
 * of `world`. The core instances are made by `instantiateCore` as before (a
 * benchmark's wrapper of the core exports sees the hand-written glue's calls).
 * Threading: one call at a time, in the thread that instantiated.
 */
export function withHandWrittenHandle(instantiate: Instantiate, world: WitWorldVersion): (...args: Parameters<Instantiate>) => Promise<HandGlueExports> {
  return async (getCoreModule, imports, instantiateCore = defaultInstantiateCore) => {
    const found: CoreHandle[] = [];
    const capture: CoreInstantiate = async (module, coreImports) => {
      const instance = await instantiateCore(module, coreImports);
      const core = coreHandle(instance.exports, coreImports);
      if (core !== undefined) found.push(core);
      return instance;
    };
    const jco = await instantiate(getCoreModule, imports, capture);
    let jcoOnly: string | undefined;
    if (world !== HAND_GLUE_WORLD) jcoOnly = `the hand-written glue has the layout of ${HAND_GLUE_WORLD}, the component is ${world}`;
    else if (found.length !== 1) jcoOnly = `${found.length} core instances export cabi_realloc and handle with one memory (expected one)`;
    if (jcoOnly !== undefined) return { initialize: (config) => jco.initialize(config), handle: (events) => jco.handle((events as readonly WorkerEvent[]).map(witEvent)), jcoOnly, jcoBatches: 0 };
    const core = found[0]!;
    const memory = new GuestMemory(core.memory, core.realloc);
    let jcoBatches = 0;
    return {
      initialize: (config) => jco.initialize(config),
      handle(events: readonly unknown[]): WitCommand[] {
        const batch = events as readonly WorkerEvent[];
        if (!lowers(batch)) {
          jcoBatches++;
          return jco.handle(batch.map(witEvent)) as WitCommand[];
        }
        const ret = core.handle(lowerEvents(memory, batch), batch.length);
        const commands = liftCommands(memory, ret);
        core.postReturn?.(ret);
        return commands;
      },
      jcoOnly: undefined,
      get jcoBatches() {
        return jcoBatches;
      },
    };
  };
}
