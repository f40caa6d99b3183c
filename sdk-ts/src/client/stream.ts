import { status as GrpcStatus, type ClientDuplexStream, type Metadata, type StatusObject } from '@grpc/grpc-js';
import { ErrorCode, fromGrpcError, SdnClientError } from '../errors.js';
import type { ClientMessage, Command, CommandResult, EventsClient, Subscribe, Subscribed } from '../generated/sdn/runtime/v1/events.js';
import type { ReceivedMessage, WireEvent } from './wire.js';

export type ConnectionState = 'connecting' | 'ready' | 'reconnecting' | 'closed';

/** How the app reconnects after the stream breaks. Delays in milliseconds. */
export interface ReconnectOptions {
  /** First delay (default 100); each failed attempt doubles it, with jitter. */
  readonly initialDelayMs?: number;
  /** Longest delay (default 5000). */
  readonly maxDelayMs?: number;
  /** Attempts before the app gives up and closes with the last error (default: no limit). */
  readonly maxAttempts?: number;
}

/** What the stream needs from the app. */
export interface StreamHooks {
  /** The Subscribe message for the next attempt (with the resume position). */
  subscribe(): Subscribe;
  /** The runtime accepted the subscription. False: drop this stream and subscribe again at once. */
  subscribed(s: Subscribed): boolean;
  events(events: readonly WireEvent[]): void;
  result(r: CommandResult): void;
  /** The stream ended after it was subscribed: commands in flight get no result. */
  disconnected(err: SdnClientError): void;
  state(s: ConnectionState): void;
  /** The app cannot go on (bad token, no more attempts, broken protocol). */
  fatal(err: SdnClientError): void;
}

export interface StreamOptions {
  readonly connectTimeoutMs: number;
  readonly reconnect: ReconnectOptions | false;
}

/** Statuses that another attempt cannot fix. */
const FATAL_CODES: ReadonlySet<string> = new Set([ErrorCode.UNAUTHENTICATED, ErrorCode.PERMISSION_DENIED, ErrorCode.INVALID, ErrorCode.UNIMPLEMENTED, ErrorCode.PROTOCOL]);

/** Outgoing messages buffered before the delivery loop waits for the stream to drain. */
const WRITE_HIGH_WATER = 4096;

/** Most commands in one CommandBatch message. */
const MAX_COMMANDS_PER_MESSAGE = 256;

/** The call as FastEventsClient decodes it (wire.ts). */
type Call = ClientDuplexStream<ClientMessage, ReceivedMessage>;

/**
 * The app's Events.Connect stream across reconnects: Subscribe first, Subscribed
 * back, then event batches and command results in, commands and credit out.
 * When an established stream breaks, it reconnects with exponential backoff and
 * jitter, resubscribing with whatever `hooks.subscribe()` says (the resume
 * position). Only the current call's callbacks count; a stale call is ignored.
 * Commands issued in one turn of the event loop leave in one CommandBatch
 * message (a learning switch answers a batch of packet-ins with one write), in
 * the order they were issued and ahead of any credit that follows them.
 */
export class EventStream {
  private call: Call | undefined;
  private ready = false;
  private closing = false;
  private drain: Promise<void> | undefined;
  private drained: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private commands: Command[] = [];
  private flushQueued = false;

  constructor(
    private readonly client: EventsClient,
    private readonly metadata: () => Metadata,
    private readonly hooks: StreamHooks,
    private readonly options: StreamOptions,
  ) {}

