import { OfpDecodeError, readOxm, Reader, writeOxm, Writer, type Match, type OxmField } from '../openflow/index.js';

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
 * Bytes between an encoded field's 4-byte header and its value: an experimenter
 * field's experimenter id (NXM) plus its ONF type (EXT-256); none otherwise.
 * `b[at..at + n)` is the whole field.
 */
function experimenterPrefix(b: Uint8Array, at: number, n: number): number {
  if (((b[at]! << 8) | b[at + 1]!) !== EXPERIMENTER_CLASS) return 0;
  return n - HEADER_SIZE >= ONF_PREFIX_SIZE ? ONF_PREFIX_SIZE : NXM_PREFIX_SIZE;
}

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
    const hasMask = (bytes[2]! & HAS_MASK) !== 0;
    const prefix = experimenterPrefix(bytes, 0, bytes.length);
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

/** Scratch for matchKeyOf, which runs for every flow-mod an app sends: one buffer, not one per call. */
const keyWriter = new Writer(64);

/**
 * What `matchKeyOf` hands back: a match's key bytes, and their hash. Valid
 * until the next `matchKeyOf` or `matchKeyOfEncoded` call, and while the bytes
 * it was made from are unchanged (one object, reused: the key of a flow-mod
 * that replaces a flow is never kept).
 */
export interface MatchKey {
  /** The key is `bytes[start..start + length)`: a scratch buffer, or the encoded match itself (`matchKeyOfEncoded`). */
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly length: number;
  /** `keyHash` of the key bytes, 30 bits: a small integer, which a Map hashes inline (a string key is hashed by a call out of the generated code). */
  readonly hash: number;
}

const scratchKey: { bytes: Uint8Array; start: number; length: number; hash: number } = { bytes: keyWriter.buf, start: 0, length: 0, hash: 0 };

/**
 * A 30-bit hash of `b[start..end)`: murmur3's body over its 4-byte words (a
 * byte at a time was a third of a learning switch's key), the bytes left over
 * folded in one by one; the top 30 bits (the FlowIndex mixes it again).
 */
