import { formatMicros } from './controller-report.js';
import type { LatencySummary } from './loadgen/histogram.js';
import type { OneWayMode, OneWayResult } from './loadgen/one-way.js';

/** How the event-stream benchmark prints its results: one markdown table, target lines, notes. */

export interface EventsSettings {
  readonly switches: number;
  readonly rate: number;
  readonly seconds: number;
  readonly warmupSec: number;
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

export interface ModeResult {
  readonly mode: OneWayMode;
  readonly load: OneWayResult;
  readonly client: ClientWindow;
  /** PACKET_INs the runtime read per second, from its metrics. */
  readonly runtimeReadPerSec: number;
  /** Packet-ins the runtime shed for the client in the window, from its metrics. */
  readonly runtimeShed: number;
  readonly runtimeCpuSec: number;
  readonly clientCpuSec: number;
}

export interface EventsResult {
  readonly id: 'ts' | 'python';
  readonly label: string;
  readonly modes: readonly ModeResult[];
  readonly error?: string | undefined;
  readonly cpuProfiles: readonly string[];
}

/** The targets: events/s into each client, p99 at the paced rate. */
const THROUGHPUT_TARGETS: Readonly<Record<EventsResult['id'], number>> = { ts: 200_000, python: 100_000 };
const P99_TARGET_US = 5000;

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

function cpu(seconds: number, window: number): string {
  return `${seconds.toFixed(2)} s (${Math.round((100 * seconds) / window)} %)`;
}

export const eventsPerSec = (m: ModeResult): number => m.client.events / m.client.seconds;

function row(r: EventsResult, m: ModeResult): string {
  const l = m.client.latency;
  const at = (us: number | undefined): string => (l === null || l.count === 0 || us === undefined ? '-' : formatMicros(us));
  const shed = m.runtimeShed === 0 ? '0' : `${int(m.runtimeShed)} (${((100 * m.runtimeShed) / Math.max(1, m.runtimeReadPerSec * m.load.measuredSec)).toFixed(1)} %)`;
  const w = m.load.measuredSec;
  return (
    `| ${r.label} | ${m.mode} | ${int(m.load.packetInsPerSec)} | ${int(m.runtimeReadPerSec)} | **${int(eventsPerSec(m))}** | ${shed} | ` +
    `${cpu(m.runtimeCpuSec, w)} | ${cpu(m.clientCpuSec, w)} | ${cpu(m.load.generatorCpuSec, w)} | ${at(l?.p50Us)} | ${at(l?.p99Us)} | ${at(l?.p999Us)} | ${at(l?.maxUs)} |`
  );
}

function targetLines(results: readonly EventsResult[], s: EventsSettings): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const t = r.modes.find((m) => m.mode === 'throughput');
    if (t !== undefined) {
      const want = THROUGHPUT_TARGETS[r.id];
      lines.push(`- target "${r.label}: >= ${int(want)} events/s": ${eventsPerSec(t) >= want ? 'met' : 'not met'} (${int(eventsPerSec(t))})`);
    }
    const l = r.modes.find((m) => m.mode === 'latency');
    if (l !== undefined && l.client.latency !== null) {
      const p99 = l.client.latency.p99Us;
      const ok = p99 < P99_TARGET_US && l.runtimeShed === 0 && l.load.notSent === 0;
      lines.push(`- target "${r.label}: p99 < 5 ms at ${int(s.rate)} events/s": ${ok ? 'met' : 'not met'} (p99 ${formatMicros(p99)}, ${int(l.runtimeShed)} shed)`);
    }
  }
  return lines;
}

function notes(results: readonly EventsResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    if (r.error !== undefined) lines.push(`- ${r.label}: ${r.error}`);
    for (const m of r.modes) {
      if (m.load.notSent > 0) lines.push(`- ${r.label}, ${m.mode}: ${int(m.load.notSent)} PACKET_INs were due but not sent: the runtime stopped reading (TCP backpressure)`);
      if (m.client.notOurs > 0) lines.push(`- ${r.label}, ${m.mode}: ${int(m.client.notOurs)} events carried no send time`);
      if (m.client.shed !== m.runtimeShed) lines.push(`- ${r.label}, ${m.mode}: the client saw ${int(m.client.shed)} shed in Gap events, the runtime's metric ${int(m.runtimeShed)} (Gaps of the window's last batches may arrive after it)`);
    }
    for (const file of r.cpuProfiles) lines.push(`- ${r.label}: CPU profile ${file} (summarise: node bench/dist/profile-summary.js FILE)`);
  }
  return lines;
}

/** The whole report in markdown. */
export function formatEventsReport(results: readonly EventsResult[], s: EventsSettings, machine: string): string {
  return [
    `Events into one client: ${s.switches} switches -> sdn-runtime (no apps) -> one gRPC client process; ${s.seconds} s measured per mode after ${s.warmupSec} s`,
    machine,
    '',
    `throughput: PACKET_INs as fast as the runtime reads them; latency: ${int(s.rate)} PACKET_IN/s paced, generator's write -> the client's handler`,
    '',
    '| client | mode | PACKET_IN/s sent | runtime read/s | events/s into the client | shed | runtime CPU | client CPU | generator CPU | p50 | p99 | p99.9 | max |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.flatMap((r) => (r.modes.length === 0 ? [`| ${r.label} | not measured | | | | | | | | | | | |`] : r.modes.map((m) => row(r, m)))),
    '',
    'Against the targets:',
    ...targetLines(results, s),
    '',
    'Notes: CPU percentages are of one core over the measured window; shed: packet-ins the runtime dropped for the client (no credit), from its metrics.',
    ...notes(results),
  ].join('\n');
}
