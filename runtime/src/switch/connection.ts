import {
  bodyDown,
  decodeMessage,
  encodeMessageInto,
  expectWholeMessage,
  messageUp,
  OFP_VERSION_1_0,
  OFP_VERSION_1_3,
  phyPortUp,
  Framer,
  OfpDecodeError,
  OfpFramingError,
  OFPBRC_BAD_LEN,
  OFPBRC_BAD_TYPE,
  OFPET_BAD_REQUEST,
  OFPET_HELLO_FAILED,
  OFPHFC_INCOMPATIBLE,
  OFPMPF_REPLY_MORE,
  Writer,
  type DescStats,
  type FeaturesReply,
  type MessageBody,
  type OfpMessage,
  type Port,
} from '../openflow/index.js';
import {
  DEFAULT_CONNECTION_CONFIG,
  HANDSHAKE_VERSIONS,
  type AdmitEncoded,
  type CloseReason,
  type ConnectionConfig,
  type ConnectionEvent,
} from './connection-types.js';
import { negotiateVersion } from './negotiation.js';

/**
 * One switch's OpenFlow session as a pure state machine: bytes and `nowMs` in,
 * bytes to send and events out. No sockets, no timers: the runner feeds
 * `onBytes`/`onTick`, then drains `takeOutgoing()` and `takeEvents()`.
 *
 * States: hello -> features -> ports -> ready -> closed. The controller speaks
 * first (HELLO on construction); after FEATURES_REPLY it sends SET_CONFIG and asks
 * for PORT_DESC and DESC; the switch is `ready` when both replies are in. A 1.0
 * switch lists its ports in FEATURES_REPLY, so only DESC (a STATS_REQUEST) is asked.
 *
 * Events and commands use the 1.3 model on every version: on a 1.0 session,
 * PACKET_IN, PORT_STATUS, FLOW_REMOVED and STATS_REPLY are mapped up and
 * FLOW_MOD, PACKET_OUT and stats MULTIPART_REQUEST down (../openflow/of10/model.ts); what 1.0 cannot express makes
 * `send`/`request` throw OfpEncodeError, and the session carries on.
 * Not thread-safe: one instance per TCP connection, driven by one thread.
 *
 * `onBytes` and `onTick` never throw: whatever the switch sends, an exception in
 * handling it closes this connection with `internalError` (the exception rides on
 * the `closed` event) and leaves every other connection alone.
 */
export type ConnectionState = 'hello' | 'features' | 'ports' | 'ready' | 'closed';

/** Bytes of an offending message quoted back in OFPT_ERROR (the spec asks for at least 64). */
const ERROR_DATA_BYTES = 64;
/**
 * Flushes from this size are exchanged (`takeOutgoing`), smaller ones copied: a
 * copy that small comes from Node's shared pool, while one larger cost a new
 * ArrayBuffer and the copy (at load a flush is ~50 responses, ~12 KiB).
 */
const EXCHANGE_BYTES = Buffer.poolSize >>> 1;
/** Unsolicited messages held while the handshake finishes. */
const MAX_EARLY_MESSAGES = 256;
/** Bodies the session sends again and again: built once. */
const BARRIER_REQUEST: MessageBody = { type: 'BarrierRequest' };
const ECHO_REQUEST: MessageBody = { type: 'EchoRequest', data: Buffer.alloc(0) };

interface Pending {
  readonly deadlineMs: number;
  readonly parts: OfpMessage[];
  /** For a barrier we sent to confirm commands: the xids it covers. */
  readonly confirms: readonly number[] | undefined;
  /** Internal requests (handshake, echo) are not reported as events. */
  readonly internal: 'features' | 'portDesc' | 'desc' | 'echo' | undefined;
}

export class SwitchConnection {
  readonly config: ConnectionConfig;
  state: ConnectionState = 'hello';
  version = 0;
  dpid: bigint | undefined;
  /** Messages received and sent, by ofp_header.type; read by metrics. */
  readonly rxByType = new Float64Array(256);
  readonly txByType = new Float64Array(256);
  shedMessages = 0;

  private readonly framer: Framer;
  private readonly out = new Writer(4096);
  private events: ConnectionEvent[] = [];
  private nextXid = 1;
  private readonly pending = new Map<number, Pending>();
  /** Commands sent with confirm that no barrier covers yet. */
  private unconfirmed: number[] = [];
  private early: OfpMessage[] = [];
  private features: FeaturesReply | undefined;
  private ports: Port[] | undefined;
  private desc: DescStats | undefined;
  private descDone = false;
  private readonly startedMs: number;
  private lastRxMs: number;
  private echoXid = 0;
  private tokens: number;
  private lastRefillMs: number;
  private floodStartMs = -1;
  private lastShedMs = -1;