function keyHash(b: Uint8Array, start: number, end: number): number {
  let h = end - start;
  let at = start;
  for (; at + 4 <= end; at += 4) {
    let k = (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  for (; at < end; at++) h = Math.imul(h ^ b[at]!, 0x01000193);
  return h >>> 2;
}

/**
 * The key of `match`: bytes that are the same for two matches exactly when
 * their bits are `matchesEqual`: the fields' wire bytes (an exact field as it
 * is; a masked one with its value cut to the mask, and as the exact field when
 * the mask is all ones) in the order of their OXM types (a switch reports a
 * flow's fields in its own order). Made straight from the encoded fields,
 * without the objects `matchBits` builds, and without a string: the ledger
 * finds the flow that an add replaces, a strict delete names or a
 * FLOW_REMOVED reports by the hash, and compares the bytes (`FlowIndex`).
 * @throws OfpEncodeError for a field that does not encode.
 */
export function matchKeyOf(match: Match): MatchKey {
  const w = keyWriter;
  w.reset();
  let inOrder = true;
  let previous = -1;
  for (const field of match) {
    const at = w.pos;
    writeOxm(w, field as OxmField);
    normalizeMask(w, at);
    // Class and field: the three bytes before the mask bit.
    const type = (w.buf.readUInt32BE(at) >>> 9) & 0x7fffff;
    if (type <= previous) inOrder = false;
    previous = type;
  }
  return finishKey(w, inOrder);
}

/**
 * `matchKeyOf` of the match whose OXM fields are `bytes[start..end)`, as the
 * codec encoded them (the fields of a flow-mod about to be sent): the same key,
 * without encoding the fields a second time.
 * @throws RangeError when the range does not hold whole OXM fields.
 */
export function matchKeyOfEncoded(bytes: Uint8Array, start: number, end: number): MatchKey {
  // In order and unmasked (a learning switch's flow): the key is the bytes as they are, where they are.
  let asTheyAre = true;
  let previous = -1;
  for (let at = start; at < end; ) {
    const next = at + HEADER_SIZE + (at + HEADER_SIZE <= end ? bytes[at + 3]! : 0);
    if (at + HEADER_SIZE > end || next > end) throw new RangeError(`bytes ${start}..${end} do not hold whole OXM fields (one at ${at} does not end by ${end})`);
    // Class and field: the 23 bits before the mask bit.
    const type = (bytes[at]! << 15) | (bytes[at + 1]! << 7) | (bytes[at + 2]! >>> 1);
    if (type <= previous || (bytes[at + 2]! & HAS_MASK) !== 0) asTheyAre = false;
    previous = type;
    at = next;
  }
  if (asTheyAre) return keyAt(bytes, start, end - start);
  const w = keyWriter;
  w.reset();
  let inOrder = true;
  previous = -1;
  for (let at = start; at < end; ) {
    const next = at + HEADER_SIZE + bytes[at + 3]!;
    const pos = w.pos;
    w.bytes(bytes.subarray(at, next));
    normalizeMask(w, pos);
    const type = (w.buf.readUInt32BE(pos) >>> 9) & 0x7fffff;
    if (type <= previous) inOrder = false;
    previous = type;
    at = next;
  }
  return finishKey(w, inOrder);
}

/** The key of the normalized fields written to `w` (`inOrder`: by OXM type already): sorted, hashed. */
function finishKey(w: Writer, inOrder: boolean): MatchKey {
  if (!inOrder) sortFields(w);
  return keyAt(w.buf, 0, w.pos);
}

function keyAt(bytes: Uint8Array, start: number, length: number): MatchKey {
  scratchKey.bytes = bytes;
  scratchKey.start = start;
  scratchKey.length = length;
  scratchKey.hash = keyHash(bytes, start, start + length);
  return scratchKey;
}

/** Rewrites the fields written to `w` in the order of their bytes (which starts with their OXM type). */
function sortFields(w: Writer): void {
  const parts: string[] = [];
  for (let at = 0; at < w.pos; at += HEADER_SIZE + w.buf[at + 3]!) parts.push(w.buf.toString('latin1', at, at + HEADER_SIZE + w.buf[at + 3]!));
  w.buf.write(parts.sort().join(''), 0, 'latin1');
}

/**
 * The match whose key is `key` (`matchKeyOf`'s bytes): its canonical form, the
 * fields in the order of their OXM types with their masks normalized, equal
 * to every match of that key (`matchesEqual`). The ledger keeps a flow's key,
 * not the app's match objects, and makes the match only when it hands a flow
 * out. A field the codec does not decode as its model (an app's opaque field
 * with a known class and field and another length, say) comes back opaque, as
 * its bytes: whatever an app wrote, its flow can be handed out and compared.
 */
export function matchOfKey(key: Uint8Array): Match {
  const bytes = Buffer.from(key);
  const fields: OxmField[] = [];
  for (let at = 0; at + HEADER_SIZE <= bytes.length; ) {
    const next = Math.min(at + HEADER_SIZE + bytes[at + 3]!, bytes.length);
    fields.push(fieldAt(bytes, at, next));
    at = next;
  }
  return fields;
}

/** The field encoded at `bytes[at..next)`, opaque when it does not decode as its model. */
function fieldAt(bytes: Buffer, at: number, next: number): OxmField {
  try {
    const r = new Reader(bytes, at, next, 'ledger key');
    const field = readOxm(r);
    if (r.pos === next) return field;
  } catch (err) {
    if (!(err instanceof OfpDecodeError)) throw err;
  }
  return { field: 'opaque', oxmClass: bytes.readUInt16BE(at), oxmField: bytes[at + 2]! >>> 1, hasMask: (bytes[at + 2]! & HAS_MASK) !== 0, payload: bytes.subarray(at + HEADER_SIZE, next) };
}

/** Cuts a masked field's value to its mask, and rewrites an all-ones mask as the exact field. */
function normalizeMask(w: Writer, at: number): void {
  const b = w.buf;
  if ((b[at + 2]! & HAS_MASK) === 0) return;
  const start = at + HEADER_SIZE + experimenterPrefix(b, at, w.pos - at);
  const size = (w.pos - start) / 2;
  let allOnes = true;
  for (let i = 0; i < size; i++) {
    const m = b[start + size + i]!;
    b[start + i] = b[start + i]! & m;
    if (m !== 0xff) allOnes = false;
  }
  if (!allOnes) return;
  b[at + 2] = b[at + 2]! & ~HAS_MASK;
  b[at + 3] = b[at + 3]! - size;
  w.pos = start + size;
}

/** Whether two matches select the same packets (what a strict modify/delete and an add that replaces compare). */
export function matchesEqual(a: MatchBits, b: MatchBits): boolean {
  return a.size === b.size && matchCovers(a, b) && matchCovers(b, a);
}
