import type { FaultCause } from './runner.js';
import { HOST_INTERFACES } from './wire.js';

/** Where a plugin is in its life (README.md has the diagram). */
export type PluginState = 'loading' | 'running' | 'restarting' | 'disabled' | 'failed';

export interface PluginCounters {
  batches: number;
  /** Events handed to the plugin (in batches that completed or faulted). */
  events: number;
  /** Packet-ins not queued because the plugin's queue was full. */
  eventsShed: number;
  /** Events of batches that faulted (never re-delivered: a poison batch would loop). */
  eventsDropped: number;
  commands: number;
  commandsInvalid: number;
  /** Commands beyond maxCommandsPerBatch. */
  commandsCut: number;
  /** Valid commands for a switch that is not connected (or that refused them). */
  commandsUndeliverable: number;
  restarts: number;
  readonly faults: Record<FaultCause | 'init', number>;
  readonly hostCalls: Record<string, number>;
  readonly denied: Record<string, number>;
}

export function emptyCounters(): PluginCounters {
  const byInterface = (): Record<string, number> => Object.fromEntries(HOST_INTERFACES.map((i) => [i, 0]));
  return { batches: 0, events: 0, eventsShed: 0, eventsDropped: 0, commands: 0, commandsInvalid: 0, commandsCut: 0, commandsUndeliverable: 0, restarts: 0, faults: { deadline: 0, trap: 0, crash: 0, init: 0 }, hostCalls: byInterface(), denied: byInterface() };
}

export interface PluginError {
  /** deadline, trap, crash, init, load, invalidCommand, ... */
  readonly cause: string;
  readonly message: string;
  readonly atMs: number;
}

/** What `PluginManager.list()` reports for one plugin (the Plugins gRPC service's view). */
export interface PluginStatus {
  readonly name: string;
  /** The running version (or the one that failed to load, for a `failed` plugin). */
  readonly version: string;
  /** The plugin.json it was loaded from. */
  readonly manifestPath: string;
  /** sha256 of the component, hex. Empty when it never got that far. */
  readonly componentHash: string;
  readonly state: PluginState;
  readonly capabilities: readonly string[];
  readonly subscriptions: readonly string[];
  /** Events waiting for the next batch. */
  readonly queued: number;
  readonly counters: PluginCounters;
  readonly lastError: PluginError | undefined;
  /** When the running version was swapped in, ms since the epoch. */
  readonly loadedAtMs: number;
}

/**
 * Published on every state change, with state `unloaded` when a plugin is
 * removed, and with `state === previous` when a new version was rejected and
 * the plugin stays as it was.
 */
export interface PluginStateChange {
  readonly name: string;
  /** The version the change concerns: the new one for a swap or a rejection. */
  readonly version: string;
  readonly state: PluginState | 'unloaded';
  readonly previous: PluginState | 'unloaded' | 'new';
  readonly reason: string;
  /** The fault or load failure behind the change, when there was one. */
  readonly error?: PluginError | undefined;
  readonly atMs: number;
}
