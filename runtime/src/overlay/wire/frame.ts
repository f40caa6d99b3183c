import { Envelope } from '../../generated/sdn/overlay/v1/overlay.js';
import { OverlayError } from '../errors.js';

/**
 * Framing of overlay links: a 4-byte big-endian length of what follows, one
 * byte of frame format version, then one protobuf `Envelope`
 * (proto/sdn/overlay/v1/overlay.proto). The format byte lets a later format
 * coexist with this one; a frame of another format is refused, never guessed at.
 */
export const FRAME_FORMAT_VERSION = 1;
export const FRAME_HEADER_BYTES = 5;
/** Default bound on one frame (header excluded): a full route table of 10,000 nodes fits. */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** One frame for `message`, ready to write. */
export function encodeFrame(message: Envelope): Uint8Array {
  const body = Envelope.encode(message).finish();
  const frame = new Uint8Array(FRAME_HEADER_BYTES + body.length);
  new DataView(frame.buffer).setUint32(0, body.length + 1);
  frame[4] = FRAME_FORMAT_VERSION;
  frame.set(body, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Decodes one frame's content (the format byte and the envelope).
 * @throws OverlayError `OVERLAY_FRAME` (unknown format) or `OVERLAY_DECODE` (not an Envelope,
 *   or a body this version does not know).
 */
export function decodeFrameBody(content: Uint8Array): Envelope {
  const format = content[0];
  if (format !== FRAME_FORMAT_VERSION) {
    throw new OverlayError('OVERLAY_FRAME', `frame format ${String(format)} is not ${FRAME_FORMAT_VERSION}`);
  }
  let message: Envelope;
  try {
    message = Envelope.decode(content.subarray(1));
  } catch (err) {
    throw new OverlayError('OVERLAY_DECODE', `not an overlay Envelope: ${(err as Error).message}`, { cause: err });
  }
  if (message.body === undefined) throw new OverlayError('OVERLAY_DECODE', 'an Envelope with no body this version knows');
  return message;
}

/**
 * Splits a link's byte stream into envelopes. Pure: bytes in, envelopes out.
 * After an error the stream is out of sync, so the decoder refuses everything
 * that follows and the link must be closed.
 */
export class FrameDecoder {
  private buffered: Uint8Array = new Uint8Array(0);
  private failed: OverlayError | undefined;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /**
   * Envelopes completed by `chunk`, in order.
   * @throws OverlayError `OVERLAY_FRAME` (length over the bound, or zero) or as `decodeFrameBody`.
   */
  push(chunk: Uint8Array): Envelope[] {
    if (this.failed !== undefined) throw this.failed;
    const data = this.buffered.length === 0 ? chunk : concat(this.buffered, chunk);
    const out: Envelope[] = [];
    let offset = 0;
    try {
      while (data.length - offset >= 4) {
        const length = new DataView(data.buffer, data.byteOffset + offset, 4).getUint32(0);
        if (length === 0 || length > this.maxFrameBytes + 1) {
          throw new OverlayError('OVERLAY_FRAME', `frame length ${length} is outside 1..${this.maxFrameBytes + 1}`);
        }
        if (data.length - offset - 4 < length) break;
        out.push(decodeFrameBody(data.subarray(offset + 4, offset + 4 + length)));
        offset += 4 + length;
      }
    } catch (err) {
      this.failed = err as OverlayError;
      this.buffered = new Uint8Array(0);
      throw err;
    }
    this.buffered = data.slice(offset);
    return out;
  }

  /** Bytes held for an incomplete frame (bounded by the frame limit plus one chunk). */
  get pendingBytes(): number {
    return this.buffered.length;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
