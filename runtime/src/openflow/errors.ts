import { SdnError } from '../errors.js';

/**
 * Bytes that are not a valid OpenFlow message. Names the message type being
 * decoded, the field that failed and the byte offset of that field from the start
 * of the message, so a log line points at the exact byte.
 */
export class OfpDecodeError extends SdnError {
  readonly messageType: string;
  readonly field: string;
  readonly offset: number;

  constructor(messageType: string, field: string, offset: number, detail: string) {
    super('OFP_DECODE', `${messageType}.${field} at byte ${offset}: ${detail}`);
    this.messageType = messageType;
    this.field = field;
    this.offset = offset;
  }
}

/** A message value that cannot be put on the wire (a value out of range, a missing field). */
export class OfpEncodeError extends SdnError {
  readonly messageType: string;
  readonly field: string;

  constructor(messageType: string, field: string, detail: string) {
    super('OFP_ENCODE', `${messageType}.${field}: ${detail}`);
    this.messageType = messageType;
    this.field = field;
  }
}

/**
 * A byte stream that cannot be split into messages (a length below the header
 * size, or above the limit). `offset` is the stream offset of the bad header;
 * `messages` are the whole messages the failing `Framer.push` completed before it,
 * in order, which the caller still owns (see framer.ts).
 */
export class OfpFramingError extends SdnError {
  readonly offset: number;
  readonly messages: readonly Buffer[];
  /** The stream from the bad header on (a view, at least the header), empty when the stream had failed before. */
  readonly badBytes: Buffer;

  constructor(offset: number, detail: string, messages: readonly Buffer[] = [], badBytes: Buffer = Buffer.alloc(0)) {
    super('OFP_FRAMING', `OpenFlow stream at byte ${offset}: ${detail}`);
    this.offset = offset;
    this.messages = messages;
    this.badBytes = badBytes;
  }
}
