import type { Socket } from 'node:net';
import { SdnError } from '../errors.js';
import { formatDpid, type ErrorExperimenterMsg, type ErrorMsg, type MessageBody, type OfpMessage } from '../openflow/index.js';
import { describeFault, SwitchConnection } from './connection.js';
import type { AdmitEncoded, CloseReason, ConnectionConfig, ConnectionEvent, SwitchInfo } from './connection-types.js';
import { WriteBuffers } from './write-buffers.js';

/** The switch answered a request or command with OFPT_ERROR (decoded in `error`). */
export class SwitchRequestError extends SdnError {
  readonly error: ErrorMsg | ErrorExperimenterMsg;

  constructor(error: ErrorMsg | ErrorExperimenterMsg) {
    const what = error.type === 'Error' ? `type ${error.errorType} code ${error.code}` : `experimenter ${error.experimenter} exp_type ${error.expType}`;
    super('SWITCH_ERROR', `switch refused the request: OFPT_ERROR ${what}`);
    this.error = error;
  }
}

/** No answer within the request timeout, or the connection closed first. */
export class SwitchUnavailableError extends SdnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SWITCH_UNAVAILABLE', message, options);
  }
}

/**
 * The switch is not taking what it is sent: more than `maxSendQueueBytes` wait
 * for it. The command was not sent; the caller may retry once the switch has
 * caught up (or drop it, as a congested link would).
 */
export class SwitchBusyError extends SdnError {
  readonly queuedBytes: number;

  constructor(message: string, queuedBytes: number) {
    super('SWITCH_BUSY', message);
    this.queuedBytes = queuedBytes;
  }
}

/** What a session reports to its owner (the controller). */
export interface SessionListener {
  onReady(session: SwitchSession, info: SwitchInfo): void;
  /** `frame`: a PACKET_IN of OpenFlow 1.3 as received (ConnectionEvent `message`), absent for every other message. */
  onMessage(session: SwitchSession, message: OfpMessage, frame?: Buffer): void;
  onProblem(session: SwitchSession, cause: string, detail: string): void;
  /** `error`: the exception behind an `internalError` close. */
  onClosed(session: SwitchSession, reason: CloseReason, detail: string, error?: unknown): void;
}

/**
 * Bytes one connection may read per turn of the event loop. A switch that sends
 * faster than the runtime handles would otherwise fill a whole turn: libuv reads
 * a readable socket up to 32 times 64 KiB before it looks at anything else, so
 * with a few such switches one turn took a second, and the gRPC streams, timers
 * and the other switches waited for it. Past the budget the socket pauses until
 * the next turn (TCP then holds the switch back).
 */
const READ_BUDGET_PER_TURN = 64 * 1024;

interface Waiter {
  resolve(messages: readonly OfpMessage[]): void;
  reject(err: Error): void;
}

/**
 * One switch's TCP connection: the socket, the pure `SwitchConnection` and the
 * promises of requests in flight. Writes are coalesced: everything sent during one
 * turn of the event loop goes out in one `socket.write`. Commands are refused
 * (SwitchBusyError) while `maxSendQueueBytes` or more wait for the switch, so a
 * switch that stops reading cannot make the runtime buffer without bound.
 *
 * An exception in this session's path (its state machine, or the listener it
 * hands events to) closes this session with `internalError` and reaches no
 * further: the socket callbacks and the tick never throw.
 */
export class SwitchSession {
  readonly id: number;
  readonly remote: string;
  readonly connection: SwitchConnection;
  private readonly socket: Socket;
  private readonly listener: SessionListener;
  private readonly waiters = new Map<number, Waiter>();
  private flushScheduled = false;
  private closed = false;
  /** Dispatches of the connection's events so far (see `dispatchRun`). */
  private dispatches = 0;
  /** Bytes read in this turn of the event loop; the turn's end is a setImmediate. */
  private readThisTurn = 0;
  private readPaused = false;
  private readonly endTurn = (): void => {
    this.readThisTurn = 0;
    if (this.readPaused && !this.closed) {
      this.readPaused = false;
      this.socket.resume();
    }
  };
  private readonly now: () => number;
  private readonly writeBuffers = new WriteBuffers();
  /** The buffer `takeOutgoing` handed the last flush out in (exchanged), if it did: given back once the socket wrote it. */
  private exchanged: Buffer | undefined;
  private readonly exchange = (written: Buffer): Buffer => {
    this.exchanged = written;
    return this.writeBuffers.take(written.length);
  };

