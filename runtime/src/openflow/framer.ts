import { OFP_HEADER_SIZE, OFP_MAX_MESSAGE_SIZE } from './constants.js';
import { OfpFramingError } from './errors.js';

/**
 * Splits a TCP byte stream into whole OpenFlow messages, across any chunk
 * boundaries. A message that lies inside one chunk is returned as a view into that
 * chunk (no copy); only a message split across chunks is copied once.
 *
 * A length below the header size or above `maxMessageSize` cannot be resynced, so
 * `push` throws `OfpFramingError` and the caller must close the connection. No I/O;
 * one framer per connection.
 */
export class Framer {
  readonly maxMessageSize: number;
  private pending: Buffer | null = null;
  /** Bytes consumed from the stream so far, for error offsets. */
  private streamOffset = 0;

  constructor(maxMessageSize: number = OFP_MAX_MESSAGE_SIZE) {
    if (!Number.isInteger(maxMessageSize) || maxMessageSize < OFP_HEADER_SIZE || maxMessageSize > OFP_MAX_MESSAGE_SIZE) {
      throw new RangeError(`maxMessageSize must be an integer from ${OFP_HEADER_SIZE} to ${OFP_MAX_MESSAGE_SIZE}`);
    }
    this.maxMessageSize = maxMessageSize;
  }

  /** Bytes held back waiting for the rest of a message. */
  buffered(): number {
    return this.pending?.length ?? 0;
  }

  /**
   * Feeds the next chunk of the stream; returns the messages it completes, in order.
   * @throws OfpFramingError on an impossible length (the stream is unusable after it).
   */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let buf = chunk;
    if (this.pending !== null) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let pos = 0;
    while (buf.length - pos >= OFP_HEADER_SIZE) {
      const length = (buf[pos + 2]! << 8) | buf[pos + 3]!;
      if (length < OFP_HEADER_SIZE || length > this.maxMessageSize) {
        this.pending = null;
        throw new OfpFramingError(
          this.streamOffset + pos,
          `message length ${length} is outside ${OFP_HEADER_SIZE}..${this.maxMessageSize}`,
        );
      }
      if (buf.length - pos < length) break;
      out.push(buf.subarray(pos, pos + length));
      pos += length;
    }
    this.streamOffset += pos;
    if (pos < buf.length) {
      // Copy the tail so the caller's chunk is not kept alive by a few bytes.
      this.pending = Buffer.from(buf.subarray(pos));
    }
    return out;
  }
}
