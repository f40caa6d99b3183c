import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { AppScopes, EventInterest } from '../../core/index.js';
import { SdnError } from '../../errors.js';
import type { PubSubBus, PubSubMessage, Subscription } from '../../pubsub/index.js';
import type { KvChange, Watch } from '../../store/index.js';
import { CommandError_Code, EventKind, type ClientMessage, type Command, type Subscribe } from '../../generated/sdn/runtime/v1/events.js';
import type { Authenticator, Principal } from '../auth.js';
import { fromKvChange, fromPubSubMessage } from '../convert/index.js';
import { ApiInputError, ApiStreamError } from '../errors.js';
import type { ApiMetrics, ShedCounts } from '../metrics.js';
import { toServiceError } from '../status.js';
import { runCommand, toCommandError, type CommandTargets, type ResultKind } from './commands.js';
import type { DeliveryLimits } from './delivery.js';
import { StreamEvent } from './event.js';
import type { AppLeases } from './app-leases.js';
import type { EventHub } from './hub.js';
import { appEventTypesOf } from './kinds.js';
import { EventSession, type ServerOutput, type SessionEffect } from './session.js';

/** What every stream of a server shares. */
export interface StreamContext {
  readonly hub: EventHub;
  readonly auth: Authenticator;
  readonly nodeId: string;
  readonly limits: DeliveryLimits;
  readonly targets: CommandTargets;
  readonly metrics: ApiMetrics;
  readonly log: Logger;
  /** Commands running plus results not yet written, at which the stream stops reading commands. */
  readonly maxPendingCommands: number;
  /** Shortest time between two event batches of a stream while events keep coming (0: one batch per turn). */
  readonly batchIntervalMs: number;
  /** Each stream's app: its id, and the switches as the app reaches them (docs/apps-sharing-a-switch.md). */
  readonly apps: AppScopes;
  /** Keeps an app's flows while a stream of it is open, and for the grace period after. */
  readonly leases: AppLeases;
  /** Where a stream's subscription is held as the node's interest (core/event-interest.ts); absent: not recorded. */
  readonly interest: EventInterest | undefined;
}

/** The call as the runtime's Events definition serializes it (server.ts): encoded batches pass through. */
export type EventsCall = ServerDuplexStream<ClientMessage, ServerOutput>;
type Call = EventsCall;

/** How long after the last batch events wait for a client that is behind, unless a full batch is ready (see scheduleFlush). */
const BEHIND_WAIT_MS = 5;

/**
 * Runs one `Events.Connect` call: feeds the gRPC stream into an EventSession and
 * writes what it produces. Writes happen once per event-loop turn (setImmediate),
 * so events arriving in one turn leave in as few batches as credit allows; when
 * grpc-js says the socket is full (write() returns false) writing stops until
 * 'drain', and events wait in the session's bounded queues instead. A client that
 * half-closes is answered with OK once its commands have finished.
 */
export class EventStream {
  private readonly call: Call;
  private readonly ctx: StreamContext;
  private readonly session: EventSession;
  private readonly principal: Principal | undefined;
  private readonly cleanups: (() => void)[] = [];
  private readonly loggedCodes = new Set<CommandError_Code>();
  private flushScheduled = false;
  private paused = false;
  private readingPaused = false;
  private halfClosed = false;
  private closed = false;
  private inFlight = 0;
  private subscribed = false;
  /** Where this stream's commands go: the switches as its app reaches them (set at Subscribe). */
  private targets: CommandTargets;
  /** performance.now() of the last event batch written, and the timer of a flush that waits for the batch interval. */
  private lastBatchMs = Number.NEGATIVE_INFINITY;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Called once when the stream is over, whatever ended it. */
  onClosed: () => void = () => {};

  constructor(call: Call, ctx: StreamContext) {
    this.call = call;
    this.ctx = ctx;
    this.targets = ctx.targets;
    let principal: Principal | undefined;
    let refused: SdnError | undefined;
    try {
      principal = ctx.auth.identify(call.metadata);
    } catch (err) {
      refused = err as SdnError;
    }
    this.principal = principal;
    let shed: ShedCounts | undefined;
    this.session = new EventSession({
      nodeId: ctx.nodeId,
      principal: principal ?? { name: 'unauthenticated', scopes: new Set() },
      limits: ctx.limits,
      log: ctx.hub.log,
      snapshot: () => ctx.hub.snapshot(),
      onShed: (app, kind) => void (shed ??= ctx.metrics.shedCounts(app))[kind]++,
      onFull: () => this.flush(),
      appIdOf: (name) => ctx.apps.scope(name, 'client').id,
      declareTables: (name, tables) => ctx.apps.scope(name, 'client').declareTables(tables),
    });
    call.on('data', (msg: ClientMessage) => this.apply(this.session.receive(msg)));
    call.on('end', () => {
      this.halfClosed = true;
      this.scheduleFlush();
    });
    call.on('drain', () => {
      this.paused = false;
      this.flush();
    });
    call.on('cancelled', () => this.cleanup());
    call.on('close', () => this.cleanup());
    call.on('error', () => this.cleanup());
    if (refused !== undefined) this.endWith(refused);
  }

