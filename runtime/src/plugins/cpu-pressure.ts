import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const PSI_FILE = '/proc/pressure/cpu';
const OWN_TASKS = '/proc/self/task';
const SAMPLE_MS = 250;
/**
 * Share of a sample interval during which another process's tasks, or the
 * main thread, waited for a CPU, from which nobody should spin. Measured on
 * this 2-core VM (echo at batch 1, docs/benchmarks.md): with the main thread
 * waiting 1-11 % and others under 10 %, spinning took a round trip from
 * 147-173 to 25-41 µs per event and used a third of the CPU per event (the
 * wake-ups cost more than the spin); with it waiting 19-31 %, spinning was
 * as often worse as better (79-228 against 106-120 µs).
 */
const CONTENDED = 0.1;
/** Calm samples in a row before spinning is allowed again (contention comes in bursts). */
export const CALM_SAMPLES = 8;

/**
 * Whether plugin channels may spin (channel.ts), shared with every worker as
 * one Int32 (1: yes). Spinning wins when a core is idle and loses badly when
 * none is: a spinning thread holds a CPU that the thread it waits for (or
 * another process) needs, and a round trip then costs a scheduler time slice
 * instead of a wake-up. Linux says how often runnable tasks waited for a CPU
 * (pressure stall information, `/proc/pressure/cpu`, "some" total in µs), and
 * how long each thread of this process waited on a run queue
 * (`/proc/self/task/<tid>/schedstat`, second field, ns). Sampled every 250 ms,
 * spinning stops as soon as, for 10 % of the interval or more, another
 * process's tasks waited (the stall beyond our own threads' waits) or the main
 * thread did (it spins itself: the CPUs are oversubscribed, whoever by), and
 * is allowed again after two seconds under both (a gate that opens at every
 * calm moment of a busy machine costs more than it saves).
 * Our own threads' waits are left out of the stall because on two cores our
 * two spinning threads make our other threads (GC helpers, libuv) wait, and
 * counting that kept the gate shut on a calm machine (docs/benchmarks.md);
 * another process that waits because we spin still closes it. The stall
 * covers the main thread's waits, so this gate is open whenever the one that
 * counted every stall was, and more often.
 * Without the PSI file (another OS, PSI off) spinning stays allowed and the
 * policy (`spinMicros`) alone decides; without the schedstat files no wait is
 * ours and every stall counts.
 */
export class SpinGate {
  readonly buffer = new SharedArrayBuffer(4);
  private readonly allowed = new Int32Array(this.buffer);
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    Atomics.store(this.allowed, 0, 1);
  }

  /** Whether channels may spin now: false while the CPUs are contended. */
  get open(): boolean {
    return spinAllowed(this.allowed);
  }

  /** Whether it samples the CPU pressure now (between `start` and `stop`). */
  get sampling(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    let last = cpuWaits();
    if (last === undefined || this.timer !== undefined) return;
    let at = performance.now();
    let calm = CALM_SAMPLES;
    this.timer = setInterval(() => {
      const now = performance.now();
      const waits = cpuWaits();
      if (waits === undefined) return;
      calm = calmAfter(calm, waitShares(last!, waits, (now - at) * 1000));
      last = waits;
      at = now;
      Atomics.store(this.allowed, 0, calm >= CALM_SAMPLES ? 1 : 0);
    }, SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Shares (0..1, of one sample interval) of the time spent waiting for a CPU. */
export interface WaitShares {
  /** Some task of the machine waited ("some" stall, /proc/pressure/cpu). */
  readonly stall: number;
  /** This process's threads waited, summed over them (can exceed `stall`: they overlap). */
  readonly ownWaits: number;
  /** The main thread waited. */
  readonly mainWait: number;
}

/**
 * Calm samples in a row after one with `shares`; spinning is allowed from
 * CALM_SAMPLES on. Contended: another process's tasks waited (the stall beyond
 * our own threads' waits, a lower bound) or the main thread did.
 */
export function calmAfter(calm: number, shares: WaitShares): number {
  const others = shares.stall - shares.ownWaits;
  return others < CONTENDED && shares.mainWait < CONTENDED ? Math.min(calm + 1, CALM_SAMPLES) : 0;
}

/** The "some" total (µs) of a /proc/pressure/cpu text, or undefined. */
export function someStallMicros(text: string): number | undefined {
  const total = /^some .*total=(\d+)/m.exec(text)?.[1];
  return total === undefined ? undefined : Number(total);
}

/** Whether the gate in `buffer` (a SpinGate's) allows spinning now. */
export function spinAllowed(gate: Int32Array): boolean {
  return Atomics.load(gate, 0) === 1;
}

/** The run-queue wait (ns) of a schedstat text ("<on cpu ns> <waited ns> <slices>"), or undefined. */
export function runQueueWaitNanos(text: string): number | undefined {
  const waited = Number(text.split(' ', 2)[1]);
  return Number.isFinite(waited) ? waited : undefined;
}

/** Totals so far, µs: the "some" stall of the machine, and the run-queue wait of each of our threads by thread id. */
export interface CpuWaits {
  readonly stall: number;
  readonly threads: ReadonlyMap<string, number>;
  /** The main thread's id, or undefined when the kernel gives no per-thread statistics. */
  readonly main: string | undefined;
}

/**
 * The shares of an interval of `intervalMicros` between two samples. A thread
 * that appeared since counts from 0; one that exited is left out (its last
 * waits with it, so the stall beyond ours is overstated, never understated).
 */
export function waitShares(before: CpuWaits, after: CpuWaits, intervalMicros: number): WaitShares {
  let ownWaits = 0;
  for (const [tid, waited] of after.threads) ownWaits += waited - (before.threads.get(tid) ?? 0);
  const main = after.main === undefined ? 0 : (after.threads.get(after.main) ?? 0) - (before.threads.get(after.main) ?? 0);
  return { stall: (after.stall - before.stall) / intervalMicros, ownWaits: ownWaits / intervalMicros, mainWait: main / intervalMicros };
}

/** The totals now, or undefined when the kernel gives no stall. Bounded: one small file per thread of this process. */
function cpuWaits(): CpuWaits | undefined {
  let text: string;
  try {
    text = readFileSync(PSI_FILE, 'utf8');
  } catch {
    // No pressure stall information here: the gate stays open.
    return undefined;
  }
  const stall = someStallMicros(text);
  if (stall === undefined) return undefined;
  const threads = new Map<string, number>();
  let main: string;
  let tasks: string[];
  try {
    main = readlinkSync('/proc/thread-self').split('/').at(-1)!;
    tasks = readdirSync(OWN_TASKS);
  } catch {
    // No per-thread statistics: every stall counts as another process's.
    return { stall, threads, main: undefined };
  }
  for (const tid of tasks) {
    const waited = threadWaitMicros(tid);
    if (waited !== undefined) threads.set(tid, waited);
  }
  return { stall, threads, main };
}

/** One of our threads' run-queue wait so far, µs; undefined when it is gone (it exited between the listing and the read). */
function threadWaitMicros(tid: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(`${OWN_TASKS}/${tid}/schedstat`, 'latin1');
  } catch {
    return undefined;
  }
  const waited = runQueueWaitNanos(text);
  return waited === undefined ? undefined : waited / 1000;
}
