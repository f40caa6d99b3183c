import type { Histogram, Registry } from 'prom-client';

/** One exposition sample, as prom-client's registry formats them. */
interface Sample {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/** One series' observations: counts[i] in (bounds[i-1], bounds[i]], the last slot above every bound. */
interface Counts {
  readonly counts: Float64Array;
  total: number;
  sum: number;
}

function newCounts(bounds: Float64Array): Counts {
  return { counts: new Float64Array(bounds.length + 1), total: 0, sum: 0 };
}

function observeInto(c: Counts, bounds: Float64Array, value: number): void {
  let i = 0;
  while (i < bounds.length && value > bounds[i]!) i++;
  c.counts[i]!++;
  c.total++;
  c.sum += value;
}

function clear(c: Counts): void {
  c.counts.fill(0);
  c.total = 0;
  c.sum = 0;
}

/** `c`'s samples as prom-client's Histogram exposes a series with `labels`, pushed onto `values`. */
function pushSamples(values: Sample[], name: string, bounds: Float64Array, c: Counts, labels: Readonly<Record<string, string>>): void {
  let cumulative = 0;
  bounds.forEach((le, i) => {
    cumulative += c.counts[i]!;
    values.push({ metricName: `${name}_bucket`, labels: { le, ...labels }, value: cumulative });
  });
  values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', ...labels }, value: c.total });
  values.push({ metricName: `${name}_sum`, labels, value: c.sum });
  values.push({ metricName: `${name}_count`, labels, value: c.total });
}

/**
 * A label-less Prometheus histogram for per-message observations: `observe` is
 * a scan of a few bounds and three additions on plain numbers, and the samples
 * are built only when scraped. prom-client's Histogram hashes labels and
 * validates its input on every observe, which cost 8 % of the runtime's CPU at a
 * few hundred thousand PACKET_IN/s. Same exposition as a prom-client Histogram
 * (`_bucket{le}`, `_sum`, `_count`). One event loop; not for workers.
 */
export class CountingHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: Float64Array;
  private readonly series: Counts;

  /** `buckets`: upper bounds, ascending. Registers itself in every registry of `registers`. */
  constructor(options: { readonly name: string; readonly help: string; readonly buckets: readonly number[]; readonly registers: readonly Registry[] }) {
    this.name = options.name;
    this.help = options.help;
    this.bounds = Float64Array.from(options.buckets);
    this.series = newCounts(this.bounds);
    // The registry only calls get() and reset(): the shape of a prom-client metric, not its class.
    for (const r of options.registers) r.registerMetric(this as unknown as Histogram);
  }

  observe(value: number): void {
    observeInto(this.series, this.bounds, value);
  }

  reset(): void {
    clear(this.series);
  }

  /** The samples, as prom-client's `Histogram#get` returns them. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    pushSamples(values, this.name, this.bounds, this.series, {});
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

/** One label value's side of a LabelledCountingHistogram: what the hot path holds and observes into. */
export interface HistogramChild {
  observe(value: number): void;
}

/**
 * A CountingHistogram per value of one label (a plugin's name, say): the hot
 * path holds its value's child and observes into plain numbers, no label is
 * hashed or validated per observation (prom-client's labelled `observe` did
 * both, once per plugin batch). Same exposition as a prom-client Histogram
 * with that one label. One event loop; not for workers.
 */
export class LabelledCountingHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly label: string;
  private readonly bounds: Float64Array;
  private readonly byValue = new Map<string, Counts>();

  /** `buckets`: upper bounds, ascending; `label`: the one label's name. Registers itself in every registry of `registers`. */
  constructor(options: { readonly name: string; readonly help: string; readonly label: string; readonly buckets: readonly number[]; readonly registers: readonly Registry[] }) {
    this.name = options.name;
    this.help = options.help;
    this.label = options.label;
    this.bounds = Float64Array.from(options.buckets);
    for (const r of options.registers) r.registerMetric(this as unknown as Histogram);
  }

  /** The child of label value `value` (made on first use; kept, as prom-client keeps a label set once observed). */
  child(value: string): HistogramChild {
    let c = this.byValue.get(value);
    if (c === undefined) this.byValue.set(value, (c = newCounts(this.bounds)));
    const counts = c;
    const bounds = this.bounds;
    return { observe: (v: number): void => observeInto(counts, bounds, v) };
  }

  reset(): void {
    for (const c of this.byValue.values()) clear(c);
  }

  /** The samples, as prom-client's `Histogram#get` returns them. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    for (const [value, c] of this.byValue) pushSamples(values, this.name, this.bounds, c, { [this.label]: value });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
