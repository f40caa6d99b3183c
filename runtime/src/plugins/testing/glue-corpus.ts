import { matchValue, type PacketIn } from '../../openflow/index.js';
import { witMatch } from '../events-wire.js';
import type { WitAction, WitCommand, WitEvent, WitFlowMod, WitLink, WitOxmField, WitPort } from '../wit-types.js';

// The corpus the glue tests run through jco's glue and ours (glue.test.ts for
// the rewritten helpers, hand-glue.test.ts for the hand-written handle): every
// event case, command, instruction and action variant, with strings around
// the edges of the ASCII fast paths. The mirror test guest sends it all back.

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
/** Strings around the ASCII fast path's edges: empty, at and past its length, non-ASCII, a lone surrogate. */
export const TEXTS = ['', 'a', '00000000000000a1', 'x'.repeat(64), 'y'.repeat(65), 'é', 'ünïcödé dpid', '😀 link', '\ud800', 'nul\u0000byte', `${'z'.repeat(63)}é`];

const oxm = (field: string, i: number): WitOxmField[] => [
  { field, value: { tag: 'uint', val: 0x7ffffffb }, mask: undefined },
  { field: 'metadata', value: { tag: 'big', val: '18446744073709551615' }, mask: { tag: 'big', val: '255' } },
  { field: 'eth_dst', value: { tag: 'text', val: TEXTS[i % TEXTS.length]! }, mask: { tag: 'text', val: 'ff:ff:ff:00:00:00' } },
];
const port = (i: number): WitPort => ({ portNo: 0xfffffffe, hwAddr: '02:00:00:00:00:01', name: TEXTS[i % TEXTS.length]!, config: 1, state: 4, currSpeed: 10_000_000, maxSpeed: 0 });
const link = (i: number): WitLink => ({ src: { dpid: TEXTS[i % TEXTS.length]!, port: 1 }, dst: { dpid: 'b', port: 0xffffffff }, latencyMs: 3, srcNode: 2, upSinceMs: 2n ** 64n - 1n, lastSeenMs: 0n });
const host = (i: number) => ({ mac: TEXTS[i % TEXTS.length]!, ips: ['10.0.0.1', 'fe80::1', ''], location: { dpid: 'a', port: 2 }, firstSeenMs: 1n, lastSeenMs: 2n });

/** One event of every case, each with several strings of TEXTS. */
export function events(i: number): WitEvent[] {
  const text = (k: number): string => TEXTS[(i + k) % TEXTS.length]!;
  return [
    { tag: 'switch-up', val: { dpid: text(0), version: 4, nTables: 254, ports: [port(i), port(i + 1)] } },
    { tag: 'switch-down', val: { dpid: text(1), reason: text(2) } },
    { tag: 'packet-in', val: { dpid: text(2), bufferId: 0xffffffff, totalLen: 60, reason: 1, tableId: 3, cookie: '18446744073709551615', inPort: 7, match: oxm('in_port', i), data: bytes(0, 1, 0x7f, 0x80, 0xff) } },
    { tag: 'port-status', val: { dpid: text(3), reason: 2, desc: port(i + 2) } },
    { tag: 'flow-removed', val: { dpid: text(4), cookie: '1', priority: 65535, reason: 0, tableId: 0, durationSec: 12, packetCount: '0', byteCount: text(5), match: oxm(text(6), i) } },
    { tag: 'switch-error', val: { dpid: text(5), type: 1, code: 2, data: bytes() } },
    { tag: 'message', val: { subject: text(6), payload: bytes(0xc3, 0xa9) } },
    { tag: 'kv-change', val: { key: bytes(1), value: i % 2 === 0 ? undefined : bytes(2, 3), revision: text(7) } },
    { tag: 'link-up', val: { link: link(i) } },
    { tag: 'link-down', val: { link: link(i + 1), reason: text(8) } },
    { tag: 'host-added', val: { host: host(i) } },
    { tag: 'host-moved', val: { host: host(i + 1), from: { dpid: text(9), port: 3 } } },
    { tag: 'host-removed', val: { host: host(i + 2), reason: text(10) } },
    { tag: 'role-changed', val: { dpid: text(0), role: 'master', masterNode: i % 2 === 0 ? undefined : text(1), generation: i % 2 === 0 ? text(2) : undefined } },
  ];
}

