import { MessageChannel, type Worker } from 'node:worker_threads';
import { Reader } from '../openflow/index.js';
import type { KvStore } from '../store/index.js';
import { createChannelShared, MainChannel, MAX_IN_FLIGHT, type SpinPolicy } from './channel.js';
import type { CompiledComponent } from './compile-cache.js';
import { PluginLoadError, type PluginLoadReason } from './errors.js';
import { eventKind, writeEvent, type HostEvent } from './events-wire.js';
import { createKvBuffer, serveKv } from './kv-bridge.js';
import type { PluginManifest } from './manifest.js';
import type { CoreModules } from './module-cache.js';
import type { AssignMessage } from './plugin-worker.js';
import { CpuMarks } from './thread-cpu.js';
import { MSG_BATCH, MSG_FAULT, MSG_REINSTANTIATE, MSG_REPLY, readOutputs, readStr, type Outputs } from './wire.js';

export type FaultCause = 'deadline' | 'trap' | 'crash';

/** How a batch ended: with the plugin's outputs, or with a fault. */
export type BatchOutcome = { readonly ok: true; readonly outputs: Outputs } | { readonly ok: false; readonly fault: RunnerFault };

/** A batch that did not complete; `kind` says whether the worker is still alive (trap) or gone. */
export class RunnerFault extends Error {
  readonly kind: FaultCause;

  constructor(kind: FaultCause, message: string) {
    super(message);
    this.kind = kind;
  }
}

/**
 * Where the start of a worker went, in ms: `workerMs` from creating the runner
 * until the worker had its plugin (a spare: a message's trip; a new worker:
 * thread, isolate, module graph), then loading the glue, instantiating, and
 * `initialize`. After a re-instantiation only the last two are non-zero.
 */
export interface StartupTimes {
  readonly workerMs: number;
  readonly glueMs: number;
  readonly instantiateMs: number;
  readonly initializeMs: number;
}

interface WorkerStartup extends Omit<StartupTimes, 'workerMs'> {
  readonly assignedAt: number;
}

type WorkerMessage = { t: 'ready'; out: ArrayBuffer; startup: WorkerStartup; handleGlue: string; cpuFile: string | undefined } | { t: 'failed'; reason: PluginLoadReason; message: string } | { t: 'kv' };

interface Pending {
  readonly batchId: number;
  /** performance.now() when the worker started the batch, as far as this thread knows: when it was handed over, or when the batch before it was answered. */
  startedMs: number;
  readonly done: (outcome: BatchOutcome) => void;
}

interface Starting {
  readonly resolve: (o: Outputs) => void;
  readonly reject: (e: PluginLoadError) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The main-thread side of one plugin worker: gives it its plugin, hands it
 * batches through the batch channel (channel.ts), up to two at a time (the
 * worker runs them in order: the second waits in the channel, so the worker
 * starts it without waiting for this thread), and enforces the deadline from
 * here (a guest in an endless loop cannot be interrupted from inside its own
 * thread: `terminate()` is the only way). Answers the worker's KV calls. Never
 * blocks the main thread.
 *
 * One timer serves every deadline: it is armed when a batch starts and no
 * timer is, and when it fires it either faults the batch the worker runs (if
 * that batch is past its deadline) or re-arms for the batch's remaining time.
 * A batch waiting behind another starts its deadline when the one before it is
 * answered.
 * Creating and clearing a timer per batch cost more than a small batch itself.
 *
 * The deadline is the guest's CPU time where Linux gives a thread's
 * (thread-cpu.ts): a batch past its deadline in wall time whose worker has
 * used less than the deadline on a CPU (it waited for a core, or for a KV
 * answer) gets the rest of its deadline again, up to `WALL_CAP_FACTOR` times
 * the deadline (at least `WALL_CAP_MIN_MS`) of wall time.
 */
const WALL_CAP_FACTOR = 20;
const WALL_CAP_MIN_MS = 2000;
/** The shortest re-check of a batch that has not yet used its deadline of CPU. */
const RECHECK_MIN_MS = 5;

export class PluginRunner {
  readonly manifest: PluginManifest;
  readonly compiled: CompiledComponent;
  private readonly worker: Worker;
  private readonly kvBuffer = createKvBuffer();
  private readonly kv: KvStore | undefined;
  private readonly channel: MainChannel;
  /** Batches handed over and not answered, oldest (the one the worker runs) first. */
  private readonly pending: Pending[] = [];
  private starting: Starting | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  /** The worker thread's CPU time, once it said where to read it. */
  private cpu: CpuMarks | undefined;
  /** Epoch ms (sub-ms) when the worker was created. */
  private readonly createdAt = performance.timeOrigin + performance.now();
  private startedOnce = false;
  private lastStartup: StartupTimes | undefined;
  private lastHandleGlue = '';
  private dead = false;
  private exitReason = '';