  /** Ends the stream with `err`'s status (the server is stopping, ...); anything but an SdnError is a runtime bug, logged. */
  endWith(err: unknown): void {
    if (this.closed) return;
    if (!(err instanceof SdnError)) this.ctx.log.error({ err, app: this.session.appName }, 'event stream failed inside the runtime');
    this.session.close();
    this.cleanup();
    if (!this.call.destroyed) this.call.emit('error', toServiceError(err));
  }

  private apply(effect: SessionEffect | undefined): void {
    if (effect !== undefined) {
      switch (effect.type) {
        case 'subscribed':
          this.onSubscribed(effect.subscribe);
          break;
        case 'commands':
          for (const command of effect.commands) this.runCommand(command);
          break;
        case 'end':
          this.endWith(effect.error);
          return;
      }
    }
    this.scheduleFlush();
  }

  private onSubscribed(s: Subscribe): void {
    const { bus, store } = this.ctx.targets;
    // The session had the scope made (its id is in Subscribed): this finds it.
    const scope = this.ctx.apps.scope(this.session.appName, 'client');
    this.targets = { ...this.ctx.targets, switches: scope.switches };
    this.cleanups.push(this.ctx.leases.hold(scope));
    this.subscribed = true;
    this.ctx.metrics.streams.inc();
    this.cleanups.push(() => this.ctx.metrics.streams.dec());
    this.cleanups.push(this.ctx.hub.attach((e) => this.offer(e)));
    if (this.ctx.interest !== undefined) this.cleanups.push(this.ctx.interest.hold(appEventTypesOf(s.kinds), s.dpids.length === 0 ? undefined : s.dpids));
    try {
      s.topics.forEach((topic, i) => this.cleanups.push(unsubscriber(subscribeTopic(bus, topic, `subscribe.topics[${i}]`, (m) => this.offer(pubsubEvent(m))))));
      for (const w of s.kvWatches) {
        const watch: Watch = store.watch(w.key, { prefix: w.prefix, startRevision: w.startRevision }, {
          onChanges: (changes) => {
            for (const c of changes) this.offer(kvEvent(c));
          },
          onCompacted: (revision) => this.endWith(new ApiStreamError('API_KV_COMPACTED', `a kv_watches start_revision is older than the kept history, which starts at revision ${revision}`)),
          onError: (error) => this.endWith(error),
        });
        this.cleanups.push(() => watch.close());
      }
    } catch (err) {
      return this.endWith(err);
    }
    this.ctx.log.info({ app: this.session.appName, token: this.principal?.name, peer: this.call.getPeer() }, 'event stream subscribed');
  }

  private offer(e: StreamEvent): void {
    const effect = this.session.offer(e);
    if (effect !== undefined) this.apply(effect);
    else this.scheduleFlush();
  }

  /** Runs a command; a result (or failure) is queued for the next flush, which `apply` schedules. */
  private runCommand(c: Command): void {
    let outcome: ResultKind | Promise<ResultKind>;
    try {
      outcome = runCommand(c, this.principal!, this.targets);
    } catch (err) {
      this.onCommandFailed(c, err);
      return;
    }
    if (!(outcome instanceof Promise)) {
      if (c.correlationId !== '') this.session.result({ correlationId: c.correlationId, kind: outcome });
      this.throttleReading();
      return;
    }
    this.inFlight++;
    this.throttleReading();
    outcome.then(
      (kind) => {
        if (c.correlationId !== '') this.session.result({ correlationId: c.correlationId, kind });
      },
      (err: unknown) => this.onCommandFailed(c, err),
    ).finally(() => {
      this.inFlight--;
      this.throttleReading();
      this.scheduleFlush();
    });
  }

