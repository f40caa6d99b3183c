import type { Reader } from '../reader.js';
import { describeValue } from '../writer.js';
import type { Writer } from '../writer.js';
import { readNxmHeader, writeNxmHeader } from './header.js';
import { endPadded } from './variable.js';
import type { NXActionLearn, NXFlowSpec, NXFlowSpecField, NXFlowSpecSource } from './types.js';

/**
 * NXAST_LEARN: struct nx_action_learn (32 bytes) followed by flow specs, each a
 * 16-bit header then its source and destination, the list ended by the action's
 * length or by an all-zero header, and padded to 8.
 *
 * Spec header: bits 15-14 and 10 reserved (0), bit 13 source (0 field, 1
 * immediate), bits 12-11 destination (0 match, 1 load, 2 output), bits 9-0 n_bits.
 * A field is a 4-byte NXM header and a 16-bit bit offset; an immediate value
 * takes ceil(n_bits / 16) * 2 bytes.
 */

/** sizeof(struct nx_action_learn) without its specs. */
export const NX_ACTION_LEARN_SIZE = 32;
/** Bytes of a flow spec's header. */
export const NX_LEARN_SPEC_HEADER_SIZE = 2;
/** Bytes of a field reference in a flow spec: NXM header and offset. */
export const NX_LEARN_SUBFIELD_SIZE = 6;

export const NX_LEARN_N_BITS_MASK = 0x3ff;
export const NX_LEARN_SRC_IMMEDIATE = 1 << 13;
export const NX_LEARN_DST_MATCH = 0 << 11;
export const NX_LEARN_DST_LOAD = 1 << 11;
export const NX_LEARN_DST_OUTPUT = 2 << 11;
const NX_LEARN_DST_MASK = 3 << 11;
/** Bits a spec header must leave 0. */
const NX_LEARN_RESERVED_BITS = 0xc400;

const DST_BITS: Readonly<Record<NXFlowSpec['type'], number>> = { match: NX_LEARN_DST_MATCH, load: NX_LEARN_DST_LOAD, output: NX_LEARN_DST_OUTPUT };

/** Bytes of an immediate source of `nBits` bits. */
export function immediateSize(nBits: number): number {
  return ((nBits + 15) >> 4) * 2;
}

function readField(r: Reader, what: string): NXFlowSpecField {
  const field = readNxmHeader(r, `learn.${what}.field`);
  return { field, ofs: r.u16(`learn.${what}.ofs`) };
}

function readSpec(r: Reader, header: number, at: number): NXFlowSpec {
  if ((header & NX_LEARN_RESERVED_BITS) !== 0) r.fail('learn.spec.header', `reserved bits set in 0x${header.toString(16)}`, at);
  const nBits = header & NX_LEARN_N_BITS_MASK;
  let src: NXFlowSpecSource;
  if ((header & NX_LEARN_SRC_IMMEDIATE) !== 0) {
    src = 0n;
    for (const byte of r.bytes(immediateSize(nBits), 'learn.spec.src')) src = (src << 8n) | BigInt(byte);
  } else {
    src = readField(r, 'src');
  }
  switch (header & NX_LEARN_DST_MASK) {
    case NX_LEARN_DST_MATCH:
      return { type: 'match', src, dst: readField(r, 'dst'), nBits };
    case NX_LEARN_DST_LOAD:
      return { type: 'load', src, dst: readField(r, 'dst'), nBits };
    case NX_LEARN_DST_OUTPUT:
      return { type: 'output', src, nBits };
    default:
      return r.fail('learn.spec.header', `destination type 3 is reserved (header 0x${header.toString(16)})`, at);
  }
}

export function readLearn(r: Reader, start: number, len: number): NXActionLearn {
  const idleTimeout = r.u16('learn.idle_timeout');
  const hardTimeout = r.u16('learn.hard_timeout');
  const priority = r.u16('learn.priority');
  const cookie = r.u64('learn.cookie');
  const flags = r.u16('learn.flags');
  const tableId = r.u8('learn.table_id');
  r.pad(1, 'learn.pad');
  const finIdleTimeout = r.u16('learn.fin_idle_timeout');
  const finHardTimeout = r.u16('learn.fin_hard_timeout');
  const specs: NXFlowSpec[] = [];
  let end = r.pos;
  while (r.pos < r.end) {
    const at = r.pos;
    const header = r.u16('learn.spec.header');
    if (header === 0) break;
    specs.push(readSpec(r, header, at));
    end = r.pos;
  }
  r.pos = end;
  endPadded(r, start, len, `learn with ${specs.length} specs`);
  return { type: 'nxLearn', idleTimeout, hardTimeout, priority, cookie, flags, tableId, finIdleTimeout, finHardTimeout, specs };
}

function writeField(w: Writer, f: NXFlowSpecField, what: string): void {
  w.struct(f, `learn.${what}`);
  writeNxmHeader(w, f.field, `learn.${what}.field`);
  w.u16(f.ofs, `learn.${what}.ofs`);
}

function writeSpec(w: Writer, spec: NXFlowSpec): void {
  w.struct(spec, 'learn.spec');
  const dst = DST_BITS[spec.type];
  if (dst === undefined) w.fail('learn.spec.type', `${describeValue(spec.type)} is not match, load or output`);
  const { nBits, src } = spec;
  if (typeof nBits !== 'number' || (nBits & NX_LEARN_N_BITS_MASK) !== nBits) w.fail('learn.spec.n_bits', `${String(nBits)} is not in 0..1023`);
  const immediate = typeof src === 'bigint';
  if (!immediate && dst === NX_LEARN_DST_MATCH && nBits === 0) {
    w.fail('learn.spec.n_bits', 'a 0-bit match from a field has the all-zero header that ends the spec list');
  }
  w.u16((immediate ? NX_LEARN_SRC_IMMEDIATE : 0) | dst | nBits, 'learn.spec.header');
  if (immediate) {
    const size = immediateSize(nBits);
    if (src < 0n || src >> BigInt(size * 8) !== 0n) w.fail('learn.spec.src', `${src} does not fit the ${size} bytes of a ${nBits}-bit immediate`);
    for (let i = size - 1; i >= 0; i--) w.u8(Number((src >> BigInt(i * 8)) & 0xffn), 'learn.spec.src');
  } else {
    writeField(w, src, 'src');
  }
  if (spec.type !== 'output') writeField(w, spec.dst, 'dst');
}

export function writeLearn(w: Writer, a: NXActionLearn): void {
  w.u16(a.idleTimeout, 'learn.idle_timeout');
  w.u16(a.hardTimeout, 'learn.hard_timeout');
  w.u16(a.priority, 'learn.priority');
  w.u64(a.cookie, 'learn.cookie');
  w.u16(a.flags, 'learn.flags');
  w.u8(a.tableId, 'learn.table_id');
  w.zeros(1);
  w.u16(a.finIdleTimeout, 'learn.fin_idle_timeout');
  w.u16(a.finHardTimeout, 'learn.fin_hard_timeout');
  for (const spec of w.list(a.specs, 'learn.specs')) writeSpec(w, spec);
}
