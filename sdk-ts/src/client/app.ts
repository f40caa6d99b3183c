import type { Metadata } from '@grpc/grpc-js';
import type { CommandKind } from '../convert/commands.js';
import { eventFromProto, switchInfoFromProto, type EventType, type GapEvent, type SdnEvent, type SwitchInfo } from '../convert/events.js';
import { ErrorCode, fromCommandErrorCode, openFlowErrorInfo, SdnClientError } from '../errors.js';
import type { EventsClient, CommandResult as PbCommandResult, Subscribed } from '../generated/sdn/runtime/v1/events.js';
import { KVClient } from '../generated/sdn/runtime/v1/kv.js';
import { PluginsClient as PluginsRpc } from '../generated/sdn/runtime/v1/plugins.js';
import { SwitchesClient } from '../generated/sdn/runtime/v1/switches.js';
import { u64 } from '../openflow/numbers.js';
import { authMetadata, channelCredentials, channelOptions } from './channel.js';
import { Delivery, type Handler } from './delivery.js';
import { KvClient } from './kv.js';
import { DEFAULT_CREDIT, subscribeMessage, type ConnectOptions } from './options.js';
import { PendingResults } from './pending.js';
import { PluginsClient } from './plugins.js';
import { publishCommand } from './publish.js';
import { unary, type RpcContext } from './rpc.js';
import { EventStream, type ConnectionState } from './stream.js';
import { FastEventsClient, type WireEvent } from './wire.js';
import { SwitchClient, type CommandChannel, type CommandResult } from './switch.js';

/** Called with an error a handler threw (and the event it was handling), or a background error of the SDK. */
export type ErrorHandler = (error: unknown, event: SdnEvent | undefined) => void;

type On<T extends EventType> = (handler: Handler<Extract<SdnEvent, { type: T }>>) => () => void;

/**
 * A connected app: one event stream to the runtime (resumed across reconnects),
 * its handlers and iterators, commands to switches, pubsub, KV and plugins. Get one from
 * `connect()`. Handlers run one event at a time in arrival order; each `on*`
 * returns a function that removes the handler. Everything is single-threaded
 * (Node's event loop); no method blocks.
 */
export class SdnApp implements AsyncDisposable {
  readonly name: string;
  readonly kv: KvClient;
  /** The runtime's Wasm plugins (needs a token with the admin scope). */
  readonly plugins: PluginsClient;
  /** Resolves when the app has stopped: undefined after close(), the error when it could not go on. */
  readonly closed: Promise<SdnClientError | undefined>;
  private readonly events_: EventsClient;
  private readonly switchesRpc: SwitchesClient;
  private readonly stream: EventStream;
  private readonly delivery: Delivery;
  private readonly pending: PendingResults;
  private readonly switches = new Map<bigint, SwitchClient>();
  private readonly errorHandlers = new Set<ErrorHandler>();
  private readonly stateHandlers = new Set<(s: ConnectionState) => void>();
  private readonly window: number;
  private readonly md: () => Metadata;
  private readonly channel: CommandChannel;
  private readonly rpc: RpcContext;
  private lastSeq: bigint | undefined;
  private kvRevision: bigint | undefined;
  private currentNode = '';
  private currentAppId = 0;
  private currentTables: ReadonlyMap<string, number> = new Map();
  private currentState: ConnectionState = 'connecting';
  private stopped = false;
  private finish!: (err: SdnClientError | undefined) => void;

  /** Use `connect()`; the constructor does no I/O. */
  constructor(private readonly options: ConnectOptions) {
    this.name = options.name;
    this.window = options.credit ?? DEFAULT_CREDIT;
    const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    // What switch handles and the KV client may use of the app, kept off its public surface.
    this.channel = { request: (...a) => this.request(...a), send: (dpid, kind) => this.send(dpid, kind) };
    this.rpc = {
      requestTimeoutMs,
      metadata: () => this.md(),
      isClosed: () => this.stopped,
    };
    this.lastSeq = options.resumeAfterSeq;
    this.md = authMetadata(options.token);
    this.closed = new Promise((resolve) => (this.finish = resolve));
    this.events_ = new FastEventsClient(options.target, channelCredentials(options.tls), channelOptions(options.tls, options.channelOptions));
    const shared = { channelOverride: this.events_.getChannel() };
    this.switchesRpc = new SwitchesClient(options.target, channelCredentials(options.tls), shared);
    this.kv = new KvClient(new KVClient(options.target, channelCredentials(options.tls), shared), this.rpc);
    this.plugins = new PluginsClient(new PluginsRpc(options.target, channelCredentials(options.tls), shared), this.rpc);
    this.pending = new PendingResults(requestTimeoutMs);
    this.delivery = new Delivery({
      window: this.window,
      grant: (n) => this.grant(n),
      report: (err, ev) => this.report(err, ev),
      writeReady: () => this.stream.writeReady(),
    });
    this.stream = new EventStream(
      this.events_,
      this.md,
      {
        subscribe: () => subscribeMessage(this.options, this.lastSeq, Math.max(1, this.window - this.delivery.queued), this.kvRevision),
        subscribed: (s) => this.onSubscribed(s),
        events: (events) => this.onEvents(events),
        result: (r) => void this.pending.settle(r),
        disconnected: (err) => this.onDisconnected(err),
        state: (s) => this.setState(s),
        fatal: (err) => void this.shutdown(err),
      },
      { connectTimeoutMs: options.connectTimeoutMs ?? 10_000, reconnect: options.reconnect ?? {} },
    );
  }

