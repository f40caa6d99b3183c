import type { Logger } from 'pino';
import type { PluginMetrics, PluginTally } from '../observability/metrics.js';
import { applyOutputs, type OutputSink } from './apply-outputs.js';
import type { CompiledComponent } from './compile-cache.js';
import { eventKind, type HostEvent } from './events-wire.js';
import { PluginLogGate } from './log-gate.js';
import type { PluginManifest } from './manifest.js';
import { MAX_IN_FLIGHT } from './channel.js';
import type { BatchOutcome, PluginRunner, RunnerFault } from './runner.js';
import { emptyCounters, type PluginError, type PluginState, type PluginStateChange, type PluginStatus } from './status.js';
import type { Outputs } from './wire.js';

/** Supervision policy of every plugin. */
export interface SlotPolicy {
  /** Faults within `faultWindowMs` that disable a plugin. */
  readonly maxFaults: number;
  readonly faultWindowMs: number;
  /** First restart delay; doubles with each fault in the window. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Events a plugin may have waiting, in batches of its maxBatchSize; packet-ins beyond are shed. */
  readonly queueBatches: number;
  readonly initTimeoutMs: number;
  /**
   * How long the worker looks for the next batch after each reply before it
   * sleeps, in microseconds (channel.ts). 0 sleeps at once: lowest CPU, a
   * thread wake-up (10-150 µs) per hop.
   */
  readonly spinMicros: number;
  /**
   * How long the main thread looks for a batch's reply (between event-loop
   * turns) before it sleeps, in microseconds: a reply is coming, so this is
   * longer (a batch of 64 of a compiled guest takes a few hundred µs).
   */
  readonly replySpinMicros: number;
  /** Log lines a plugin may write per second, sustained; beyond it (and its burst) lines are dropped and counted. */
  readonly logLinesPerSecond: number;
  readonly logBurst: number;
}

export interface SlotHost extends OutputSink {
  readonly log: Logger;
  readonly metrics: PluginMetrics;
  readonly policy: SlotPolicy;
  /** A new runner for the same component and manifest (a restart after a deadline or crash). */
  spawn(manifest: PluginManifest, compiled: CompiledComponent): Promise<PluginRunner>;
  stateChanged(change: PluginStateChange): void;
  /** The plugin's app id: it gets the packet-ins and flow-removed events of its own flows (and table misses), not another app's. */
  readonly appId: number;
}

/** The running version and how it was loaded. */
interface Version {
  readonly manifest: PluginManifest;
  readonly manifestPath: string;
  readonly compiled: CompiledComponent;
  readonly runner: PluginRunner;
}

/**
 * A burst of at least this many queued events, arriving with no batch in
 * flight, goes to the worker as two batches: this thread applies the first
 * one's outputs while the worker runs the second.
 */
export const SPLIT_AT = 16;

/**
 * One plugin by name: its event queue, the version that serves it, the batches
 * in flight (up to two: the worker runs one, the next waits in the channel), and
 * its supervision (restart with backoff, disable after repeated faults). A new
 * version is staged while the old one serves; the dispatch pointer flips once
 * no batch is in flight, so every event goes to exactly one version. A fault
 * drops the batch behind the faulted one too, and is one fault.
 */
export class PluginSlot {
  readonly name: string;
  private current: Version;
  private staged: { version: Version; flipped: () => void } | undefined;
  private state: PluginState = 'running';
  private readonly queue: HostEvent[] = [];
  private inFlight = 0;
  /** The cause of a restart that waits for the batches in flight to settle (the worker answers them before it can re-instantiate). */
  private restartWhenSettled: RunnerFault['kind'] | 'init' | undefined;
  private batchSeq = 0;
  private faultTimes: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly host: SlotHost;
  private readonly loggedCauses = new Set<string>();
  private loadedAtMs = Date.now();
  private lastError: PluginError | undefined;
  private closed = false;
  readonly counters = emptyCounters();
  /** Kept across versions and restarts: a plugin that restarts does not get a fresh budget. */
  private readonly logs: PluginLogGate;
  /** The per-batch metrics, in plain numbers until scraped. */
  private readonly tally: PluginTally;

