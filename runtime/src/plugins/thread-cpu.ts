import { readFileSync, readlinkSync } from 'node:fs';

/**
 * A plugin worker thread's CPU time, for the batch deadline (runner.ts). The
 * deadline limits what a guest computes, not how long the machine keeps it
 * waiting: on two busy cores a worker can wait for a CPU longer than a
 * 100 ms deadline, and a guest blocked in a KV call uses none while the store
 * answers. Linux gives every thread's time on a CPU in nanoseconds
 * (`/proc/<pid>/task/<tid>/schedstat`, first field); the worker names its file
 * and the main thread reads it. Elsewhere there is no file and the deadline
 * stays wall-clock time.
 */

/** In the worker: the schedstat file of the calling thread, or undefined when there is none. */
export function ownThreadCpuFile(): string | undefined {
  try {
    const file = `/proc/${readlinkSync('/proc/thread-self')}/schedstat`;
    return readCpuMs(file) === undefined ? undefined : file;
  } catch {
    return undefined;
  }
}

/** The thread's CPU time in ms, or undefined when its file cannot be read (the thread is gone). */
function readCpuMs(file: string): number | undefined {
  try {
    const ns = Number.parseInt(readFileSync(file, 'latin1'), 10);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Marks kept: a batch is bounded by the newest mark taken before it started,
 * and at most one more is taken while it runs (runner.ts marks when it arms the
 * timer for a new or not yet late batch, not when it re-checks a late one).
 */
const MARKS = 4;

/**
 * Samples of one thread's CPU time against the wall clock (`performance.now()`),
 * taken when the deadline timer is armed, so that a batch's CPU time can be
 * bounded from above without a read per batch.
 */
export class CpuMarks {
  private readonly atMs: number[] = [];
  private readonly cpuMs: number[] = [];

  constructor(private readonly file: string) {}

  /** Takes a sample; call it before the batch it should cover is handed over. */
  mark(): void {
    const cpu = readCpuMs(this.file);
    if (cpu === undefined) return;
    if (this.atMs.length === MARKS) {
      this.atMs.shift();
      this.cpuMs.shift();
    }
    this.atMs.push(performance.now());
    this.cpuMs.push(cpu);
  }

  /**
   * At most how many ms of CPU the thread used since `startedMs` (it includes
   * whatever ran between the mark and `startedMs`), or undefined when no mark
   * precedes `startedMs` or the file cannot be read.
   */
  usedSince(startedMs: number): number | undefined {
    for (let i = this.atMs.length - 1; i >= 0; i--) {
      if (this.atMs[i]! > startedMs) continue;
      const now = readCpuMs(this.file);
      return now === undefined ? undefined : now - this.cpuMs[i]!;
    }
    return undefined;
  }
}
