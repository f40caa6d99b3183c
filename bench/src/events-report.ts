import { formatMicros } from './controller-report.js';
import type { LatencySummary } from './loadgen/histogram.js';
import type { OneWayMode, OneWayWindow } from './loadgen/one-way.js';

/** How the event-stream benchmark prints its results: one markdown table, target lines, notes. */

export interface EventsSettings {
  readonly switches: number;
  /** Latency mode: PACKET_IN/s. */
  readonly rate: number;
  /** Sweep mode: PACKET_IN/s per step, rising. */
  readonly sweep: readonly number[];
  /** Measured seconds of a latency or flood window, and of each sweep step. */
  readonly seconds: number;
  readonly stepSeconds: number;
  readonly warmupSec: number;
  /** A sweep step passes when the client got this share of what was sent (and the runtime shed at most the rest). */
  readonly sustained: number;
}

/** What a benchmark client reports for one window (bench/src/clients/event-counter.ts, bench/clients/event_counter.py). */
export interface ClientWindow {
  /** Packet-ins its handler saw. */
  readonly events: number;
  /** The window by the client's clock. */
  readonly seconds: number;
  /** Packet-ins the runtime reported shed for it (Gap events). */
  readonly shed: number;
  /** Packet-ins whose frame carried no send time (not the generator's). */
  readonly notOurs: number;
  /** Latency mode: generator's write -> the client's handler, µs. */
  readonly latency: LatencySummary | null;
}

/** One measured window: the generator's side, the client's, and the runtime's counters and CPU. */
export interface WindowResult {
  readonly step: number;
  readonly load: OneWayWindow;
  readonly client: ClientWindow;
  /** PACKET_INs the runtime read in the window, and packet-ins it shed for the client, from its metrics. */
  readonly runtimeRead: number;
  readonly runtimeShed: number;
  readonly runtimeCpuSec: number;
  readonly clientCpuSec: number;
}

export interface ModeResult {
  readonly mode: OneWayMode;
  readonly windows: readonly WindowResult[];
}

export interface EventsResult {
  readonly id: 'ts' | 'python';
  readonly label: string;
  readonly modes: readonly ModeResult[];
  readonly error?: string | undefined;
  readonly cpuProfiles: readonly string[];
}

/** The issue's targets: events/s into each client, p99 at the paced rate. */
const THROUGHPUT_TARGETS: Readonly<Record<EventsResult['id'], number>> = { ts: 200_000, python: 100_000 };
const P99_TARGET_US = 5000;

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const thousands = (n: number): string => `${Math.round(n / 1000).toLocaleString('en-US')}k`;

function cpu(seconds: number, window: number): string {
  return `${seconds.toFixed(2)} s (${Math.round((100 * seconds) / window)} %)`;
}

export const eventsPerSec = (w: Pick<WindowResult, 'client'>): number => w.client.events / w.client.seconds;

/** Whether a sweep step at `rate` was taken in full: the client got `share` of it and the runtime shed at most the rest. */
export function sustains(client: ClientWindow, shed: number, rate: number, share: number): boolean {
  const received = client.events / client.seconds;
  return received >= share * rate && shed <= (1 - share) * rate * client.seconds;
}

/** The sweep step with the most events/s among those that passed; undefined when none did. */
export function sustainedWindow(m: ModeResult, s: EventsSettings): WindowResult | undefined {
  const passed = m.windows.filter((w) => w.load.rate !== undefined && sustains(w.client, w.runtimeShed, w.load.rate, s.sustained));
  return passed.reduce<WindowResult | undefined>((best, w) => (best === undefined || eventsPerSec(w) > eventsPerSec(best) ? w : best), undefined);
}

function modeCell(m: ModeResult, w: WindowResult): string {
  switch (m.mode) {
    case 'sweep':
      return `sustained (sweep step ${int(w.load.rate!)}/s, of ${m.windows.length} steps)`;
    case 'latency':
      return `latency at ${int(w.load.rate!)}/s`;
    case 'flood':
      return 'flood (as fast as the runtime reads)';
  }
}

function row(r: EventsResult, m: ModeResult, w: WindowResult): string {
  const l = w.client.latency;
  const at = (us: number | undefined): string => (l === null || l.count === 0 || us === undefined ? '-' : formatMicros(us));
  const shed = w.runtimeShed === 0 ? '0' : `${int(w.runtimeShed)} (${((100 * w.runtimeShed) / Math.max(1, w.runtimeRead)).toFixed(1)} %)`;
  const sec = w.load.measuredSec;
  return (
    `| ${r.label} | ${modeCell(m, w)} | ${int(w.load.packetInsPerSec)} | ${int(w.runtimeRead / sec)} | **${int(eventsPerSec(w))}** | ${shed} | ` +
    `${cpu(w.runtimeCpuSec, sec)} | ${cpu(w.clientCpuSec, sec)} | ${cpu(w.load.generatorCpuSec, sec)} | ${at(l?.p50Us)} | ${at(l?.p99Us)} | ${at(l?.p999Us)} | ${at(l?.maxUs)} |`
  );
}

