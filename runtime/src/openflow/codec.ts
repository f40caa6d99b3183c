// The global `Buffer` is a getter in Node 20 (a call on every use); the import is a plain binding.
import { Buffer } from 'node:buffer';
import { basicCodecs13, versionNeutralCodecs } from './basic.js';
import type { MessageCodec } from './codec-registry.js';
import {
  OFP_HEADER_SIZE,
  OFP_VERSION_1_0,
  OFP_VERSION_1_3,
  OFP_VERSION_1_4,
  OFP_VERSION_1_5,
  OFP_VERSION_NAMES,
} from './constants.js';
import { OfpDecodeError, OfpEncodeError } from './errors.js';
import { flowCodecs } from './flow-messages.js';
import type { Header, MessageBody, OfpMessage } from './messages.js';
import { modCodecs } from './mod-messages.js';
import { multipartCodecs } from './multipart.js';
import { of10Codecs } from './of10/index.js';
import { Reader } from './reader.js';
import { switchCodecs } from './switch-messages.js';
import { describeValue, Writer } from './writer.js';

/**
 * The OpenFlow codec: one message's bytes in, one readonly value out, and back.
 * No I/O, no clock, no state between calls that a result depends on (encodeMessage
 * reuses a memory pool, below). OpenFlow 1.0 and 1.3 are complete; 1.4 and
 * 1.5 decode what version negotiation needs (HELLO, ERROR, ECHO, FEATURES) and
 * keep every other message as an `Unknown` value with its raw body.
 */

interface VersionTable {
  readonly byMsgType: readonly (MessageCodec | undefined)[];
  readonly byName: ReadonlyMap<string, MessageCodec>;
}

function table(codecs: readonly MessageCodec[]): VersionTable {
  const byMsgType: (MessageCodec | undefined)[] = new Array<MessageCodec | undefined>(256).fill(undefined);
  const byName = new Map<string, MessageCodec>();
  for (const codec of codecs) {
    byMsgType[codec.msgType] = codec;
    for (const name of codec.types) byName.set(name, codec);
  }
  return { byMsgType, byName };
}

const NEGOTIATION = table(versionNeutralCodecs);
const TABLES: readonly (VersionTable | undefined)[] = (() => {
  const t = new Array<VersionTable | undefined>(256).fill(undefined);
  t[OFP_VERSION_1_0] = table([...versionNeutralCodecs, ...of10Codecs]);
  t[OFP_VERSION_1_3] = table([...versionNeutralCodecs, ...basicCodecs13, ...flowCodecs, ...switchCodecs, ...modCodecs, ...multipartCodecs]);
  t[OFP_VERSION_1_4] = NEGOTIATION;
  t[OFP_VERSION_1_5] = NEGOTIATION;
  return t;
})();

/** Bytes of each pool encodeMessage writes into, and the room below which it starts a new one. */
const POOL_SIZE = 8192;
const POOL_MIN_FREE = 1024;

/** Versions whose messages this codec decodes (some fully, some for negotiation only). */
export const SUPPORTED_VERSIONS: readonly number[] = [OFP_VERSION_1_0, OFP_VERSION_1_3, OFP_VERSION_1_4, OFP_VERSION_1_5];

/** The header's length field of the message at `offset`, after checking the header fits and the length is sane. */
function messageLength(buf: Buffer, offset: number): number {
  if (buf.length - offset < OFP_HEADER_SIZE) {
    throw new OfpDecodeError('message', 'header', 0, `needs 8 bytes, ${buf.length - offset} available`);
  }
  const length = (buf[offset + 2]! << 8) | buf[offset + 3]!;
  if (length < OFP_HEADER_SIZE) throw new OfpDecodeError('message', 'length', 2, `${length} is below the header size 8`);
  return length;
}

function xidAt(buf: Buffer, offset: number): number {
  return buf[offset + 4]! * 0x1000000 + ((buf[offset + 5]! << 16) | (buf[offset + 6]! << 8) | buf[offset + 7]!);
}

/** The header fields of the message at `offset`, after checking the header fits and its length is sane. */
export function decodeHeader(buf: Buffer, offset = 0): Header & { readonly msgType: number; readonly length: number } {
  const length = messageLength(buf, offset);
  return { version: buf[offset]!, msgType: buf[offset + 1]!, length, xid: xidAt(buf, offset) };
}

/**
 * Checks that `message` is one whole message of `version`, as a message
 * encoded elsewhere must be before it is written to a connection as it is
 * (its length field says its size, its version is the session's).
 * @throws OfpEncodeError naming what does not fit.
 */
export function expectWholeMessage(message: Uint8Array, version: number): void {
  if (message.length < OFP_HEADER_SIZE) throw new OfpEncodeError('encoded', 'length', `${message.length} bytes are shorter than a header`);
  const length = (message[2]! << 8) | message[3]!;
  if (length !== message.length) throw new OfpEncodeError('encoded', 'length', `the header says ${length} bytes, the message has ${message.length}`);
  if (message[0] !== version) throw new OfpEncodeError('encoded', 'version', `version ${message[0]} on a connection of version ${version}`);
}

/**
 * Decodes the one message that starts at `offset` of `buf`. The header's length
 * must fit inside `buf`; bytes after the message are left alone (the framer hands
 * out exact messages). Views in the value (packet data, opaque bodies) share
 * memory with `buf`.
 *
 * @throws OfpDecodeError for any malformed input; never anything else.
 */