  /** @throws RangeError for a config `connectionConfig` refuses. */
  constructor(nowMs: number, config: Partial<ConnectionConfig> = {}) {
    this.config = connectionConfig(config);
    this.framer = new Framer(this.config.maxMessageSize);
    this.startedMs = nowMs;
    this.lastRxMs = nowMs;
    this.tokens = this.config.maxMessagesPerSecond;
    this.lastRefillMs = nowMs;
    const highest = Math.max(...this.config.versions);
    this.emit({ type: 'Hello', elements: [{ type: 'versionBitmap', versions: [...this.config.versions].sort((a, b) => a - b) }] }, this.allocateXid(), highest);
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /**
   * Feeds bytes received from the switch. On a length the stream cannot be
   * resynced from, the whole messages before it are still handled, in order; then
   * the switch gets OFPBRC_BAD_LEN and the connection closes with `framing`.
   */
  onBytes(chunk: Buffer, nowMs: number): void {
    if (this.state === 'closed') return;
    try {
      this.handleBytes(chunk, nowMs);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Drives timers: echo, dead-peer detection, handshake and request timeouts. */
  onTick(nowMs: number): void {
    if (this.state === 'closed') return;
    try {
      this.handleTick(nowMs);
    } catch (err) {
      this.fail(err);
    }
  }

  private handleBytes(chunk: Buffer, nowMs: number): void {
    let frames: readonly Buffer[];
    let framingError: OfpFramingError | undefined;
    try {
      frames = this.framer.push(chunk);
    } catch (err) {
      if (!(err instanceof OfpFramingError)) throw err;
      frames = err.messages;
      framingError = err;
    }
    this.lastRxMs = nowMs;
    for (const frame of frames) {
      if (this.closed) return;
      this.onFrame(frame, nowMs);
    }
    if (framingError !== undefined && !this.closed) {
      // The framer saw a whole header, so its xid is there to quote.
      const bad = framingError.badBytes;
      const xid = bad.length >= 8 ? bad.readUInt32BE(4) : 0;
      this.sendError(this.version || Math.max(...this.config.versions), OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, xid, bad.subarray(0, ERROR_DATA_BYTES));
      this.close('framing', framingError.message);
    }
  }

  private handleTick(nowMs: number): void {
    if (this.state !== 'ready' && nowMs - this.startedMs >= this.config.handshakeTimeoutMs) {
      this.close('handshakeTimeout', `handshake not finished after ${this.config.handshakeTimeoutMs} ms (state ${this.state})`);
      return;
    }
    const idle = nowMs - this.lastRxMs;
    if (idle >= this.config.echoTimeoutMs && (this.echoXid !== 0 || this.state !== 'ready')) {
      this.close('echoTimeout', `no message from the switch for ${idle} ms`);
      return;
    }
    if (this.state === 'ready' && idle >= this.config.echoIntervalMs && this.echoXid === 0) {
      this.echoXid = this.request(ECHO_REQUEST, nowMs, 'echo');
    }
    for (const [xid, p] of this.pending) {
      if (p.internal === 'echo' || nowMs < p.deadlineMs) continue;
      this.pending.delete(xid);
      if (p.internal !== undefined) {
        this.close('handshakeTimeout', `no reply to the ${p.internal} request`);
        return;
      }
      for (const confirmed of p.confirms ?? [xid]) this.events.push({ type: 'timedOut', xid: confirmed });
    }
  }

  /**
   * Sends a message that expects a reply (multipart, barrier, role, echo, ...);
   * the reply arrives as a `reply` event with the returned xid. The session's
   * version and a fresh xid go into the header; `msg` is encoded as it is.
   */
  request(msg: MessageBody, nowMs: number, internal?: Pending['internal']): number {
    const xid = this.emit(msg, this.allocateXid());
    this.pending.set(xid, { deadlineMs: nowMs + this.config.requestTimeoutMs, parts: [], confirms: undefined, internal });
    return xid;
  }

  /**
   * Sends a message that has no reply (FLOW_MOD, PACKET_OUT, GROUP_MOD, ...).
   * With `confirm`, a barrier sent at the next `takeOutgoing` proves it applied:
   * a `confirmed` or `failed` event follows for the returned xid.
   */
  send(msg: MessageBody, confirm = false): number {
    const xid = this.emit(msg, this.allocateXid());
    if (confirm) this.unconfirmed.push(xid);
    return xid;
  }

  /**
   * `send` of a message that `admit` may still refuse once it sees it encoded
   * (ownership keys a flow-mod in its ledger from the bytes that go to the
   * switch): encoded once, where it is sent from, with no copy. A refusal
   * takes the bytes back and is thrown; nothing is sent or counted then.
   * @throws OfpEncodeError as `send`; whatever `admit` throws.
   */
  sendAdmitted(msg: MessageBody, admit: AdmitEncoded): number {
    const xid = this.allocateXid();
    const start = this.out.pos;
    encodeMessageInto(this.version === OFP_VERSION_1_0 ? bodyDown(msg) : msg, this.out, this.version, xid);
    try {
      admit(this.out.buf, start, this.out.pos);
    } catch (err) {
      this.out.pos = start;
      throw err;
    }
    this.txByType[this.out.buf[start + 1]!]!++;
    return xid;
  }

  /**
   * Sends a message with no reply that is already encoded (a plugin's command:
   * the worker encoded it, so the value is never built here). `message` is one
   * whole message in the session's version; it is copied out with a fresh xid
   * in its header, the rest unchanged.
   * @throws OfpEncodeError when its header says another version or another length (nothing is sent).
   */
  sendEncoded(message: Buffer): number {
    expectWholeMessage(message, this.version);
    const xid = this.allocateXid();
    const start = this.out.pos;
    this.out.bytes(message);
    this.out.buf.writeUInt32BE(xid, start + 4);
    this.txByType[message[1]!]!++;
    return xid;
  }

  /**
   * Bytes to write to the socket, or undefined. Adds the barrier that confirms
   * pending commands. Without `exchange` they are a copy. With it, a flush of
   * at least EXCHANGE_BYTES is handed out where it was written, without a copy:
   * `exchange(written)` is told the buffer it is in, which is the caller's from
   * then on, and returns the buffer to write into next (at least as large).
   */
  takeOutgoing(nowMs: number, exchange?: (written: Buffer) => Buffer): Buffer | undefined {
    if (this.unconfirmed.length > 0 && this.state === 'ready') {
      const confirms = this.unconfirmed;
      this.unconfirmed = [];
      const xid = this.emit(BARRIER_REQUEST, this.allocateXid());
      this.pending.set(xid, { deadlineMs: nowMs + this.config.requestTimeoutMs, parts: [], confirms, internal: undefined });
    }
    const length = this.out.pos;
    if (length === 0) return undefined;
    let bytes: Buffer;
    if (exchange === undefined || length < EXCHANGE_BYTES) {
      bytes = Buffer.from(this.out.view());
    } else {
      const written = this.out.buf;
      bytes = written.subarray(0, length);
      this.out.buf = exchange(written);
    }
    this.out.reset();
    return bytes;
  }

  /** Events since the last call, in order. */
  takeEvents(): ConnectionEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  /** Ends the session; a `closed` event follows. Idempotent. */
  close(reason: CloseReason, detail: string, error?: unknown): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.pending.clear();
    this.unconfirmed = [];
    this.events.push(error === undefined ? { type: 'closed', reason, detail } : { type: 'closed', reason, detail, error });
  }

  /**
   * An exception while handling the switch's input or timers. The state is no
   * longer trusted, so the connection ends; bytes queued before the fault (an
   * answer half built) are dropped with it.
   */
  private fail(err: unknown): void {
    this.out.reset();
    this.close('internalError', `in state ${this.state}: ${describeFault(err)}`, err);
  }

  private allocateXid(): number {
    const xid = this.nextXid;
    this.nextXid = xid === 0xffffffff ? 1 : xid + 1;
    return xid;
  }

  private emit(msg: MessageBody, xid: number, version = this.version): number {
    const start = this.out.pos;
    encodeMessageInto(version === OFP_VERSION_1_0 ? bodyDown(msg) : msg, this.out, version, xid);
    this.txByType[this.out.buf[start + 1]!]!++;
    return xid;
  }

  private sendError(version: number, errorType: number, code: number, xid: number, data: Uint8Array): void {
    this.emit({ type: 'Error', errorType, code, data: Buffer.from(data) }, xid, version);
  }

  private onFrame(frame: Buffer, nowMs: number): void {
    this.rxByType[frame[1]!]!++;
    let msg: OfpMessage;
    try {
      msg = decodeMessage(frame);
      if (msg.version === OFP_VERSION_1_0) msg = messageUp(msg);
    } catch (err) {
      if (!(err instanceof OfpDecodeError)) throw err;
      this.sendError(frame[0]!, OFPET_BAD_REQUEST, OFPBRC_BAD_LEN, frame.readUInt32BE(4), frame.subarray(0, ERROR_DATA_BYTES));
      this.close('malformed', err.message);
      return;
    }
    if (this.state === 'hello') {
      this.onHello(msg);
      return;
    }
    if (msg.version !== this.version) {
      this.sendError(this.version, OFPET_BAD_REQUEST, 0, msg.xid, frame.subarray(0, ERROR_DATA_BYTES));
      this.close('malformed', `message of version ${msg.version} on a version ${this.version} session`);
      return;
    }
    const pending = this.pending.get(msg.xid);
    if (pending !== undefined && msg.type !== 'EchoRequest') {
      this.onAnswer(msg, pending, nowMs);
      return;
    }
    if (this.overBudget(nowMs)) return;
    switch (msg.type) {
      case 'EchoRequest':
        this.emit({ type: 'EchoReply', data: msg.data }, msg.xid);
        return;
      case 'Unknown':
        this.sendError(this.version, OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE, msg.xid, frame.subarray(0, ERROR_DATA_BYTES));
        this.events.push({ type: 'problem', cause: 'unknownMessage', detail: `message type ${msg.msgType} is not supported` });
        return;
      case 'Error':
      case 'ErrorExperimenter':
        this.onUnsolicitedError(msg);
        return;
      default:
        if (this.state === 'ready') this.events.push(msg.type === 'PacketIn' && frame[0] === OFP_VERSION_1_3 ? { type: 'message', message: msg, frame } : { type: 'message', message: msg });
        else if (this.early.length < MAX_EARLY_MESSAGES) this.early.push(msg);
        else this.shed('early', `more than ${MAX_EARLY_MESSAGES} messages before the handshake finished`);
    }
  }

  /** Errors answer the request whose xid they carry; commands being confirmed fail individually. */
  private onUnsolicitedError(msg: Extract<OfpMessage, { type: 'Error' | 'ErrorExperimenter' }>): void {
    const index = this.unconfirmed.indexOf(msg.xid);
    if (index >= 0) {
      this.unconfirmed.splice(index, 1);
      this.events.push({ type: 'failed', xid: msg.xid, error: msg });
      return;
    }
    for (const [barrierXid, p] of this.pending) {
      const at = p.confirms?.indexOf(msg.xid) ?? -1;
      if (at >= 0) {
        this.pending.set(barrierXid, { ...p, confirms: p.confirms!.filter((x) => x !== msg.xid) });
        this.events.push({ type: 'failed', xid: msg.xid, error: msg });
        return;
      }
    }
    this.events.push({ type: 'message', message: msg });
  }

  private onHello(msg: OfpMessage): void {
    if (msg.type !== 'Hello') {
      this.close('versionMismatch', `first message was ${msg.type}, not HELLO`);
      return;
    }
    const version = negotiateVersion(this.config.versions, msg);
    if (version === undefined) {
      const detail = `switch offers ${describeHello(msg)}; we accept ${this.config.versions.map((v) => `0x0${v}`).join(', ')}`;
      this.sendError(Math.min(msg.version, Math.max(...this.config.versions)), OFPET_HELLO_FAILED, OFPHFC_INCOMPATIBLE, msg.xid, Buffer.from(detail));
      this.close('versionMismatch', detail);
      return;
    }
    this.version = version;
    this.state = 'features';
    this.request({ type: 'FeaturesRequest' }, this.lastRxMs, 'features');
  }

  private onAnswer(msg: OfpMessage, p: Pending, nowMs: number): void {
    if (msg.type === 'Error' || msg.type === 'ErrorExperimenter') {
      this.pending.delete(msg.xid);
      if (p.internal === 'echo') this.echoXid = 0;
      else if (p.internal !== undefined) this.close('malformed', `switch refused the ${p.internal} request (error type ${msg.type === 'Error' ? msg.errorType : 'experimenter'})`);
      else this.events.push({ type: 'failed', xid: msg.xid, error: msg });
      return;
    }
    p.parts.push(msg);
    // OFPSF_REPLY_MORE of 1.0 is the same bit.
    if ((msg.type === 'MultipartReply' || msg.type === 'StatsReply') && (msg.flags & OFPMPF_REPLY_MORE) !== 0) return;
    this.pending.delete(msg.xid);
    switch (p.internal) {
      case 'echo':
        this.echoXid = 0;
        return;
      case 'features':
        this.onFeatures(msg, nowMs);
        return;
      case 'portDesc':
        this.ports = p.parts.flatMap((m) => (m.type === 'MultipartReply' && m.body.type === 'portDesc' ? m.body.ports : []));
        this.maybeReady();
        return;
      case 'desc': {
        const first = p.parts[0];
        const body = first?.type === 'MultipartReply' || first?.type === 'StatsReply' ? first.body : undefined;
        this.desc = body?.type === 'desc' ? body : undefined;
        this.descDone = true;
        this.maybeReady();
        return;
      }
      case undefined:
        if (p.confirms !== undefined) for (const xid of p.confirms) this.events.push({ type: 'confirmed', xid });
        else this.events.push({ type: 'reply', xid: msg.xid, messages: p.parts });
    }
  }

  private onFeatures(msg: OfpMessage, nowMs: number): void {
    if (msg.type !== 'FeaturesReply') {
      this.close('malformed', `expected FEATURES_REPLY, got ${msg.type}`);
      return;
    }
    this.features = msg;
    this.dpid = msg.datapathId;
    this.emit({ type: 'SetConfig', flags: 0, missSendLen: this.config.missSendLen }, this.allocateXid());
    this.state = 'ports';
    if (this.version === OFP_VERSION_1_0) {
      this.ports = (msg.ports ?? []).map(phyPortUp);
      this.request({ type: 'StatsRequest', flags: 0, body: { type: 'desc' } }, nowMs, 'desc');
      return;
    }
    this.request({ type: 'MultipartRequest', flags: 0, body: { type: 'portDesc' } }, nowMs, 'portDesc');
    this.request({ type: 'MultipartRequest', flags: 0, body: { type: 'desc' } }, nowMs, 'desc');
  }

  private maybeReady(): void {
    if (this.features === undefined || this.ports === undefined || !this.descDone) return;
    this.state = 'ready';
    this.events.push({ type: 'ready', info: { dpid: this.features.datapathId, version: this.version, features: this.features, ports: this.ports, desc: this.desc } });
    for (const message of this.early) this.events.push({ type: 'message', message });
    this.early = [];
  }

  /**
   * Token bucket over unsolicited messages; true when this one must be shed. A
   * flood episode lasts while messages keep being shed less than a second apart;
   * one that outlasts `floodGraceMs` closes the connection.
   */
  private overBudget(nowMs: number): boolean {
    const rate = this.config.maxMessagesPerSecond;
    if (rate === 0) return false;
    this.tokens = Math.min(rate, this.tokens + ((nowMs - this.lastRefillMs) * rate) / 1000);
    this.lastRefillMs = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return false;
    }
    if (this.floodStartMs < 0 || nowMs - this.lastShedMs > 1000) this.floodStartMs = nowMs;
    this.lastShedMs = nowMs;
    if (nowMs - this.floodStartMs >= this.config.floodGraceMs) {
      this.close('flood', `over ${rate} messages/s for ${nowMs - this.floodStartMs} ms`);
    } else {
      this.shed('flood', `over ${rate} messages/s`);
    }
    return true;
  }

  private shed(cause: string, detail: string): void {
    if (this.shedMessages++ === 0) this.events.push({ type: 'problem', cause, detail });
  }
}

/**
 * `config` over the defaults, checked.
 * @throws RangeError when `versions` is empty or names a version outside HANDSHAKE_VERSIONS.
 */
export function connectionConfig(config: Partial<ConnectionConfig>): ConnectionConfig {
  const full = { ...DEFAULT_CONNECTION_CONFIG, ...config };
  if (full.versions.length === 0) throw new RangeError('ConnectionConfig.versions must not be empty');
  const unsupported = full.versions.filter((v) => !HANDSHAKE_VERSIONS.includes(v));
  if (unsupported.length > 0) throw new RangeError(`ConnectionConfig.versions: no handshake for wire version ${unsupported.join(', ')} (supported: ${HANDSHAKE_VERSIONS.join(', ')})`);
  return full;
}

/** One line for a caught exception: its class, code and message (the stack goes to the log with the error itself). */
export function describeFault(err: unknown): string {
  if (!(err instanceof Error)) return `a thrown ${typeof err}: ${String(err).slice(0, 200)}`;
  const code = 'code' in err ? ` ${String(err.code)}` : '';
  return `${err.name}${code}: ${err.message}`;
}

function describeHello(msg: Extract<OfpMessage, { type: 'Hello' }>): string {
  const bitmap = msg.elements.find((e) => e.type === 'versionBitmap');
  const versions = bitmap?.type === 'versionBitmap' ? bitmap.versions : [msg.version];
  return versions.map((v) => `0x0${v}`).join(', ');
}
