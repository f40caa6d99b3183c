import type { SdnError } from '../../errors.js';
import type { EventLog } from '../../core/index.js';
import { EventKind, type ClientMessage, type Command, type CommandResult, type ServerMessage, type Subscribe } from '../../generated/sdn/runtime/v1/events.js';
import type { TableDeclaration } from '../../ownership/index.js';
import { requireScope, type Principal } from '../auth.js';
import { ApiInputError, ApiStreamError } from '../errors.js';
import { Delivery, type DeliveryLimits, type ShedKind } from './delivery.js';
import type { StreamEvent } from './event.js';
import { Fifo } from './fifo.js';
import { accepts, filterOf, type Filter } from './filter.js';
import { encodeEventBatch } from './wire.js';

/**
 * The protocol of one `Events.Connect` stream as a pure state machine: client
 * messages and node events go in, server messages and effects come out; the
 * runner (stream.ts) owns the gRPC call, the clock and the command execution.
 *
 *   new ──Subscribe ok──▶ streaming ──(end effect / client gone)──▶ ended
 *    │                      │  Command ─▶ command effect (result comes back via result())
 *    │                      │  Credit  ─▶ more room for events
 *    └─anything else / a bad Subscribe─▶ ended (INVALID_ARGUMENT, PERMISSION_DENIED)
 *
 * Output order: Subscribed first, then command results as they complete, then
 * event batches as credit allows. Results do not use credit.
 */

export const DEFAULT_INITIAL_CREDIT = 4096;
export const DEFAULT_MAX_BATCH = 256;
/** Larger batches risk the client's 4 MiB default message limit with full-size packet-ins. */
export const MAX_BATCH_LIMIT = 4096;

/**
 * What the runner writes: a ServerMessage value, or an event batch already
 * encoded as the bytes of one (the serializer passes bytes through).
 */
export type ServerOutput = ServerMessage | Buffer;

export type SessionEffect =
  /** Subscribe accepted: attach the session to the node's events and set up topics / KV watches. */
  | { readonly type: 'subscribed'; readonly subscribe: Subscribe }
  /** One command, or the commands of a CommandBatch in order. */
  | { readonly type: 'commands'; readonly commands: readonly Command[] }
  /** End the stream with this error's status. */
  | { readonly type: 'end'; readonly error: SdnError };

export interface SessionConfig {
  readonly nodeId: string;
  readonly principal: Principal;
  readonly limits: DeliveryLimits;
  /** Read once, at Subscribe, to replay lifecycle events after `resume_after_seq`. */
  readonly log: EventLog<StreamEvent>;
  /** Read once, at Subscribe: the switches connected now as switch-ups marked snapshot, in the order they connected (EventHub.snapshot). */
  readonly snapshot: () => readonly StreamEvent[];
  /** Called for every event this client loses (for the shed metric). */
  readonly onShed: (appName: string, kind: ShedKind) => void;
  /** A queue reached its bound: write what credit allows now, if the socket takes it (see delivery.ts). */
  readonly onFull: () => void;
  /**
   * The id of the API app `name` (core Ownership: a client's name may not be an
   * in-process app's or a plugin's).
   * @throws OwnershipError when it cannot have one.
   */
  readonly appIdOf: (name: string) => number;
  /**
   * Declares the app's named tables (none: declares nothing) and returns every
   * table id on the node (core `Ownership.declareTables`).
   * @throws OwnershipError `tables`.
   */
  readonly declareTables: (app: string, tables: readonly TableDeclaration[]) => ReadonlyMap<string, number>;
}

export class EventSession {
  private stateName: 'new' | 'streaming' | 'ended' = 'new';
  private app = '';
  private appId = 0;
  private tables: ReadonlyMap<string, number> = new Map();
  private filter: Filter | undefined;
  private delivery: Delivery | undefined;
  private batchLimit = DEFAULT_MAX_BATCH;
  private readonly outbox = new Fifo<ServerMessage>();
  private readonly config: SessionConfig;

  constructor(config: SessionConfig) {
    this.config = config;
  }

  get state(): 'new' | 'streaming' | 'ended' {
    return this.stateName;
  }

  /** Command results (and Subscribed) not yet taken by next(). */
  get pendingResults(): number {
    return this.outbox.length;
  }

  /** Events (and Gap markers) waiting to be written. */
  get queuedEvents(): number {
    return this.delivery?.queued ?? 0;
  }

  /** The client has most of its credit window unconsumed (see Delivery.behind). */
  get clientBehind(): boolean {
    return this.delivery?.behind ?? false;
  }

  /** The most events one batch holds (the Subscribe's max_batch or the default). */
  get maxBatch(): number {
    return this.batchLimit;
  }

  /** The Subscribe's app_name, or the token's name when it gave none. */
  get appName(): string {
    return this.app;
  }

