import { SdnError } from '../errors.js';
import { encodeMessageInto, OFP_HEADER_SIZE, OFP_VERSION_1_0, OFP_VERSION_1_3, Writer, type OfpMessage } from '../openflow/index.js';

/**
 * SwitchEventPack.records (overlay/README.md, "Remote switches"): events as
 * records back to back, each `dpid` (u64 big-endian), `seq` (u64 big-endian),
 * then one OpenFlow message with its header, whose length field says where the
 * next record starts. The owner writes a turn's packet-ins straight into one
 * buffer and a frame carries a slice of it; the receiver decodes each message
 * in place. Pure: no I/O.
 */

/** Bytes before a record's OpenFlow message: its dpid and seq. */
export const PACK_RECORD_HEADER_SIZE = 16;

/** A pack that does not parse: the records before the fault were read; the rest are lost (no length to resynchronise on). */
export class RemoteSwitchPackError extends SdnError {
  constructor(message: string) {
    super('REMOTE_SWITCH_PACK', message);
  }
}

/**
 * Writes records into one growing buffer, never over what it wrote: a view
 * handed out by `records` stays valid (the buffer is replaced by a larger copy
 * when it grows), so a frame may hold it until the overlay writes it, while
 * later records go after it. Event loop thread only.
 */
export class PackWriter {
  private readonly w: Writer;

  /** @param capacity initial bytes (grows as needed). */
  constructor(capacity = 16 * 1024) {
    this.w = new Writer(capacity);
  }

  /** Bytes written so far: the end of the last record. */
  get size(): number {
    return this.w.pos;
  }

  /**
   * Appends one record. `message` is written in the 1.3 model, as
   * remote-switch-wire.ts's `encodeModel` does (a 1.0 session's events are
   * mapped up to it but keep version 1).
   * @throws OfpEncodeError when the message does not encode; nothing is appended then.
   */
  add(dpid: bigint, seq: bigint, message: OfpMessage): void {
    const start = this.w.pos;
    try {
      this.w.u64(dpid, 'dpid');
      this.w.u64(seq, 'seq');
      encodeMessageInto(message, this.w, message.version === OFP_VERSION_1_0 ? OFP_VERSION_1_3 : message.version, message.xid);
    } catch (err) {
      this.w.pos = start;
      throw err;
    }
  }

  /** Bytes left before the buffer must grow. */
  get room(): number {
    return this.w.buf.length - this.w.pos;
  }

  /** The records from byte `start` to byte `end` (offsets `size` gave), as a view (no copy). */
  records(start: number, end: number): Buffer {
    return this.w.buf.subarray(start, end);
  }
}

/**
 * Calls `visit` for each record of `records`, in order, with the record's
 * message as an offset into `records` (the message's header is checked to fit;
 * its body is the visitor's to decode).
 * @throws RemoteSwitchPackError at the first record that does not fit (those before it were visited).
 */
export function readPack(records: Uint8Array, visit: (dpid: bigint, seq: bigint, buf: Buffer, offset: number) => void): void {
  const buf = Buffer.isBuffer(records) ? records : Buffer.from(records.buffer, records.byteOffset, records.byteLength);
  let offset = 0;
  while (offset < buf.length) {
    const message = offset + PACK_RECORD_HEADER_SIZE;
    if (message + OFP_HEADER_SIZE > buf.length) throw new RemoteSwitchPackError(`a record at byte ${offset} of ${buf.length} is cut short (needs ${PACK_RECORD_HEADER_SIZE + OFP_HEADER_SIZE} bytes for its header)`);
    const length = (buf[message + 2]! << 8) | buf[message + 3]!;
    if (length < OFP_HEADER_SIZE || message + length > buf.length) throw new RemoteSwitchPackError(`the record at byte ${offset} says its message has ${length} bytes; ${buf.length - message} remain`);
    visit(buf.readBigUInt64BE(offset), buf.readBigUInt64BE(offset + 8), buf, message);
    offset = message + length;
  }
}