/**
 * PACKET_INs of OpenFlow 1.3 for the frame path (packet-in-frame.ts): every kind
 * of OXM value (number, bigint, text), masks, an experimenter field the codec
 * models, one it keeps opaque, no match at all, cookies on both sides of 2^53,
 * empty and full-size packets.
 */
export function packetInMessages(): PacketIn[] {
  const base = { type: 'PacketIn', version: 4, xid: 7 } as const;
  const packet = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, k) => (k * 7 + 3) & 0xff));
  return [
    { ...base, bufferId: 0xffffffff, totalLen: 64, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1 }], data: packet(64) },
    {
      ...base, bufferId: 0x12345678, totalLen: 1500, reason: 1, tableId: 254, cookie: 0xffff_ffff_ffff_ffffn,
      match: [
        { field: 'in_port', value: 0xfffffffe },
        { field: 'metadata', value: 0xffff_ffff_ffff_ffffn, mask: 0xffn },
        { field: 'eth_dst', value: '02:00:00:00:00:01', mask: 'ff:ff:ff:00:00:00' },
        { field: 'ipv4_src', value: '10.0.0.1', mask: '255.255.0.0' },
        { field: 'ipv6_dst', value: 'fe80::1' },
        { field: 'tcp_flags', value: 2 },
        { field: 'ct_label', value: 1n << 127n },
        { field: 'opaque', oxmClass: 0x0003, oxmField: 5, hasMask: false, payload: Uint8Array.of(1, 2, 3, 4) },
      ],
      data: packet(1500),
    },
    { ...base, bufferId: 1, totalLen: 0, reason: 2, tableId: 3, cookie: (1n << 53n) + 1n, match: [], data: Buffer.alloc(0) },
    { ...base, bufferId: 2, totalLen: 9000, reason: 3, tableId: 1, cookie: (1n << 53n) - 1n, match: [{ field: 'vlan_vid', value: 0x1064 }, { field: 'in_port', value: 3 }], data: packet(1) },
  ];
}

/** The WIT value of a packet-in as the worker made it from the decoded message before frames (the reference of the frame path). */
export function packetInWit(dpid: string, m: PacketIn): WitEvent {
  const inPort = matchValue(m.match, 'in_port');
  return {
    tag: 'packet-in',
    val: { dpid, bufferId: m.bufferId, totalLen: m.totalLen, reason: m.reason, tableId: m.tableId, cookie: m.cookie.toString(), inPort: typeof inPort === 'number' ? inPort : 0, match: witMatch(m.match), data: m.data },
  };
}

/** 16 switch-downs: short ASCII strings only (up to 8 bytes: the decoding fast path), for the mirror guest's `echo: "dpid"` mode. */
export function switchDowns(): WitEvent[] {
  return Array.from({ length: 16 }, (_, k) => ({ tag: 'switch-down', val: { dpid: `dp${k}`, reason: 'closed' } }));
}

