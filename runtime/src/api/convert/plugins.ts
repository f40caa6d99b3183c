import {
  PluginState as PbPluginState,
  type PluginCounters as PbPluginCounters,
  type PluginError as PbPluginError,
  type PluginStateChange as PbPluginStateChange,
  type PluginStatus as PbPluginStatus,
} from '../../generated/sdn/runtime/v1/plugins.js';
import type { PluginCounters, PluginError, PluginStateChange, PluginStatus } from '../../plugins/index.js';

/** The plugin host's status values as the Plugins service sends them (proto/sdn/runtime/v1/plugins.proto). */

const STATES: Readonly<Record<PluginStateChange['state'] | PluginStateChange['previous'], PbPluginState>> = {
  new: PbPluginState.PLUGIN_STATE_UNSPECIFIED,
  loading: PbPluginState.PLUGIN_STATE_LOADING,
  running: PbPluginState.PLUGIN_STATE_RUNNING,
  restarting: PbPluginState.PLUGIN_STATE_RESTARTING,
  disabled: PbPluginState.PLUGIN_STATE_DISABLED,
  failed: PbPluginState.PLUGIN_STATE_FAILED,
  unloaded: PbPluginState.PLUGIN_STATE_UNLOADED,
};

const big = (record: Readonly<Record<string, number>>): Record<string, bigint> => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, BigInt(v)]));

function fromPluginError(e: PluginError | undefined): PbPluginError | undefined {
  return e === undefined ? undefined : { cause: e.cause, message: e.message, atMs: BigInt(e.atMs) };
}

function fromPluginCounters(c: PluginCounters): PbPluginCounters {
  return {
    batches: BigInt(c.batches),
    events: BigInt(c.events),
    eventsShed: BigInt(c.eventsShed),
    eventsDropped: BigInt(c.eventsDropped),
    commands: BigInt(c.commands),
    commandsInvalid: BigInt(c.commandsInvalid),
    commandsCut: BigInt(c.commandsCut),
    commandsUndeliverable: BigInt(c.commandsUndeliverable),
    restarts: BigInt(c.restarts),
    faults: big(c.faults),
    hostCalls: big(c.hostCalls),
    denied: big(c.denied),
  };
}

export function fromPluginStatus(s: PluginStatus): PbPluginStatus {
  return {
    name: s.name,
    version: s.version,
    manifestPath: s.manifestPath,
    componentHash: s.componentHash,
    state: STATES[s.state],
    capabilities: [...s.capabilities],
    subscriptions: [...s.subscriptions],
    queued: s.queued,
    counters: fromPluginCounters(s.counters),
    lastError: fromPluginError(s.lastError),
    loadedAtMs: BigInt(s.loadedAtMs),
  };
}

export function fromPluginStateChange(c: PluginStateChange): PbPluginStateChange {
  return { name: c.name, version: c.version, state: STATES[c.state], previous: STATES[c.previous], reason: c.reason, error: fromPluginError(c.error), atMs: BigInt(c.atMs), current: false };
}

/** What a watch sends first for a plugin: the state it is in, marked `current`. */
export function currentPluginState(s: PluginStatus, nowMs: number): PbPluginStateChange {
  const state = STATES[s.state];
  return { name: s.name, version: s.version, state, previous: state, reason: `${s.state} (current state)`, error: fromPluginError(s.lastError), atMs: BigInt(nowMs), current: true };
}
