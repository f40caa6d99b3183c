import { OFPFC_DELETE, OFPFC_DELETE_STRICT, OFPG_ANY, OFPP_ANY, OFPTT_ALL, type FlowRemoved, type FlowStats, type Match, type OfpMessage } from '../openflow/index.js';
import type { AppEvent, Command, SwitchHandle } from '../core/app-types.js';
import { AppIds } from './app-ids.js';
import { asOwnerSees, confineCommand, ownedFlowStats, type AppRef } from './confine.js';
import { appIdOf, NO_APP_ID, RUNTIME_APP_ID } from './cookie.js';
import { OwnershipError } from './errors.js';
import { FlowLedger } from './ledger.js';
import { packetInRoute } from './routing.js';

export interface OwnershipOptions {
  /** Flows an app may hold per switch unless `quotas` names it; Infinity for no limit. */
  readonly defaultQuota: number;
  /** Per app name. */
  readonly quotas?: ReadonlyMap<string, number>;
  /** App name -> app id, given before any app asks. */
  readonly pinnedIds?: ReadonlyMap<string, number>;
  /** Every refusal, once, before it is thrown or rejected: the caller counts and logs it. */
  readonly onRefused?: (err: OwnershipError) => void;
}

/**
 * Who gets an event: every app (`all`), the apps with one id (`owner`), the
 * apps that asked for table-miss packet-ins (`tableMiss`), or no app (`none`: a
 * flow-removed the owner did not ask for). `event` is what they get (an owner
 * sees its own cookie).
 */
export type EventRoute =
  | { readonly to: 'all' | 'tableMiss' | 'none'; readonly event: AppEvent }
  | { readonly to: 'owner'; readonly appId: number; readonly event: AppEvent };

/** What a subscriber says about itself so `delivers` can decide. */
export interface Recipient {
  readonly appId: number;
  /** Wants table-miss packet-ins (a packet-in subscriber does unless it opts out). */
  readonly tableMiss: boolean;
}

/**
 * The runtime's ownership state: app ids, a flow ledger per connected switch,
 * quotas, and the two seams the wiring uses: `confine` wraps a switch handle so
 * everything an app sends is confined and checked, `route` decides once per
 * switch event which apps get it. No I/O of its own (it sends through the
 * handles it is given); one event loop.
 */
export class Ownership {
  readonly ids = new AppIds();
  private readonly ledgers = new Map<bigint, FlowLedger>();
  private readonly options: OwnershipOptions;
  private readonly quotaById = new Map<number, number>();

  constructor(options: OwnershipOptions) {
    this.options = options;
    for (const [name, id] of options.pinnedIds ?? []) this.ids.pin(name, id);
  }

  /**
   * The app called `name`, with its id (given now if it has none).
   * @throws OwnershipError `appIds` when no id is left.
   */
  app(name: string): AppRef {
    const id = this.ids.idFor(name);
    if (!this.quotaById.has(id)) this.quotaById.set(id, this.options.quotas?.get(name) ?? this.options.defaultQuota);
    return { id, name };
  }

  /** Flows `appId` holds on `dpid`, as the ledger counts them. */
  flowCount(appId: number, dpid: bigint): number {
    return this.ledgers.get(dpid)?.count(appId) ?? 0;
  }

  /**
   * `sw` as `app` sees it: every command confined to the app's cookie space and
   * checked against the overlap policy and the quota; refusals are thrown by
   * `send` and rejected by the promise-returning calls, and nothing is sent.
   * A flow stats reply holds the app's flows only, with its own cookies.
   */
  confine(app: AppRef, sw: SwitchHandle): SwitchHandle {
    const admit = (command: Command): Command => {
      try {
        const out = confineCommand(app, sw.version, command);
        if (command.type === 'FlowMod') this.ledger(sw.dpid).apply(app, sw.version, command);
        return out;
      } catch (err) {
        if (err instanceof OwnershipError) this.options.onRefused?.(err);
        throw err;
      }
    };
    const admitted = <T>(command: Command, send: (c: Command) => Promise<T>): Promise<T> => {
      let out: Command;
      try {
        out = admit(command);
      } catch (err) {
        return Promise.reject(err);
      }
      return send(out);
    };
    return {
      dpid: sw.dpid,
      version: sw.version,
      send: (command) => sw.send(admit(command)),
      sendConfirmed: (command) => admitted(command, (c) => sw.sendConfirmed(c)),
      request: (command) => admitted(command, (c) => sw.request(c)).then((parts) => (isFlowStatsRequest(command) ? parts.map((p) => ownedReply(app.id, p)) : parts)),
      barrier: () => sw.barrier(),
    };
  }

