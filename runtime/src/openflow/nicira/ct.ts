import { readIpv4, readIpv6, writeIpv4, writeIpv6 } from '../addresses.js';
import type { Reader } from '../reader.js';
import type { Action } from '../structs.js';
import type { Writer } from '../writer.js';
import { readNxmHeader, writeNxmHeader } from './header.js';
import type { NXActionCT, NXActionNAT } from './types.js';
import { endPadded } from './variable.js';

/**
 * NXAST_CT (struct nx_action_conntrack, 24 bytes, then nested actions) and
 * NXAST_NAT (struct nx_action_nat, 16 bytes, then the range bounds that
 * range_present flags, in flag order, padded to 8).
 */

/** sizeof(struct nx_action_conntrack) without its nested actions. */
export const NX_ACTION_CT_SIZE = 24;
/** sizeof(struct nx_action_nat) without its range bounds. */
export const NX_ACTION_NAT_SIZE = 16;
/**
 * How deep ct may nest inside ct. Open vSwitch allows no nesting at all; the
 * bound keeps a crafted message from recursing once per 24 bytes.
 */
export const NX_CT_MAX_NESTING = 4;

// enum nx_nat_range
export const NX_NAT_RANGE_IPV4_MIN = 1 << 0;
export const NX_NAT_RANGE_IPV4_MAX = 1 << 1;
export const NX_NAT_RANGE_IPV6_MIN = 1 << 2;
export const NX_NAT_RANGE_IPV6_MAX = 1 << 3;
export const NX_NAT_RANGE_PROTO_MIN = 1 << 4;
export const NX_NAT_RANGE_PROTO_MAX = 1 << 5;
const NX_NAT_RANGE_ALL = 0x3f;

/** How ct reads and writes its nested action list (the action codec, passed in to keep the import graph one-way). */
export interface NestedActions {
  read(r: Reader, depth: number): Action[];
  write(w: Writer, actions: readonly Action[], depth: number): void;
}

export function readCt(r: Reader, nested: NestedActions, depth: number, start: number): NXActionCT {
  if (depth >= NX_CT_MAX_NESTING) r.fail('ct.actions', `ct nested deeper than ${NX_CT_MAX_NESTING}`, start);
  const flags = r.u16('ct.flags');
  const zoneSrc = readNxmHeader(r, 'ct.zone_src');
  const zoneOfsNbits = r.u16('ct.zone_ofs_nbits');
  const recircTable = r.u8('ct.recirc_table');
  r.pad(3, 'ct.pad');
  const alg = r.u16('ct.alg');
  return { type: 'nxCt', flags, zoneSrc, zoneOfsNbits, recircTable, alg, actions: nested.read(r, depth + 1) };
}

export function writeCt(w: Writer, a: NXActionCT, nested: NestedActions, depth: number): void {
  if (depth >= NX_CT_MAX_NESTING) w.fail('ct.actions', `ct nested deeper than ${NX_CT_MAX_NESTING}`);
  w.u16(a.flags, 'ct.flags');
  writeNxmHeader(w, a.zoneSrc, 'ct.zone_src');
  w.u16(a.zoneOfsNbits, 'ct.zone_ofs_nbits');
  w.u8(a.recircTable, 'ct.recirc_table');
  w.zeros(3);
  w.u16(a.alg, 'ct.alg');
  nested.write(w, a.actions, depth + 1);
}

export function readNat(r: Reader, start: number, len: number): NXActionNAT {
  r.pad(2, 'nat.pad');
  const flags = r.u16('nat.flags');
  const at = r.pos;
  const present = r.u16('nat.range_present');
  if ((present & ~NX_NAT_RANGE_ALL) !== 0) r.fail('nat.range_present', `unknown range bits in 0x${present.toString(16)}`, at);
  const out: { -readonly [K in keyof NXActionNAT]: NXActionNAT[K] } = { type: 'nxNat', flags };
  if (present & NX_NAT_RANGE_IPV4_MIN) out.rangeIpv4Min = readIpv4(r, 'nat.range_ipv4_min');
  if (present & NX_NAT_RANGE_IPV4_MAX) out.rangeIpv4Max = readIpv4(r, 'nat.range_ipv4_max');
  if (present & NX_NAT_RANGE_IPV6_MIN) out.rangeIpv6Min = readIpv6(r, 'nat.range_ipv6_min');
  if (present & NX_NAT_RANGE_IPV6_MAX) out.rangeIpv6Max = readIpv6(r, 'nat.range_ipv6_max');
  if (present & NX_NAT_RANGE_PROTO_MIN) out.rangeProtoMin = r.u16('nat.range_proto_min');
  if (present & NX_NAT_RANGE_PROTO_MAX) out.rangeProtoMax = r.u16('nat.range_proto_max');
  endPadded(r, start, len, 'nat');
  return out;
}

export function writeNat(w: Writer, a: NXActionNAT): void {
  const present =
    (a.rangeIpv4Min !== undefined ? NX_NAT_RANGE_IPV4_MIN : 0) |
    (a.rangeIpv4Max !== undefined ? NX_NAT_RANGE_IPV4_MAX : 0) |
    (a.rangeIpv6Min !== undefined ? NX_NAT_RANGE_IPV6_MIN : 0) |
    (a.rangeIpv6Max !== undefined ? NX_NAT_RANGE_IPV6_MAX : 0) |
    (a.rangeProtoMin !== undefined ? NX_NAT_RANGE_PROTO_MIN : 0) |
    (a.rangeProtoMax !== undefined ? NX_NAT_RANGE_PROTO_MAX : 0);
  w.zeros(2);
  w.u16(a.flags, 'nat.flags');
  w.u16(present, 'nat.range_present');
  if (a.rangeIpv4Min !== undefined) writeIpv4(w, a.rangeIpv4Min, 'nat.range_ipv4_min');
  if (a.rangeIpv4Max !== undefined) writeIpv4(w, a.rangeIpv4Max, 'nat.range_ipv4_max');
  if (a.rangeIpv6Min !== undefined) writeIpv6(w, a.rangeIpv6Min, 'nat.range_ipv6_min');
  if (a.rangeIpv6Max !== undefined) writeIpv6(w, a.rangeIpv6Max, 'nat.range_ipv6_max');
  if (a.rangeProtoMin !== undefined) w.u16(a.rangeProtoMin, 'nat.range_proto_min');
  if (a.rangeProtoMax !== undefined) w.u16(a.rangeProtoMax, 'nat.range_proto_max');
}