  /** `previous`: what the manager reported before the slot existed (`loading`, or `failed` for an earlier attempt). */
  constructor(host: SlotHost, version: Version, initOutputs: Outputs, previous: PluginState | 'new') {
    this.host = host;
    this.name = version.manifest.name;
    this.current = version;
    this.tally = host.metrics.tally(this.name);
    this.logs = new PluginLogGate(this.name, host.log, host.metrics.logLinesDropped, { linesPerSecond: host.policy.logLinesPerSecond, burst: host.policy.logBurst }, performance.now());
    this.apply(initOutputs);
    // The manager's placeholder states are not in the state gauge: count only the new one.
    this.setState('running', 'new', `version ${version.manifest.version} loaded`, undefined, previous);
  }

  get manifest(): PluginManifest {
    return this.current.manifest;
  }

  get manifestPath(): string {
    return this.current.manifestPath;
  }

  /** Queues an event the plugin subscribes to; returns false when it does not. */
  offer(event: HostEvent): boolean {
    if (this.closed || this.state === 'disabled' || !this.subscribed(event)) return false;
    if ((event.type === 'packetIn' || event.type === 'flowRemoved') && event.owner !== undefined && event.owner !== this.host.appId) return false;
    // A burst (one socket read can offer hundreds of events) runs as one task: the worker's replies are taken as they come, not after it.
    if (this.inFlight === MAX_IN_FLIGHT) this.current.runner.poll();
    if (event.type === 'packetIn' && this.queue.length >= this.host.policy.queueBatches * this.current.manifest.limits.maxBatchSize) {
      this.counters.eventsShed++;
      this.host.metrics.eventsShed.inc({ plugin: this.name });
      return false;
    }
    this.queue.push(event);
    if (this.queue.length === 1) queueMicrotask(() => this.dispatch());
    // A full batch need not wait for the offering task to end.
    else if (this.queue.length >= this.current.manifest.limits.maxBatchSize && this.inFlight < MAX_IN_FLIGHT) this.dispatch();
    return true;
  }

  private subscribed(event: HostEvent): boolean {
    const kind = eventKind(event);
    const subs = this.current.manifest.subscriptions;
    if (kind === undefined || !subs.kinds.has(kind)) return false;
    return subs.dpids.size === 0 || !('dpid' in event) || subs.dpids.has(event.dpid);
  }

  /**
   * A fresh instance (after a restart) knows no switch: like a newly loaded
   * plugin, it gets a switch-up for each connected switch, ahead of the queue.
   * The queue's own switch-ups and switch-downs of those switches are dropped:
   * the replay says where each one stands now.
   */
  private replaySwitchUps(): void {
    const ups = this.host.switches.list().flatMap((view) => {
      const up = { type: 'switchUp', node: view.node, dpid: view.dpid, view } as const;
      return this.subscribed(up) ? [up] : [];
    });
    if (ups.length === 0) return;
    const replayed = new Set(ups.map((e) => e.dpid));
    const rest = this.queue.filter((e) => !((e.type === 'switchUp' || e.type === 'switchDown') && replayed.has(e.dpid)));
    this.queue.splice(0, this.queue.length, ...ups, ...rest);
  }

  /**
   * Makes `version` (already initialized) the one that serves, between two
   * batches; resolves once it does. The old worker finishes its batch in flight,
   * then is terminated.
   */
  stage(version: Version, initOutputs: Outputs): Promise<void> {
    this.apply(initOutputs, version.manifest);
    return new Promise((resolve) => {
      this.staged?.version.runner.terminate().catch(() => undefined);
      this.staged = { version, flipped: resolve };
      if (this.inFlight === 0) this.flip();
    });
  }

