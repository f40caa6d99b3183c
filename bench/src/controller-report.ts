import { RUNTIME_IDS, type ContestantId } from './contestants.js';
import type { LoadMode, LoadResult } from './loadgen/run.js';
import type { OpenFlowVersion } from './loadgen/switch-wire.js';

/** How the learning-switch benchmark prints its results: markdown tables and notes. */

/** One mode's run against one controller. */
export interface PhaseResult extends LoadResult {
  /** CPU seconds the controller's processes used during the measured window, together. */
  readonly controllerCpuSec: number;
  /** The same per process (runtime and client, for a runtime with a gRPC client). */
  readonly cpuByProcess: readonly { readonly role: string; readonly cpuSec: number }[];
}

export interface ContestantResult {
  readonly id: ContestantId;
  readonly label: string;
  readonly throughput: PhaseResult | undefined;
  readonly latency: PhaseResult | undefined;
  /** cbench's latency mode: one PACKET_IN outstanding per switch. */
  readonly cbenchLatency: PhaseResult | undefined;
  /** Peak RSS of each of the controller's processes over both runs, bytes. */
  readonly peakRss: readonly { readonly role: string; readonly bytes: number }[];
  /** Why it has no (or incomplete) numbers. */
  readonly error: string | undefined;
  /** How the processes ended when we stopped them. */
  readonly exit: string | undefined;
  /** V8 CPU profiles of its Node processes, with --cpu-prof. */
  readonly cpuProfiles: readonly string[];
}

export interface RunSettings {
  readonly switches: number;
  readonly macs: number;
  readonly ports: number;
  readonly window: number;
  readonly rate: number;
  readonly seconds: number;
  readonly warmupSec: number;
  /** A PACKET_IN with no PACKET_OUT within this is lost. */
  readonly responseTimeoutMs: number;
}

/** What was run: the version and the modes, in order. */
export interface RunShape {
  readonly openflow: OpenFlowVersion;
  readonly modes: readonly LoadMode[];
}

/** A generator using more than this share of one core may be what limits the numbers. */
const GENERATOR_BOUND_SHARE = 0.9;

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

