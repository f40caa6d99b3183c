import { readIpv4, readIpv6, readMac, writeIpv4, writeIpv6, writeMac } from './addresses.js';
import {
  OFPXMC_EXPERIMENTER,
  ONF_EXPERIMENTER_ID,
  oxmFieldByCode,
  oxmFieldByName,
  oxmFieldByOnfExpType,
  type OxmFieldDesc,
  type OxmKind,
} from './oxm-fields.js';
import type { Reader } from './reader.js';
import type { Match, OxmField, OxmOpaque, OxmTlv, OxmValue } from './structs.js';
import type { Writer } from './writer.js';

/**
 * OXM TLVs (OpenFlow 1.3.5 7.2.3) and struct ofp_match. A TLV's header is
 * class(16) | field(7) | hasmask(1) | length(8); its payload holds the value and,
 * when hasmask is set, a mask of the same width. Modelled fields whose payload
 * length disagrees with their width are an error; unknown fields are kept opaque.
 */

// 7.2.2 enum ofp_match_type
export const OFPMT_STANDARD = 0;
export const OFPMT_OXM = 1;

/** sizeof(struct ofp_match) header: type + length. */
export const OFP_MATCH_HEADER_SIZE = 4;
/** Bytes of an OXM TLV header. */
export const OXM_HEADER_SIZE = 4;
/** Experimenter id + exp_type that precede an ONF EXT-256 field's value. */
const ONF_OXM_PREFIX_SIZE = 6;

function readValue(r: Reader, kind: OxmKind, field: string): OxmValue {
  switch (kind) {
    case 'u8':
      return r.u8(field);
    case 'u16':
      return r.u16(field);
    case 'u24':
      return r.u8(field) * 0x10000 + r.u16(field);
    case 'u32':
      return r.u32(field);
    case 'u64':
      return r.u64(field);
    case 'u128':
      return (r.u64(field) << 64n) | r.u64(field);
    case 'mac':
      return readMac(r, field);
    case 'ipv4':
      return readIpv4(r, field);
    case 'ipv6':
      return readIpv6(r, field);
  }
}

function writeValue(w: Writer, kind: OxmKind, v: OxmValue, field: string): void {
  switch (kind) {
    case 'u8':
      return w.u8(v as number, field);
    case 'u16':
      return w.u16(v as number, field);
    case 'u24':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffff) w.fail(field, `${String(v)} is not a u24`);
      w.u8(v >>> 16, field);
      return w.u16(v & 0xffff, field);
    case 'u32':
      return w.u32(v as number, field);
    case 'u64':
      return w.u64(v as bigint, field);
    case 'u128':
      if (typeof v !== 'bigint' || v < 0n || v >> 128n !== 0n) w.fail(field, `${String(v)} is not a u128 bigint`);
      w.u64(v >> 64n, field);
      return w.u64(v & 0xffffffffffffffffn, field);
    case 'mac':
      return writeMac(w, v as string, field);
    case 'ipv4':
      return writeIpv4(w, v as string, field);
    case 'ipv6':
      return writeIpv6(w, v as string, field);
  }
}

function readModelled(r: Reader, desc: OxmFieldDesc, hasMask: boolean, payloadLength: number, prefix: number): OxmTlv {
  const size = desc.size;
  if (payloadLength !== prefix + (hasMask ? 2 * size : size)) {
    r.fail('oxm.length', `${desc.name} needs ${prefix + (hasMask ? 2 * size : size)} payload bytes, header says ${payloadLength}`, r.pos - 1 - prefix);
  }
  const value = readValue(r, desc.kind, desc.name);
  if (!hasMask) return { field: desc.name, value };
  return { field: desc.name, value, mask: readValue(r, desc.kind, desc.name) };
}

/** The value of the first unmasked-or-masked field called `name` in `match`, or undefined. */
export function matchValue(match: Match, name: string): OxmValue | undefined {
  for (let i = 0; i < match.length; i++) {
    const f = match[i]!;
    if (f.field === name) return (f as OxmTlv).value;
  }
  return undefined;
}

/** Reads one OXM TLV at the cursor. */
export function readOxm(r: Reader): OxmField {
  const header = r.u32('oxm.header');
  const oxmClass = header >>> 16;
  const oxmField = (header >>> 9) & 0x7f;
  const hasMask = (header & 0x100) !== 0;
  const length = header & 0xff;
  if (oxmClass === OFPXMC_EXPERIMENTER && length >= ONF_OXM_PREFIX_SIZE && r.remaining() >= ONF_OXM_PREFIX_SIZE) {
    const p = r.pos;
    const b = r.buf;
    const experimenter = b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
    const desc = experimenter === ONF_EXPERIMENTER_ID ? oxmFieldByOnfExpType((b[p + 4]! << 8) | b[p + 5]!) : undefined;
    if (desc !== undefined) {
      r.pos = p + ONF_OXM_PREFIX_SIZE;
      return readModelled(r, desc, hasMask, length, ONF_OXM_PREFIX_SIZE);
    }
  } else {
    const desc = oxmFieldByCode(oxmClass, oxmField);
    if (desc !== undefined) return readModelled(r, desc, hasMask, length, 0);
  }
  return { field: 'opaque', oxmClass, oxmField, hasMask, payload: r.bytes(length, 'oxm.length') };
}

