import type { Logger } from 'pino';
import { MastershipError } from '../mastership/index.js';
import type { RuntimeMetrics } from '../observability/metrics.js';
import { SwitchBusyError } from '../switch/session.js';
import type { AppEvent, AppEventOf, AppEventType, EventFilter } from './app-types.js';
import type { EventInterest } from './event-interest.js';
import { NODE_EVENT_TYPES, SWITCH_EVENT_TYPES, TOPOLOGY_EVENT_TYPES } from './event-kinds.js';
import { delivers, type Ownership } from './ownership.js';

/** A failing subscriber is logged at most once per this many milliseconds (each failure is counted). */
const FAULT_LOG_INTERVAL_MS = 60_000;

/** One subscription: who (the app, for fault accounting and per-app routing) and its handler. */
interface Subscriber {
  readonly app: string;
  readonly handler: (event: AppEvent) => void;
  /** For owned events (packet-ins, flow-removed): the app's id and whether it takes table misses. */
  readonly appId: number;
  readonly tableMiss: boolean;
  /** Gets every owner's events (a host of other apps). */
  readonly everyOwner: boolean;
}

/**
 * The subscribers of one kind. Arrays are replaced, never changed in place, so a
 * publish walks the array it started with even when a handler subscribes or
 * unsubscribes.
 */
interface Route {
  /** Subscribers of every switch. */
  all: readonly Subscriber[];
  /** Subscribers of some switches, by dpid. */
  readonly byDpid: Map<bigint, readonly Subscriber[]>;
}

/** Per app: when its handler failure was last logged, and failures since. */
interface FaultLog {
  lastLoggedMs: number;
  unlogged: number;
}

export interface EventBusOptions {
  readonly log: Logger;
  readonly metrics: Pick<RuntimeMetrics, 'errors' | 'appHandlerErrors'>;
  /** Milliseconds, monotonic; for the once-a-minute fault log. */
  readonly now?: () => number;
  /** Routes packet-ins and flow-removed events to the apps that own them (docs/apps-sharing-a-switch.md); absent: every subscriber gets them. */
  readonly ownership?: Ownership;
  /** Told what each subscription wants (unless its filter says `interest: false`); `serve` announces it to other nodes. */
  readonly interest?: EventInterest;
}

/**
 * Hands switch events to the subscribers that asked for their kind (and switch).
 * Publishing is synchronous: every subscriber has seen the event when `publish`
 * returns, so a subscriber sees the events of one switch in the order the
 * registry published them (the order the switch sent them). Subscribers of a kind
 * are kept in one array per kind, so a PACKET_IN costs one array walk (and one
 * map lookup when some subscriber filters by dpid), never a test per subscriber.
 * Main thread only.
 *
 * Fault containment: a handler that throws (or returns a promise that rejects) is
 * counted per app (`sdn_runtime_app_handler_errors_total{app}`), logged once a
 * minute per app, and the event is skipped for that subscriber only. It stays
 * subscribed and the publisher is not told: one faulty app must not cut a switch
 * off from the others.
 */
export class EventBus {
  private readonly routes: Record<AppEventType, Route>;
  private readonly faults = new Map<string, FaultLog>();
  private readonly log: Logger;
  private readonly metrics: EventBusOptions['metrics'];
  private readonly now: () => number;
  private readonly ownership: Ownership | undefined;
  private readonly interest: EventInterest | undefined;
  /** Takes packet-ins before any subscriber sees them (topology's LLDP); see `claimPacketIns`. */
  private claimant: { readonly app: string; readonly claim: (event: AppEventOf<'packetIn'>) => boolean } | undefined;

  constructor(options: EventBusOptions) {
    this.ownership = options.ownership;
    this.interest = options.interest;
    this.log = options.log;
    this.metrics = options.metrics;
    this.now = options.now ?? (() => performance.now());
    const routes: Partial<Record<AppEventType, Route>> = {};
    for (const type of [...SWITCH_EVENT_TYPES, ...TOPOLOGY_EVENT_TYPES, ...NODE_EVENT_TYPES]) routes[type] = { all: [], byDpid: new Map() };
    this.routes = routes as Record<AppEventType, Route>;
  }

