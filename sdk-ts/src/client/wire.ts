import { makeGenericClientConstructor, type ChannelCredentials, type ClientOptions } from '@grpc/grpc-js';
import type { PacketInEvent } from '../convert/events.js';
import { matchFromProto } from '../convert/openflow.js';
import { Event, EventsService, ServerMessage, type EventsClient } from '../generated/sdn/runtime/v1/events.js';
import { Match as PbMatch } from '../generated/sdn/runtime/v1/openflow.js';
import type { Match } from '../openflow/oxm-values.js';

/**
 * The event stream's hot path in protobuf wire format, read by hand: a batch's
 * packet-in events become PacketInEvents straight from the bytes (no protobuf
 * object tree, the frame a view of the received message, a converted match
 * shared by every packet-in with the same match bytes); every other event, and
 * every other server message, goes through the generated decoder. Any input
 * the generated decoder accepts is accepted, with the same values.
 */

/** An event as the stream hands it over: a protobuf Event, or a packet-in already converted. */
export type WireEvent = Event | PacketInEvent;

type OtherKind = Exclude<NonNullable<ServerMessage['kind']>, { readonly $case: 'events' }>;

/** A ServerMessage whose event batch holds WireEvents. */
export interface ReceivedMessage {
  readonly kind: OtherKind | { readonly $case: 'events'; readonly value: { readonly events: readonly WireEvent[] } } | undefined;
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const SERVER_MESSAGE_EVENTS = (2 << 3) | WIRE_LEN;
const EVENT_BATCH_EVENTS = (1 << 3) | WIRE_LEN;
const EVENT_PACKET_IN = 12;
/** Event fields 10..18 are the `body` oneof. */
const FIRST_BODY = 10;
const LAST_BODY = 18;

/** Thrown for bytes that are not protobuf; grpc-js then ends the call (INTERNAL), as with the generated decoder. */
class WireError extends Error {}

/** A read position in one message's bytes; nested lengths are checked against `end`, the message's. */
class Cursor {
  pos: number;
  constructor(
    readonly b: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /** A varint of up to 53 bits as a number; longer ones as a bigint. */
  varint(): number | bigint {
    const b = this.b;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('truncated varint');
      const byte = b[this.pos++]!;
      if (i < 7) {
        result += (byte & 0x7f) * scale;
        scale *= 128;
        if (byte < 0x80) return result;
      } else {
        return this.bigTail(BigInt(result), byte, i);
      }
    }
    throw new WireError('varint longer than 10 bytes');
  }

  private bigTail(low: bigint, first: number, index: number): bigint {
    let result = low;
    let shift = BigInt(7 * index);
    let byte = first;
    for (let i = index; ; i++) {
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
      if (i === 9 || this.pos >= this.end) throw new WireError('bad varint');
      shift += 7n;
      byte = this.b[this.pos++]!;
    }
  }

  u32(): number {
    const v = this.varint();
    // As the generated decoder reads a uint32: the low 32 bits.
    return typeof v === 'number' ? v % 2 ** 32 : Number(BigInt.asUintN(32, v));
  }

  u64(): bigint {
    const v = this.varint();
    return typeof v === 'number' ? BigInt(v) : v;
  }

  /** A length-delimited field: returns its end (the body starts at `pos`). */
  length(): number {
    const n = this.varint();
    if (typeof n !== 'number' || this.pos + n > this.end) throw new WireError('length beyond the message');
    return this.pos + n;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.pos += 8;
        break;
      case WIRE_LEN:
        this.pos = this.length();
        return;
      case WIRE_I32:
        this.pos += 4;
        break;
      default:
        throw new WireError(`wire type ${wireType} is not supported`);
    }
    if (this.pos > this.end) throw new WireError('field beyond the message');
  }
}

/** Converted matches by their wire bytes (frozen: shared by every event that carries them). */
const matches = new Map<string, Match>();
const MATCH_CACHE_SIZE = 4096;

function matchAt(b: Uint8Array, start: number, end: number): Match {
  let key = '';
  for (let i = start; i < end; i++) key += String.fromCharCode(b[i]!);
  let m = matches.get(key);
  if (m === undefined) {
    const converted = matchFromProto(PbMatch.decode(b.subarray(start, end)));
    m = Object.freeze(converted.map((f) => Object.freeze(f)));
    if (matches.size >= MATCH_CACHE_SIZE) matches.clear();
    matches.set(key, m);
  }
  return m;
}

