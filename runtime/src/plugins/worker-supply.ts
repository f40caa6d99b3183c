import { Worker } from 'node:worker_threads';

/** JS heap of a plugin worker (the glue's objects); Wasm memory is capped separately. */
const WORKER_HEAP_MB = 256;
const WORKER_URL = new URL('./plugin-worker.js', import.meta.url);

/**
 * Plugin workers, one kept started ahead of need. Starting a worker (a thread,
 * a V8 isolate, Node's bootstrap and the worker's module graph) is most of what
 * a load, a swap or a restart after a deadline costs (80-200 ms here); a
 * worker waits for its plugin (plugin-worker.ts: the `assign` message), so one
 * can be started before anyone needs it. `take` hands out the spare, or a new
 * worker when there is none, and starts the next spare once the event loop is
 * free. The spare does not keep the process alive.
 */
export class WorkerSupply {
  private spare: Worker | undefined;
  private readonly keepSpare: boolean;
  private refill: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(keepSpare: boolean) {
    this.keepSpare = keepSpare;
  }

  /** Starts the first spare. */
  start(): void {
    this.scheduleRefill();
  }

  /** A worker waiting for its `assign` message; the caller owns it (and must terminate it). */
  take(): Worker {
    const w = this.spare;
    this.spare = undefined;
    this.scheduleRefill();
    if (w === undefined) return newWorker();
    w.removeAllListeners('exit');
    w.removeAllListeners('error');
    w.ref();
    return w;
  }

  /** Stops the spare; `take` still works but keeps no spare from now on. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearImmediate(this.refill);
    const w = this.spare;
    this.spare = undefined;
    await w?.terminate();
  }

  private scheduleRefill(): void {
    if (!this.keepSpare || this.stopped || this.refill !== undefined) return;
    this.refill = setImmediate(() => {
      this.refill = undefined;
      if (this.spare !== undefined || this.stopped) return;
      const w = newWorker();
      w.unref();
      // A spare that dies while waiting (it runs no plugin code: only if the process is short of memory) is replaced on the next take.
      const forget = (): void => {
        if (this.spare === w) this.spare = undefined;
      };
      w.once('exit', forget);
      w.once('error', forget);
      this.spare = w;
    });
  }
}

function newWorker(): Worker {
  return new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
}
