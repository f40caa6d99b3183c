import type { ServerWritableStream } from '@grpc/grpc-js';

export interface BoundedWriterLimits {
  /** Messages waiting for the client at most. */
  readonly maxMessages: number;
  /** Their approximate bytes at most. */
  readonly maxBytes: number;
}

/**
 * Writes a push source (the bus delivers synchronously, it cannot wait) to a
 * server stream with a bound. Messages go straight to grpc-js while it accepts
 * them; once `write()` returns false they wait here until 'drain'. When more than
 * the limits wait, the client is not reading: `onOverflow` runs once, the
 * waiting messages are dropped, and `push` accepts nothing more.
 */
export class BoundedStreamWriter<T> {
  private readonly waiting: T[] = [];
  private waitingBytes = 0;
  private blocked = false;
  private stopped = false;

  constructor(
    private readonly call: ServerWritableStream<unknown, T>,
    private readonly limits: BoundedWriterLimits,
    private readonly sizeOf: (message: T) => number,
    private readonly onOverflow: (waitingMessages: number, waitingBytes: number) => void,
  ) {
    call.on('drain', () => this.flush());
  }

  /** False once the writer stopped (overflow or `stop()`). */
  push(message: T): boolean {
    if (this.stopped) return false;
    if (!this.blocked) {
      this.blocked = !this.call.write(message);
      return true;
    }
    this.waiting.push(message);
    this.waitingBytes += this.sizeOf(message);
    if (this.waiting.length > this.limits.maxMessages || this.waitingBytes > this.limits.maxBytes) {
      const [messages, bytes] = [this.waiting.length, this.waitingBytes];
      this.stop();
      this.onOverflow(messages, bytes);
      return false;
    }
    return true;
  }

  /** Drops what waits and accepts nothing more. */
  stop(): void {
    this.stopped = true;
    this.waiting.length = 0;
    this.waitingBytes = 0;
  }

  private flush(): void {
    this.blocked = false;
    let sent = 0;
    while (!this.stopped && !this.blocked && sent < this.waiting.length) {
      const message = this.waiting[sent++] as T;
      this.waitingBytes -= this.sizeOf(message);
      this.blocked = !this.call.write(message);
    }
    this.waiting.splice(0, sent);
  }
}
