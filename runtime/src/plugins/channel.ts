import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Reader, Writer } from '../openflow/index.js';
import { spinAllowed } from './cpu-pressure.js';

/**
 * The main⇄worker batch channel: one SharedArrayBuffer per plugin worker with a
 * request area (main writes a batch in place) and a reply area (the worker
 * writes its outputs in place), and sequence numbers in front that say which is
 * new. Only one request is outstanding at a time (a slot runs one batch at a
 * time), so each area is a single mailbox, not a queue.
 *
 * Wake-ups cost more than the transfer on a busy machine (each is a futex
 * wake and a trip through the scheduler, 10-150 µs here), so both sides look
 * for a while before they sleep: the worker spins on the request sequence
 * after each reply before it blocks in `Atomics.wait` (it is a thread of its
 * own, and blocking there is its idle state); the main thread, which must
 * never block, polls the reply sequence once per event-loop turn
 * (`setImmediate`, so sockets are still served in between) before it falls
 * back to `Atomics.waitAsync`. How long each side looks adapts (`Spin`): up to
 * `spinMicros` while the other side answers within that, halving towards zero
 * while it does not, so sparse traffic costs no spinning; and nobody spins
 * while the CPUs are contended (cpu-pressure.ts).
 *
 * A message that does not fit its area travels through a MessagePort
 * (`IN_MESSAGE` as its length) that the other side reads synchronously with
 * `receiveMessageOnPort`. Neither port has a listener: nothing is delivered
 * through the event loop.
 *
 * Layout: Int32 [request seq, reply seq, request length, reply length] in the
 * first 64 bytes, then the request area, then the reply area.
 */
const CONTROL_BYTES = 64;
const REQUEST_SEQ = 0;
const REPLY_SEQ = 1;
const REQUEST_LEN = 2;
const REPLY_LEN = 3;
const IN_MESSAGE = -1;

/** Default size of each area; a batch of 64 packet-ins of 1,500 bytes fits. */
export const AREA_BYTES = 256 * 1024;

export interface ChannelShared {
  readonly buffer: SharedArrayBuffer;
  readonly areaBytes: number;
  readonly spinMicros: number;
  /** A SpinGate's buffer (cpu-pressure.ts): spin only while it says so. */
  readonly gate: SharedArrayBuffer;
}

export function createChannelShared(spinMicros: number, gate: SharedArrayBuffer, areaBytes = AREA_BYTES): ChannelShared {
  return { buffer: new SharedArrayBuffer(CONTROL_BYTES + 2 * areaBytes), areaBytes, spinMicros, gate };
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

  constructor(shared: ChannelShared) {
    this.maxMs = shared.spinMicros / 1000;
    this.budgetMs = this.maxMs;
    this.gate = new Int32Array(shared.gate);
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

/** One of the two areas, written through a Writer that starts out on the shared bytes. */
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

/** The main thread's end. */
export class MainChannel {
  private readonly control: Int32Array;
  private readonly request: Area;
  private readonly replyView: Buffer;
  private readonly port: MessagePort;
  private readonly spin: Spin;
  private seq = 0;
  private closed = false;

  constructor(shared: ChannelShared, port: MessagePort) {
    this.control = new Int32Array(shared.buffer, 0, 4);
    this.request = new Area(shared, CONTROL_BYTES);
    this.replyView = Buffer.from(shared.buffer, CONTROL_BYTES + shared.areaBytes, shared.areaBytes);
    this.port = port;
    this.spin = new Spin(shared);
  }

  /** A Writer for the next request (valid until `send`). */
  begin(): Writer {
    return this.request.begin();
  }

  /** Publishes the request written since `begin` and wakes the worker. */
  send(): void {
    Atomics.store(this.control, REQUEST_LEN, this.request.finish(this.port));
    this.seq = (this.seq + 1) | 0;
    Atomics.store(this.control, REQUEST_SEQ, this.seq);
    Atomics.notify(this.control, REQUEST_SEQ);
  }

  /**
   * Calls `onReply` with a reader over a private copy of the reply to the last
   * request, once there is one; never if the channel is closed first. The
   * copy is the caller's: the area is reused by the next reply.
   */
  awaitReply(onReply: (reply: Reader) => void): void {
    const seq = this.seq;
    const sent = performance.now();
    const spinMs = this.spin.ms;
    const spinUntil = sent + spinMs;
    const check = (): void => {
      if (this.closed || seq !== this.seq) return;
      const current = Atomics.load(this.control, REPLY_SEQ);
      if (current === seq) {
        this.spin.waited(performance.now() - sent);
        onReply(this.takeReply());
        return;
      }
      if (performance.now() < spinUntil) {
        setImmediate(check);
        return;
      }
      const w = waitAsync(this.control, REPLY_SEQ, current);
      if (w.async) void w.value.then(check);
      else check();
    };
    // Without a spin budget the first look would only cost an event-loop turn: the worker has not even woken yet.
    if (spinMs === 0) check();
    else setImmediate(check);
  }

  /** Releases a pending `awaitReply` for good (the worker is gone). */
  close(): void {
    this.closed = true;
    Atomics.notify(this.control, REPLY_SEQ);
    this.port.close();
  }

  private takeReply(): Reader {
    const r = Area.read(this.replyView, Atomics.load(this.control, REPLY_LEN), this.port, 'reply');
    if (r.buf !== this.replyView) return r;
    const copy = Buffer.allocUnsafe(r.end);
    this.replyView.copy(copy, 0, 0, r.end);
    return new Reader(copy, 0, copy.length, 'reply');
  }
}

/** The worker's end. */
export class WorkerChannel {
  private readonly control: Int32Array;
  private readonly requestView: Buffer;
  private readonly reply: Area;
  private readonly port: MessagePort;
  private readonly spin: Spin;
  private seen = 0;

  constructor(shared: ChannelShared, port: MessagePort) {
    this.control = new Int32Array(shared.buffer, 0, 4);
    this.requestView = Buffer.from(shared.buffer, CONTROL_BYTES, shared.areaBytes);
    this.reply = new Area(shared, CONTROL_BYTES + shared.areaBytes);
    this.port = port;
    this.spin = new Spin(shared);
  }

  /**
   * Blocks until the main thread sends a request and returns a reader over it
   * (a view of the shared area: valid until `send`).
   */
  next(): Reader {
    const idle = performance.now();
    const spinUntil = idle + this.spin.ms;
    while (Atomics.load(this.control, REQUEST_SEQ) === this.seen) {
      if (performance.now() >= spinUntil) Atomics.wait(this.control, REQUEST_SEQ, this.seen);
    }
    this.spin.waited(performance.now() - idle);
    this.seen = Atomics.load(this.control, REQUEST_SEQ);
    return Area.read(this.requestView, Atomics.load(this.control, REQUEST_LEN), this.port, 'request');
  }

  /** A Writer for the reply (valid until `send`). */
  begin(): Writer {
    return this.reply.begin();
  }

  /** The reply's bytes as a new ArrayBuffer (for the start-up message, which is not a reply). */
  detach(): ArrayBuffer {
    const w = this.reply.writer;
    const out = new ArrayBuffer(w.pos);
    new Uint8Array(out).set(w.buf.subarray(0, w.pos));
    w.buf = this.reply.view;
    return out;
  }

  /** Publishes the reply written since `begin` as the answer to the last request. */
  send(): void {
    Atomics.store(this.control, REPLY_LEN, this.reply.finish(this.port));
    Atomics.store(this.control, REPLY_SEQ, this.seen);
    Atomics.notify(this.control, REPLY_SEQ);
  }
}
