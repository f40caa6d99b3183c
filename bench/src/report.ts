import type { Outcome } from './ours.js';

/** How the codec benchmark prints its results: a markdown table plus notes, or JSON. */

export interface Row {
  /** What is measured, e.g. "FlowMod encode, 3 OXM + output (104 B)". */
  readonly op: string;
  /** How our side does it: encodeMessage, encodeMessageInto (reused Writer) or decodeMessage. */
  readonly call: string;
  readonly ours: Outcome;
  readonly osken: Outcome;
}

/** Our ops/s over os-ken's, when both were measured. */
export function ratio(row: Row): number | undefined {
  if (row.ours.kind !== 'measured' || row.osken.kind !== 'measured') return undefined;
  return row.ours.measurement.opsPerSec / row.osken.measurement.opsPerSec;
}

export function formatRate(opsPerSec: number): string {
  return Math.round(opsPerSec).toLocaleString('en-US');
}

function cell(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'measured':
      return formatRate(outcome.measurement.opsPerSec);
    case 'unsupported':
      return 'not supported (note)';
    case 'failed':
      return 'FAILED (note)';
    case 'not measured':
      return 'not measured';
  }
}

/** The results table in markdown, then one note per cell that holds no number. */
export function formatTable(rows: readonly Row[]): string {
  const lines = ['| op | sdn-runtime ops/s | os-ken ops/s | ratio |', '| --- | ---: | ---: | ---: |'];
  for (const row of rows) {
    const r = ratio(row);
    lines.push(`| ${row.op}, ${row.call} | ${cell(row.ours)} | ${cell(row.osken)} | ${r === undefined ? '-' : `${r.toFixed(r < 10 ? 1 : 0)}x`} |`);
  }
  const notes = new Set<string>();
  for (const row of rows) {
    for (const [side, outcome] of [['sdn-runtime', row.ours], ['os-ken', row.osken]] as const) {
      if (outcome.kind !== 'measured') notes.add(`- ${side}, ${row.op}: ${outcome.kind}: ${outcome.reason}`);
    }
  }
  return [...lines, ...(notes.size > 0 ? ['', 'Notes:', ...notes] : [])].join('\n');
}

/** Rows as plain JSON (ops/s, op counts and seconds, or why there is no number). */
export function rowsJson(rows: readonly Row[]): unknown[] {
  const side = (o: Outcome): unknown =>
    o.kind === 'measured' ? { kind: o.kind, ...o.measurement } : { kind: o.kind, reason: o.reason };
  return rows.map((row) => ({ op: row.op, call: row.call, sdnRuntime: side(row.ours), osken: side(row.osken), ratio: ratio(row) ?? null }));
}

/** Which OF1.3 vector files each side decodes; file names as in the vectors folder. */
export interface VectorSummary {
  readonly files: number;
  /** The files both sides decode: the ones timed. */
  readonly timed: readonly string[];
  readonly oursUnknown: readonly string[];
  readonly oursErrors: readonly { readonly file: string; readonly error: string }[];
  /** Undefined when os-ken did not run. */
  readonly oskenErrors: readonly { readonly file: string; readonly error: string }[] | undefined;
}

export function formatVectors(v: VectorSummary, oursDecoded: number): string[] {
  const refused = v.oursErrors.map((e) => `${e.file} (${e.error})`).join(', ');
  const osken = v.oskenErrors === undefined
    ? '- os-ken: not run'
    : `- os-ken cannot parse ${v.oskenErrors.length}` + (v.oskenErrors.length > 0 ? `: ${v.oskenErrors.map((e) => e.file).join(', ')}` : '');
  return [
    `Vector files: ${v.files} OF1.3 files (truncated64 skipped); both sides timed ${v.timed.length}.`,
    `- sdn-runtime decodes ${oursDecoded}; ${v.oursUnknown.length} stay Unknown (no codec yet); ${v.oursErrors.length} refused` +
      (refused === '' ? '' : `: ${refused}`),
    osken,
  ];
}
