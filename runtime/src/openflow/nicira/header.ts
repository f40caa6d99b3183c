import { oxmFieldByCode, oxmFieldByName, OFPXMC_EXPERIMENTER } from '../oxm-fields.js';
import type { Reader } from '../reader.js';
import { describeValue } from '../writer.js';
import type { Writer } from '../writer.js';
import type { NxmHeader } from './types.js';

/**
 * 4-byte NXM/OXM headers that name a field inside a Nicira action (reg_load's
 * dst, reg_move's fields, learn specs, ct's zone source): class(16) | field(7) |
 * hasmask(1) | length(8), as in an OXM TLV but without a value. Shown as the
 * field's name when that reproduces the header exactly, else as its number.
 */

/** Bytes of an NXM/OXM header inside an action. */
export const NXM_HEADER_SIZE = 4;

/** The header of a modelled field: its class and number, no mask bit, its own length. Undefined for ONF (8-byte) fields. */
function canonicalHeader(name: string): number | undefined {
  const desc = oxmFieldByName(name);
  if (desc === undefined || desc.oxmClass === OFPXMC_EXPERIMENTER) return undefined;
  return ((desc.oxmClass << 16) | (desc.oxmField << 9) | desc.size) >>> 0;
}

/** `h` as Ryu shows it: '' for 0, a field name when canonical, else the number. */
export function nxmHeaderFromNumber(h: number): NxmHeader {
  if (h === 0) return '';
  const desc = oxmFieldByCode(h >>> 16, (h >>> 9) & 0x7f);
  if (desc !== undefined && (h & 0x1ff) === desc.size) return desc.name;
  return h;
}

/** The 32-bit header of `h`, or undefined for a name no 4-byte header has (or a number out of range). */
export function nxmHeaderNumber(h: NxmHeader): number | undefined {
  if (h === '') return 0;
  if (typeof h === 'string') return canonicalHeader(h);
  return Number.isInteger(h) && h >= 0 && h <= 0xffffffff ? h : undefined;
}

export function readNxmHeader(r: Reader, field: string): NxmHeader {
  return nxmHeaderFromNumber(r.u32(field));
}

/** @throws OfpEncodeError naming `field` for a name that is not a modelled 4-byte field, or a number that is not a u32. */
export function writeNxmHeader(w: Writer, h: NxmHeader, field: string): void {
  const n = nxmHeaderNumber(h);
  if (n === undefined) w.fail(field, `${describeValue(h)} is not a field name with a 4-byte NXM/OXM header, nor a u32 header`);
  w.u32(n, field);
}