  /** Opens the stream and waits for the subscription (called by connect()). */
  start(): Promise<void> {
    return this.stream.start();
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The runtime node serving the stream (from its Subscribed answer). */
  get nodeId(): string {
    return this.currentNode;
  }

  /**
   * The app's id on the runtime (from its Subscribed answer; 0 before): the top
   * 16 bits of the cookie of every flow the app writes, as dump-flows shows
   * them. Apps keep the low 48 bits (APP_COOKIE_MASK); every stream with the
   * app's `name` is the same app and owns the same flows.
   */
  get appId(): number {
    return this.currentAppId;
  }

  /**
   * Table ids by name: every named table declared on the runtime node (this
   * app's `tables` and other apps'), from its Subscribed answer. Use them as a
   * flow-mod's `tableId` and in `instructions.gotoTable`.
   */
  get tables(): ReadonlyMap<string, number> {
    return this.currentTables;
  }

  /** The newest lifecycle seq seen: store it to resume a later run with `resumeAfterSeq`. */
  get lastEventSeq(): bigint | undefined {
    return this.lastSeq;
  }

  readonly onPacketIn: On<'packetIn'> = (h) => this.delivery.on('packetIn', h);
  readonly onSwitchUp: On<'switchUp'> = (h) => this.delivery.on('switchUp', h);
  readonly onSwitchDown: On<'switchDown'> = (h) => this.delivery.on('switchDown', h);
  readonly onPortStatus: On<'portStatus'> = (h) => this.delivery.on('portStatus', h);
  readonly onFlowRemoved: On<'flowRemoved'> = (h) => this.delivery.on('flowRemoved', h);
  readonly onSwitchError: On<'switchError'> = (h) => this.delivery.on('switchError', h);
  /** Pubsub messages on the subscribed topics. */
  readonly onMessage: On<'message'> = (h) => this.delivery.on('message', h);
  /** Changes under the subscribed KV watches. */
  readonly onKvChange: On<'kvChange'> = (h) => this.delivery.on('kvChange', h);
  readonly onGap: On<'gap'> = (h) => this.delivery.on('gap', h);

  /** Errors thrown by handlers and background errors (a broken stream, a protocol violation). Without a handler they become process warnings. */
  onError(handler: ErrorHandler): () => void {
    this.errorHandlers.add(handler);
    return () => this.errorHandlers.delete(handler);
  }

  onStateChange(handler: (state: ConnectionState) => void): () => void {
    this.stateHandlers.add(handler);
    return () => this.stateHandlers.delete(handler);
  }

  /**
   * Every event (or those of `types`) for a `for await` loop. The loop's pace
   * sets the app's: while it lags, credit is held back. Ends when the app
   * closes (throws the error if it stopped on one); `break` unsubscribes.
   */
  events<T extends EventType = EventType>(...types: T[]): AsyncIterableIterator<Extract<SdnEvent, { type: T }>> {
    return this.delivery.events(types);
  }

  /** Commands to the switch `dpid` (connected or not: the runtime answers UNKNOWN_SWITCH). */
  switch(dpid: bigint): SwitchClient {
    let sw = this.switches.get(dpid);
    if (sw === undefined) {
      sw = new SwitchClient(this.channel, u64(dpid, 'switch dpid'));
      this.switches.set(dpid, sw);
    }
    return sw;
  }

  /** Publishes on the event stream (ordered with this app's commands); resolves with how many subscribers got it on the node. */
  async publish(subject: string, payload: string | Uint8Array, headers: Readonly<Record<string, string>> = {}): Promise<CommandResult<{ readonly delivered: number }>> {
    const r = await this.request(0n, publishCommand(subject, payload, headers), 'publish', {});
    if (r.kind?.$case !== 'publish') throw new SdnClientError(ErrorCode.PROTOCOL, `the runtime answered publish with ${r.kind?.$case ?? 'nothing'}`, { correlationId: r.correlationId });
    return { correlationId: r.correlationId, value: { delivered: r.kind.value.delivered } };
  }

  /** The switches connected to the runtime now. */
  async listSwitches(): Promise<readonly SwitchInfo[]> {
    const r = await unary(this.rpc, this.switchesRpc.list.bind(this.switchesRpc), {}, 'listSwitches');
    return r.switches.map(switchInfoFromProto);
  }

  /** Stops: ends the stream, rejects commands in flight (CANCELLED), ends iterators and watches. Idempotent. */
  async close(): Promise<void> {
    await this.shutdown(undefined);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async request(dpid: bigint, kind: CommandKind, what: string, options: { readonly confirm?: boolean; readonly expectReply?: boolean }): Promise<PbCommandResult> {
    const { id, result } = this.pending.create(what);
    try {
      this.stream.command({ correlationId: id, dpid, confirm: options.confirm === true, kind, expectReply: options.expectReply === true });
    } catch (err) {
      this.pending.fail(id, err as SdnClientError);
    }
    const r = await result;
    if (r.kind?.$case !== 'error') return r;
    const e = r.kind.value;
    const openflow = e.openflow === undefined ? undefined : openFlowErrorInfo(e.openflow);
    const detail = openflow === undefined ? '' : ` (${openflow.description || `type ${openflow.type} code ${openflow.code}`})`;
    throw new SdnClientError(fromCommandErrorCode(e.code), `${what}: ${e.message}${detail}`, { correlationId: r.correlationId, ...(openflow === undefined ? {} : { openflow }) });
  }

  private send(dpid: bigint, kind: CommandKind): void {
    this.stream.command({ correlationId: '', dpid, confirm: false, kind, expectReply: false });
  }

  private onSubscribed(s: Subscribed): boolean {
    // A seq position means nothing to a different process: the runtime restarted
    // (its newest seq is below ours; it then replays all it holds on this stream)
    // or this is another node (subscribe again, from its start). Either way the
    // app is told that what happened after its position may be lost.
    const restarted = this.lastSeq !== undefined && s.lastSeq < this.lastSeq;
    const moved = this.currentNode !== '' && s.nodeId !== this.currentNode;
    this.currentNode = s.nodeId;
    this.currentAppId = s.appId;
    this.currentTables = new Map(Object.entries(s.tables));
    if (restarted || moved) {
      const gap: GapEvent = { type: 'gap', timeMs: Date.now(), fromSeq: this.lastSeq! + 1n, toSeq: 0n, packetInsShed: 0n, runtimeRestarted: true };
      this.lastSeq = 0n;
      this.delivery.push([gap]);
      if (!restarted) return false;
    }
    this.lastSeq ??= s.lastSeq;
    this.delivery.resetCredit();
    this.delivery.holdForATurn();
    return true;
  }

  private onEvents(events: readonly WireEvent[]): void {
    const out: SdnEvent[] = [];
    for (const e of events) {
      // Packet-ins arrive converted (wire.ts) and carry no seq.
      if ('type' in e) {
        out.push(e);
        continue;
      }
      let ev: SdnEvent;
      try {
        ev = eventFromProto(e);
      } catch (err) {
        this.report(err, undefined);
        continue;
      }
      if (e.seq > 0n && (this.lastSeq === undefined || e.seq > this.lastSeq)) this.lastSeq = e.seq;
      if (ev.type === 'gap' && (this.lastSeq === undefined || ev.toSeq > this.lastSeq)) this.lastSeq = ev.toSeq;
      if (ev.type === 'kvChange' && (this.kvRevision === undefined || ev.kv.modRevision > this.kvRevision)) this.kvRevision = ev.kv.modRevision;
      out.push(ev);
    }
    this.delivery.push(out);
  }

  private onDisconnected(err: SdnClientError): void {
    this.pending.failAll(
      (what, id) => new SdnClientError(ErrorCode.UNAVAILABLE, `${what}: the event stream broke before the result came (the command may or may not have been applied)`, { cause: err, correlationId: id }),
    );
    this.report(err, undefined);
  }

  private grant(events: number): void {
    if (!this.stream.isReady) return;
    this.stream.write({ kind: { $case: 'credit', value: { events } } });
  }

  private setState(s: ConnectionState): void {
    if (this.currentState === s) return;
    this.currentState = s;
    for (const h of this.stateHandlers) h(s);
  }

  private report(error: unknown, event: SdnEvent | undefined): void {
    if (this.errorHandlers.size === 0) {
      process.emitWarning(error instanceof Error ? error : new Error(String(error)), { code: 'SDN_APP_ERROR', detail: `app ${this.name}${event === undefined ? '' : `, ${event.type} event`}` });
      return;
    }
    for (const h of this.errorHandlers) {
      try {
        h(error, event);
      } catch (inner) {
        process.emitWarning(inner instanceof Error ? inner : new Error(String(inner)), { code: 'SDN_APP_ERROR', detail: `app ${this.name}: onError handler threw` });
      }
    }
  }

  private async shutdown(err: SdnClientError | undefined): Promise<void> {
    if (this.stopped) {
      await this.closed;
      return;
    }
    this.stopped = true;
    if (err !== undefined) this.report(err, undefined);
    this.stream.close();
    this.pending.failAll((what, id) => err ?? new SdnClientError(ErrorCode.CANCELLED, `${what}: the app was closed`, { correlationId: id }));
    this.delivery.close(err);
    this.kv.closeWatches();
    this.plugins.closeWatches();
    this.events_.close();
    this.finish(err);
  }
}
