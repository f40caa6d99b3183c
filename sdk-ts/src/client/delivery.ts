import type { EventType, SdnEvent } from '../convert/events.js';
import type { SdnClientError } from '../errors.js';
import { EventIterator } from './event-iterator.js';

/** An event handler; a returned promise is awaited before the next event is delivered. */
export type Handler<E extends SdnEvent = SdnEvent> = (event: E) => void | Promise<void>;

export interface DeliveryOptions {
  /** The credit window: events the runtime may have sent that the app has not consumed yet. */
  readonly window: number;
  /** Gives `events` credit back to the runtime. */
  readonly grant: (events: number) => void;
  /** A handler threw or rejected. */
  readonly report: (error: unknown, event: SdnEvent) => void;
  /** A promise while the outgoing stream is full (its writes must drain before more handlers run). */
  readonly writeReady: () => Promise<void> | undefined;
}

/**
 * Delivers events to handlers and `events()` iterators one at a time, in arrival
 * order, and turns consumption into credit. An event counts as consumed once
 * every handler for it has returned (or its promise settled) and every iterator
 * took it into its bounded buffer; credit goes back in batches of a quarter
 * window, or at once when the queue runs empty, so a slow app slows the runtime
 * down instead of queueing without bound.
 */
export class Delivery {
  private readonly handlers = new Map<EventType, readonly Handler[]>();
  private readonly iterators = new Set<EventIterator>();
  private queue: SdnEvent[] = [];
  private head = 0;
  private running = false;
  private held = false;
  private closed = false;
  private consumed = 0;
  private readonly threshold: number;

  constructor(private readonly options: DeliveryOptions) {
    this.threshold = Math.max(1, Math.floor(options.window / 4));
  }

  /** Events received and not yet delivered. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** A new subscription started with fresh credit: consumption so far is not owed to it. */
  resetCredit(): void {
    this.consumed = 0;
  }

  on<T extends EventType>(type: T, handler: Handler<Extract<SdnEvent, { type: T }>>): () => void {
    const h = handler as Handler;
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), h]);
    return () => {
      const list = (this.handlers.get(type) ?? []).filter((x) => x !== h);
      if (list.length === 0) this.handlers.delete(type);
      else this.handlers.set(type, list);
    };
  }

  events<T extends EventType>(types: readonly T[]): EventIterator<Extract<SdnEvent, { type: T }>> {
    const it = new EventIterator<Extract<SdnEvent, { type: T }>>(types.length === 0 ? undefined : new Set(types), this.options.window, (x) => this.iterators.delete(x as unknown as EventIterator));
    if (this.closed) it.end();
    else this.iterators.add(it as unknown as EventIterator);
    return it;
  }

  push(events: readonly SdnEvent[]): void {
    if (this.closed || events.length === 0) return;
    for (const e of events) this.queue.push(e);
    if (!this.running && !this.held) void this.run();
  }

  /**
   * Events pushed until the next turn of the event loop wait for it. Called when
   * a subscription starts: its first events (the runtime's snapshot of the
   * connected switches) can arrive before the code after `await connect()` has
   * registered its handlers, and would find none.
   */
  holdForATurn(): void {
    if (this.held || this.closed) return;
    this.held = true;
    setImmediate(() => {
      this.held = false;
      if (!this.running && !this.closed && this.head < this.queue.length) void this.run();
    });
  }

  /** Stops delivery; iterators end after their buffered events (throwing `error` if given). */
  close(error?: SdnClientError): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.head = 0;
    for (const it of this.iterators) it.end(error);
    this.iterators.clear();
    this.handlers.clear();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.head < this.queue.length && !this.closed) {
        const event = this.queue[this.head]!;
        this.queue[this.head++] = undefined as unknown as SdnEvent;
        const pending = this.deliver(event);
        if (pending !== undefined) await pending;
        if (++this.consumed >= this.threshold) this.flushCredit();
        const ready = this.options.writeReady();
        if (ready !== undefined) await ready;
        if (this.head > 4096 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
      }
    } finally {
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      }
      this.running = false;
      if (!this.closed) this.flushCredit();
    }
  }

  private flushCredit(): void {
    if (this.consumed === 0) return;
    const n = this.consumed;
    this.consumed = 0;
    this.options.grant(n);
  }

  /** Runs the handlers, then hands the event to the iterators; a promise only when something is asynchronous. */
  private deliver(event: SdnEvent): Promise<void> | undefined {
    const list = this.handlers.get(event.type);
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const r = this.invoke(list[i]!, event);
        if (r !== undefined) return this.deliverRest(r, list, i + 1, event);
      }
    }
    return this.offer(event);
  }

  private async deliverRest(first: Promise<void>, list: readonly Handler[], from: number, event: SdnEvent): Promise<void> {
    await first;
    for (let i = from; i < list.length && !this.closed; i++) {
      const r = this.invoke(list[i]!, event);
      if (r !== undefined) await r;
    }
    const offered = this.offer(event);
    if (offered !== undefined) await offered;
  }

  private invoke(handler: Handler, event: SdnEvent): Promise<void> | undefined {
    try {
      const r = handler(event);
      if (r !== undefined && typeof (r as Promise<void>).then === 'function') return (r as Promise<void>).then(undefined, (err: unknown) => this.options.report(err, event));
    } catch (err) {
      this.options.report(err, event);
    }
    return undefined;
  }

  private offer(event: SdnEvent): Promise<void> | undefined {
    if (this.iterators.size === 0) return undefined;
    let waits: Promise<void>[] | undefined;
    for (const it of this.iterators) {
      if (!it.wants(event.type)) continue;
      const w = it.offer(event);
      if (w !== undefined) (waits ??= []).push(w);
    }
    return waits === undefined ? undefined : Promise.all(waits).then(() => undefined);
  }
}
