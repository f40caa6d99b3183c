import type { SdnClientError } from '../errors.js';
import type { SdnEvent } from '../convert/events.js';

/**
 * One `app.events()` consumer: a bounded buffer between the delivery loop and a
 * `for await` loop. When the buffer is full, `offer` returns a promise that the
 * delivery loop awaits, so a slow consumer holds back credit and thereby the
 * runtime, instead of growing memory.
 */
export class EventIterator<E extends SdnEvent = SdnEvent> implements AsyncIterableIterator<E> {
  private buffer: E[] = [];
  private head = 0;
  private waiter: ((r: IteratorResult<E>) => void) | undefined;
  private failer: ((e: SdnClientError) => void) | undefined;
  private space: (() => void) | undefined;
  private done = false;
  private error: SdnClientError | undefined;

  constructor(
    private readonly types: ReadonlySet<string> | undefined,
    private readonly highWater: number,
    private readonly onReturn: (it: EventIterator<E>) => void,
  ) {}

  wants(type: string): boolean {
    return !this.done && (this.types === undefined || this.types.has(type));
  }

  /** Hands over an event; a promise when the consumer must catch up first. */
  offer(event: E): Promise<void> | undefined {
    if (this.done) return undefined;
    if (this.waiter !== undefined) {
      const w = this.waiter;
      this.waiter = undefined;
      this.failer = undefined;
      w({ value: event, done: false });
      return undefined;
    }
    this.buffer.push(event);
    if (this.buffer.length - this.head < this.highWater) return undefined;
    return new Promise((resolve) => (this.space = resolve));
  }

  /** Ends the iteration: the consumer gets what is buffered, then `done` (or `error`, thrown). */
  end(error?: SdnClientError): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    this.releaseSpace();
    if (this.waiter !== undefined && this.head === this.buffer.length) this.finishWaiter();
  }

  next(): Promise<IteratorResult<E>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head]!;
      this.buffer[this.head++] = undefined as unknown as E;
      if (this.head === this.buffer.length) {
        this.buffer = [];
        this.head = 0;
      }
      this.releaseSpace();
      return Promise.resolve({ value, done: false });
    }
    if (this.done) {
      const error = this.error;
      this.error = undefined;
      return error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failer = reject;
    });
  }

  return(): Promise<IteratorResult<E>> {
    this.end();
    this.buffer = [];
    this.head = 0;
    this.error = undefined;
    this.onReturn(this);
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finishWaiter(): void {
    const resolve = this.waiter!;
    const reject = this.failer!;
    this.waiter = undefined;
    this.failer = undefined;
    const error = this.error;
    this.error = undefined;
    if (error === undefined) resolve({ value: undefined, done: true });
    else reject(error);
  }

  private releaseSpace(): void {
    if (this.space !== undefined && (this.done || this.buffer.length - this.head < this.highWater)) {
      const s = this.space;
      this.space = undefined;
      s();
    }
  }
}