const NX_FIELD = { tag: 'name', val: 'reg0' } as const;
// The commands' u32 values stay below 2^31: componentize-qjs 0.4.5 lowers a
// larger one as it happens to hold it (saturated or not; see echo.js), which is
// the QuickJS guest's doing, not the glue's. Events carry larger ones.
/** Every action case. */
export const ACTIONS: WitAction[] = [
  { tag: 'output', val: { port: 0x7ffffffd, maxLen: 0xffff } },
  ...(['copy-ttl-out', 'copy-ttl-in', 'dec-mpls-ttl', 'pop-vlan', 'dec-nw-ttl', 'pop-pbb', 'nx-ct-clear'] as const).map((tag) => ({ tag }) as WitAction),
  ...(['set-mpls-ttl', 'push-vlan', 'push-mpls', 'pop-mpls', 'set-queue', 'group', 'set-nw-ttl', 'push-pbb', 'nx-resubmit'] as const).map((tag, k) => ({ tag, val: k + 1 }) as WitAction),
  { tag: 'set-field', val: oxm('vlan_vid', 3)[2]! },
  { tag: 'experimenter', val: { experimenter: 0x2320, data: bytes(9, 8, 7) } },
  {
    tag: 'nx-ct',
    val: {
      flags: 1,
      zoneSrc: NX_FIELD,
      zoneOfsNbits: 15,
      recircTable: 255,
      alg: 21,
      actions: [
        { tag: 'set-field', val: oxm('ct_mark', 5)[0]! },
        { tag: 'nx-nat', val: { flags: 1, rangeIpv4Min: '10.0.0.1', rangeIpv4Max: undefined, rangeIpv6Min: undefined, rangeIpv6Max: 'fe80::ff', rangeProtoMin: 1024, rangeProtoMax: undefined } },
      ],
    },
  },
  { tag: 'nx-nat', val: { flags: 0, rangeIpv4Min: undefined, rangeIpv4Max: undefined, rangeIpv6Min: undefined, rangeIpv6Max: undefined, rangeProtoMin: undefined, rangeProtoMax: 65535 } },
  { tag: 'nx-resubmit-table', val: { inPort: 0xfff8, tableId: 255 } },
  {
    tag: 'nx-learn',
    val: {
      idleTimeout: 10,
      hardTimeout: 0,
      priority: 1,
      cookie: '42',
      flags: 0,
      tableId: 1,
      finIdleTimeout: 0,
      finHardTimeout: 0,
      specs: [
        { type: 'match', nBits: 48, src: { tag: 'field', val: { field: { tag: 'header', val: 0x00000606 }, ofs: 0 } }, dst: { field: NX_FIELD, ofs: 0 } },
        { type: 'load', nBits: 16, src: { tag: 'value', val: bytes(0, 5) }, dst: undefined },
        { type: 'output', nBits: 16, src: { tag: 'field', val: { field: { tag: 'name', val: 'in_port' }, ofs: 0 } }, dst: undefined },
      ],
    },
  },
  { tag: 'nx-reg-load', val: { ofsNbits: 31, dst: NX_FIELD, value: '18446744073709551615' } },
  { tag: 'nx-reg-move', val: { nBits: 48, srcOfs: 0, dstOfs: 0, srcField: { tag: 'name', val: 'eth_src' }, dstField: { tag: 'header', val: 1 } } },
  { tag: 'nx-conjunction', val: { clause: 0, nClauses: 2, id: 7 } },
  { tag: 'nx-note', val: bytes(1, 2, 3, 4, 5, 6) },
];

const FLOW_MOD: WitCommand = {
  dpid: 'ünïcödé',
  body: {
    tag: 'flow-mod',
    val: {
      cookie: '18446744073709551615',
      cookieMask: '0',
      tableId: 1,
      command: 'modify-strict',
      idleTimeout: 60,
      hardTimeout: 0,
      priority: 1,
      bufferId: 0x7fffffff,
      outPort: undefined,
      outGroup: 0x7ffffffe,
      flags: 1,
      match: oxm('in_port', 4),
      instructions: [
        { tag: 'goto-table', val: 2 },
        { tag: 'meter', val: 1 },
        { tag: 'write-metadata', val: { metadata: '1', mask: 'y'.repeat(65) } },
        { tag: 'write-actions', val: ACTIONS },
        { tag: 'apply-actions', val: ACTIONS },
        { tag: 'clear-actions' },
      ],
    },
  },
};

/** Every command case, flow-mod command and instruction case. */
export const COMMANDS: WitCommand[] = [
  FLOW_MOD,
  ...(['add', 'modify', 'delete', 'delete-strict'] as const).map((command) => ({ dpid: 'a', body: { tag: 'flow-mod', val: { ...(FLOW_MOD.body.val as WitFlowMod), command } } }) as WitCommand),
  { dpid: 'x'.repeat(64), body: { tag: 'packet-out', val: { bufferId: undefined, inPort: 1, actions: ACTIONS, data: bytes(0xff, 0) } } },
  { dpid: '', body: { tag: 'packet-out', val: { bufferId: 7, inPort: undefined, actions: [], data: bytes() } } },
  { dpid: '😀', body: { tag: 'barrier' } },
  { dpid: 'raw', body: { tag: 'raw', val: bytes(4, 0, 0, 8, 0, 0, 0, 1) } },
];

export function asJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? { bytes: Array.from(v) } : typeof v === 'bigint' ? `${v}n` : v === undefined ? null : v));
}

const NOTHING = (): undefined => undefined;
export const IMPORTS = {
  'sdn:plugin/types': {},
  'sdn:plugin/openflow': { send: NOTHING },
  'sdn:plugin/pubsub': { publish: NOTHING },
  'sdn:plugin/kv': { get: NOTHING, put: NOTHING, delete: NOTHING },
  'sdn:plugin/log': { log: NOTHING },
  'sdn:plugin/clock': { nowMs: () => 0n },
};