  /**
   * Calls `handler` with every event of `kinds` (of the switches in `filter.dpids`
   * when given) published from now on; returns the unsubscribe function. `app`
   * names the subscriber in metrics and logs.
   */
  subscribe<K extends AppEventType>(app: string, kinds: readonly K[], handler: (event: AppEventOf<K>) => void, filter: EventFilter = {}): () => void {
    // The bus only hands a subscriber events of the kinds it named.
    const subscriber: Subscriber = {
      app,
      handler: handler as (event: AppEvent) => void,
      appId: this.ownership?.app(app).id ?? 0,
      tableMiss: filter.tableMiss ?? true,
      everyOwner: filter.everyOwner ?? false,
    };
    const dpids = filter.dpids === undefined ? undefined : [...new Set(filter.dpids)];
    const kindSet = [...new Set(kinds)];
    for (const kind of kindSet) {
      const route = this.routes[kind];
      if (dpids === undefined) route.all = [...route.all, subscriber];
      else for (const dpid of dpids) route.byDpid.set(dpid, [...(route.byDpid.get(dpid) ?? []), subscriber]);
    }
    const release = filter.interest === false ? undefined : this.interest?.hold(kindSet, dpids);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      release?.();
      for (const kind of kindSet) {
        const route = this.routes[kind];
        if (dpids === undefined) route.all = route.all.filter((s) => s !== subscriber);
        else {
          for (const dpid of dpids) {
            const rest = (route.byDpid.get(dpid) ?? []).filter((s) => s !== subscriber);
            if (rest.length === 0) route.byDpid.delete(dpid);
            else route.byDpid.set(dpid, rest);
          }
        }
      }
    };
  }

  /**
   * Shows every packet-in to `claim` before the subscribers: one it returns true
   * for is consumed (no subscriber, in-process, gRPC or plugin, gets it). One
   * claimant per bus; returns the function that removes it. A claim that throws
   * is contained like a handler's fault, and the packet-in is delivered.
   * @throws Error when another app already claims packet-ins.
   */
  claimPacketIns(app: string, claim: (event: AppEventOf<'packetIn'>) => boolean): () => void {
    if (this.claimant !== undefined) throw new Error(`${app} cannot claim packet-ins: ${this.claimant.app} does`);
    const claimant = { app, claim };
    this.claimant = claimant;
    return () => {
      if (this.claimant === claimant) this.claimant = undefined;
    };
  }

  /**
   * Hands `event` to its kind's subscribers: first those of every switch, then
   * those of its switch. A claimed packet-in goes no further. With ownership, a packet-in or flow-removed first goes
   * through `Ownership.route` (once) and reaches only the apps it is for.
   */
  publish(published: AppEvent): void {
    if (published.type === 'packetIn' && this.claimant !== undefined && this.claimed(this.claimant, published)) return;
    let event = published;
    if (this.ownership !== undefined) {
      const routed = this.ownership.route(event);
      if (routed === undefined) return;
      event = routed;
    }
    const owned = this.ownership !== undefined && (event.type === 'packetIn' || event.type === 'flowRemoved');
    const route = this.routes[event.type];
    const all = route.all;
    // The delivery is written out in both loops: this is the PACKET_IN path.
    for (let i = 0; i < all.length; i++) {
      const subscriber = all[i]!;
      if (owned && !subscriber.everyOwner && !delivers(event, subscriber)) continue;
      try {
        const result: unknown = subscriber.handler(event);
        if (result instanceof Promise) result.catch((err: unknown) => this.fault(subscriber.app, event, err));
      } catch (err) {
        this.fault(subscriber.app, event, err);
      }
    }
    // Node events are no switch's: subscribers filtered by dpids do not get them.
    if (route.byDpid.size === 0 || !('dpid' in event)) return;
    const some = route.byDpid.get(event.dpid);
    if (some === undefined) return;
    for (let i = 0; i < some.length; i++) {
      const subscriber = some[i]!;
      if (owned && !subscriber.everyOwner && !delivers(event, subscriber)) continue;
      try {
        const result: unknown = subscriber.handler(event);
        if (result instanceof Promise) result.catch((err: unknown) => this.fault(subscriber.app, event, err));
      } catch (err) {
        this.fault(subscriber.app, event, err);
      }
    }
  }

  private claimed(claimant: NonNullable<EventBus['claimant']>, event: AppEventOf<'packetIn'>): boolean {
    try {
      return claimant.claim(event);
    } catch (err) {
      this.fault(claimant.app, event, err);
      return false;
    }
  }

  private fault(app: string, event: AppEvent, err: unknown): void {
    // A command refused by a switch that is not keeping up was counted and logged by its session;
    // one refused because this node is not (or no longer) the switch's master, by the registry.
    if (err instanceof SwitchBusyError) return;
    if (err instanceof MastershipError && err.code === 'NOT_MASTER') return;
    this.metrics.errors.inc({ cause: 'appHandler' });
    this.metrics.appHandlerErrors.inc({ app });
    const now = this.now();
    const faults = this.faults.get(app);
    if (faults !== undefined && now - faults.lastLoggedMs < FAULT_LOG_INTERVAL_MS) {
      faults.unlogged++;
      return;
    }
    this.faults.set(app, { lastLoggedMs: now, unlogged: 0 });
    this.log.error(
      { err, app, event: event.type, failuresSinceLastLog: faults?.unlogged ?? 0 },
      'app event handler failed; the event is skipped for that app, which stays subscribed (further failures within a minute are only counted)',
    );
  }
}
