import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Reader, Writer } from '../openflow/index.js';
import { spinAllowed } from './cpu-pressure.js';

/**
 * The main⇄worker batch channel: one SharedArrayBuffer per plugin worker with
 * two request areas (main writes a batch in place) and two reply areas (the
 * worker writes its outputs in place), and sequence numbers in front that say
 * which is new. Up to `MAX_IN_FLIGHT` (two) requests are outstanding: request
 * n goes in request area n % 2 and its reply in reply area n % 2, so the worker
 * can start the next batch the moment it replies to one, while the main thread
 * is still applying that reply. The worker answers in order; the main thread
 * writes request n only after it took reply n - 2, so no area is written while
 * the other side reads it.
 *
 * Wake-ups cost more than the transfer on a busy machine (each is a futex
 * wake and a trip through the scheduler, 10-150 µs here), so both sides look
 * for a while before they sleep: the worker spins on the request sequence
 * after each reply before it blocks in `Atomics.wait` (it is a thread of its
 * own, and blocking there is its idle state); the main thread, which must
 * never block, polls the reply sequence once per event-loop turn
 * (`setImmediate`, so sockets are still served in between) before it falls
 * back to `Atomics.waitAsync`. How long each side looks adapts (`Spin`): up to
 * its budget while the other side answers within that, halving towards zero
 * while it does not, so sparse traffic costs no spinning; and nobody spins
 * while the CPUs are contended (cpu-pressure.ts). The budgets differ: the
 * worker waits for a request that may never come (`spinMicros`, short), the
 * main thread for a reply that is coming, as soon as the guest is done
 * (`replySpinMicros`, long enough for a batch of 64 of a compiled guest, so
 * that it takes the reply the moment it is there instead of paying a wake-up
 * per batch). The main thread's wait for a second outstanding reply counts
 * from when it took the first.
 *
 * A message that does not fit its area travels through a MessagePort
 * (`IN_MESSAGE` as its length) that the other side reads synchronously with
 * `receiveMessageOnPort`; both sides read their messages in order, so the
 * port's order is theirs. Neither port has a listener: nothing is delivered
 * through the event loop.
 *
 * Layout: Int32 [request seq, reply seq, request length x 2, reply length x 2]
 * in the first 64 bytes, then the two request areas, then the two reply areas.
 */
const CONTROL_BYTES = 64;
const REQUEST_SEQ = 0;
const REPLY_SEQ = 1;
const IN_MESSAGE = -1;

/** Requests outstanding at once (a power of two): a batch the worker runs and the ones waiting behind it. */
export const MAX_IN_FLIGHT = 2;
const SLOT_MASK = MAX_IN_FLIGHT - 1;
const REQUEST_LEN = 2;
const REPLY_LEN = REQUEST_LEN + MAX_IN_FLIGHT;

/** Default size of each area; a batch of 64 packet-ins of 1,500 bytes fits. */
export const AREA_BYTES = 256 * 1024;

/** Spin budgets of a channel, µs, and the gate that stops spinning while the CPUs are contended. */
export interface SpinPolicy {
  /** How long the worker looks for the next request before it sleeps. */
  readonly micros: number;
  /** How long the main thread looks for a reply before it sleeps. */
  readonly replyMicros: number;
  /** A SpinGate's buffer (cpu-pressure.ts): spin only while it says so. */
  readonly gate: SharedArrayBuffer;
}

export interface ChannelShared {
  readonly buffer: SharedArrayBuffer;
  readonly areaBytes: number;
  readonly spin: SpinPolicy;
}

export function createChannelShared(spin: SpinPolicy, areaBytes = AREA_BYTES): ChannelShared {
  return { buffer: new SharedArrayBuffer(CONTROL_BYTES + 2 * MAX_IN_FLIGHT * areaBytes), areaBytes, spin };
}

/** The MAX_IN_FLIGHT areas of one direction: requests (from 0) or replies (from MAX_IN_FLIGHT). */
function areas(shared: ChannelShared, first: number): Area[] {
  return Array.from({ length: MAX_IN_FLIGHT }, (_, i) => new Area(shared, CONTROL_BYTES + (first + i) * shared.areaBytes));
}