  private onCommandFailed(c: Command, err: unknown): void {
    const error = toCommandError(err);
    const app = this.session.appName;
    this.ctx.metrics.commandErrors.inc({ app, code: CommandError_Code[error.code] ?? String(error.code) });
    if (!(err instanceof SdnError)) this.ctx.log.error({ err, app }, 'event-stream command failed inside the runtime');
    if (c.correlationId !== '') {
      this.session.result({ correlationId: c.correlationId, kind: { $case: 'error', value: error } });
    } else if (!this.loggedCodes.has(error.code)) {
      // Once per code and stream: a client that keeps sending bad fire-and-forget commands is counted, not a log flood.
      this.loggedCodes.add(error.code);
      this.ctx.log.warn({ app, code: CommandError_Code[error.code], detail: error.message }, 'event-stream command without correlation_id failed (further ones with this code are only counted)');
    }
  }

  /**
   * Stops reading commands while too many are running or answered but unwritten,
   * so a client that sends without reading cannot grow our memory; gRPC flow
   * control then holds the client back.
   */
  private throttleReading(): void {
    const pending = this.inFlight + this.session.pendingResults;
    if (pending >= this.ctx.maxPendingCommands && !this.readingPaused) {
      this.readingPaused = true;
      this.call.pause();
    } else if (this.readingPaused && pending <= this.ctx.maxPendingCommands / 2) {
      this.readingPaused = false;
      this.call.resume();
    }
  }

  /**
   * Writes on the next turn of the event loop; but events that follow an event
   * batch by less than `batchIntervalMs` wait until that much time has passed,
   * to leave with the ones behind them, and while the client is behind (most of
   * its window unconsumed) they wait five intervals, or for a full batch. Under
   * load a stream then writes about one batch per interval instead of one per
   * turn (16 busy switches made 10,000+ turns a second), and a client that
   * falls behind gets full batches: a gRPC message cost a Python client
   * 35-70 us of CPU and a 1-2 ms round trip through grpcio's poller thread
   * to read, whatever its size. Results, the end of the stream and a full batch
   * go out at once; so does everything while the client keeps up and the last
   * batch is older than the interval.
   */
  private scheduleFlush(): void {
    if (this.closed) return;
    const urgent = this.session.pendingResults > 0 || this.halfClosed || this.session.queuedEvents >= this.session.maxBatch;
    if (this.flushTimer !== undefined && urgent) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.flushScheduled = false;
    }
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const interval = this.session.clientBehind ? Math.max(BEHIND_WAIT_MS, this.ctx.batchIntervalMs) : this.ctx.batchIntervalMs;
    const wait = this.lastBatchMs + interval - performance.now();
    if (wait > 0 && !urgent) {
      this.flushTimer = setTimeout(this.flushLater, wait);
      return;
    }
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private readonly flushLater = (): void => {
    this.flushTimer = undefined;
    this.flushScheduled = false;
    this.flush();
  };

  private flush(): void {
    if (this.closed || this.paused) return;
    const now = Date.now();
    for (let m = this.session.next(now); m !== undefined; m = this.session.next(now)) {
      if (Buffer.isBuffer(m)) this.lastBatchMs = performance.now();
      if (!this.call.write(m)) {
        this.paused = true;
        break;
      }
    }
    this.throttleReading();
    if (this.paused) return;
    if (this.halfClosed && this.inFlight === 0) {
      this.session.close();
      this.cleanup();
      this.call.end();
    }
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.session.close();
    for (const undo of this.cleanups.splice(0).reverse()) undo();
    if (this.subscribed) this.ctx.log.info({ app: this.session.appName }, 'event stream ended');
    this.onClosed();
  }
}

/** A bus subscription; a malformed pattern is the client's error, named by its field path. */
function subscribeTopic(bus: PubSubBus, pattern: string, path: string, handler: (m: PubSubMessage) => void): Subscription {
  try {
    return bus.subscribe(pattern, handler);
  } catch (err) {
    if (err instanceof SdnError && err.code === 'PUBSUB_PATTERN') throw new ApiInputError(path, err.message, { cause: err });
    throw err;
  }
}

function unsubscriber(s: Subscription): () => void {
  return () => s.unsubscribe();
}

function pubsubEvent(m: PubSubMessage): StreamEvent {
  const body = { $case: 'pubsub' as const, value: fromPubSubMessage(m) };
  return new StreamEvent(EventKind.EVENT_KIND_PUBSUB, 0n, 0, Date.now(), () => body);
}

function kvEvent(c: KvChange): StreamEvent {
  const body = { $case: 'kv' as const, value: fromKvChange(c) };
  return new StreamEvent(EventKind.EVENT_KIND_KV, 0n, 0, Date.now(), () => body);
}