export function decodeMessage(buf: Buffer, offset = 0): OfpMessage {
  // The header is read here rather than through decodeHeader: its object would be
  // a second allocation per message beside the `{ version, xid }` codecs get.
  const length = messageLength(buf, offset);
  const end = offset + length;
  if (end > buf.length) {
    throw new OfpDecodeError('message', 'length', 2, `says ${length} bytes, ${buf.length - offset} available`);
  }
  const version = buf[offset]!;
  const msgType = buf[offset + 1]!;
  const xid = xidAt(buf, offset);
  const codec = TABLES[version]?.byMsgType[msgType];
  if (codec === undefined) {
    return { type: 'Unknown', version, xid, msgType, body: buf.subarray(offset + OFP_HEADER_SIZE, end) };
  }
  const r = new Reader(buf, offset + OFP_HEADER_SIZE, end, codec.types[0]!, offset);
  const msg = codec.decode(r, { version, xid });
  r.done();
  return msg;
}

function unsupported(w: Writer, msg: MessageBody, version: number): never {
  const name = OFP_VERSION_NAMES[version] ?? `0x${version.toString(16)}`;
  return w.fail('type', `${String(msg.type)} is not supported for OpenFlow ${name}`);
}

/**
 * Appends `msg` to `w` (header included) and returns the number of bytes written.
 * On error nothing is appended: the writer is rewound to where it was.
 *
 * `version` and `xid` default to the message's own; a connection passes its
 * negotiated version and a fresh xid, so an app's message body is encoded as it
 * is, without a copy to set two header fields.
 *
 * @throws OfpEncodeError when a value does not fit its field or the message type
 *   is not supported for the version.
 */
export function encodeMessageInto(msg: OfpMessage | MessageBody, w: Writer, version?: number, xid?: number): number {
  if (typeof msg !== 'object' || msg === null) throw new OfpEncodeError('message', 'type', `${describeValue(msg)} is not a message`);
  const start = w.pos;
  const previousContext = w.context;
  // String() is a builtin call even for a string; a symbol tag still needs it.
  const tag: unknown = msg.type;
  w.context = typeof tag === 'string' ? tag : String(tag);
  try {
    // The version first: it picks the codec table, so a bad one must be named as such.
    const v = w.checkU8(version ?? (msg as OfpMessage).version, 'version');
    let codec: MessageCodec | undefined;
    let msgType: number;
    if (msg.type === 'Unknown') {
      msgType = w.checkU8(msg.msgType, 'type');
    } else {
      codec = TABLES[v]?.byName.get(msg.type);
      if (codec === undefined) unsupported(w, msg, v);
      msgType = codec.msgType;
    }
    const x = w.checkU32(xid ?? (msg as OfpMessage).xid, 'xid');
    // One room check for the whole header; the length is patched at the end.
    if (start + OFP_HEADER_SIZE > w.buf.length) w.ensure(OFP_HEADER_SIZE);
    const b = w.buf;
    b[start] = v;
    b[start + 1] = msgType;
    b[start + 2] = 0;
    b[start + 3] = 0;
    b[start + 4] = x >>> 24;
    b[start + 5] = x >>> 16;
    b[start + 6] = x >>> 8;
    b[start + 7] = x;
    w.pos = start + OFP_HEADER_SIZE;
    if (msg.type === 'Unknown') w.bytes(msg.body, 'body');
    else codec!.encode(w, msg as OfpMessage, v);
    w.patchU16(start + 2, w.pos - start, 'length');
    return w.pos - start;
  } catch (err) {
    w.pos = start;
    throw err;
  } finally {
    w.context = previousContext;
  }
}

/**
 * `encodeMessage` writes straight into a pool of memory and returns a view of the
 * bytes it wrote, as Node's own `Buffer.allocUnsafe` does for small sizes: no Writer,
 * no copy and no second Buffer per message (allocating those cost as much as
 * encoding a small message). The pool is replaced when it runs low; a message
 * that outgrows what is left is written to a buffer of its own.
 *
 * Encoding is synchronous, so one pool serves every call; `poolBusy` covers the one
 * way a call could start inside another (a getter on a message value that itself
 * calls encodeMessage): that inner call gets a Writer of its own.
 */
let pool = new ArrayBuffer(POOL_SIZE);
let poolBuffer = Buffer.from(pool);
const poolWriter = new Writer(0);
poolWriter.buf = poolBuffer;
let poolBusy = false;

function newPool(w: Writer): void {
  pool = new ArrayBuffer(POOL_SIZE);
  poolBuffer = Buffer.from(pool);
  w.buf = poolBuffer;
  w.pos = 0;
}

/**
 * Encodes one message into a new Buffer of exactly its length. Like a small
 * `Buffer.allocUnsafe`, the Buffer may be a view into a shared 8 KiB pool: its
 * bytes are its own, but `.buffer` is the whole pool.
 *
 * @throws OfpEncodeError as `encodeMessageInto` does.
 */
export function encodeMessage(msg: OfpMessage): Buffer {
  if (poolBusy) {
    const w = new Writer(128);
    encodeMessageInto(msg, w);
    return w.view();
  }
  poolBusy = true;
  try {
    const w = poolWriter;
    if (w.pos > POOL_SIZE - POOL_MIN_FREE) newPool(w);
    const start = w.pos;
    const n = encodeMessageInto(msg, w);
    if (w.buf !== poolBuffer) {
      // The message outgrew the pool: the writer moved everything to a new buffer.
      const out = w.buf.subarray(start, start + n);
      newPool(w);
      return out;
    }
    // 8-byte aligned, as Node aligns its pool.
    w.pos = (start + n + 7) & ~7;
    return Buffer.from(pool, start, n);
  } finally {
    poolBusy = false;
  }
}
