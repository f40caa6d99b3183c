import { cookieSeenBy } from '../ownership/index.js';
import { encodeMessageInto, matchValue, OFP_HEADER_SIZE, OFP_VERSION_1_3, readMatch, Reader, type Match, type PacketIn, type Writer } from '../openflow/index.js';

/**
 * A packet-in on its way to a plugin worker as the bytes the switch sent: the
 * main thread copies the connection's frame into the batch channel (or, for an
 * event that has none, encodes the message once as OpenFlow 1.3), the worker
 * lowers it into the guest's memory from those bytes (hand-glue-lower.ts), and
 * only jco's glue gets it decoded into a WIT value (`packetInWit`).
 *
 * The cookie: the frame holds the switch's, with the app-id bits of whichever
 * app wrote the flow; an app is shown its own part only (ownership/cookie.ts
 * `cookieSeenBy`: ownership already masked `message.cookie` of a packet-in it
 * routed to its owner, and a table miss through another app's table-miss flow
 * shows NO_COOKIE). The main thread writes that cookie over the frame's before
 * the batch leaves, so a cookie with another app's bits never reaches the
 * worker, and the worker has one cookie to read.
 */

/** ofp_packet_in (OpenFlow 1.3.5 7.4.1): the cookie's offset from the message's start. */
const COOKIE_AT = 16;
/** The two pad bytes between the match and the frame. */
const PAD_AFTER_MATCH = 2;
/** Cookies whose high word is below this are exact as a double (< 2^53): formatted without a BigInt. */
const SAFE_HIGH_WORD = 0x200000;

/**
 * A packet-in as the worker reads it: the OpenFlow 1.3 message at
 * `bytes[start, end)` (the batch channel's area: no view is made of it), its
 * cookie the one the app is shown.
 */
export interface PacketInFrame {
  readonly tag: 'packet-in-frame';
  readonly dpid: string;
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;
}

/** The event as the main thread has it (core/app-types.ts): the routed message, and the connection's frame when there is one. */
export interface PacketInEvent {
  readonly message: PacketIn;
  readonly frame?: Uint8Array;
}

/**
 * Appends `event`'s packet-in as a length and an OpenFlow 1.3 message: its
 * frame when it has one of OpenFlow 1.3, else the message encoded once; the
 * cookie the one app `appId` is shown. Main thread.
 */
export function writePacketInFrame(w: Writer, event: PacketInEvent, appId: number): void {
  w.u32(0, 'length');
  const at = w.pos;
  const frame = event.frame;
  if (frame !== undefined && frame[0] === OFP_VERSION_1_3) w.bytes(frame, 'packetIn');
  else encodeMessageInto(event.message, w, OFP_VERSION_1_3);
  w.buf.writeUInt32BE(w.pos - at, at - 4);
  w.buf.writeBigUInt64BE(cookieSeenBy(appId, event.message.cookie), at + COOKIE_AT);
}

/** The fields of a packet-in frame as the WIT's `packet-in` record has them (a cookie in decimal, `inPort` from the match, 0 without one). */
export interface PacketInParts {
  readonly bufferId: number;
  readonly totalLen: number;
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: string;
  readonly inPort: number;
  readonly match: Match;
  /** Where the packet starts in the frame's `bytes`; it runs to the frame's end. */
  readonly dataStart: number;
}

/**
 * Reads `frame` (worker side) with the codec's Reader: the fixed fields as
 * decodePacketIn reads them, the match by its readMatch, so the values are the
 * ones a decoded message has (the cookie formatted without a BigInt while it is
 * exact as a double).
 * @throws OfpDecodeError when a field does not fit the frame (the main thread
 *   sends only frames a connection decoded, or messages it encoded).
 */
export function packetInParts(frame: PacketInFrame): PacketInParts {
  const r = new Reader(frame.bytes, frame.start + OFP_HEADER_SIZE, frame.end, 'PacketIn', frame.start);
  const bufferId = r.u32('buffer_id');
  const totalLen = r.u16('total_len');
  const reason = r.u8('reason');
  const tableId = r.u8('table_id');
  const high = r.u32('cookie');
  const low = r.u32('cookie');
  const cookie = high < SAFE_HIGH_WORD ? String(high * 0x1_0000_0000 + low) : ((BigInt(high) << 32n) | BigInt(low)).toString();
  const match = readMatch(r);
  r.pad(PAD_AFTER_MATCH);
  const inPort = matchValue(match, 'in_port');
  return { bufferId, totalLen, reason, tableId, cookie, inPort: typeof inPort === 'number' ? inPort : 0, match, dataStart: r.pos };
}