const NO_MATCH: Match = Object.freeze([]);
const NO_DATA: Uint8Array = new Uint8Array(0);

function packetIn(c: Cursor, end: number, dpid: bigint, timeMs: number): PacketInEvent {
  let bufferId = 0;
  let totalLen = 0;
  let reason = 0;
  let tableId = 0;
  let cookie = 0n;
  let match = NO_MATCH;
  let data = NO_DATA;
  let inPort = 0;
  const b = c.b;
  while (c.pos < end) {
    const tag = c.u32();
    switch (tag) {
      case (1 << 3) | WIRE_VARINT:
        bufferId = c.u32();
        break;
      case (2 << 3) | WIRE_VARINT:
        totalLen = c.u32();
        break;
      case (3 << 3) | WIRE_VARINT:
        reason = c.u32();
        break;
      case (4 << 3) | WIRE_VARINT:
        tableId = c.u32();
        break;
      case (5 << 3) | WIRE_VARINT:
        cookie = c.u64();
        break;
      case (6 << 3) | WIRE_LEN: {
        const e = c.length();
        match = matchAt(b, c.pos, e);
        c.pos = e;
        break;
      }
      case (7 << 3) | WIRE_LEN: {
        const e = c.length();
        data = new Uint8Array(b.buffer, b.byteOffset + c.pos, e - c.pos);
        c.pos = e;
        break;
      }
      case (8 << 3) | WIRE_VARINT:
        inPort = c.u32();
        break;
      default:
        c.skip(tag & 7);
    }
  }
  if (c.pos !== end) throw new WireError('packet_in overruns its length');
  return { type: 'packetIn', dpid, timeMs, bufferId, totalLen, reason, tableId, cookie, match, inPort, data };
}

/** The Event at [c.pos, end): a packet-in by hand, anything else by the generated decoder. */
function event(c: Cursor, end: number): WireEvent {
  const b = c.b;
  const start = c.pos;
  let dpid = 0n;
  let time: number | bigint = 0;
  let body: number | undefined;
  let bodyAt = 0;
  let bodyEnd = 0;
  while (c.pos < end) {
    const tag = c.u32();
    const field = tag >>> 3;
    if (tag === ((2 << 3) | WIRE_VARINT)) dpid = c.u64();
    else if (tag === ((3 << 3) | WIRE_VARINT)) time = c.varint();
    else if (field >= FIRST_BODY && field <= LAST_BODY && (tag & 7) === WIRE_LEN) {
      // The oneof: the last body wins, as in the generated decoder.
      body = field;
      bodyEnd = c.length();
      bodyAt = c.pos;
      c.pos = bodyEnd;
    } else c.skip(tag & 7);
  }
  if (c.pos !== end) throw new WireError('event overruns its length');
  if (body !== EVENT_PACKET_IN) return Event.decode(b.subarray(start, end));
  c.pos = bodyAt;
  const e = packetIn(c, bodyEnd, dpid, Number(time));
  c.pos = end;
  return e;
}

/**
 * A ServerMessage from its bytes. An event batch (the only field, as the runtime
 * sends it) is read by hand; anything else by the generated decoder, its events
 * left as protobuf Events. @throws for bytes that are not a ServerMessage.
 */
export function decodeServerMessage(bytes: Uint8Array): ReceivedMessage {
  const c = new Cursor(bytes, 0, bytes.length);
  const events: WireEvent[] = [];
  while (c.pos < c.end) {
    if (c.u32() !== SERVER_MESSAGE_EVENTS) return ServerMessage.decode(bytes);
    const batchEnd = c.length();
    while (c.pos < batchEnd) {
      const tag = c.u32();
      if (tag !== EVENT_BATCH_EVENTS) {
        c.skip(tag & 7);
        continue;
      }
      events.push(event(c, c.length()));
    }
    if (c.pos !== batchEnd) throw new WireError('event batch overruns its length');
  }
  // An empty message has no kind; one with only event batches is an event batch.
  return bytes.length === 0 ? { kind: undefined } : { kind: { $case: 'events', value: { events } } };
}

/** The Events client whose server messages go through decodeServerMessage. */
export const FastEventsClient = makeGenericClientConstructor(
  { connect: { ...EventsService.connect, responseDeserialize: (b: Buffer): ReceivedMessage => decodeServerMessage(b) } },
  'sdn.runtime.v1.Events',
) as unknown as new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>) => EventsClient;
