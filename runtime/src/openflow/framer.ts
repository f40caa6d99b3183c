import { OFP_HEADER_SIZE, OFP_MAX_MESSAGE_SIZE } from './constants.js';
import { OfpFramingError } from './errors.js';

/**
 * Splits a TCP byte stream into whole OpenFlow messages, across any chunk
 * boundaries. A message that lies inside one chunk is returned as a view into that
 * chunk (no copy); only a message split across chunks is copied once.
 *
 * A length below the header size or above `maxMessageSize` cannot be resynced:
 * `push` throws `OfpFramingError` as soon as it reads that header, and the caller
 * must close the connection. No well-framed message is lost to it: the messages
 * that the same `push` completed before the bad header are on the error's
 * `messages` (process them, then close), and the bad header is its `badBytes`
 * (quote it in the OFPT_ERROR). The framer stays failed: every later
 * `push` throws an `OfpFramingError` at the same offset with no messages.
 *
 * No I/O; one framer per connection; not thread-safe.
 */
export class Framer {
  readonly maxMessageSize: number;
  private pending: Buffer | null = null;
  /** Bytes consumed from the stream so far, for error offsets. */
  private streamOffset = 0;
  /** Where and why the stream failed (not the error itself: it holds the failing chunk's messages). */
  private failure: { readonly offset: number; readonly detail: string } | undefined;

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
   * @throws OfpFramingError on an impossible length, carrying the messages completed
   *   before it (the stream is unusable after it).
   */
  push(chunk: Buffer): Buffer[] {
    if (this.failure !== undefined) {
      throw new OfpFramingError(this.failure.offset, `the stream already failed: ${this.failure.detail}`);
    }
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
        this.failure = { offset: this.streamOffset + pos, detail: `message length ${length} is outside ${OFP_HEADER_SIZE}..${this.maxMessageSize}` };
        throw new OfpFramingError(this.failure.offset, this.failure.detail, out, buf.subarray(pos));
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
