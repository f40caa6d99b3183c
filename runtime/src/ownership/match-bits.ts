import { writeOxm, Writer, type Match, type OxmField } from '../openflow/index.js';

/**
 * Matches as bits, to compare two apps' flows without knowing every field's
 * kind: each OXM is encoded once (the codec's own encoder, so what is compared
 * is what goes on the wire) and split into its key (class, field, experimenter
 * type), value and mask (all ones when the field is exact). Prerequisites are
 * not inferred: `ip_proto=6` and `eth_type=0x0806` overlap unless both matches
 * name eth_type, which a valid OpenFlow 1.3 match always does.
 */

interface FieldBits {
  readonly value: Uint8Array;
  readonly mask: Uint8Array;
}

/** One match as field key -> bits. */
export type MatchBits = ReadonlyMap<string, FieldBits>;

const HEADER_SIZE = 4;
const HAS_MASK = 0x01;
/** The experimenter class, whose fields carry a 4-byte experimenter id (and ONF's a 2-byte type) in the key. */
const EXPERIMENTER_CLASS = 0xffff;
const ONF_PREFIX_SIZE = 6;
const NXM_PREFIX_SIZE = 4;

/**
 * The bits of `match`.
 * @throws OfpEncodeError for a field that does not encode (the same error the send would give).
 */
export function matchBits(match: Match): MatchBits {
  const out = new Map<string, FieldBits>();
  const w = new Writer(64);
  for (const field of match) {
    w.reset();
    writeOxm(w, field as OxmField);
    const bytes = w.buf.subarray(0, w.pos);
    const oxmClass = (bytes[0]! << 8) | bytes[1]!;
    const hasMask = (bytes[2]! & HAS_MASK) !== 0;
    let prefix = 0;
    if (oxmClass === EXPERIMENTER_CLASS) prefix = bytes.length - HEADER_SIZE >= ONF_PREFIX_SIZE ? ONF_PREFIX_SIZE : NXM_PREFIX_SIZE;
    const key = Buffer.from(bytes.subarray(0, HEADER_SIZE + prefix));
    key[2] = key[2]! & ~HAS_MASK;
    key[3] = 0;
    const payload = bytes.subarray(HEADER_SIZE + prefix);
    const size = hasMask ? payload.length / 2 : payload.length;
    const value = Uint8Array.from(payload.subarray(0, size));
    const mask = hasMask ? Uint8Array.from(payload.subarray(size)) : new Uint8Array(size).fill(0xff);
    out.set(key.toString('hex'), { value, mask });
  }
  return out;
}

/**
 * Whether some packet could match both: every field both name agrees on the
 * bits both masks care about (a field only one names is a wildcard in the other).
 */
export function matchesOverlap(a: MatchBits, b: MatchBits): boolean {
  for (const [key, fa] of a) {
    const fb = b.get(key);
    if (fb === undefined) continue;
    if (fa.value.length !== fb.value.length) return false;
    for (let i = 0; i < fa.value.length; i++) {
      const both = fa.mask[i]! & fb.mask[i]!;
      if ((fa.value[i]! & both) !== (fb.value[i]! & both)) return false;
    }
  }
  return true;
}

/**
 * Whether a non-strict modify or delete with match `wide` selects a flow with
 * match `narrow` (OpenFlow 1.3.5 6.4: the flow's match is the same or more
 * specific): every field of `wide` is in `narrow`, with at least `wide`'s mask
 * bits and the same value under them.
 */
export function matchCovers(wide: MatchBits, narrow: MatchBits): boolean {
  for (const [key, fw] of wide) {
    const fn = narrow.get(key);
    if (fn === undefined || fn.value.length !== fw.value.length) return false;
    for (let i = 0; i < fw.value.length; i++) {
      const m = fw.mask[i]!;
      if ((fn.mask[i]! & m) !== m) return false;
      if ((fn.value[i]! & m) !== (fw.value[i]! & m)) return false;
    }
  }
  return true;
}

/** Scratch for matchKey, which runs for every flow an app adds: one buffer, not one per call. */
const keyWriter = new Writer(64);

/**
 * A string that is the same for two matches exactly when their bits are
 * `matchesEqual`: each field as its wire bytes (an exact field as it is; a
 * masked one with its value cut to the mask, and as the exact field when the
 * mask is all ones), in sorted order (a switch reports a flow's fields in its
 * own order). Made straight from the encoded fields, without the objects
 * `matchBits` builds: the ledger finds the flow that an add replaces, a strict
 * delete names or a FLOW_REMOVED reports by lookup.
 * @throws OfpEncodeError for a field that does not encode.
 */
export function matchKey(match: Match): string {
  if (match.length === 0) return '';
  const w = keyWriter;
  if (match.length === 1) return fieldKey(w, match[0]!);
  const parts: string[] = [];
  for (const field of match) parts.push(fieldKey(w, field));
  return parts.sort().join('\n');
}

function fieldKey(w: Writer, field: Match[number]): string {
  w.reset();
  writeOxm(w, field as OxmField);
  const b = w.buf;
  const n = w.pos;
  if ((b[2]! & HAS_MASK) === 0) return b.toString('latin1', 0, n);
  let prefix = 0;
  if (((b[0]! << 8) | b[1]!) === EXPERIMENTER_CLASS) prefix = n - HEADER_SIZE >= ONF_PREFIX_SIZE ? ONF_PREFIX_SIZE : NXM_PREFIX_SIZE;
  const start = HEADER_SIZE + prefix;
  const size = (n - start) / 2;
  let allOnes = true;
  for (let i = 0; i < size; i++) {
    const m = b[start + size + i]!;
    b[start + i] = b[start + i]! & m;
    if (m !== 0xff) allOnes = false;
  }
  if (!allOnes) return b.toString('latin1', 0, n);
  // The exact field: its header says no mask and half the length.
  b[2] = b[2]! & ~HAS_MASK;
  b[3] = b[3]! - size;
  return b.toString('latin1', 0, start + size);
}

/** Whether two matches select the same packets (what a strict modify/delete and an add that replaces compare). */
export function matchesEqual(a: MatchBits, b: MatchBits): boolean {
  return a.size === b.size && matchCovers(a, b) && matchCovers(b, a);
}
