/**
 * u64 <-> bigint without BigInt arithmetic. V8 runs `BigInt(number)`, `Number(bigint)`,
 * shifts and comparisons of bigints as calls into its runtime (~30-60 ns each on the
 * benchmark machine); a store into a BigUint64Array and a load from it compile to a
 * few machine instructions. So a u64 goes through one 8-byte scratch array, and its
 * bytes are copied in wire order (big-endian) whatever the host's byte order.
 *
 * The scratch is module state, but no call is made between filling it and reading it
 * back, so no other code can observe or disturb it (JavaScript runs one call at a
 * time per thread; worker threads have their own module instances).
 */

const SCRATCH = new BigUint64Array(1);
const SCRATCH_BYTES = new Uint8Array(SCRATCH.buffer);
/** Index in SCRATCH_BYTES of the most significant byte, and the step to the next one. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MSB = LITTLE_ENDIAN ? 7 : 0;
const STEP = LITTLE_ENDIAN ? -1 : 1;

/**
 * Writes `v` as 8 big-endian bytes at `p` of `b` (the caller has checked the room)
 * and returns true, or writes nothing and returns false when `v` is not a bigint in
 * 0..2^64-1.
 */
export function writeU64At(b: Uint8Array, p: number, v: bigint): boolean {
  // `typeof` first: the store would convert a string or a boolean to a bigint.
  if (typeof v !== 'bigint') return false;
  // The store wraps modulo 2^64; reading back the same value proves it was in range.
  SCRATCH[0] = v;
  if (SCRATCH[0] !== v) return false;
  const s = SCRATCH_BYTES;
  b[p] = s[MSB]!;
  b[p + 1] = s[MSB + STEP]!;
  b[p + 2] = s[MSB + 2 * STEP]!;
  b[p + 3] = s[MSB + 3 * STEP]!;
  b[p + 4] = s[MSB + 4 * STEP]!;
  b[p + 5] = s[MSB + 5 * STEP]!;
  b[p + 6] = s[MSB + 6 * STEP]!;
  b[p + 7] = s[MSB + 7 * STEP]!;
  return true;
}

/** The 8 big-endian bytes at `p` of `b` as a bigint (the caller has checked the bounds). */
export function readU64At(b: Uint8Array, p: number): bigint {
  // Zero (a cookie nobody set) is the common value: no allocation for it.
  if ((b[p]! | b[p + 1]! | b[p + 2]! | b[p + 3]! | b[p + 4]! | b[p + 5]! | b[p + 6]! | b[p + 7]!) === 0) return 0n;
  const s = SCRATCH_BYTES;
  s[MSB] = b[p]!;
  s[MSB + STEP] = b[p + 1]!;
  s[MSB + 2 * STEP] = b[p + 2]!;
  s[MSB + 3 * STEP] = b[p + 3]!;
  s[MSB + 4 * STEP] = b[p + 4]!;
  s[MSB + 5 * STEP] = b[p + 5]!;
  s[MSB + 6 * STEP] = b[p + 6]!;
  s[MSB + 7 * STEP] = b[p + 7]!;
  return SCRATCH[0]!;
}
