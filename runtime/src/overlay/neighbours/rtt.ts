/**
 * Smoothed round-trip time, TCP's SRTT filter (RFC 6298): the first sample is
 * taken as is, then `srtt += (sample - srtt) / 8` (an EWMA with α = 1/8), so
 * one slow pong moves the estimate by an eighth of its excess.
 */
export class RttFilter {
  private srtt: number | undefined;

  /** Adds a sample (ms, ≥ 0) and returns the new estimate. */
  add(sampleMs: number): number {
    this.srtt = this.srtt === undefined ? sampleMs : this.srtt + (sampleMs - this.srtt) / 8;
    return this.srtt;
  }

  /** The estimate in ms, undefined before the first sample. */
  get valueMs(): number | undefined {
    return this.srtt;
  }
}

/**
 * The wait before redial attempt `attempt` (0 for the first retry): exponential
 * from `initialMs`, capped at `maxMs`, then scaled into [1 - jitter, 1] by the
 * injected random source so that nodes restarted together do not dial in step.
 */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, jitter: number, random: () => number): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 - jitter * random()));
}