  /** Stops the plugin now: the batch in flight (if any) is abandoned. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    const staged = this.staged;
    this.staged = undefined;
    await Promise.all([this.current.runner.terminate(), staged?.version.runner.terminate()]);
    this.host.metrics.byState.dec({ state: this.state });
    this.host.stateChanged({ name: this.name, version: this.current.manifest.version, state: 'unloaded', previous: this.state, reason: 'unloaded', atMs: Date.now() });
  }

  status(): PluginStatus {
    const m = this.current.manifest;
    return {
      name: this.name,
      version: m.version,
      manifestPath: this.current.manifestPath,
      componentHash: this.current.compiled.hash,
      state: this.state,
      capabilities: [...m.capabilities],
      subscriptions: [...m.subscriptions.kinds],
      queued: this.queue.length,
      counters: this.counters,
      lastError: this.lastError,
      loadedAtMs: this.loadedAtMs,
    };
  }

  /** Records a rejected new version (the running one stays) and reports it as a change to the same state. */
  recordLoadError(version: string, message: string): void {
    this.lastError = { cause: 'load', message, atMs: Date.now() };
    const reason = `version ${version} rejected; version ${this.current.manifest.version} stays ${this.state}`;
    this.host.stateChanged({ name: this.name, version, state: this.state, previous: this.state, reason, error: this.lastError, atMs: this.lastError.atMs });
  }

  private flip(): void {
    const staged = this.staged;
    if (staged === undefined) return;
    this.staged = undefined;
    const old = this.current;
    this.current = staged.version;
    clearTimeout(this.restartTimer);
    this.restartWhenSettled = undefined;
    this.faultTimes = [];
    this.loggedCauses.clear();
    this.loadedAtMs = Date.now();
    // Events queued for the old subscriptions that the new version does not want.
    const subs = staged.version.manifest.subscriptions;
    const keep = this.queue.filter((e) => {
      const kind = eventKind(e);
      return kind !== undefined && subs.kinds.has(kind) && (subs.dpids.size === 0 || !('dpid' in e) || subs.dpids.has(e.dpid));
    });
    this.queue.splice(0, this.queue.length, ...keep);
    old.runner.terminate().catch(() => undefined);
    this.setState('running', this.state, `version ${staged.version.manifest.version} swapped in`);
    staged.flipped();
    queueMicrotask(() => this.dispatch());
  }

  /** Hands queued events to the worker while fewer than MAX_IN_FLIGHT batches are in flight (none while a new version waits to flip in). */
  private dispatch(): void {
    while (!this.closed && this.state === 'running' && this.staged === undefined && this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const limit = this.current.manifest.limits.maxBatchSize;
      const size = this.inFlight === 0 && this.queue.length >= SPLIT_AT ? Math.min(limit, Math.ceil(this.queue.length / 2)) : limit;
      const batch = this.queue.splice(0, size);
      const id = ++this.batchSeq;
      const runner = this.current.runner;
      const started = performance.now();
      this.inFlight++;
      runner.runBatch(batch, id, this.host.appId, (outcome: BatchOutcome) => {
        if (outcome.ok) this.batchDone(runner, batch.length, started, outcome.outputs);
        else this.batchFailed(runner, batch.length, started, outcome.fault);
      });
    }
  }

  /** After a batch settled: a restart waiting for the last one runs now. */
  private settled(): void {
    const cause = this.restartWhenSettled;
    if (this.inFlight > 0 || cause === undefined) return;
    this.restartWhenSettled = undefined;
    void this.restart(cause);
  }

  private countBatch(events: number, started: number): void {
    this.counters.batches++;
    this.counters.events += events;
    this.tally.batches++;
    this.tally.events += events;
    this.tally.batchSeconds.observe((performance.now() - started) / 1000);
  }

  private batchDone(runner: PluginRunner, events: number, started: number, outputs: Outputs): void {
    this.inFlight--;
    this.countBatch(events, started);
    this.tally.guestSeconds += outputs.guestMicros / 1e6;
    const serving = runner === this.current.runner;
    // The next batch first: the worker runs it while this thread applies these outputs.
    if (serving) this.dispatch();
    // Applied from within the reply's hand-out, so no later reply is taken meanwhile (MainChannel.poll): commands leave in batch order.
    if (!this.closed) this.apply(outputs, runner.manifest);
    if (serving && this.staged !== undefined && this.inFlight === 0) this.flip();
    this.settled();
  }

