import { OfpEncodeError } from './errors.js';
import { writeU64At } from './u64.js';

/** Runs of zeros up to this long are stored byte by byte. */
const SHORT_FILL = 32;

/** What a wrong value is, for error messages: its type, not its (possibly huge) contents. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v).slice(0, 40)}`;
}

/**
 * A growable big-endian output buffer. Each write checks that the value fits the
 * wire field and names the field in the `OfpEncodeError` when it does not, so a bad
 * command fails before any byte reaches a switch.
 *
 * Length fields are written as 0 first and patched with `patchU16` once the
 * structure they cover is complete. A writer can be `reset()` and reused to encode
 * many messages into one buffer (the connection's send batch). Not thread-safe.
 */
export class Writer {
  buf: Buffer;
  pos: number;
  /** The message (or structure) type name that errors name. */
  context: string;

  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.pos = 0;
    this.context = 'message';
  }

  /** Forgets everything written; keeps the buffer. */
  reset(): void {
    this.pos = 0;
  }

  fail(field: string, detail: string): never {
    throw new OfpEncodeError(this.context, field, detail);
  }

  /** Makes room for `n` more bytes, doubling the buffer as needed. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    // At least 64: doubling a zero-capacity buffer would never reach `need`.
    let size = Math.max(this.buf.length * 2, 64);
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  // `typeof` first: a bigint would make the range check itself throw a TypeError.
  /** `v` if it is a u8; fails naming `field` otherwise. */
  checkU8(v: number, field: string): number {
    if (typeof v !== 'number' || (v & 0xff) !== v) this.fail(field, `${String(v)} is not a u8`);
    return v;
  }

  /** `v` if it is a u32; fails naming `field` otherwise. */
  checkU32(v: number, field: string): number {
    if (typeof v !== 'number' || v >>> 0 !== v) this.fail(field, `${String(v)} is not a u32`);
    return v;
  }

  u8(v: number, field: string): void {
    if (typeof v !== 'number' || (v & 0xff) !== v) this.fail(field, `${String(v)} is not a u8`);
    if (this.pos + 1 > this.buf.length) this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number, field: string): void {
    if (typeof v !== 'number' || (v & 0xffff) !== v) this.fail(field, `${String(v)} is not a u16`);
    if (this.pos + 2 > this.buf.length) this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 8;
    b[p + 1] = v;
    this.pos = p + 2;
  }

  u32(v: number, field: string): void {
    if (typeof v !== 'number' || v >>> 0 !== v) this.fail(field, `${String(v)} is not a u32`);
    if (this.pos + 4 > this.buf.length) this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  u64(v: bigint, field: string): void {
    if (this.pos + 8 > this.buf.length) this.ensure(8);
    if (!writeU64At(this.buf, this.pos, v)) this.fail(field, `${String(v)} is not a u64 bigint`);
    this.pos += 8;
  }

  /** `v` if it is a Uint8Array (a Buffer included); fails naming `field` otherwise. */
  expectBytes(v: Uint8Array, field: string): Uint8Array {
    if (!(v instanceof Uint8Array)) this.fail(field, `${describeValue(v)} is not bytes (a Uint8Array)`);
    return v;
  }

  /**
   * Appends `data` unchanged. `field` names it in the error when `data` is not a
   * Uint8Array (TypedArray.set would write a string or a plain array as zeros).
   */
  bytes(data: Uint8Array, field = 'data'): void {
    this.expectBytes(data, field);
    const n = data.length;
    if (this.pos + n > this.buf.length) this.ensure(n);
    this.buf.set(data, this.pos);
    this.pos += n;
  }

  zeros(n: number): void {
    if (this.pos + n > this.buf.length) this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    const end = p + n;
    // Padding is 2-7 bytes: Buffer.fill validates its arguments and calls into C++,
    // which costs more than storing a few zeros.
    if (n > SHORT_FILL) b.fill(0, p, end);
    else while (p < end) b[p++] = 0;
    this.pos = end;
  }

  /**
   * `v` if it is an array; fails naming `field` otherwise. Values may come from
   * untyped callers (JSON, plugins), so list fields are checked before iterating.
   */
  list<T>(v: readonly T[], field: string): readonly T[] {
    if (!Array.isArray(v)) this.fail(field, `${describeValue(v)} is not a list`);
    return v;
  }

  /** `v` if it is a non-null object (a structure such as an action or a port); fails naming `field` otherwise. */
  struct<T extends object>(v: T, field: string): T {
    if (typeof v !== 'object' || v === null) this.fail(field, `${describeValue(v)} is not a structure`);
    return v;
  }

  /**
   * A string in a NUL-padded field of `n` bytes; fails when it does not fit with
   * its terminating NUL.
   */
  fixedString(s: string, n: number, field: string): void {
    if (typeof s !== 'string') this.fail(field, `${describeValue(s)} is not a string`);
    const len = Buffer.byteLength(s, 'utf8');
    if (len >= n) this.fail(field, `"${s}" does not fit in ${n} bytes with its NUL`);
    this.ensure(n);
    this.buf.write(s, this.pos, 'utf8');
    this.buf.fill(0, this.pos + len, this.pos + n);
    this.pos += n;
  }

  /** Overwrites a u16 already written at absolute index `at` (a length field). */
  patchU16(at: number, v: number, field: string): void {
    if ((v & 0xffff) !== v) this.fail(field, `length ${v} does not fit in 16 bits`);
    this.buf[at] = v >>> 8;
    this.buf[at + 1] = v;
  }

  /** Zero bytes up to the next multiple of 8 counted from `start` (OpenFlow's 64-bit alignment). */
  align8(start: number): void {
    const rem = (this.pos - start) & 7;
    if (rem !== 0) this.zeros(8 - rem);
  }

  /** The bytes written so far, as a view into the buffer (valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
