import type { FlowStats } from '../generated/sdn/runtime/v1/stats.js';
import type { Action, Instruction, OxmField, OxmValue } from '../generated/sdn/runtime/v1/openflow.js';

/**
 * Text for people (aligned tables, ovs-ofctl-like flow text) and JSON for
 * scripts (proto3 JSON conventions: 64-bit numbers as strings, bytes as base64).
 */

/** Rows under a header, columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** JSON with bigints as decimal strings and bytes as base64. */
export function toJson(value: unknown): string {
  return (
    JSON.stringify(
      value,
      (_key, v: unknown) => {
        if (typeof v === 'bigint') return v.toString();
        if (v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) return Buffer.from((v as { data: number[] }).data).toString('base64');
        return v;
      },
      2,
    ) + '\n'
  );
}

/** "1h 2m 3s", "4.5s". */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  const parts = [[Math.floor(s / 86400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'm'], [s % 60, 's']] as const;
  return parts.filter(([n], i) => n > 0 || i === 3).map(([n, u]) => `${n}${u}`).join(' ');
}

const RESERVED_PORTS: Readonly<Record<number, string>> = {
  0xfffffff8: 'IN_PORT',
  0xfffffff9: 'TABLE',
  0xfffffffa: 'NORMAL',
  0xfffffffb: 'FLOOD',
  0xfffffffc: 'ALL',
  0xfffffffd: 'CONTROLLER',
  0xfffffffe: 'LOCAL',
  0xffffffff: 'ANY',
};

export function portName(port: number): string {
  return RESERVED_PORTS[port] ?? String(port);
}

function value(v: OxmValue | undefined, field: string): string {
  const k = v?.kind;
  if (k === undefined) return '?';
  if (k.$case === 'text') return k.value;
  if (k.$case === 'wide') return `0x${k.value.toString('hex')}`;
  return field === 'eth_type' || field === 'metadata' || field === 'tunnel_id' ? `0x${k.value.toString(16)}` : k.value.toString();
}

export function oxmText(f: OxmField): string {
  if (f.field === 'opaque') return `opaque(${f.opaqueClass}:${f.opaqueField})=${f.opaquePayload.toString('hex')}`;
  return `${f.field}=${value(f.value, f.field)}${f.mask === undefined ? '' : `/${value(f.mask, f.field)}`}`;
}

function actionText(a: Action): string {
  const k = a.kind;
  if (k === undefined) return '?';
  switch (k.$case) {
    case 'output':
      return `output:${portName(k.value.port)}`;
    case 'setField':
      return `set_field:${oxmText(k.value)}`;
    case 'pushVlan':
    case 'pushMpls':
    case 'popMpls':
    case 'pushPbb':
      return `${snake(k.$case)}:0x${k.value.ethertype.toString(16)}`;
    case 'experimenter':
      return `experimenter:0x${k.value.experimenter.toString(16)}`;
    case 'setMplsTtl':
    case 'setNwTtl':
    case 'setQueue':
    case 'group':
      return `${snake(k.$case)}:${k.value}`;
    default:
      return snake(k.$case);
  }
}

function instructionText(i: Instruction): string {
  const k = i.kind;
  if (k === undefined) return '?';
  switch (k.$case) {
    case 'applyActions':
      return `apply(${k.value.actions.map(actionText).join(',')})`;
    case 'writeActions':
      return `write(${k.value.actions.map(actionText).join(',')})`;
    case 'clearActions':
      return 'clear_actions';
    case 'gotoTable':
      return `goto_table:${k.value}`;
    case 'meter':
      return `meter:${k.value}`;
    case 'writeMetadata':
      return `write_metadata:0x${k.value.metadata.toString(16)}/0x${k.value.metadataMask.toString(16)}`;
    case 'experimenter':
      return `experimenter:0x${k.value.experimenter.toString(16)}`;
  }
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function flowsTable(flows: readonly FlowStats[]): string {
  const rows = flows.map((f) => [
    String(f.tableId),
    String(f.priority),
    `0x${f.cookie.toString(16)}`,
    f.packetCount.toString(),
    f.byteCount.toString(),
    duration(f.durationSec * 1000 + Math.floor(f.durationNsec / 1e6)),
    f.match?.fields.map(oxmText).join(',') || '*',
    f.instructions.map(instructionText).join(' ') || 'drop',
  ]);
  return table(['TABLE', 'PRIORITY', 'COOKIE', 'PACKETS', 'BYTES', 'AGE', 'MATCH', 'INSTRUCTIONS'], rows);
}