  /**
   * Who gets `event` (call once per event, before handing it to anyone: a
   * flow-removed updates the ledger). Switch up/down reset the switch's ledger.
   */
  route(event: AppEvent): EventRoute {
    switch (event.type) {
      case 'switchUp':
        this.ledgers.set(event.dpid, this.newLedger());
        return { to: 'all', event };
      case 'switchDown':
        this.ledgers.delete(event.dpid);
        return { to: 'all', event };
      case 'packetIn': {
        const route = packetInRoute(event.message);
        if (route.to === 'tableMiss') return { to: 'tableMiss', event };
        return { to: 'owner', appId: route.appId, event: { ...event, message: asOwnerSees(event.message) } };
      }
      case 'flowRemoved':
        return this.routeFlowRemoved(event.dpid, event.message, event);
      default:
        return { to: 'all', event };
    }
  }

  /**
   * Deletes every flow of `app` on each switch of `handles` (a delete of all
   * flows, confined to the app) and forgets them; resolves when each switch
   * confirmed it (or failed: those failures are returned, not thrown).
   */
  async removeFlows(app: AppRef, handles: readonly SwitchHandle[]): Promise<unknown[]> {
    const results = await Promise.allSettled(
      handles.map((sw) => {
        const confined = this.confine(app, sw);
        if (sw.version !== 1) return confined.sendConfirmed(deleteCommand(OFPFC_DELETE, OFPTT_ALL, 0, []));
        // No cookie mask on OpenFlow 1.0: each flow the ledger knows, by a strict delete.
        const entries = this.ledgers.get(sw.dpid)?.entries(app.id) ?? [];
        return Promise.all(entries.map((e) => confined.sendConfirmed(deleteCommand(OFPFC_DELETE_STRICT, e.tableId, e.priority, e.match))));
      }),
    );
    for (const sw of handles) this.ledgers.get(sw.dpid)?.forgetApp(app.id);
    return results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
  }

  private routeFlowRemoved(dpid: bigint, message: FlowRemoved, event: AppEvent): EventRoute {
    const entry = this.ledgers.get(dpid)?.removed(message);
    const appId = appIdOf(message.cookie);
    if (appId === RUNTIME_APP_ID || appId === NO_APP_ID) return { to: 'all', event };
    // The runtime asked the switch for every removal; the app gets those it asked for (unknown flows: it may have).
    if (entry !== undefined && !entry.notifyApp) return { to: 'none', event };
    return { to: 'owner', appId, event: { ...event, type: 'flowRemoved', message: asOwnerSees(message) } };
  }

  private ledger(dpid: bigint): FlowLedger {
    let ledger = this.ledgers.get(dpid);
    if (ledger === undefined) this.ledgers.set(dpid, (ledger = this.newLedger()));
    return ledger;
  }

  private newLedger(): FlowLedger {
    return new FlowLedger((id) => this.quotaById.get(id) ?? this.options.defaultQuota);
  }
}

/** Whether a subscriber `r` gets an event routed `route`. */
export function delivers(route: EventRoute, r: Recipient): boolean {
  switch (route.to) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'tableMiss':
      return r.tableMiss;
    case 'owner':
      return r.appId === route.appId;
  }
}

function deleteCommand(command: number, tableId: number, priority: number, match: Match): Command {
  return {
    type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId, command, idleTimeout: 0, hardTimeout: 0, priority,
    bufferId: 0xffffffff, outPort: OFPP_ANY, outGroup: OFPG_ANY, flags: 0, match, instructions: [],
  };
}

function isFlowStatsRequest(command: Command): boolean {
  return command.type === 'MultipartRequest' && command.body.type === 'flow';
}

function ownedReply(appId: number, part: OfpMessage): OfpMessage {
  if (part.type !== 'MultipartReply' || part.body.type !== 'flow') return part;
  return { ...part, body: { ...part.body, stats: ownedFlowStats(appId, part.body.stats as readonly FlowStats[]) } };
}
