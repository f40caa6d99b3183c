import { GuestDataError } from './errors.js';

/**
 * A guest's linear memory as the hand-written glue (hand-glue.ts) reads and
 * writes it: little-endian fields at byte addresses, strings and byte lists
 * allocated with the guest's `cabi_realloc` (the guest owns and frees them).
 * An allocation may grow the memory, which detaches the views; every write
 * after one goes through a fresh view. Reads are bounds-checked: a DataView
 * getter beyond the memory throws a RangeError, strings and byte lists are
 * checked here (GuestDataError). Worker only, one call at a time.
 */
export type Realloc = (oldPtr: number, oldSize: number, align: number, newSize: number) => number;

/** The core module's exported memory, as far as it is used here. */
export interface LinearMemory {
  readonly buffer: ArrayBuffer;
}

/** Strings up to this many bytes are decoded char by char (cheaper than TextDecoder's call up to ~10 bytes on Node 20). */
const SHORT_DECODE = 8;
/** The length of a dpid's text: 16 hex digits. */
const DPID_LEN = 16;

const encoder = new TextEncoder();
// Not fatal, as jco's: invalid UTF-8 from a guest becomes U+FFFD, as it does through jco's glue.
const decoder = new TextDecoder();

export class GuestMemory {
  private u8: Uint8Array;
  private dv: DataView;
  /** The last dpid-length string read, and its bytes: commands come in runs to one switch. */
  private lastKey = new Uint8Array(DPID_LEN);
  private lastText = '';

  constructor(
    private readonly memory: LinearMemory,
    private readonly realloc: Realloc,
  ) {
    this.u8 = new Uint8Array(memory.buffer);
    this.dv = new DataView(memory.buffer);
  }

  /** The views again when the memory grew (a grown memory detaches its old buffer: length 0); after every call into the guest. */
  fresh(): void {
    if (this.u8.length !== 0) return;
    this.u8 = new Uint8Array(this.memory.buffer);
    this.dv = new DataView(this.memory.buffer);
  }

  /** `size` bytes aligned to `align`, from the guest's allocator. */
  alloc(align: number, size: number): number {
    const ptr = this.realloc(0, 0, align, size);
    this.fresh();
    return ptr;
  }

  u8At(at: number, v: number): void {
    this.dv.setUint8(at, v);
  }

  u16At(at: number, v: number): void {
    this.dv.setUint16(at, v, true);
  }

  u32At(at: number, v: number): void {
    this.dv.setUint32(at, v, true);
  }

  u64At(at: number, v: bigint): void {
    this.dv.setBigUint64(at, v, true);
  }

  /** A string's (ptr, len) at `at`, its UTF-8 bytes in a fresh allocation (none for ''). */
  stringAt(at: number, s: string): void {
    const n = s.length;
    if (n === 0) {
      // jco's pointer for an empty string: no allocation, any non-null aligned address.
      this.pair(at, 1, 0);
      return;
    }
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      this.bytesAt(at, encoder.encode(s));
      return;
    }
    const ptr = this.alloc(1, n);
    const u8 = this.u8;
    for (let i = 0; i < n; i++) u8[ptr + i] = s.charCodeAt(i);
    this.pair(at, ptr, n);
  }

  /** A list<u8>'s (ptr, len) at `at`, a copy of `bytes` in a fresh allocation. */
  bytesAt(at: number, bytes: Uint8Array): void {
    const ptr = this.alloc(1, bytes.length);
    this.u8.set(bytes, ptr);
    this.pair(at, ptr, bytes.length);
  }

  /** A list<u8>'s (ptr, len) at `at`, a copy of `source[start, end)` in a fresh allocation (no view of the source is made). */
  bytesFromAt(at: number, source: Buffer, start: number, end: number): void {
    const ptr = this.alloc(1, end - start);
    source.copy(this.u8, ptr, start, end);
    this.pair(at, ptr, end - start);
  }

  /** A list's (ptr, len) at `at`. */
  pair(at: number, ptr: number, len: number): void {
    this.dv.setUint32(at, ptr, true);
    this.dv.setUint32(at + 4, len, true);
  }

  u8Of(at: number): number {
    return this.dv.getUint8(at);
  }

  u16Of(at: number): number {
    return this.dv.getUint16(at, true);
  }

  u32Of(at: number): number {
    return this.dv.getUint32(at, true);
  }

  /**
   * Where the `len` elements of `size` bytes of a list whose (ptr, len) is at
   * `at` start, after checking that they all lie in the memory.
   * @throws GuestDataError beyond the memory.
   */
  listOf(at: number, size: number, what: string): number {
    const ptr = this.u32Of(at);
    const len = this.u32Of(at + 4);
    // An empty list's pointer is never read (jco's glue accepts any).
    if (len !== 0 && ptr + len * size > this.u8.length) throw new GuestDataError(`${what}: ${len} elements of ${size} bytes at ${ptr} are beyond its memory (${this.u8.length} bytes)`);
    return ptr;
  }

  /** The length of the list whose (ptr, len) is at `at`. */
  lengthOf(at: number): number {
    return this.u32Of(at + 4);
  }

  /**
   * The string whose (ptr, len) is at `at`.
   * @throws GuestDataError beyond the memory.
   */
  stringOf(at: number, what: string): string {
    const ptr = this.u32Of(at);
    const len = this.u32Of(at + 4);
    const u8 = this.u8;
    if (ptr + len > u8.length) throw new GuestDataError(`${what}: ${len} bytes at ${ptr} are beyond its memory`);
    if (len > SHORT_DECODE) {
      if (len === DPID_LEN) return this.dpidLength(ptr);
      return decoder.decode(u8.subarray(ptr, ptr + len));
    }
    let s = '';
    for (let i = ptr; i < ptr + len; i++) {
      const byte = u8[i]!;
      if (byte > 0x7f) return decoder.decode(u8.subarray(ptr, ptr + len));
      s += String.fromCharCode(byte);
    }
    return s;
  }

  /** A 16-byte string: the last one again when its bytes are the same (one dpid per run of commands). */
  private dpidLength(ptr: number): string {
    const u8 = this.u8;
    const key = this.lastKey;
    let same = this.lastText !== '';
    for (let i = 0; same && i < DPID_LEN; i++) same = u8[ptr + i] === key[i];
    if (same) return this.lastText;
    key.set(u8.subarray(ptr, ptr + DPID_LEN));
    this.lastText = decoder.decode(key);
    return this.lastText;
  }

  /**
   * A copy of the list<u8> whose (ptr, len) is at `at`, in an exactly sized buffer of its own.
   * @throws GuestDataError beyond the memory.
   */
  bytesOf(at: number, what: string): Uint8Array {
    const ptr = this.listOf(at, 1, what);
    return this.u8.slice(ptr, ptr + this.u32Of(at + 4));
  }
}
