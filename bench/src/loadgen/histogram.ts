/** Sub-buckets per power of two above the exact range: the relative error stays under 1/64. */
const SUB_BUCKETS = 64;
const SUB_BITS = 6;
/** Values below this many microseconds are counted exactly. */
const EXACT_LIMIT = 1024;
const EXACT_BITS = 10;
/** Powers of two covered above the exact range: up to 2^42 µs (about 50 days). */
const OCTAVES = 32;

/** Latency percentiles, in microseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
  readonly meanUs: number;
}

/**
 * A fixed-size latency histogram in microseconds: exact to 1 µs below 1,024 µs,
 * then 64 buckets per power of two (under 1.6 % error). Recording is O(1) and
 * allocation-free, so it can take every response of a long run.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(EXACT_LIMIT + OCTAVES * SUB_BUCKETS);
  private total = 0;
  private sum = 0;
  private max = 0;

  /** Records one latency; negative values (clock steps) count as 0. */
  record(us: number): void {
    const v = us > 0 ? Math.floor(us) : 0;
    this.counts[bucketOf(v)]!++;
    this.total++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  /** The smallest recorded value (bucket upper bound) with at least `q` of the samples at or below it; 0 when empty. */
  percentile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(upperBoundOf(i), this.max);
    }
    return this.max;
  }

  summary(): LatencySummary {
    return {
      count: this.total,
      p50Us: this.percentile(0.5),
      p90Us: this.percentile(0.9),
      p99Us: this.percentile(0.99),
      p999Us: this.percentile(0.999),
      maxUs: this.max,
      meanUs: this.total === 0 ? 0 : this.sum / this.total,
    };
  }
}

function bucketOf(v: number): number {
  if (v < EXACT_LIMIT) return v;
  const octave = Math.min(Math.floor(Math.log2(v)), EXACT_BITS + OCTAVES - 1);
  const sub = Math.min(Math.floor(v / 2 ** (octave - SUB_BITS)) - SUB_BUCKETS, SUB_BUCKETS - 1);
  return EXACT_LIMIT + (octave - EXACT_BITS) * SUB_BUCKETS + sub;
}

function upperBoundOf(index: number): number {
  if (index < EXACT_LIMIT) return index;
  const octave = EXACT_BITS + Math.floor((index - EXACT_LIMIT) / SUB_BUCKETS);
  const sub = (index - EXACT_LIMIT) % SUB_BUCKETS;
  return (SUB_BUCKETS + sub + 1) * 2 ** (octave - SUB_BITS) - 1;
}
