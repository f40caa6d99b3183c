import { badSpec } from './errors.js';

/** Big-endian reads and writes; callers check bounds first. */
export const get16 = (b: Uint8Array, p: number): number => (b[p]! << 8) | b[p + 1]!;
export const get32 = (b: Uint8Array, p: number): number => ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;

export function put16(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 8;
  b[p + 1] = v & 0xff;
}

export function put32(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 24;
  b[p + 1] = (v >>> 16) & 0xff;
  b[p + 2] = (v >>> 8) & 0xff;
  b[p + 3] = v & 0xff;
}

/** `value` if it is an integer of `bits` unsigned bits; INVALID naming the layer and field otherwise. */
export function field(value: unknown, bits: number, layer: string, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw badSpec(layer, `${name} must be an integer 0..${2 ** bits - 1}, got ${String(value)}`);
  }
  return value;
}

/** Bytes, or INVALID. */
export function bytesField(value: unknown, layer: string, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw badSpec(layer, `${name} must be bytes (Uint8Array)`);
  return value;
}
