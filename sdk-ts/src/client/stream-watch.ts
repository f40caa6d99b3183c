import type { ClientReadableStream } from '@grpc/grpc-js';
import { fromGrpcError } from '../errors.js';

/**
 * A server-streaming watch RPC as an async iterator of the values its responses
 * carry, cancelled by `return()` (from anywhere, even while a `next()` waits).
 * A stream error becomes an SdnClientError naming `what`, unless the watch was
 * already ended by `return()`; an error `unpack` throws ends the watch with it.
 */
export abstract class StreamWatch<R, T> implements AsyncIterableIterator<T> {
  private readonly responses: AsyncIterator<R>;
  private buffered: T[] = [];
  private done = false;

  constructor(
    private readonly call: ClientReadableStream<R>,
    private readonly onEnd: () => void,
    private readonly what: string,
  ) {
    this.responses = (call as AsyncIterable<R>)[Symbol.asyncIterator]();
  }

  /** The values one response carries, in order; throws to end the watch with that error. */
  protected abstract unpack(response: R): readonly T[];

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.buffered.length > 0) return { value: this.buffered.shift()!, done: false };
      if (this.done) return { value: undefined, done: true };
      let r: IteratorResult<R>;
      try {
        r = await this.responses.next();
      } catch (err) {
        const ended = this.done;
        this.finish();
        if (ended) return { value: undefined, done: true };
        throw fromGrpcError(err, this.what);
      }
      if (r.done === true) {
        this.finish();
        return { value: undefined, done: true };
      }
      try {
        this.buffered.push(...this.unpack(r.value));
      } catch (err) {
        this.finish();
        throw err;
      }
    }
  }

  return(): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Cancels the stream (idempotent). */
  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.buffered = [];
    this.call.cancel();
    this.onEnd();
  }
}
