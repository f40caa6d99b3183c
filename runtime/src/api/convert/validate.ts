import { ApiInputError } from '../errors.js';

/**
 * Checks for client input, each naming the proto field path in its error. The
 * protobuf decoder already guarantees types and the width of uint32/uint64
 * fields; these check what the wire format of OpenFlow narrows further.
 */

function uint(v: number, bits: number, path: string): number {
  const max = 2 ** bits - 1;
  if (!Number.isInteger(v) || v < 0 || v > max) throw new ApiInputError(path, `${v} does not fit in ${bits} bits (0..${max})`);
  return v;
}

export const u8 = (v: number, path: string): number => uint(v, 8, path);
export const u16 = (v: number, path: string): number => uint(v, 16, path);
export const u32 = (v: number, path: string): number => uint(v, 32, path);

/** A bigint that must fit `bits` bits (OXM values carried as uint64). */
export function uintBig(v: bigint, bits: number, path: string): bigint {
  if (v < 0n || v >> BigInt(bits) !== 0n) throw new ApiInputError(path, `${v} does not fit in ${bits} bits`);
  return v;
}

/** A proto enum value that must be one of `known` (decoders pass unknown numbers through). */
export function enumValue<T extends number>(v: T, known: readonly number[], path: string): T {
  if (!known.includes(v)) throw new ApiInputError(path, `${v} is not a known value (${known.join(', ')})`);
  return v;
}

/** A message field that must be set. */
export function required<T>(v: T | undefined, path: string): T {
  if (v === undefined) throw new ApiInputError(path, 'is required');
  return v;
}

/** `v`, or `fallback` when the optional field is absent. */
export function orDefault(v: number | undefined, fallback: number, bits: number, path: string): number {
  return v === undefined ? fallback : uint(v, bits, path);
}

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** A MAC address "aa:bb:cc:dd:ee:ff" (either case, as the codec accepts). */
export function mac(v: string, path: string): string {
  if (!MAC.test(v)) throw new ApiInputError(path, `${JSON.stringify(v)} is not a MAC address "aa:bb:cc:dd:ee:ff"`);
  return v;
}

/** A view of `bytes` as a Buffer without copying (the codec takes Uint8Array views). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