/** Writes one OXM TLV. */
export function writeOxm(w: Writer, f: OxmField): void {
  w.struct(f, 'oxm');
  if (f.field === 'opaque') {
    const opaque = f as OxmOpaque;
    const payload = w.expectBytes(opaque.payload, 'oxm.payload');
    // The header packs class(16) | field(7) | hasmask(1) | length(8): each part is
    // checked on its own, or an oversized one would spill into its neighbour.
    const { oxmField, hasMask } = opaque;
    if (typeof oxmField !== 'number' || (oxmField & 0x7f) !== oxmField) w.fail('oxm.field', `${String(oxmField)} is not a 7-bit field number`);
    if (typeof hasMask !== 'boolean') w.fail('oxm.hasmask', `${String(hasMask)} is not a boolean`);
    if (payload.length > 0xff) w.fail('oxm.payload', `${payload.length} bytes do not fit the 8-bit OXM length`);
    w.u16(opaque.oxmClass, 'oxm.class');
    w.u8((oxmField << 1) | (hasMask ? 1 : 0), 'oxm.field');
    w.u8(payload.length, 'oxm.length');
    w.bytes(payload, 'oxm.payload');
    return;
  }
  const tlv = f as OxmTlv;
  const desc = oxmFieldByName(tlv.field);
  if (desc === undefined) w.fail(`oxm.${tlv.field}`, 'unknown OXM field name');
  const hasMask = tlv.mask !== undefined && tlv.mask !== null;
  const size = desc.size * (hasMask ? 2 : 1);
  const prefix = desc.expType === undefined ? 0 : ONF_OXM_PREFIX_SIZE;
  w.u32(((desc.oxmClass << 16) | (desc.oxmField << 9) | (hasMask ? 0x100 : 0) | (prefix + size)) >>> 0, 'oxm.header');
  if (desc.expType !== undefined) {
    w.u32(ONF_EXPERIMENTER_ID, 'oxm.experimenter');
    w.u16(desc.expType, 'oxm.exp_type');
  }
  writeValue(w, desc.kind, tlv.value, desc.name);
  if (hasMask) writeValue(w, desc.kind, tlv.mask!, desc.maskName);
}

/** The names errors give to the parts of one match: `match.type`, `match.length`, `match.pad`. */
export interface MatchFieldNames {
  readonly type: string;
  readonly length: string;
  readonly pad: string;
}

/** The part names of a match that errors call `field` (e.g. 'flow_stats.match'). */
export function matchFieldNames(field: string): MatchFieldNames {
  return { type: `${field}.type`, length: `${field}.length`, pad: `${field}.pad` };
}

// Built once: joining the names per match cost ~10% of a PACKET_IN decode.
const MATCH_FIELDS = matchFieldNames('match');

/**
 * Reads a struct ofp_match (type OFPMT_OXM) and the padding that aligns it to
 * 8 bytes. `names` name its parts in errors (`matchFieldNames`).
 */
export function readMatch(r: Reader, names: MatchFieldNames = MATCH_FIELDS): Match {
  const start = r.pos;
  const type = r.u16(names.type);
  if (type !== OFPMT_OXM) r.fail(names.type, `match type ${type} is not OFPMT_OXM (1)`, start);
  const length = r.u16(names.length);
  if (length < OFP_MATCH_HEADER_SIZE) r.fail(names.length, `${length} is below the match header size 4`, start + 2);
  const tlvs = r.sub(length - OFP_MATCH_HEADER_SIZE, names.length);
  // Started from its first field, the list is allocated with room for it: from [] the
  // first push has to grow the backing store (a builtin call per match).
  const fields: OxmField[] = tlvs.pos < tlvs.end ? [readOxm(tlvs)] : [];
  while (tlvs.pos < tlvs.end) fields.push(readOxm(tlvs));
  r.pad(((length + 7) & ~7) - length, names.pad);
  return fields;
}

/** Writes a struct ofp_match with its padding. */
export function writeMatch(w: Writer, match: Match): void {
  const start = w.pos;
  w.u16(OFPMT_OXM, 'match.type');
  w.u16(0, 'match.length');
  const fields = w.list(match, 'match');
  for (let i = 0; i < fields.length; i++) writeOxm(w, fields[i]!);
  w.patchU16(start + 2, w.pos - start, 'match.length');
  w.align8(start);
}

/** The value of ofp_match.length for `match`: header and TLVs, padding excluded. */
export function matchWireLength(match: Match): number {
  let length = OFP_MATCH_HEADER_SIZE;
  for (const f of match) {
    if (f.field === 'opaque') {
      length += OXM_HEADER_SIZE + (f as Extract<OxmField, { field: 'opaque' }>).payload.length;
      continue;
    }
    const tlv = f as OxmTlv;
    const desc = oxmFieldByName(tlv.field);
    const size = desc === undefined ? 0 : desc.size * (tlv.mask === undefined || tlv.mask === null ? 1 : 2);
    length += OXM_HEADER_SIZE + (desc?.expType === undefined ? 0 : ONF_OXM_PREFIX_SIZE) + size;
  }
  return length;
}
