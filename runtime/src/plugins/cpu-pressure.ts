import { readFileSync } from 'node:fs';

const PSI_FILE = '/proc/pressure/cpu';
const SAMPLE_MS = 250;
/** Share of a sample interval during which some task waited for a CPU, above which nobody should spin. */
const CONTENDED = 0.05;
/** Calm samples in a row before spinning is allowed again (contention comes in bursts). */
export const CALM_SAMPLES = 8;

/**
 * Whether plugin channels may spin (channel.ts), shared with every worker as
 * one Int32 (1: yes). Spinning wins when a core is idle and loses badly when
 * none is: a spinning thread holds a CPU that the thread it waits for (or
 * another process) needs, and a round trip then costs a scheduler time slice
 * instead of a wake-up. Linux says how often runnable tasks waited for a CPU
 * (pressure stall information, `/proc/pressure/cpu`, "some" total in µs);
 * sampled every 250 ms, spinning stops as soon as that share reaches 5 % and
 * is allowed again after two seconds under it (a gate that opens at every
 * calm moment of a busy machine costs more than it saves).
 * Without the file (another OS, PSI off) spinning stays allowed and the policy
 * (`spinMicros`) alone decides. Our own spinning counts too: when it makes
 * another task wait, it stops.
 */
export class SpinGate {
  readonly buffer = new SharedArrayBuffer(4);
  private readonly allowed = new Int32Array(this.buffer);
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    Atomics.store(this.allowed, 0, 1);
  }

  start(): void {
    let last = stallMicros();
    if (last === undefined || this.timer !== undefined) return;
    let at = performance.now();
    let calm = CALM_SAMPLES;
    this.timer = setInterval(() => {
      const now = performance.now();
      const stall = stallMicros();
      if (stall === undefined) return;
      const share = (stall - last!) / ((now - at) * 1000);
      last = stall;
      at = now;
      calm = calmAfter(calm, share);
      Atomics.store(this.allowed, 0, calm >= CALM_SAMPLES ? 1 : 0);
    }, SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * Calm samples in a row after one whose stall share (0..1) was `share`;
 * spinning is allowed from CALM_SAMPLES on.
 */
export function calmAfter(calm: number, share: number): number {
  return share < CONTENDED ? Math.min(calm + 1, CALM_SAMPLES) : 0;
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

/** The "some" stall total of the CPU, µs, or undefined when the kernel does not say. */
function stallMicros(): number | undefined {
  let text: string;
  try {
    text = readFileSync(PSI_FILE, 'utf8');
  } catch {
    // No pressure stall information here: the gate stays open.
    return undefined;
  }
  return someStallMicros(text);
}
