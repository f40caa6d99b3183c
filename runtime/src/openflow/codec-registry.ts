import type { Header, MessageOf, OfpMessage, OfpMessageType } from './messages.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * How one message type is read and written. `decode` gets a reader bounded to the
 * message body (header already read) and must consume all of it; `encode` writes
 * the body only (the codec writes the header and patches the length).
 */
export interface MessageCodec {
  /** ofp_header.type on the wire. */
  readonly msgType: number;
  /** The value tags this codec encodes (ERROR decodes to 'Error' or 'ErrorExperimenter'). */
  readonly types: readonly OfpMessageType[];
  decode(r: Reader, header: Header): OfpMessage;
  /** `version` is the header's (the message value may not carry one: see encodeMessageInto). */
  encode(w: Writer, msg: OfpMessage, version: number): void;
}

/** A codec for one message type whose value tag is `type`. */
export function defineCodec<T extends OfpMessageType>(
  msgType: number,
  type: T,
  decode: (r: Reader, header: Header) => MessageOf<T>,
  encode: (w: Writer, msg: MessageOf<T>, version: number) => void,
): MessageCodec {
  return {
    msgType,
    types: [type],
    decode,
    // The codec table routes by `msg.type`, so the value here is always a MessageOf<T>.
    encode: encode as (w: Writer, msg: OfpMessage, version: number) => void,
  };
}

/** A codec for a message that is only a header (FEATURES_REQUEST, BARRIER_REQUEST, ...). */
export function headerOnlyCodec<T extends OfpMessageType>(msgType: number, type: T): MessageCodec {
  return defineCodec(
    msgType,
    type,
    (_r, h) => ({ type, version: h.version, xid: h.xid }) as MessageOf<T>,
    () => {},
  );
}
