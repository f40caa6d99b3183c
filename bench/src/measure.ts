import { performance } from 'node:perf_hooks';

/** A timed op: how many ops ran in how many seconds. */
export interface Measurement {
  readonly opsPerSec: number;
  readonly ops: number;
  readonly seconds: number;
}

/** A batch should last at least this long, so that timer overhead is negligible. */
const MIN_BATCH_MS = 10;

/**
 * Results of every batch are folded in here: a value that escapes the module, so
 * V8 cannot prove the benchmarked work unused and drop it.
 */
let sink = 0;

/** The folded checksum of every batch so far (printed in --json output as evidence of work). */
export function checksum(): number {
  return sink;
}

/**
 * Times `batch(n)`, which runs n calls and returns a checksum of their results.
 * Grows n until a batch takes 10 ms, warms up (so V8 has optimised the code) for
 * min(0.3 s, seconds / 5), then runs batches until `seconds` of timed work have
 * passed. Each call counts as `opsPerCall` ops. Synchronous: blocks for its budget.
 */
export function measure(batch: (n: number) => number, seconds: number, opsPerCall = 1): Measurement {
  let n = 1;
  for (;;) {
    const start = performance.now();
    sink = (sink + batch(n)) | 0;
    if (performance.now() - start >= MIN_BATCH_MS) break;
    n *= 2;
  }
  const warmUntil = performance.now() + Math.min(300, (seconds * 1000) / 5);
  while (performance.now() < warmUntil) sink = (sink + batch(n)) | 0;

  let calls = 0;
  let elapsedMs = 0;
  while (elapsedMs < seconds * 1000) {
    const start = performance.now();
    sink = (sink + batch(n)) | 0;
    elapsedMs += performance.now() - start;
    calls += n;
  }
  const ops = calls * opsPerCall;
  return { opsPerSec: ops / (elapsedMs / 1000), ops, seconds: elapsedMs / 1000 };
}