function rows(r: EventsResult, s: EventsSettings): string[] {
  if (r.modes.length === 0) return [`| ${r.label} | not measured | | | | | | | | | | | |`];
  return r.modes.flatMap((m) => {
    if (m.mode !== 'sweep') return m.windows.map((w) => row(r, m, w));
    const best = sustainedWindow(m, s);
    return [best === undefined ? `| ${r.label} | sweep: no step sustained (notes) | | | | | | | | | | | |` : row(r, m, best)];
  });
}

function targetLines(results: readonly EventsResult[], s: EventsSettings): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const sweep = r.modes.find((m) => m.mode === 'sweep');
    if (sweep !== undefined) {
      const want = THROUGHPUT_TARGETS[r.id];
      // A passed step's rate is what the client sustains (it took >= 99 % of it; the window edges blur the count by a few).
      const best = sustainedWindow(sweep, s);
      const rate = best?.load.rate ?? 0;
      lines.push(`- target "${r.label}: >= ${int(want)} events/s": ${rate >= want ? 'met' : 'not met'} (sustains ${int(rate)}/s: ${best === undefined ? 'no step passed' : `${int(eventsPerSec(best))} events/s received`})`);
    }
    const w = r.modes.find((m) => m.mode === 'latency')?.windows[0];
    if (w !== undefined && w.client.latency !== null) {
      const p99 = w.client.latency.p99Us;
      const ok = p99 < P99_TARGET_US && w.runtimeShed === 0 && w.load.notSent === 0;
      lines.push(`- target "${r.label}: p99 < 5 ms at ${int(w.load.rate!)} events/s": ${ok ? 'met' : 'not met'} (p99 ${formatMicros(p99)}, ${int(w.runtimeShed)} shed)`);
    }
  }
  return lines;
}

function sweepLine(r: EventsResult, m: ModeResult): string {
  const steps = m.windows.map((w) => {
    const shed = w.runtimeShed === 0 ? '' : `, ${((100 * w.runtimeShed) / Math.max(1, w.runtimeRead)).toFixed(1)} % shed`;
    return `${thousands(w.load.rate!)} -> ${thousands(eventsPerSec(w))} (client ${Math.round((100 * w.clientCpuSec) / w.load.measuredSec)} %, runtime ${Math.round((100 * w.runtimeCpuSec) / w.load.measuredSec)} %${shed})`;
  });
  return `- ${r.label}, sweep (PACKET_IN/s sent -> events/s into the client): ${steps.join('; ')}`;
}

function notes(results: readonly EventsResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    if (r.error !== undefined) lines.push(`- ${r.label}: ${r.error}`);
    for (const m of r.modes) {
      if (m.mode === 'sweep') lines.push(sweepLine(r, m));
      for (const w of m.windows) {
        const what = `${r.label}, ${m.mode}${w.load.rate === undefined ? '' : ` at ${int(w.load.rate)}/s`}`;
        if (w.load.notSent > 0) lines.push(`- ${what}: ${int(w.load.notSent)} PACKET_INs were due but not sent: the runtime stopped reading (TCP backpressure)`);
        if (w.client.notOurs > 0) lines.push(`- ${what}: ${int(w.client.notOurs)} events carried no send time`);
      }
    }
    for (const file of r.cpuProfiles) lines.push(`- ${r.label}: CPU profile ${file} (summarise: node bench/dist/profile-summary.js FILE)`);
  }
  return lines;
}

/** The whole report in markdown. */
export function formatEventsReport(results: readonly EventsResult[], s: EventsSettings, machine: string): string {
  return [
    `Events into one client: ${s.switches} switches -> sdn-runtime (no apps) -> one gRPC client process that counts its packet-in events`,
    machine,
    '',
    `sustained: the sweep step (paced PACKET_IN/s, ${s.stepSeconds} s each, until two in a row fail) with the most events/s among those the client took in full (>= ${s.sustained * 100} %); ` +
      `latency: generator's write -> the client's handler, ${s.seconds} s`,
    '',
    '| client | mode | PACKET_IN/s sent | runtime read/s | events/s into the client | shed | runtime CPU | client CPU | generator CPU | p50 | p99 | p99.9 | max |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.flatMap((r) => rows(r, s)),
    '',
    'Against the targets:',
    ...targetLines(results, s),
    '',
    'Notes: CPU percentages are of one core over the measured window; shed: packet-ins the runtime dropped for the client (no credit), from its metrics.',
    ...notes(results),
  ].join('\n');
}