  private batchFailed(runner: PluginRunner, events: number, started: number, fault: RunnerFault): void {
    this.inFlight--;
    this.countBatch(events, started);
    this.counters.eventsDropped += events;
    this.host.metrics.eventsDropped.inc({ plugin: this.name }, events);
    if (!this.closed && runner === this.current.runner) {
      // A batch behind a faulted one (the state is no longer running) is dropped with it: one fault, not two.
      if (this.state === 'running') this.fault(fault.kind, fault.message);
      if (this.staged !== undefined && this.inFlight === 0) this.flip();
    }
    this.settled();
  }

  private fault(cause: RunnerFault['kind'] | 'init', message: string): void {
    this.counters.faults[cause]++;
    this.host.metrics.faults.inc({ plugin: this.name, cause });
    this.problem(cause, message);
    const now = Date.now();
    const { maxFaults, faultWindowMs, backoffBaseMs, backoffMaxMs } = this.host.policy;
    this.faultTimes = [...this.faultTimes.filter((t) => now - t < faultWindowMs), now];
    if (this.faultTimes.length >= maxFaults) {
      void this.current.runner.terminate();
      const dropped = this.queue.splice(0).length;
      this.counters.eventsDropped += dropped;
      this.host.metrics.eventsDropped.inc({ plugin: this.name }, dropped);
      this.setState('disabled', this.state, `${this.faultTimes.length} faults within ${faultWindowMs / 1000} s (last: ${cause}); reload it to run it again`, this.lastError);
      return;
    }
    const delay = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (this.faultTimes.length - 1));
    this.setState('restarting', this.state, `${cause}: restarting in ${delay} ms`, this.lastError);
    this.restartTimer = setTimeout(() => void this.restart(cause), delay);
  }

  private async restart(cause: RunnerFault['kind'] | 'init'): Promise<void> {
    if (this.inFlight > 0) {
      this.restartWhenSettled = cause;
      return;
    }
    const version = this.current;
    let runner = version.runner;
    try {
      let outputs: Outputs;
      if (cause === 'trap' && runner.alive) outputs = await runner.reinstantiate(this.host.policy.initTimeoutMs);
      else {
        void runner.terminate();
        runner = await this.host.spawn(version.manifest, version.compiled);
        if (this.closed || this.current !== version) {
          void runner.terminate();
          return;
        }
        this.current = { ...version, runner };
        outputs = await runner.ready(this.host.policy.initTimeoutMs);
      }
      if (this.closed || this.current.runner !== runner) return;
      this.counters.restarts++;
      this.apply(outputs);
      this.setState('running', this.state, `restarted after ${cause}`);
      this.replaySwitchUps();
      this.dispatch();
    } catch (err) {
      if (this.closed || this.current.runner !== runner) return;
      this.fault('init', `restart failed: ${(err as Error).message}`);
    }
  }

  /** `manifest`: of the version that produced the outputs (a staged one's initialize runs before the flip). */
  private apply(outputs: Outputs, manifest: PluginManifest = this.current.manifest): void {
    applyOutputs(this.name, manifest, outputs, this.host, this.counters, this.host.metrics, this.logs, (cause, message) => this.problem(cause, message));
  }

  private problem(cause: string, message: string): void {
    this.lastError = { cause, message, atMs: Date.now() };
    if (this.loggedCauses.has(cause)) return;
    this.loggedCauses.add(cause);
    this.host.log.warn({ plugin: this.name, version: this.current.manifest.version, cause }, `plugin ${this.name}: ${message} (further ${cause} problems of this version are only counted)`);
  }

  private setState(state: PluginState, previous: PluginState | 'new', reason: string, error?: PluginError, reported: PluginState | 'new' = previous): void {
    if (previous !== 'new') this.host.metrics.byState.dec({ state: previous });
    this.host.metrics.byState.inc({ state });
    this.state = state;
    this.host.stateChanged({ name: this.name, version: this.current.manifest.version, state, previous: reported, reason, error, atMs: Date.now() });
  }
}