  /**
   * Runs `compiled` (its core `modules`, compiled with the manifest's memory
   * cap) in `worker`, a plugin worker waiting for its `assign` message, which
   * the runner owns from now on. `spin`: how long each side of the batch
   * channel looks for the other's message before it sleeps, and the gate that
   * stops it while the CPUs are contended (channel.ts, cpu-pressure.ts).
   */
  constructor(manifest: PluginManifest, compiled: CompiledComponent, modules: CoreModules, kv: KvStore | undefined, spin: SpinPolicy, worker: Worker) {
    this.manifest = manifest;
    this.compiled = compiled;
    this.kv = kv;
    const shared = createChannelShared(spin);
    const ports = new MessageChannel();
    this.channel = new MainChannel(shared, ports.port1);
    const assign: AssignMessage = {
      t: 'assign',
      data: {
        name: manifest.name,
        dir: compiled.dir,
        world: compiled.world,
        modules,
        config: manifest.config,
        capabilities: [...manifest.capabilities],
        kvPrefixes: manifest.kvPrefixes,
        maxCommands: manifest.limits.maxCommandsPerBatch,
        kvBuffer: this.kvBuffer,
        channel: shared,
        port: ports.port2,
      },
    };
    this.worker = worker;
    this.worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    this.worker.on('error', (err) => this.onGone(`the worker failed: ${err.message}`));
    this.worker.on('exit', (code) => this.onGone(`the worker exited with code ${code}`));
    this.worker.postMessage(assign, [ports.port2]);
  }

  /** Where the last start (or re-instantiation) went, once the worker is ready. */
  get startup(): StartupTimes | undefined {
    return this.lastStartup;
  }

  /** Which glue runs `handle` in the worker: `hand-written`, or `jco (why)` (hand-glue.ts); '' before it is ready. */
  get handleGlue(): string {
    return this.lastHandleGlue;
  }

  get alive(): boolean {
    return !this.dead;
  }

  /**
   * Resolves with what `initialize` produced once the instance is ready.
   * @throws PluginLoadError when compiling or `initialize` fails or takes longer than `timeoutMs`.
   */
  ready(timeoutMs: number): Promise<Outputs> {
    return this.awaitStart(timeoutMs);
  }

  /** After a trap: a fresh instance in the same worker (the compiled modules are reused). Only with no batch in flight. */
  reinstantiate(timeoutMs: number): Promise<Outputs> {
    if (this.pending.length > 0) return Promise.reject(new Error(`plugin ${this.manifest.name}: re-instantiating with ${this.pending.length} batch(es) in flight`));
    const started = this.awaitStart(timeoutMs);
    this.channel.begin().u8(MSG_REINSTANTIATE, 'type');
    // Answered on the worker's port (`ready`), not through the channel.
    this.channel.send();
    return started;
  }

  /**
   * Runs one batch: `events` (each with a WIT kind) are written into the
   * channel as the plugin of app id `appId` is shown them (a packet-in's
   * cookie). `done` is called once, never from within this call: with the
   * outputs, or with a RunnerFault on a trap (the worker lives on, poisoned,
   * and answers a batch behind it with a trap too) or when no answer came
   * within the deadline (the worker is terminated, and every batch in flight
   * faulted). At most MAX_IN_FLIGHT batches at a time; they end in order. A
   * reply is handed to `done` as soon as this thread looks: from the event
   * loop, or from `poll`.
   */
  runBatch(events: readonly HostEvent[], batchId: number, appId: number, done: (outcome: BatchOutcome) => void): void {
    const refused = this.dead ? this.exitReason : this.pending.length >= MAX_IN_FLIGHT ? `plugin ${this.manifest.name}: ${MAX_IN_FLIGHT} batches are already in flight` : undefined;
    if (refused !== undefined) {
      queueMicrotask(() => done({ ok: false, fault: new RunnerFault('crash', refused) }));
      return;
    }
    const w = this.channel.begin();
    w.u8(MSG_BATCH, 'type');
    w.u32(batchId, 'batchId');
    w.u32(events.length, 'count');
    for (const e of events) writeEvent(w, e, eventKind(e)!, appId);
    // Armed (and the CPU marked) before the batch's start time is taken: the mark bounds the batch.
    if (this.deadlineTimer === undefined) this.armDeadline(this.manifest.limits.deadlineMs);
    this.pending.push({ batchId, startedMs: performance.now(), done });
    this.channel.send((r) => this.onReply(r));
  }

  /**
   * Ends the batches whose replies are there now, at once (see
   * MainChannel.poll): for a caller that runs long without returning to the
   * event loop while batches are in flight, such as a burst of events being
   * offered, so that the worker gets its next batch without waiting for it.
   */
  poll(): void {
    this.channel.poll();
  }

