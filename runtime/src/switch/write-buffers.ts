/** The largest buffer a session keeps for later writes; a larger one is left to the garbage collector. */
const MAX_KEPT_BYTES = 256 * 1024;

/**
 * The output buffers of one session. A flush of 4 KiB or more (a switch at
 * load: about 50 responses) is written from the connection's output buffer
 * itself, and the connection gets another to write into
 * (`SwitchConnection.takeOutgoing`'s exchange): copying it into a new Buffer
 * cost a new ArrayBuffer and the copy per flush. The session keeps one spare,
 * the largest buffer the socket has finished writing (its write callback ran),
 * of at most 256 KiB, and gives it out next. Main thread only.
 */
export class WriteBuffers {
  private spare: Buffer | undefined;

  /** A buffer of at least `length` bytes that no write reads. */
  take(length: number): Buffer {
    const spare = this.spare;
    if (spare !== undefined && spare.length >= length) {
      this.spare = undefined;
      return spare;
    }
    return Buffer.allocUnsafeSlow(length);
  }

  /** `buffer` is no longer read by the socket: it may be given out again. */
  written(buffer: Buffer): void {
    if (buffer.length > MAX_KEPT_BYTES) return;
    if (this.spare === undefined || this.spare.length < buffer.length) this.spare = buffer;
  }
}