/** Whether sequence number `a` is `b` or after it (the numbers wrap around at 2^31). */
function reached(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/**
 * How long to look for the other side's message before sleeping: the full
 * budget while messages came within it, halved after each wait that outlasted
 * it (down to 0, under a microsecond), back to the full budget as soon as one
 * comes within it again.
 */
class Spin {
  private readonly maxMs: number;
  private readonly gate: Int32Array;
  private budgetMs: number;

  constructor(maxMicros: number, gate: SharedArrayBuffer) {
    this.maxMs = maxMicros / 1000;
    this.budgetMs = this.maxMs;
    this.gate = new Int32Array(gate);
  }

  /** The budget now, ms: 0 while the CPUs are contended. */
  get ms(): number {
    return spinAllowed(this.gate) ? this.budgetMs : 0;
  }

  /** Records how long the last wait took, ms (spinning included). */
  waited(ms: number): void {
    if (ms <= this.maxMs) this.budgetMs = this.maxMs;
    else this.budgetMs = this.budgetMs < 0.002 ? 0 : this.budgetMs / 2;
  }
}

/** One area, written through a Writer that starts out on the shared bytes. */
class Area {
  readonly view: Buffer;
  readonly writer: Writer;

  constructor(shared: ChannelShared, offset: number) {
    this.view = Buffer.from(shared.buffer, offset, shared.areaBytes);
    this.writer = new Writer(0);
    this.writer.buf = this.view;
  }

  /** Starts a message in place. */
  begin(): Writer {
    this.writer.buf = this.view;
    this.writer.reset();
    return this.writer;
  }

  /**
   * The length to publish for what was written: its byte count, or IN_MESSAGE
   * after posting the bytes on `port` when the Writer outgrew the area (it
   * then holds a private buffer, which is handed over).
   */
  finish(port: MessagePort): number {
    const w = this.writer;
    if (w.buf === this.view) return w.pos;
    const bytes = new ArrayBuffer(w.pos);
    new Uint8Array(bytes).set(w.buf.subarray(0, w.pos));
    port.postMessage(bytes, [bytes]);
    w.buf = this.view;
    return IN_MESSAGE;
  }

  /** A reader over a message of `length` published by the other side. */
  static read(view: Buffer, length: number, port: MessagePort, context: string): Reader {
    if (length !== IN_MESSAGE) return new Reader(view, 0, length, context);
    const received = receiveMessageOnPort(port);
    if (received === undefined) throw new Error(`${context}: the channel says the message is on its port, but the port is empty`);
    const buf = Buffer.from(received.message as ArrayBuffer);
    return new Reader(buf, 0, buf.length, context);
  }
}

/** `Atomics.waitAsync` (ES2024; in Node since 16), which lib ES2023 does not declare. */
type WaitAsync = (view: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

interface Awaited {
  readonly seq: number;
  readonly onReply: (reply: Reader) => void;
}

/** The main thread's end. */
export class MainChannel {
  private readonly control: Int32Array;
  private readonly requests: Area[];
  private readonly replies: Area[];
  private readonly port: MessagePort;
  private readonly spin: Spin;
  private seq = 0;
  /** Requests whose reply is awaited, oldest first. */
  private readonly awaited: Awaited[] = [];
  /** A look is scheduled (an immediate or a wait on the reply sequence). */
  private watching = false;
  /** A reply is being handed out: `poll` from within its callback does nothing (replies go out in order). */
  private delivering = false;
  /** When the wait for the oldest awaited reply began, and until when it spins. */
  private waitStart = 0;
  private spinUntil = 0;
  private closed = false;

  constructor(shared: ChannelShared, port: MessagePort) {
    this.control = new Int32Array(shared.buffer, 0, REPLY_LEN + MAX_IN_FLIGHT);
    this.requests = areas(shared, 0);
    this.replies = areas(shared, MAX_IN_FLIGHT);
    this.port = port;
    this.spin = new Spin(shared.spin.replyMicros, shared.spin.gate);
  }

  /** Requests sent whose reply has not been handed out yet. */
  get outstanding(): number {
    return this.awaited.length;
  }

  /** A Writer for the next request (valid until `send`). At most MAX_IN_FLIGHT requests may await a reply. */
  begin(): Writer {
    if (this.awaited.length >= MAX_IN_FLIGHT) throw new Error(`the batch channel already has ${MAX_IN_FLIGHT} requests awaiting a reply`);
    return this.requests[(this.seq + 1) & SLOT_MASK]!.begin();
  }

  /**
   * Publishes the request written since `begin` and wakes the worker.
   * `onReply` is called with a reader over a private copy of its reply (the
   * area is reused by a later reply), replies in the order of their requests,
   * never synchronously and never once the channel is closed. A request sent
   * without `onReply` is one the worker answers some other way (a
   * re-instantiation answers on the worker's port): send it only when no
   * reply is awaited.
   */
  send(onReply?: (reply: Reader) => void): void {
    const seq = (this.seq + 1) | 0;
    Atomics.store(this.control, REQUEST_LEN + (seq & SLOT_MASK), this.requests[seq & SLOT_MASK]!.finish(this.port));
    this.seq = seq;
    Atomics.store(this.control, REQUEST_SEQ, seq);
    Atomics.notify(this.control, REQUEST_SEQ);
    if (onReply === undefined) return;
    this.awaited.push({ seq, onReply });
    if (this.watching) return;
    this.watching = true;
    this.startWait(performance.now());
    // Without a spin budget a look would only cost an event-loop turn: the worker has most likely not even woken yet.
    if (this.spinUntil === this.waitStart) this.sleep();
    else setImmediate(this.look);
  }

  /**
   * Hands out the replies that are there now, synchronously, in order. The
   * event loop looks only between tasks; a caller that runs long (a burst of
   * events offered from one socket read) calls this so that a reply, and the
   * next request it frees a slot for, need not wait for the task's end.
   * Nothing from within a reply's callback.
   */
  poll(): void {
    if (this.closed || this.delivering || this.awaited.length === 0 || !reached(Atomics.load(this.control, REPLY_SEQ), this.awaited[0]!.seq)) return;
    this.deliverReady();
  }

  /** Releases pending replies for good (the worker is gone). */
  close(): void {
    this.closed = true;
    Atomics.notify(this.control, REPLY_SEQ);
    this.port.close();
  }

  private startWait(now: number): void {
    this.waitStart = now;
    this.spinUntil = now + this.spin.ms;
  }

  /** Hands out every awaited reply that is there, in order; then looks again later while one is awaited. */
  private readonly look = (): void => {
    if (this.closed) return;
    this.deliverReady();
    if (this.closed) return;
    if (this.awaited.length === 0) this.watching = false;
    else if (performance.now() < this.spinUntil) setImmediate(this.look);
    else this.sleep();
  };

  /** Hands out every awaited reply that is there, in order. */
  private deliverReady(): void {
    this.delivering = true;
    try {
      while (!this.closed && this.awaited.length > 0 && reached(Atomics.load(this.control, REPLY_SEQ), this.awaited[0]!.seq)) {
        const { seq, onReply } = this.awaited.shift()!;
        const now = performance.now();
        this.spin.waited(now - this.waitStart);
        this.startWait(now);
        onReply(this.takeReply(seq));
      }
    } finally {
      this.delivering = false;
    }
  }

  /**
   * Looks again once the reply sequence moves on. It is read here, after the
   * caller's look: the worker may have answered since (on a busy machine a
   * thread can be off its core between two instructions), and a wait for a
   * value the sequence has already left would never end.
   */
  private sleep(): void {
    const current = Atomics.load(this.control, REPLY_SEQ);
    const w = reached(current, this.awaited[0]!.seq) ? undefined : waitAsync(this.control, REPLY_SEQ, current);
    if (w?.async === true) void w.value.then(this.look);
    else setImmediate(this.look);
  }

  private takeReply(seq: number): Reader {
    const view = this.replies[seq & SLOT_MASK]!.view;
    const r = Area.read(view, Atomics.load(this.control, REPLY_LEN + (seq & SLOT_MASK)), this.port, 'reply');
    if (r.buf !== view) return r;
    const copy = Buffer.allocUnsafe(r.end);
    view.copy(copy, 0, 0, r.end);
    return new Reader(copy, 0, copy.length, 'reply');
  }
}

/** The worker's end. */
export class WorkerChannel {
  private readonly control: Int32Array;
  private readonly requests: Area[];
  private readonly replies: Area[];
  private readonly port: MessagePort;
  private readonly spin: Spin;
  /** The last request read: its reply is the one being written. */
  private seen = 0;

  constructor(shared: ChannelShared, port: MessagePort) {
    this.control = new Int32Array(shared.buffer, 0, REPLY_LEN + MAX_IN_FLIGHT);
    this.requests = areas(shared, 0);
    this.replies = areas(shared, MAX_IN_FLIGHT);
    this.port = port;
    this.spin = new Spin(shared.spin.micros, shared.spin.gate);
  }

  /**
   * Blocks until the main thread has sent the request after the last one read
   * and returns a reader over it (a view of the shared area: valid until `send`).
   */
  next(): Reader {
    const idle = performance.now();
    const spinUntil = idle + this.spin.ms;
    while (Atomics.load(this.control, REQUEST_SEQ) === this.seen) {
      if (performance.now() >= spinUntil) Atomics.wait(this.control, REQUEST_SEQ, this.seen);
    }
    this.spin.waited(performance.now() - idle);
    this.seen = (this.seen + 1) | 0;
    const slot = this.seen & SLOT_MASK;
    return Area.read(this.requests[slot]!.view, Atomics.load(this.control, REQUEST_LEN + slot), this.port, 'request');
  }

  /** A Writer for the reply to the last request read (valid until `send`). */
  begin(): Writer {
    return this.replies[this.seen & SLOT_MASK]!.begin();
  }

  /** The reply's bytes as a new ArrayBuffer (for the start-up message, which is not a reply). */
  detach(): ArrayBuffer {
    const area = this.replies[this.seen & SLOT_MASK]!;
    const w = area.writer;
    const out = new ArrayBuffer(w.pos);
    new Uint8Array(out).set(w.buf.subarray(0, w.pos));
    w.buf = area.view;
    return out;
  }

  /** Publishes the reply written since `begin` as the answer to the last request read. */
  send(): void {
    const slot = this.seen & SLOT_MASK;
    Atomics.store(this.control, REPLY_LEN + slot, this.replies[slot]!.finish(this.port));
    Atomics.store(this.control, REPLY_SEQ, this.seen);
    Atomics.notify(this.control, REPLY_SEQ);
  }
}