  async terminate(): Promise<void> {
    this.dead = true;
    this.stopWaiting();
    await this.worker.terminate();
  }

  private stopWaiting(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.channel.close();
  }

  /**
   * `mark`: sample the worker's CPU time first. Not while a batch past its deadline is re-checked:
   * it is bounded by the mark before it started, which later marks must not push out.
   */
  private armDeadline(ms: number, mark = true): void {
    if (mark) this.cpu?.mark();
    this.deadlineTimer = setTimeout(() => this.onDeadlineTimer(), Math.ceil(ms)).unref();
  }

  private onDeadlineTimer(): void {
    this.deadlineTimer = undefined;
    const p = this.pending[0];
    if (p === undefined || this.dead) return;
    const { deadlineMs } = this.manifest.limits;
    const elapsed = performance.now() - p.startedMs;
    if (elapsed < deadlineMs) return this.armDeadline(deadlineMs - elapsed);
    const used = this.cpu?.usedSince(p.startedMs);
    const capMs = Math.max(WALL_CAP_MIN_MS, WALL_CAP_FACTOR * deadlineMs);
    if (used !== undefined && used < deadlineMs && elapsed < capMs) return this.armDeadline(Math.min(Math.max(RECHECK_MIN_MS, deadlineMs - used), capMs - elapsed), false);
    const why =
      used === undefined ? `did not return within ${deadlineMs} ms` : used >= deadlineMs ? `used more than its ${deadlineMs} ms deadline of CPU` : `ran ${Math.round(elapsed)} ms of wall time (the cap for a ${deadlineMs} ms deadline)`;
    this.faultAll(new RunnerFault('deadline', `handle ${why}; the worker was terminated`), new RunnerFault('deadline', 'the batch before it ran past its deadline; the worker was terminated'));
    void this.terminate();
  }

  /** Faults every batch in flight: the one the worker runs with `first`, those behind it with `behind`. */
  private faultAll(first: RunnerFault, behind: RunnerFault): void {
    const all = this.pending.splice(0);
    all.forEach((p, i) => p.done({ ok: false, fault: i === 0 ? first : behind }));
  }

  private onReply(r: Reader): void {
    const p = this.pending[0];
    const type = r.u8('type');
    if (p === undefined || r.u32('batchId') !== p.batchId) return;
    this.pending.shift();
    const next = this.pending[0];
    if (next !== undefined) next.startedMs = performance.now();
    if (type === MSG_REPLY) p.done({ ok: true, outputs: readOutputs(r) });
    else p.done({ ok: false, fault: type === MSG_FAULT ? new RunnerFault(readStr(r, 'cause') as FaultCause, readStr(r, 'message')) : new RunnerFault('crash', `the worker answered with message type ${type}`) });
  }

  private awaitStart(timeoutMs: number): Promise<Outputs> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.starting = undefined;
        reject(new PluginLoadError(this.manifest.name, 'initFailed', `initialize did not return within ${timeoutMs} ms`));
        void this.terminate();
      }, timeoutMs);
      this.starting = { resolve, reject, timer };
    });
  }

  private onMessage(m: WorkerMessage): void {
    if (m.t === 'kv') {
      void serveKv(this.kvBuffer, this.kv);
      return;
    }
    const s = this.starting;
    if (s === undefined) return;
    this.starting = undefined;
    clearTimeout(s.timer);
    if (m.t === 'ready') {
      const { assignedAt, ...phases } = m.startup;
      this.lastStartup = this.startedOnce ? { ...phases, workerMs: 0, glueMs: 0 } : { ...phases, workerMs: assignedAt - this.createdAt };
      this.startedOnce = true;
      this.lastHandleGlue = m.handleGlue;
      if (m.cpuFile !== undefined) this.cpu ??= new CpuMarks(m.cpuFile);
      const r = new Reader(Buffer.from(m.out), 0, m.out.byteLength, 'ready');
      r.u8('type');
      r.u32('batchId');
      s.resolve(readOutputs(r));
    } else {
      s.reject(new PluginLoadError(this.manifest.name, m.reason, m.message));
      void this.terminate();
    }
  }

  private onGone(reason: string): void {
    if (this.exitReason === '') this.exitReason = reason;
    this.dead = true;
    this.stopWaiting();
    this.faultAll(new RunnerFault('crash', this.exitReason), new RunnerFault('crash', this.exitReason));
    const s = this.starting;
    if (s !== undefined) {
      this.starting = undefined;
      clearTimeout(s.timer);
      s.reject(new PluginLoadError(this.manifest.name, 'initFailed', this.exitReason));
    }
  }
}
