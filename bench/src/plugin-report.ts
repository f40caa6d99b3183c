import type { PerEvent } from './plugin-measure.js';
import { percentile } from './plugin-measure.js';

/** How bench/src/plugins.ts prints its results: markdown tables with the targets. */

export interface GuestRow {
  readonly batch: number;
  readonly measured: PerEvent;
}

export interface GuestResult {
  readonly id: string;
  readonly label: string;
  readonly rows: readonly GuestRow[];
  readonly saturatedEventsPerSec: number;
}

export interface PluginReport {
  readonly machine: string;
  readonly seconds: number;
  readonly guests: readonly GuestResult[];
  readonly swapMs: readonly number[];
  readonly deadlineMs: number;
  readonly faultMs: readonly number[];
  readonly exitedMs: readonly number[];
  readonly loadAtEnd: number;
}

/** Host overhead per event the issue asks for, by batch size. */
export const OVERHEAD_TARGET_US: Readonly<Record<number, number>> = { 1: 20, 64: 2 };
export const SWAP_TARGET_MS = 200;
export const STOP_MARGIN_MS = 50;

const us = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const ms = (n: number): string => n.toFixed(n >= 100 ? 0 : 1);

function spread(values: readonly number[], unit: (n: number) => string): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${unit(sorted[0]!)} / ${unit(percentile(sorted, 50))} / ${unit(sorted[sorted.length - 1]!)}`;
}

function verdict(met: boolean): string {
  return met ? 'met' : '**not met**';
}

export function formatPluginReport(r: PluginReport): string {
  const lines = [r.machine, `Load average at the end: ${r.loadAtEnd.toFixed(2)}; ${r.seconds} s per per-event row.`, ''];
  if (r.guests.length > 0) lines.push(...eventTables(r.guests));
  if (r.swapMs.length > 0 || r.exitedMs.length > 0) lines.push('', '| measure | min / median / max | target |', '| --- | ---: | --- |');
  if (r.swapMs.length > 0) {
    const swapMedian = percentile([...r.swapMs].sort((a, b) => a - b), 50);
    lines.push(`| swap of a cached component (${r.swapMs.length} reloads, idle), ms | ${spread(r.swapMs, ms)} | <= ${SWAP_TARGET_MS} ms: ${verdict(swapMedian <= SWAP_TARGET_MS)} (median) |`);
  }
  if (r.exitedMs.length > 0) {
    const exitedWorst = Math.max(...r.exitedMs);
    lines.push(`| looping plugin, deadline ${r.deadlineMs} ms: batch handed over -> deadline fault, ms | ${spread(r.faultMs, ms)} | - |`);
    lines.push(`| looping plugin: batch handed over -> worker thread exited, ms | ${spread(r.exitedMs, ms)} | <= ${r.deadlineMs + STOP_MARGIN_MS} ms: ${verdict(exitedWorst <= r.deadlineMs + STOP_MARGIN_MS)} (max) |`);
  }
  return lines.join('\n');
}

function eventTables(guests: readonly GuestResult[]): string[] {
  const lines = [
    'Per event through a plugin (packet-in in, PACKET_OUT out; a round is one batch offered together and waited for; medians over 8 slices, host and guest alone alternating; overhead = the median of their paired differences):',
    '',
  ];
  lines.push('| plugin | batch | through the host, µs/event | guest alone, µs/event | host overhead, µs/event | round p50 | round p99 | process CPU, µs/event | target |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const g of guests) {
    for (const { batch, measured: m } of g.rows) {
      const target = OVERHEAD_TARGET_US[batch];
      const t = target === undefined ? '-' : `<= ${target} µs: ${verdict(m.overheadUs <= target)}`;
      lines.push(`| ${g.label} | ${batch} | ${us(m.hostUs)} | ${us(m.guestUs)} | ${us(m.overheadUs)} | ${us(m.p50RoundUs)} µs | ${us(m.p99RoundUs)} µs | ${us(m.cpuUs)} | ${t} |`);
    }
  }
  lines.push('', "With a full queue (1,024 packet-ins offered at once, batches of the manifest's maxBatchSize):", '');
  lines.push('| plugin | events/s |', '| --- | ---: |');
  for (const g of guests) lines.push(`| ${g.label} | ${Math.round(g.saturatedEventsPerSec).toLocaleString('en-US')} |`);
  return lines;
}
