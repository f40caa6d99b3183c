import { Buffer } from 'node:buffer';
import type { OxmField, OxmValue, PacketIn } from '../../openflow/index.js';
import { oxmFieldByName } from '../../openflow/index.js';

/**
 * The event stream's hot path in protobuf wire format, written by hand: a
 * packet-in event straight from the decoded OpenFlow message to the bytes of an
 * `Event` (no proto object tree, no BigInt arithmetic), and a batch of encoded
 * events as the bytes of a `ServerMessage{events}`. The bytes are exactly what
 * the generated (ts-proto) encoders write for the same values, field for field;
 * `wire.test.ts` checks that. Everything else goes through the generated code.
 */

// Wire types: 0 varint, 2 length-delimited. A tag is (field << 3) | wire type.
const EVENT_DPID = (2 << 3) | 0;
const EVENT_TIME_MS = (3 << 3) | 0;
const EVENT_PACKET_IN = (12 << 3) | 2;
const PACKET_IN_BUFFER_ID = (1 << 3) | 0;
const PACKET_IN_TOTAL_LEN = (2 << 3) | 0;
const PACKET_IN_REASON = (3 << 3) | 0;
const PACKET_IN_TABLE_ID = (4 << 3) | 0;
const PACKET_IN_COOKIE = (5 << 3) | 0;
const PACKET_IN_MATCH = (6 << 3) | 2;
const PACKET_IN_DATA = (7 << 3) | 2;
const PACKET_IN_IN_PORT = (8 << 3) | 0;
const MATCH_FIELDS = (1 << 3) | 2;
const OXM_FIELD = (1 << 3) | 2;
const OXM_VALUE = (2 << 3) | 2;
const OXM_MASK = (3 << 3) | 2;
const OXM_OPAQUE_CLASS = (4 << 3) | 0;
const OXM_OPAQUE_FIELD = (5 << 3) | 0;
const OXM_OPAQUE_HAS_MASK = (6 << 3) | 0;
const OXM_OPAQUE_PAYLOAD = (7 << 3) | 2;
const VALUE_UINT = (1 << 3) | 0;
const VALUE_TEXT = (2 << 3) | 2;
const VALUE_WIDE = (3 << 3) | 2;
const SERVER_MESSAGE_EVENTS = (2 << 3) | 2;
const EVENT_BATCH_EVENTS = (1 << 3) | 2;

