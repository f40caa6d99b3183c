import { Worker } from 'node:worker_threads';
import type { KvStore } from '../store/types.js';
import type { CompiledComponent } from './compile-cache.js';
import { PluginLoadError, type PluginLoadReason } from './errors.js';
import { createKvBuffer, serveKv } from './kv-bridge.js';
import type { PluginManifest } from './manifest.js';
import type { PluginWorkerData } from './plugin-worker.js';
import { MSG_FAULT, MSG_REPLY, readerOf, readOutputs, readStr, type Outputs } from './wire.js';

export type FaultCause = 'deadline' | 'trap' | 'crash';

/** A batch that did not complete; `kind` says whether the worker is still alive (trap) or gone. */
export class RunnerFault extends Error {
  readonly kind: FaultCause;

  constructor(kind: FaultCause, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** JS heap of a plugin worker (the glue's objects); Wasm memory is capped separately. */
const WORKER_HEAP_MB = 256;

type WorkerMessage = ArrayBuffer | { t: 'ready'; out: ArrayBuffer } | { t: 'failed'; reason: PluginLoadReason; message: string } | { t: 'kv' };

interface Pending {
  readonly batchId: number;
  readonly resolve: (o: Outputs) => void;
  readonly reject: (f: RunnerFault) => void;
  readonly timer: NodeJS.Timeout;
}

interface Starting {
  readonly resolve: (o: Outputs) => void;
  readonly reject: (e: PluginLoadError) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The main-thread side of one plugin worker: starts it, hands it one batch at a
 * time, and enforces the deadline from here (a guest in an endless loop cannot be
 * interrupted from inside its own thread: `terminate()` is the only way). Answers
 * the worker's KV calls. Never blocks the main thread.
 */
export class PluginRunner {
  readonly manifest: PluginManifest;
  readonly compiled: CompiledComponent;
  private readonly worker: Worker;
  private readonly kvBuffer = createKvBuffer();
  private readonly kv: KvStore | undefined;
  private pending: Pending | undefined;
  private starting: Starting | undefined;
  private dead = false;
  private exitReason = '';

  constructor(manifest: PluginManifest, compiled: CompiledComponent, kv: KvStore | undefined) {
    this.manifest = manifest;
    this.compiled = compiled;
    this.kv = kv;
    const workerData: PluginWorkerData = {
      name: manifest.name,
      dir: compiled.dir,
      coreModules: compiled.coreModules,
      memoryPages: manifest.limits.memoryMiB * 16,
      config: manifest.config,
      capabilities: [...manifest.capabilities],
      maxCommands: manifest.limits.maxCommandsPerBatch,
      kvBuffer: this.kvBuffer,
    };
    this.worker = new Worker(new URL('./plugin-worker.js', import.meta.url), { workerData, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    this.worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    this.worker.on('error', (err) => this.onGone(`the worker failed: ${err.message}`));
    this.worker.on('exit', (code) => this.onGone(`the worker exited with code ${code}`));
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

  /** After a trap: a fresh instance in the same worker (the compiled modules are reused). */
  reinstantiate(timeoutMs: number): Promise<Outputs> {
    const started = this.awaitStart(timeoutMs);
    this.worker.postMessage({ t: 'reinstantiate' });
    return started;
  }

  /**
   * Runs one batch (a buffer from events-wire.ts, transferred). Rejects with a
   * RunnerFault on a trap (the worker lives on, poisoned) or when no answer came
   * within the deadline (the worker is terminated).
   */
  runBatch(batch: ArrayBuffer, batchId: number): Promise<Outputs> {
    if (this.dead) return Promise.reject(new RunnerFault('crash', this.exitReason));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new RunnerFault('deadline', `handle did not return within ${this.manifest.limits.deadlineMs} ms; the worker was terminated`));
        void this.terminate();
      }, this.manifest.limits.deadlineMs);
      this.pending = { batchId, resolve, reject, timer };
      this.worker.postMessage(batch, [batch]);
    });
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
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
    if (m instanceof ArrayBuffer) {
      const p = this.pending;
      const r = readerOf(m, 'reply');
      const type = r.u8('type');
      if (p === undefined || r.u32('batchId') !== p.batchId) return;
      this.pending = undefined;
      clearTimeout(p.timer);
      if (type === MSG_REPLY) p.resolve(readOutputs(r));
      else if (type === MSG_FAULT) p.reject(new RunnerFault(readStr(r, 'cause') as FaultCause, readStr(r, 'message')));
      return;
    }
    if (m.t === 'kv') {
      void serveKv(this.kvBuffer, this.kv);
      return;
    }
    const s = this.starting;
    if (s === undefined) return;
    this.starting = undefined;
    clearTimeout(s.timer);
    if (m.t === 'ready') {
      const r = readerOf(m.out, 'ready');
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
    const p = this.pending;
    if (p !== undefined) {
      this.pending = undefined;
      clearTimeout(p.timer);
      p.reject(new RunnerFault('crash', this.exitReason));
    }
    const s = this.starting;
    if (s !== undefined) {
      this.starting = undefined;
      clearTimeout(s.timer);
      s.reject(new PluginLoadError(this.manifest.name, 'initFailed', this.exitReason));
    }
  }
}