  constructor(id: number, socket: Socket, config: Partial<ConnectionConfig>, listener: SessionListener, now: () => number) {
    this.id = id;
    this.socket = socket;
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.listener = listener;
    this.now = now;
    this.connection = new SwitchConnection(now(), config);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.readThisTurn === 0) setImmediate(this.endTurn);
      this.readThisTurn += chunk.length;
      this.connection.onBytes(chunk, this.now());
      this.pump();
      if (this.closed) return;
      if (this.readThisTurn >= READ_BUDGET_PER_TURN && !this.readPaused) {
        this.readPaused = true;
        socket.pause();
      }
    });
    socket.on('close', () => this.closeWith('peerClosed', 'the switch closed the connection'));
    socket.on('error', (err) => this.closeWith('peerClosed', err.message));
    this.pump();
  }

  get dpid(): bigint | undefined {
    return this.connection.dpid;
  }

  get version(): number {
    return this.connection.version;
  }

  /**
   * The number of the dispatch the listener is being called from: two
   * messages with the same number were handed to it one right after the
   * other, with nothing in between (the registry reads the clock once per
   * PACKET_IN, not twice, so).
   */
  get dispatchRun(): number {
    return this.dispatches;
  }

  /** Bytes written for the switch that the kernel has not taken yet: the switch is behind by at least this much. */
  get queuedBytes(): number {
    return this.socket.writableLength;
  }

  /**
   * Sends a message with no reply (PACKET_OUT, FLOW_MOD, ...).
   * @throws SwitchBusyError when the switch is not taking what it is sent (nothing is sent).
   */
  send(msg: MessageBody): void {
    const busy = this.busy();
    if (busy !== undefined) throw busy;
    this.connection.send(msg);
    this.scheduleFlush();
  }

  /**
   * `send` of a message that `admit` may refuse once it sees it encoded (see
   * `SwitchConnection.sendAdmitted`). A busy switch refuses first: `admit` is
   * not called then.
   * @throws SwitchBusyError (nothing is sent), OfpEncodeError, or what `admit` throws (nothing is sent).
   */
  sendAdmitted(msg: MessageBody, admit: AdmitEncoded): void {
    const busy = this.busy();
    if (busy !== undefined) throw busy;
    this.connection.sendAdmitted(msg, admit);
    this.scheduleFlush();
  }

  /**
   * Sends an encoded message with no reply, in the session's version (a
   * plugin's command; see `SwitchConnection.sendEncoded`).
   * @throws SwitchBusyError when the switch is not taking what it is sent, OfpEncodeError when the header is not the session's version and the message's length (nothing is sent).
   */
  sendEncoded(message: Buffer): void {
    const busy = this.busy();
    if (busy !== undefined) throw busy;
    this.connection.sendEncoded(message);
    this.scheduleFlush();
  }

  /**
   * Sends a command and resolves once a barrier proves the switch applied it;
   * rejects with the switch's error, SwitchBusyError, or the OfpEncodeError of a
   * command that cannot be encoded (nothing is sent; the session is unharmed).
   */
  sendConfirmed(msg: MessageBody): Promise<void> {
    const busy = this.busy();
    if (busy !== undefined) return Promise.reject(busy);
    let xid: number;
    try {
      xid = this.connection.send(msg, true);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    this.scheduleFlush();
    return this.wait(xid).then(() => undefined);
  }

  /** Sends a request and resolves with its reply (the parts of a multipart reply, in order); rejects like `sendConfirmed`. */
  request(msg: MessageBody): Promise<readonly OfpMessage[]> {
    const busy = this.busy();
    if (busy !== undefined) return Promise.reject(busy);
    let xid: number;
    try {
      xid = this.connection.request(msg, this.now());
    } catch (err) {
      return Promise.reject(err as Error);
    }
    this.scheduleFlush();
    return this.wait(xid);
  }

  /** Drives timers; called by the server's shared tick. */
  tick(nowMs: number): void {
    this.connection.onTick(nowMs);
    this.pump();
  }

  /** Closes the connection (the switch will reconnect). */
  close(reason: CloseReason, detail: string): void {
    this.connection.close(reason, detail);
    this.pump();
  }

  /** The refusal of a command while the switch is `maxSendQueueBytes` or more behind (reported as a `switchBusy` problem), else undefined. */
  private busy(): SwitchBusyError | undefined {
    const queued = this.socket.writableLength;
    const bound = this.connection.config.maxSendQueueBytes;
    if (queued < bound) return undefined;
    const detail = `${queued} bytes wait to be sent to the switch (bound ${bound}): it is not taking commands as fast as they come; nothing was sent`;
    this.listener.onProblem(this, 'switchBusy', detail);
    return new SwitchBusyError(`switch ${this.dpid === undefined ? this.remote : formatDpid(this.dpid)} is busy: ${detail}`, queued);
  }

  private wait(xid: number): Promise<readonly OfpMessage[]> {
    if (this.connection.closed) return Promise.reject(new SwitchUnavailableError('the switch connection is closed'));
    return new Promise((resolve, reject) => this.waiters.set(xid, { resolve, reject }));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.pump();
    });
  }

  /**
   * Moves bytes to the socket and events to their owners. An exception from an
   * owner ends this session (the events after it are dropped with the session).
   */
  private pump(): void {
    if (this.closed) return;
    try {
      const bytes = this.connection.takeOutgoing(this.now(), this.exchange);
      const exchanged = this.exchanged;
      this.exchanged = undefined;
      if (bytes !== undefined && !this.socket.destroyed) {
        if (exchanged === undefined) this.socket.write(bytes);
        else this.socket.write(bytes, () => this.writeBuffers.written(exchanged));
      }
      this.dispatches++;
      for (const event of this.connection.takeEvents()) {
        this.dispatch(event);
        if (this.closed) return;
      }
    } catch (err) {
      this.closeWith('internalError', `while handling the switch's events: ${describeFault(err)}`, err);
    }
  }

  private dispatch(event: ConnectionEvent): void {
    switch (event.type) {
      case 'ready':
        this.listener.onReady(this, event.info);
        return;
      case 'message':
        this.listener.onMessage(this, event.message, event.frame);
        return;
      case 'problem':
        this.listener.onProblem(this, event.cause, event.detail);
        return;
      case 'reply':
        this.settle(event.xid, (w) => w.resolve(event.messages));
        return;
      case 'confirmed':
        this.settle(event.xid, (w) => w.resolve([]));
        return;
      case 'failed':
        this.settle(event.xid, (w) => w.reject(new SwitchRequestError(event.error)));
        return;
      case 'timedOut':
        this.settle(event.xid, (w) => w.reject(new SwitchUnavailableError(`no answer from switch within ${this.connection.config.requestTimeoutMs} ms`)));
        return;
      case 'closed':
        this.closeWith(event.reason, event.detail, event.error);
        return;
    }
  }

  private settle(xid: number, fn: (w: Waiter) => void): void {
    const waiter = this.waiters.get(xid);
    if (waiter === undefined) return;
    this.waiters.delete(xid);
    fn(waiter);
  }

  private closeWith(reason: CloseReason, detail: string, error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.close(reason, detail, error);
    // Flush a final OFPT_ERROR (HELLO_FAILED, BAD_REQUEST) before hanging up.
    const bytes = this.connection.takeOutgoing(this.now());
    if (!this.socket.destroyed) this.socket.end(bytes ?? Buffer.alloc(0), () => this.socket.destroy());
    for (const waiter of this.waiters.values()) waiter.reject(new SwitchUnavailableError(`switch connection closed: ${detail}`));
    this.waiters.clear();
    this.connection.takeEvents();
    this.listener.onClosed(this, reason, detail, error);
  }
}
