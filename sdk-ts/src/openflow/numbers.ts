import { invalid } from '../errors.js';
import { describe } from './oxm-values.js';

/** `value` if it is an integer that fits `bits` unsigned bits; INVALID naming `what` otherwise. */
export function uint(value: unknown, bits: 8 | 16 | 32, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw invalid(what, `an integer 0..${2 ** bits - 1} is needed, got ${describe(value)}`);
  }
  return value;
}

/** `value` if it is a bigint that fits 64 unsigned bits; INVALID naming `what` otherwise. */
export function u64(value: unknown, what: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value >= 1n << 64n) throw invalid(what, `a bigint 0..2^64-1 is needed, got ${describe(value)}`);
  return value;
}

/** `value` if it is a Uint8Array; INVALID otherwise. */
export function bytes(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalid(what, `bytes (Uint8Array) are needed, got ${describe(value)}`);
  return value;
}

/** `value` if it is one of `allowed`; INVALID listing them otherwise. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(what, `one of ${allowed.map((a) => `"${a}"`).join(', ')} is needed, got ${describe(value)}`);
  }
  return value as T;
}