export function formatMicros(us: number): string {
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

function cpu(seconds: number, window: number): string {
  return `${seconds.toFixed(2)} s (${Math.round((100 * seconds) / window)} %)`;
}

function lostCell(p: PhaseResult): string {
  if (p.lost === 0) return '0';
  return `${int(p.lost)} (${((100 * p.lost) / Math.max(1, p.packetIns)).toFixed(1)} %)`;
}

function throughputTable(results: readonly ContestantResult[]): string[] {
  const lines = [
    '| controller | responses/s | FLOW_MOD/s | lost | floods | controller CPU | generator CPU | responses per controller CPU-s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    const p = r.throughput;
    if (p === undefined) {
      lines.push(`| ${r.label} | not measured | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${r.label} | ${int(p.responsesPerSec)} | ${int(p.flowModsPerSec)} | ${lostCell(p)} | ${int(p.floods)} | ` +
        `${cpu(p.controllerCpuSec, p.measuredSec)} | ${cpu(p.generatorCpuSec, p.measuredSec)} | ${p.controllerCpuSec > 0 ? int(p.responses / p.controllerCpuSec) : '-'} |`,
    );
  }
  return lines;
}

function latencyTable(results: readonly ContestantResult[]): string[] {
  const lines = [
    '| controller | PACKET_IN/s sent | p50 | p90 | p99 | p99.9 | max | lost | controller CPU | generator CPU |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    const p = r.latency;
    if (p === undefined) {
      lines.push(`| ${r.label} | not measured | | | | | | | | |`);
      continue;
    }
    const l = p.latency;
    // No answer within the timeout: there is no latency to show, only the loss.
    const at = (us: number): string => (l.count === 0 ? '-' : formatMicros(us));
    lines.push(
      `| ${r.label} | ${int(p.packetInsPerSec)} | ${at(l.p50Us)} | ${at(l.p90Us)} | ${at(l.p99Us)} | ${at(l.p999Us)} | ${at(l.maxUs)} | ` +
        `${lostCell(p)} | ${cpu(p.controllerCpuSec, p.measuredSec)} | ${cpu(p.generatorCpuSec, p.measuredSec)} |`,
    );
  }
  return lines;
}

function cbenchLatencyTable(results: readonly ContestantResult[], switches: number): string[] {
  const lines = [
    '| controller | responses/s | per switch | p50 | p90 | p99 | p99.9 | max | lost | controller CPU | generator CPU |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    const p = r.cbenchLatency;
    if (p === undefined) {
      lines.push(`| ${r.label} | not measured | | | | | | | | | |`);
      continue;
    }
    const l = p.latency;
    const at = (us: number): string => (l.count === 0 ? '-' : formatMicros(us));
    lines.push(
      `| ${r.label} | ${int(p.responsesPerSec)} | ${int(p.responsesPerSec / switches)} | ${at(l.p50Us)} | ${at(l.p90Us)} | ${at(l.p99Us)} | ${at(l.p999Us)} | ${at(l.maxUs)} | ` +
        `${lostCell(p)} | ${cpu(p.controllerCpuSec, p.measuredSec)} | ${cpu(p.generatorCpuSec, p.measuredSec)} |`,
    );
  }
  return lines;
}

/** Minimum share of a peer's responses/s, per contestant that must reach it. */
const PEER_TARGETS: readonly { readonly id: ContestantId; readonly peer: ContestantId; readonly factor: number }[] = [
  { id: 'runtime', peer: 'testcontroller', factor: 1 },
  { id: 'runtime-ts', peer: 'testcontroller', factor: 0.25 },
  { id: 'runtime-py', peer: 'osken', factor: 10 },
  { id: 'plugin-ts', peer: 'testcontroller', factor: 1 },
  { id: 'plugin-py', peer: 'testcontroller', factor: 1 },
  { id: 'plugin-rs', peer: 'testcontroller', factor: 1 },
  { id: 'plugin-rs', peer: 'runtime', factor: 0.5 },
];

function factorText(f: number): string {
  return f < 1 ? `${Math.round(f * 100)} % of` : f === 1 ? '' : `${f}x`;
}

function targetLines(results: readonly ContestantResult[], settings: RunSettings): string[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const ours = results.filter((r) => RUNTIME_IDS.includes(r.id));
  const peers = results.filter((r) => !RUNTIME_IDS.includes(r.id));
  const lines: string[] = [];
  for (const o of ours) {
    for (const peer of peers) {
      const a = o.throughput?.responsesPerSec;
      const b = peer.throughput?.responsesPerSec;
      if (a !== undefined && b !== undefined && b > 0) lines.push(`- responses/s, ${o.label} / ${peer.label}: ${(a / b).toFixed(2)}x`);
      const c = o.cbenchLatency?.responsesPerSec;
      const d = peer.cbenchLatency?.responsesPerSec;
      if (c !== undefined && d !== undefined && d > 0) lines.push(`- cbench-latency responses/s, ${o.label} / ${peer.label}: ${(c / d).toFixed(2)}x`);
    }
  }
  for (const t of PEER_TARGETS) {
    const a = byId.get(t.id)?.throughput?.responsesPerSec;
    const b = byId.get(t.peer)?.throughput?.responsesPerSec;
    if (a === undefined || b === undefined) continue;
    const want = `${factorText(t.factor)} ${byId.get(t.peer)!.label}'s`.trim();
    lines.push(`- target "${byId.get(t.id)!.label}: responses/s >= ${want}": ${a >= t.factor * b ? 'met' : 'not met'} (${int(a)} against ${int(t.factor * b)})`);
  }
  const runtime = byId.get('runtime');
  const testcontroller = byId.get('testcontroller');
  const ourRate = runtime?.cbenchLatency?.responsesPerSec;
  const peerRate = testcontroller?.cbenchLatency?.responsesPerSec;
  if (ourRate !== undefined && peerRate !== undefined) {
    lines.push(`- target "${runtime!.label}: cbench-latency responses/s >= ${testcontroller!.label}'s": ${ourRate >= peerRate ? 'met' : 'not met'} (${int(ourRate)} against ${int(peerRate)})`);
  }
  const p99 = runtime?.latency?.latency.p99Us;
  if (p99 !== undefined) {
    lines.push(`- target "${runtime!.label}: p99 <= 1 ms at ${int(settings.rate)} PACKET_IN/s": ${p99 <= 1000 && runtime!.latency!.lost === 0 ? 'met' : 'not met'} (p99 ${formatMicros(p99)}, ${int(runtime!.latency!.lost)} lost)`);
  }
  return lines;
}

function notes(results: readonly ContestantResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    if (r.error !== undefined) lines.push(`- ${r.label}: ${r.error}`);
    if (r.peakRss.length > 0) lines.push(`- ${r.label}: peak RSS ${r.peakRss.map((p) => `${p.role} ${(p.bytes / 2 ** 20).toFixed(1)} MiB`).join(', ')}`);
    const phase = r.throughput ?? r.latency ?? r.cbenchLatency;
    if (phase !== undefined) {
      const b = phase.behaviour;
      const sent = Object.entries(b.controllerSent).map(([type, n]) => `${type} ${n}`).join(', ');
      lines.push(`- ${r.label}: table-miss flow: ${b.tableMiss ?? 'none'}; learned flow: ${b.learnedFlow ?? 'none installed'}; other messages (all switches): ${sent || 'none'}`);
      for (const extra of [b.firstError, b.firstWrongOutput, b.firstUndecodable]) if (extra !== undefined) lines.push(`- ${r.label}: ${extra}`);
    }
    for (const [mode, p] of [['throughput', r.throughput], ['latency', r.latency], ['cbench-latency', r.cbenchLatency]] as const) {
      if (p === undefined) continue;
      if (p.cpuByProcess.length > 1) lines.push(`- ${r.label}, ${mode}: controller CPU by process: ${p.cpuByProcess.map((c) => `${c.role} ${c.cpuSec.toFixed(2)} s`).join(', ')}`);
      if (p.generatorCpuSec / p.measuredSec > GENERATOR_BOUND_SHARE) lines.push(`- ${r.label}, ${mode}: the generator used ${Math.round((100 * p.generatorCpuSec) / p.measuredSec)} % of a core: it may be the limit`);
      if (!p.learned) lines.push(`- ${r.label}, ${mode}: the controller had not answered ${int(p.macs)} PACKET_INs per switch by the end of the warm-up (${p.warmupSec.toFixed(1)} s): it had not seen every host`);
      if (p.notSent > 0) lines.push(`- ${r.label}, ${mode}: ${int(p.notSent)} PACKET_INs were due but not sent: the controller stopped reading (TCP backpressure)`);
      if (p.late + p.unmatched > 0) lines.push(`- ${r.label}, ${mode}: over the whole run, ${int(p.late)} PACKET_OUTs came after the response timeout (or twice), ${int(p.unmatched)} for frames never sent`);
    }
    for (const file of r.cpuProfiles) lines.push(`- ${r.label}: CPU profile ${file} (summarise: node bench/dist/profile-summary.js FILE)`);
  }
  return lines;
}

/** The table of one mode, with the line that says what it measures. */
function modeSection(mode: LoadMode, results: readonly ContestantResult[], s: RunSettings): string[] {
  switch (mode) {
    case 'throughput':
      return [`Throughput: each switch keeps ${s.window} PACKET_INs outstanding; a response is a PACKET_OUT answering one`, '', ...throughputTable(results)];
    case 'latency':
      return [`Latency: ${int(s.rate)} PACKET_IN/s offered in total, paced by the clock; PACKET_IN written -> PACKET_OUT read`, '', ...latencyTable(results)];
    case 'cbench-latency':
      return [
        "cbench's latency mode: each switch sends its next PACKET_IN when the last one is answered (one outstanding); responses/s = switches / round trip",
        '',
        ...cbenchLatencyTable(results, s.switches),
      ];
  }
}

/** The whole report in markdown. */
export function formatReport(results: readonly ContestantResult[], settings: RunSettings, machine: string, shape: RunShape): string {
  const s = settings;
  return [
    `Learning switch under load, OpenFlow ${shape.openflow}: ${s.switches} switches, ${int(s.macs)} MACs over ${s.ports} ports per switch, ${s.seconds} s measured per mode after >= ${s.warmupSec} s warm-up`,
    machine,
    ...shape.modes.flatMap((mode) => ['', ...modeSection(mode, results, s)]),
    '',
    'Against the targets:',
    ...targetLines(results, settings),
    '',
    `Notes: CPU percentages are of one core over the measured window; lost: no PACKET_OUT within ${s.responseTimeoutMs / 1000} s.`,
    ...notes(results),
  ].join('\n');
}
