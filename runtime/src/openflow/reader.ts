import { OfpDecodeError } from './errors.js';
import { readU64At } from './u64.js';

/**
 * A bounds-checked cursor over one OpenFlow message. Every read names the field it
 * reads so that a short or lying message fails with an `OfpDecodeError` that says
 * which field, at which byte offset (counted from the start of the message).
 *
 * Reads never go past `end`; `bytes()` returns a view into the received buffer,
 * never a copy. Not thread-safe: one reader per message being decoded.
 */
export class Reader {
  /** The received buffer; may hold other messages before `base` and after `end`. */
  readonly buf: Buffer;
  /** Absolute index of the next byte to read. */
  pos: number;
  /** Absolute index one past the last byte this reader may read. */
  readonly end: number;
  /** Absolute index of the first byte of the message: error offsets are relative to it. */
  readonly base: number;
  /** The message (or structure) type name that errors name, e.g. `FlowMod`. */
  context: string;

  constructor(buf: Buffer, pos: number, end: number, context: string, base = pos) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.base = base;
    this.context = context;
  }

  /** Bytes left before `end`. */
  remaining(): number {
    return this.end - this.pos;
  }

  /** Offset of the cursor from the start of the message. */
  offset(): number {
    return this.pos - this.base;
  }

  /** Throws an `OfpDecodeError` for `field` at the current offset. */
  fail(field: string, detail: string, at: number = this.pos): never {
    throw new OfpDecodeError(this.context, field, at - this.base, detail);
  }

  /** Fails unless `n` more bytes are there. */
  need(n: number, field: string): void {
    if (this.pos + n > this.end) {
      this.fail(field, `needs ${n} bytes, ${this.end - this.pos} left`);
    }
  }

  u8(field: string): number {
    const p = this.pos;
    if (p + 1 > this.end) this.fail(field, `needs 1 byte, ${this.end - p} left`);
    this.pos = p + 1;
    return this.buf[p]!;
  }

  u16(field: string): number {
    const p = this.pos;
    if (p + 2 > this.end) this.fail(field, `needs 2 bytes, ${this.end - p} left`);
    const b = this.buf;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  u32(field: string): number {
    const p = this.pos;
    if (p + 4 > this.end) this.fail(field, `needs 4 bytes, ${this.end - p} left`);
    const b = this.buf;
    this.pos = p + 4;
    return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  u64(field: string): bigint {
    const p = this.pos;
    if (p + 8 > this.end) this.fail(field, `needs 8 bytes, ${this.end - p} left`);
    this.pos = p + 8;
    return readU64At(this.buf, p);
  }

  /** `n` bytes as a view into the received buffer (no copy). */
  bytes(n: number, field: string): Buffer {
    const p = this.pos;
    if (n < 0 || p + n > this.end) this.fail(field, `needs ${n} bytes, ${this.end - p} left`);
    this.pos = p + n;
    return this.buf.subarray(p, p + n);
  }

  /** Everything up to `end`, as a view. */
  rest(): Buffer {
    const p = this.pos;
    this.pos = this.end;
    return this.buf.subarray(p, this.end);
  }

  /** Skips `n` padding bytes; fails if they are not there. */
  pad(n: number, field = 'pad'): void {
    if (this.pos + n > this.end) this.fail(field, `needs ${n} padding bytes, ${this.end - this.pos} left`);
    this.pos += n;
  }

  /**
   * A NUL-padded fixed-width UTF-8 string field (port names, descriptions). Stops
   * at the first NUL; bytes after it are ignored as the spec allows.
   */
  fixedString(n: number, field: string): string {
    const raw = this.bytes(n, field);
    const nul = raw.indexOf(0);
    return raw.toString('utf8', 0, nul === -1 ? n : nul);
  }

  /**
   * A child reader over the next `len` bytes, which must lie inside this reader;
   * this reader moves past them. `len` comes from the wire, so it is checked here
   * once and the child can never read outside it.
   */
  sub(len: number, field: string, context: string = this.context): Reader {
    const p = this.pos;
    if (len < 0 || p + len > this.end) {
      this.fail(field, `says ${len} bytes, only ${this.end - p} left`);
    }
    this.pos = p + len;
    return new Reader(this.buf, p, p + len, context, this.base);
  }

  /** Fails unless every byte has been read: trailing bytes are a lie about a length. */
  done(field = 'length'): void {
    if (this.pos !== this.end) {
      this.fail(field, `${this.end - this.pos} unexpected trailing bytes`);
    }
  }
}