  /** Opens the first stream; resolves once subscribed, rejects (SdnClientError) when it cannot be. */
  async start(): Promise<void> {
    this.hooks.state('connecting');
    await this.subscribeOnce();
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Queues a command for this turn's batch; UNAVAILABLE while the stream is down. */
  command(cmd: Command): void {
    this.ensureReady();
    this.commands.push(cmd);
    if (this.commands.length >= MAX_COMMANDS_PER_MESSAGE) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Sends one message at once (after the commands queued before it); UNAVAILABLE while the stream is down. */
  write(msg: ClientMessage): void {
    this.ensureReady();
    this.flush();
    this.put(msg);
  }

  private ensureReady(): void {
    if (!this.ready || this.call === undefined) throw new SdnClientError(ErrorCode.UNAVAILABLE, this.closing ? 'the app is closed' : 'not connected to the runtime (reconnecting)');
  }

  /** Writes the queued commands: one Command, or a CommandBatch. Dropped when the stream broke meanwhile (their waiters were failed). */
  private flush(): void {
    this.flushQueued = false;
    if (this.commands.length === 0) return;
    const commands = this.commands;
    this.commands = [];
    if (!this.ready || this.call === undefined) return;
    this.put(commands.length === 1 ? { kind: { $case: 'command', value: commands[0]! } } : { kind: { $case: 'commands', value: { commands } } });
  }

  private put(msg: ClientMessage): void {
    const call = this.call!;
    call.write(msg);
    if (this.drain === undefined && call.writableLength >= WRITE_HIGH_WATER) {
      this.drain = new Promise((resolve) => {
        this.drained = resolve;
        call.once('drain', () => this.releaseDrain());
      });
    }
  }

  /** A promise while outgoing messages pile up; delivery waits on it so handlers cannot outrun the stream. */
  writeReady(): Promise<void> | undefined {
    return this.drain;
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.flush();
    this.ready = false;
    const call = this.call;
    this.call = undefined;
    this.releaseDrain();
    this.wake?.();
    if (call !== undefined) {
      call.end();
      call.cancel();
    }
    this.hooks.state('closed');
  }

  /** One subscription, repeated at once while the app asks for a fresh one (its resume position was reset). */
  private async subscribeOnce(): Promise<void> {
    while (!(await this.open())) {
      if (this.closing) throw new SdnClientError(ErrorCode.CANCELLED, 'the app was closed while connecting');
    }
  }

  /** Opens a call and subscribes: true once ready, false when the app asked to subscribe again. */
  private open(): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const call = this.client.connect(this.metadata()) as unknown as Call;
      this.call = call;
      let subscribed = false;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        call.cancel();
      }, this.options.connectTimeoutMs);
      const fail = (err: SdnClientError): void => {
        clearTimeout(timer);
        if (this.call === call) this.call = undefined;
        call.cancel();
        reject(err);
      };
      call.on('data', (msg: ReceivedMessage) => {
        if (this.call !== call) return;
        const kind = msg.kind;
        if (!subscribed) {
          if (kind?.$case !== 'subscribed') return fail(new SdnClientError(ErrorCode.PROTOCOL, `the runtime answered Subscribe with ${kind?.$case ?? 'an empty message'}, not Subscribed`));
          subscribed = true;
          clearTimeout(timer);
          if (!this.hooks.subscribed(kind.value)) {
            this.call = undefined;
            call.cancel();
            resolve(false);
            return;
          }
          this.ready = true;
          this.hooks.state('ready');
          resolve(true);
          return;
        }
        if (kind?.$case === 'events') this.hooks.events(kind.value.events);
        else if (kind?.$case === 'result') this.hooks.result(kind.value);
        else this.broken(call, new SdnClientError(ErrorCode.PROTOCOL, `the runtime sent ${kind?.$case ?? 'an empty message'} after Subscribed`));
      });
      call.on('error', () => {});
      call.on('status', (st: StatusObject) => {
        if (this.call !== call && subscribed) return;
        if (!subscribed) {
          if (timedOut) return fail(new SdnClientError(ErrorCode.TIMEOUT, `no Subscribed from the runtime within ${this.options.connectTimeoutMs} ms`));
          return fail(this.closing ? new SdnClientError(ErrorCode.CANCELLED, 'the app was closed while connecting') : statusError(st));
        }
        this.broken(call, statusError(st));
      });
      call.write({ kind: { $case: 'subscribe', value: this.hooks.subscribe() } });
    });
  }

  /** The established stream ended: tell the app, then reconnect unless the cause is fatal. */
  private broken(call: Call, err: SdnClientError): void {
    if (this.call !== call || this.closing) return;
    this.call = undefined;
    this.ready = false;
    this.commands = [];
    call.cancel();
    this.releaseDrain();
    this.hooks.disconnected(err);
    if (FATAL_CODES.has(err.code)) this.hooks.fatal(err);
    else void this.reconnect(err);
  }

  private async reconnect(cause: SdnClientError): Promise<void> {
    this.hooks.state('reconnecting');
    const r = this.options.reconnect;
    let last = cause;
    for (let attempt = 0; !this.closing; attempt++) {
      if (r === false || attempt >= (r.maxAttempts ?? Infinity)) {
        this.hooks.fatal(new SdnClientError(last.code, `gave up reconnecting after ${attempt} attempts: ${last.message}`, { cause: last }));
        return;
      }
      await this.sleep(backoffMs(attempt, r));
      if (this.closing) return;
      try {
        await this.subscribeOnce();
        return;
      } catch (err) {
        if (this.closing) return;
        last = err instanceof SdnClientError ? err : fromGrpcError(err, 'reconnect');
        if (FATAL_CODES.has(last.code)) {
          this.hooks.fatal(last);
          return;
        }
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private releaseDrain(): void {
    const d = this.drained;
    this.drain = undefined;
    this.drained = undefined;
    d?.();
  }
}

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter in [50%, 100%]. */
export function backoffMs(attempt: number, r: ReconnectOptions): number {
  const initial = r.initialDelayMs ?? 100;
  const max = r.maxDelayMs ?? 5000;
  const full = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return full / 2 + Math.random() * (full / 2);
}

function statusError(st: StatusObject): SdnClientError {
  if (st.code === GrpcStatus.OK) return new SdnClientError(ErrorCode.UNAVAILABLE, 'the runtime ended the event stream', { grpcStatus: st.code });
  return fromGrpcError({ code: st.code, details: st.details }, 'event stream');
}
