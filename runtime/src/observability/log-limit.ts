import type { Logger } from 'pino';

/**
 * A writer that runs at most once per `intervalMs`: `write(failures)` gets how
 * many calls there were since its last run, this one included. For conditions
 * that can repeat many times a second (an unreachable etcd, a flood of bad
 * input): each is counted by its metric, and the log gets one line a minute.
 * Main thread only.
 */
export function oncePer(intervalMs: number, write: (failures: number) => void, now: () => number = Date.now): () => void {
  let failures = 0;
  let lastWrittenMs = -Infinity;
  return () => {
    failures++;
    const at = now();
    if (at - lastWrittenMs < intervalMs) return;
    lastWrittenMs = at;
    write(failures);
    failures = 0;
  };
}

/** Keys a LogLimiter remembers at most; past it, it starts afresh (each kind then logs once more). */
const MAX_KEYS = 1024;

/**
 * Per key (a kind of problem, a peer): the first occurrence is logged, then at
 * most one line per `intervalMs`, carrying `notLogged`: how many were only
 * counted in between (by the caller's metric). Main thread only.
 */
export class LogLimiter {
  private readonly logged = new Map<string, { atMs: number; suppressed: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  warn(log: Logger, key: string, fields: Record<string, unknown>, msg: string): void {
    const nowMs = this.now();
    const seen = this.logged.get(key);
    if (seen !== undefined && nowMs - seen.atMs < this.intervalMs) {
      seen.suppressed += 1;
      return;
    }
    log.warn({ ...fields, ...(seen === undefined ? {} : { notLogged: seen.suppressed }) }, msg);
    if (this.logged.size >= MAX_KEYS && seen === undefined) this.logged.clear();
    this.logged.set(key, { atMs: nowMs, suppressed: 0 });
  }
}