  receive(msg: ClientMessage): SessionEffect | undefined {
    if (this.stateName === 'ended') return undefined;
    const k = msg.kind;
    if (this.stateName === 'new') {
      if (k?.$case !== 'subscribe') return this.end(new ApiStreamError('API_STREAM_PROTOCOL', `the first message on the stream must be Subscribe, got ${k?.$case ?? 'an empty ClientMessage'}`));
      return this.subscribe(k.value);
    }
    switch (k?.$case) {
      case 'command':
        return { type: 'commands', commands: [k.value] };
      case 'commands':
        return { type: 'commands', commands: k.value.commands };
      case 'credit':
        this.delivery!.grant(k.value.events);
        return undefined;
      case 'subscribe':
        return this.end(new ApiStreamError('API_STREAM_PROTOCOL', 'Subscribe may be sent only once per stream'));
      default:
        return this.end(new ApiStreamError('API_STREAM_PROTOCOL', 'empty ClientMessage'));
    }
  }

  /** A node event; OpenFlow events pass the subscription's filter, pubsub and KV events are this stream's own. */
  offer(e: StreamEvent): SessionEffect | undefined {
    if (this.stateName !== 'streaming') return undefined;
    const own = e.kind === EventKind.EVENT_KIND_PUBSUB || e.kind === EventKind.EVENT_KIND_KV;
    if (!own && !accepts(this.filter!, e)) return undefined;
    if (this.delivery!.push(e)) return undefined;
    return this.end(new ApiStreamError('API_STREAM_OVERFLOW', `more than ${this.config.limits.lifecycle} KV watch events waited for credit; watch again from the last revision you received`));
  }

  /** A finished command's result (sent before further event batches). */
  result(r: CommandResult): void {
    if (this.stateName === 'streaming') this.outbox.push({ kind: { $case: 'result', value: r } });
  }

  /** The next message to write, or undefined when nothing is ready (or credit ran out). */
  next(nowMs: number): ServerOutput | undefined {
    const out = this.outbox.shift();
    if (out !== undefined) return out;
    const batch = this.delivery?.nextBatch(nowMs);
    return batch === undefined ? undefined : encodeEventBatch(batch);
  }

  /** Ends the session (the runner ends the call); returns the effect that says so. */
  end(error: SdnError): SessionEffect {
    this.close();
    return { type: 'end', error };
  }

  /** The client went away or the stream ended: drop everything queued. */
  close(): void {
    this.stateName = 'ended';
    this.delivery?.clear();
    this.outbox.clear();
  }

  private subscribe(s: Subscribe): SessionEffect {
    try {
      const p = this.config.principal;
      requireScope(p, 'events:read', 'Subscribe');
      if (s.topics.length > 0) requireScope(p, 'pubsub', 'Subscribe with topics');
      if (s.kvWatches.length > 0) requireScope(p, 'kv:read', 'Subscribe with kv_watches');
      if (s.maxBatch > MAX_BATCH_LIMIT) throw new ApiInputError('subscribe.max_batch', `${s.maxBatch} is above the limit ${MAX_BATCH_LIMIT}`);
      this.app = s.appName !== '' ? s.appName : this.config.principal.name;
      this.appId = this.config.appIdOf(this.app);
      this.tables = this.config.declareTables(this.app, s.tables.map((t) => ({ name: t.name, after: t.after })));
      this.filter = filterOf(s, 'subscribe', this.appId);
    } catch (err) {
      return this.end(err as SdnError);
    }
    const app = this.app;
    this.batchLimit = s.maxBatch || DEFAULT_MAX_BATCH;
    this.delivery = new Delivery(this.config.limits, s.initialCredit || DEFAULT_INITIAL_CREDIT, this.batchLimit, {
      onShed: (kind) => this.config.onShed(app, kind),
      onFull: () => this.config.onFull(),
      appId: this.appId,
    });
    this.stateName = 'streaming';
    const log = this.config.log;
    this.outbox.push({ kind: { $case: 'subscribed', value: { lastSeq: BigInt(log.lastSeq()), nodeId: this.config.nodeId, appId: this.appId, tables: Object.fromEntries(this.tables) } } });
    const connected = this.config.snapshot();
    if (s.resumeAfterSeq === undefined) {
      for (const e of connected) this.offer(e);
      return { type: 'subscribed', subscribe: s };
    }
    const after = s.resumeAfterSeq > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(s.resumeAfterSeq);
    const { missed, entries } = log.readAfter(after);
    if (missed !== undefined) {
      this.delivery.pushGap(missed.fromSeq, missed.toSeq);
      // A resumed client saw the switch-ups up to its seq and gets the later ones
      // replayed; only those lost inside the Gap come from the snapshot, so none
      // arrives twice.
      for (const e of connected) if (e.seq >= missed.fromSeq && e.seq <= missed.toSeq) this.offer(e);
    }
    for (const entry of entries) this.offer(entry.item);
    return { type: 'subscribed', subscribe: s };
  }
}