/** u64 halves without BigInt arithmetic (see openflow/u64.ts for why). */
const U64 = new BigUint64Array(1);
const U64_HALVES = new Uint32Array(U64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LOW = LITTLE_ENDIAN ? 0 : 1;
const HIGH = 1 - LOW;

/** Bytes of `n` (0 <= n < 2^53) as a varint. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/**
 * A growable output buffer with protobuf primitives. A nested message is
 * written in place after a one-byte length; `close` moves it when its length
 * needs more bytes. One event loop, one message at a time.
 */
class ProtoWriter {
  buf = Buffer.allocUnsafe(4096);
  pos = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** A varint of 0 <= n < 2^53. */
  varint(n: number): void {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    b[p++] = n;
    this.pos = p;
  }

  /** A varint of a u64 given as a bigint (0..2^64-1, checked by the codec that decoded it). */
  varint64(v: bigint): void {
    U64[0] = v;
    let low = U64_HALVES[LOW]!;
    let high = U64_HALVES[HIGH]!;
    if (high === 0) {
      this.varint(low);
      return;
    }
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    // Seven bits at a time from the 64-bit value high:low.
    while (high !== 0 || low >= 0x80) {
      b[p++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    b[p++] = low;
    this.pos = p;
  }

  /** A varint field (0 <= n < 2^53). */
  uint(tag: number, n: number): void {
    this.varint(tag);
    this.varint(n);
  }

  /** A u64 varint field. */
  uint64(tag: number, v: bigint): void {
    this.varint(tag);
    this.varint64(v);
  }

  bytes(tag: number, data: Uint8Array): void {
    this.varint(tag);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** A string field; ASCII (field names, addresses) is copied byte by byte. */
  string(tag: number, text: string): void {
    const n = text.length;
    for (let i = 0; i < n; i++) {
      if (text.charCodeAt(i) >= 0x80) {
        this.bytes(tag, Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.varint(tag);
    this.varint(n);
    this.ensure(n);
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < n; i++) b[p + i] = text.charCodeAt(i);
    this.pos = p + n;
  }

  /** Starts a nested message under `tag`; returns where its body starts, for `close`. */
  open(tag: number): number {
    this.varint(tag);
    this.ensure(1);
    this.pos++;
    return this.pos;
  }

  /** Ends the nested message whose body started at `start`: writes its length, moving the body if the length takes more than one byte. */
  close(start: number): void {
    const length = this.pos - start;
    const size = varintSize(length);
    if (size > 1) {
      this.ensure(size - 1);
      this.buf.copyWithin(start + size - 1, start, this.pos);
      this.pos += size - 1;
    }
    let n = length;
    let p = start - 1;
    while (n >= 0x80) {
      this.buf[p++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[p] = n;
  }

  /** The bytes written, copied out (the writer is reused). */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }
}

const scratch = new ProtoWriter();

function writeValue(w: ProtoWriter, tag: number, wide: boolean, v: OxmValue): void {
  const start = w.open(tag);
  if (typeof v === 'string') {
    w.string(VALUE_TEXT, v);
  } else if (wide) {
    const big = BigInt(v);
    const bytes = Buffer.allocUnsafe(16);
    bytes.writeBigUInt64BE(big >> 64n, 0);
    bytes.writeBigUInt64BE(big & 0xffffffffffffffffn, 8);
    w.bytes(VALUE_WIDE, bytes);
  } else {
    if (typeof v === 'number') w.uint(VALUE_UINT, v);
    else w.uint64(VALUE_UINT, v);
  }
  w.close(start);
}

function writeOxmField(w: ProtoWriter, f: OxmField): void {
  const start = w.open(MATCH_FIELDS);
  if (f.field === 'opaque') {
    const o = f as Extract<OxmField, { field: 'opaque' }>;
    w.string(OXM_FIELD, 'opaque');
    if (o.oxmClass !== 0) w.uint(OXM_OPAQUE_CLASS, o.oxmClass);
    if (o.oxmField !== 0) w.uint(OXM_OPAQUE_FIELD, o.oxmField);
    if (o.hasMask) w.uint(OXM_OPAQUE_HAS_MASK, 1);
    if (o.payload.length !== 0) w.bytes(OXM_OPAQUE_PAYLOAD, o.payload);
  } else {
    const tlv = f as Extract<OxmField, { value: OxmValue }>;
    const wide = oxmFieldByName(tlv.field)?.kind === 'u128';
    w.string(OXM_FIELD, tlv.field);
    writeValue(w, OXM_VALUE, wide, tlv.value);
    if (tlv.mask !== undefined) writeValue(w, OXM_MASK, wide, tlv.mask);
  }
  w.close(start);
}

/**
 * The `Event` for a packet-in: dpid, time (ms since the epoch, truncated), and
 * the PacketIn with its match, frame and the match's in_port (0 when absent).
 */
export function encodePacketInEvent(dpid: bigint, timeMs: number, m: PacketIn): Buffer {
  const w = scratch;
  w.pos = 0;
  if (dpid !== 0n) w.uint64(EVENT_DPID, dpid);
  const time = Math.trunc(timeMs);
  if (time !== 0) w.uint(EVENT_TIME_MS, time);
  const body = w.open(EVENT_PACKET_IN);
  if (m.bufferId !== 0) w.uint(PACKET_IN_BUFFER_ID, m.bufferId);
  if (m.totalLen !== 0) w.uint(PACKET_IN_TOTAL_LEN, m.totalLen);
  if (m.reason !== 0) w.uint(PACKET_IN_REASON, m.reason);
  if (m.tableId !== 0) w.uint(PACKET_IN_TABLE_ID, m.tableId);
  if (m.cookie !== 0n) w.uint64(PACKET_IN_COOKIE, m.cookie);
  const match = w.open(PACKET_IN_MATCH);
  let inPort: number | undefined;
  for (const f of m.match) {
    writeOxmField(w, f);
    // The first in_port, as matchValue (and so the generic conversion) takes it.
    if (f.field === 'in_port' && inPort === undefined) inPort = typeof (f as { value?: unknown }).value === 'number' ? (f as { value: number }).value : 0;
  }
  w.close(match);
  if (m.data.length !== 0) w.bytes(PACKET_IN_DATA, m.data);
  if (inPort !== undefined && inPort !== 0) w.uint(PACKET_IN_IN_PORT, inPort);
  w.close(body);
  return w.take();
}

/** A `ServerMessage` whose `events` batch holds these encoded `Event`s, in order. */
export function encodeEventBatch(events: readonly Uint8Array[]): Buffer {
  let inner = 0;
  for (const e of events) inner += 1 + varintSize(e.length) + e.length;
  const out = Buffer.allocUnsafe(1 + varintSize(inner) + inner);
  out[0] = SERVER_MESSAGE_EVENTS;
  let p = writeVarintAt(out, 1, inner);
  for (const e of events) {
    out[p++] = EVENT_BATCH_EVENTS;
    p = writeVarintAt(out, p, e.length);
    out.set(e, p);
    p += e.length;
  }
  return out;
}

function writeVarintAt(b: Uint8Array, p: number, n: number): number {
  while (n >= 0x80) {
    b[p++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  b[p++] = n;
  return p;
}
