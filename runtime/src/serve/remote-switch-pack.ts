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

/** The longest record: its header and the longest OpenFlow message (a u16 length). */
const MAX_RECORD_SIZE = PACK_RECORD_HEADER_SIZE + 0xffff;

/**
 * Writes batches of records into a buffer it never writes over: `endBatch`
 * hands out a view of the batch that stays valid (a frame may hold it until the
 * overlay writes it), and the next batch goes after it. A record that might
 * not fit in what is left moves the batch to a fresh buffer (copying that
 * batch only), so a record is never copied twice. Event loop thread only.
 */
export class PackWriter {
  private w: Writer;
  /** Where the current batch starts in `w`. */
  private base = 0;

  /** @param capacity bytes of each buffer (at least one longest record). */
  constructor(private readonly capacity = 256 * 1024) {
    this.w = new Writer(Math.max(capacity, MAX_RECORD_SIZE));
  }

  /** Bytes of the current batch: the offset its next record starts at. */
  get size(): number {
    return this.w.pos - this.base;
  }

  /**
   * Appends one record. `message` is written in the 1.3 model, as
   * remote-switch-wire.ts's `encodeModel` does (a 1.0 session's events are
   * mapped up to it but keep version 1).
   * @throws OfpEncodeError when the message does not encode; nothing is appended then.
   */
  add(dpid: bigint, seq: bigint, message: OfpMessage): void {
    if (this.w.buf.length - this.w.pos < MAX_RECORD_SIZE) this.moveBatch();
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

  /** Ends the current batch: a view of its records (offsets as `size` gave them), never written over. */
  endBatch(): Buffer {
    const records = this.w.buf.subarray(this.base, this.w.pos);
    this.base = this.w.pos;
    return records;
  }

  /** Continues the current batch at the start of a fresh buffer; views handed out keep the old one. */
  private moveBatch(): void {
    const length = this.size;
    const next = new Writer(Math.max(this.capacity, 2 * length + MAX_RECORD_SIZE));
    this.w.buf.copy(next.buf, 0, this.base, this.w.pos);
    next.pos = length;
    this.w = next;
    this.base = 0;
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
