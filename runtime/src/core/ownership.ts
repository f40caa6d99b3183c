import {
  decodeMessage,
  OFP_VERSION_1_0,
  OFP_VERSION_1_3,
  OFPFC_DELETE,
  OFPFC_DELETE_STRICT,
  OFPG_ANY,
  OFPP_ANY,
  OFPT_GROUP_MOD,
  OFPT_METER_MOD,
  OFPT_PACKET_OUT,
  OFPT_PORT_MOD,
  OFPT_TABLE_MOD,
  OFPTT_ALL,
  type FlowStats,
  type Match,
  type OfpMessage,
} from '../openflow/index.js';
import {
  admitEncodedFlowMod,
  AppIds,
  appIdOf,
  asOwnerSees,
  confineCommand,
  encodeAdmittedFlowMod,
  FlowLedger,
  layoutTables,
  NO_APP_ID,
  OwnershipError,
  ownedFlowStats,
  packetInRoute,
  RUNTIME_APP_ID,
  sendReplacingAdd,
  type AppRef,
  type AppTables,
  type TableDeclaration,
} from '../ownership/index.js';
import type { AppEvent, AppEventOf, AppScope } from './app-types.js';
import type { AppIdentity, AppKind, Command, SwitchDirectory, SwitchHandle } from './switch-directory.js';

export type { AppKind } from './switch-directory.js';

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

/** What the bus knows of a subscriber to decide whether an owned event is for it. */
export interface Recipient {
  readonly appId: number;
  readonly tableMiss: boolean;
}

/**
 * The node's flow ownership (docs/apps-sharing-a-switch.md): app ids, a flow
 * ledger per connected switch, quotas. `scope(name)` is an app's side: its
 * directory, whose handles confine and check every command; `route(event)`
 * runs once per switch event on the bus, before any app sees it. No I/O of its
 * own (it sends through the directory it is given); main thread only.
 */
export class Ownership {
  readonly ids = new AppIds();
  private readonly ledgers = new Map<bigint, FlowLedger>();
  /** Changes whenever a switch's ledger is replaced or dropped: a handle's cached ledger is good while this is what it saw. */
  private ledgerEpoch = 0;
  private readonly options: OwnershipOptions;
  private readonly quotaById = new Map<number, number>();
  private readonly scopes = new Map<string, { readonly kind: AppKind; readonly scope: AppScope }>();
  /** Table declarations by app, in the order apps first declared; and the ids given so far. */
  private readonly declarations = new Map<string, readonly TableDeclaration[]>();
  private tableIds: ReadonlyMap<string, number> = new Map();

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

  /**
   * App `name`'s scope over `directory` (one per name: its handles are made
   * once per switch). An API client cannot take the name of an in-process app
   * or a plugin, nor they a client's: it would own their flows.
   * @throws OwnershipError `appIds` for such a name, or when no id is left.
   */
  scope(name: string, directory: SwitchDirectory, kind: AppKind = 'process'): AppScope {
    const known = this.scopes.get(name);
    if (known !== undefined) {
      if (known.kind !== kind && (known.kind === 'client' || kind === 'client')) {
        const err = new OwnershipError('appIds', name, `the name belongs to ${known.kind === 'client' ? 'an API client' : known.kind === 'plugin' ? 'a plugin' : 'an app inside the runtime'}: choose another app name`);
        this.options.onRefused?.(err);
        throw err;
      }
      return known.scope;
    }
    const app = this.app(name);
    const handles = new WeakMap<SwitchHandle, SwitchHandle>();
    const switches: SwitchDirectory = {
      lookup: (dpid) => {
        const raw = directory.lookup(dpid);
        if (raw === undefined) return undefined;
        let confined = handles.get(raw);
        // Where the switch's node confines (another node's switch), its one ledger checks the app against every node's apps.
        if (confined === undefined) handles.set(raw, (confined = raw.forApp?.({ id: app.id, name, kind }) ?? this.confine(app, raw)));
        return confined;
      },
      view: (dpid) => directory.view(dpid),
      list: () => directory.list(),
      role: (dpid) => directory.role(dpid),
    };
    const scope: AppScope = {
      name,
      id: app.id,
      switches,
      removeFlows: () => this.removeFlows({ id: app.id, name, kind }, directory.list().flatMap((v) => directory.lookup(v.dpid) ?? [])),
      declareTables: (tables) => this.declareTables(name, tables),
      limitFlows: (n) => {
        if (this.options.quotas?.has(name) !== true) this.quotaById.set(app.id, n === 0 ? this.options.defaultQuota : n);
      },
    };
    this.scopes.set(name, { kind, scope });
    return scope;
  }

  /**
   * The scope of app `sender` of another node, whose command for a switch of
   * this node came as the app wrote it (SwitchCommand.app_name): the scope its
   * namesake here gets (`scope(name, directory, kind)`), so this node's one
   * ledger of the switch checks it against every app of every node. Its id
   * must be the sender's: a flow written under this node's id for the name
   * would be another app's on the sender's node (its flow-removed and
   * packet-ins would go there to the app holding that id).
   * @throws OwnershipError `appIds` when this node gives the name another id
   *   (the sender's node gave it in another order, or pinned it), the name is
   *   another kind's here, or no id is left.
   */
  senderScope(sender: AppIdentity, directory: SwitchDirectory): AppScope {
    const scope = this.scope(sender.name, directory, sender.kind);
    if (scope.id === sender.id) return scope;
    const err = new OwnershipError('appIds', sender.name, `the sender's node gives this app id ${sender.id} and the switch's node gives it ${scope.id} (two names with the same hash, taken in another order, or an id pinned on one node only): pin the app's id in every node's appIds config`);
    this.options.onRefused?.(err);
    throw err;
  }

  /**
   * Declares `app`'s named tables (replacing what it declared before) and
   * returns the ids of every table declared on the node (an empty list: just
   * the ids, the app's earlier declaration stays): `layoutTables` over
   * all apps' declarations, in the order the apps first declared. An id once
   * given does not move while the runtime runs (flows are in that table): a
   * declaration that would move one is refused, and so is a name another app
   * declared, an unknown predecessor or a cycle. docs/apps-sharing-a-switch.md.
   * @throws OwnershipError `tables`; nothing changes then.
   */
  declareTables(app: string, tables: readonly TableDeclaration[]): ReadonlyMap<string, number> {
    // Nothing declared changes nothing: a second stream of an app need not repeat its tables.
    if (tables.length === 0) return this.tableIds;
    const next = new Map(this.declarations);
    next.set(app, tables);
    let ids: ReadonlyMap<string, number>;
    try {
      ids = layoutTables([...next].map(([name, t]): AppTables => ({ app: name, tables: t }))).ids;
      for (const [name, id] of this.tableIds) {
        const now = ids.get(name);
        if (now !== undefined && now !== id) throw new OwnershipError('tables', app, `these tables would move table "${name}" from id ${id} to ${now}, and its flows are there; declare tables that come before it when the runtime starts`);
      }
    } catch (err) {
      if (err instanceof OwnershipError) this.options.onRefused?.(err);
      throw err;
    }
    this.declarations.set(app, tables);
    this.tableIds = ids;
    return ids;
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
    // The switch's ledger, found by dpid only when a switch came or went since (not once per flow-mod).
    let ledger: FlowLedger | undefined;
    let ledgerEpoch = -1;
    const switchLedger = (): FlowLedger => {
      if (ledgerEpoch !== this.ledgerEpoch) {
        ledger = this.ledger(sw.dpid);
        ledgerEpoch = this.ledgerEpoch;
      }
      return ledger!;
    };
    const admit = (command: Command): Command => {
      try {
        const out = confineCommand(app, sw.version, command);
        if (command.type === 'FlowMod') switchLedger().apply(app, sw.version, command);
        return out;
      } catch (err) {
        throw this.counted(err);
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
    // The flow-mod `sendAdmitted` is encoding, as the app wrote it (confined in the bytes): one function per handle, not a closure per flow-mod.
    let admitting: Extract<Command, { type: 'FlowMod' }> | undefined;
    const admitEncoded = (bytes: Buffer, start: number): void => admitEncodedFlowMod(app, admitting!, switchLedger(), bytes, start);
    const sendBytes = (bytes: Buffer): void => sw.sendEncoded(bytes);
    const send = (command: Command): void => {
      if (command.type !== 'FlowMod' || sw.version !== OFP_VERSION_1_3) {
        sw.send(admit(command));
        return;
      }
      // The hot path (a learning switch's flow-mod per packet-in): encoded once, the ledger keying the flow from those bytes.
      try {
        if (sw.sendAdmitted !== undefined) {
          admitting = command;
          sw.sendAdmitted(command, admitEncoded);
          return;
        }
        sw.sendEncoded(encodeAdmittedFlowMod(app, command, switchLedger()));
      } catch (err) {
        throw this.counted(err);
      } finally {
        admitting = undefined;
      }
    };
    return {
      dpid: sw.dpid,
      node: sw.node,
      version: sw.version,
      send,
      sendEncoded: (message) => {
        if (passesUnconfined(sw.version, message)) {
          sw.sendEncoded(message);
          return;
        }
        // A replacing add (a learning switch re-learning a MAC) is confined in a copy of its bytes; anything else is decoded and takes `send`'s path.
        if (sw.version === OFP_VERSION_1_3 && sendReplacingAdd(app, message, switchLedger(), sendBytes)) return;
        send(decodeMessage(message) as Command);
      },
      sendConfirmed: (command) => admitted(command, (c) => sw.sendConfirmed(c)),
      request: (command) => admitted(command, (c) => sw.request(c)).then((parts) => (isFlowStatsRequest(command) ? parts.map((p) => ownedReply(app.id, p)) : parts)),
      barrier: () => sw.barrier(),
    };
  }

  /** `err`, first handed to `onRefused` when it is a refusal: what a confined handle throws. */
  private counted(err: unknown): unknown {
    if (err instanceof OwnershipError) this.options.onRefused?.(err);
    return err;
  }

  /**
   * Whether a flow-removed of a switch here is for any app: false only for an
   * app's flow whose owner did not ask for the event (what `route` drops). The
   * owner of a switch asks before it sends the event to other nodes, whose apps'
   * flows its ledger holds. Leaves the ledger as it is.
   */
  flowRemovedWanted(event: AppEventOf<'flowRemoved'>): boolean {
    const appId = appIdOf(event.message.cookie);
    if (appId === RUNTIME_APP_ID || appId === NO_APP_ID) return true;
    return this.ledgers.get(event.dpid)?.notifies(event.message) !== false;
  }

  /**
   * `event` as the bus hands it out: a packet-in or flow-removed of an app's
   * flow marked with its `owner` and carrying the owner's own cookie; undefined
   * for a flow-removed nobody gets (its owner did not ask: the runtime asks the
   * switch for every removal to keep the ledger exact). Switch up/down start
   * and drop the switch's ledger. Call once per event.
   */
  route(event: AppEvent): AppEvent | undefined {
    switch (event.type) {
      case 'switchUp':
        this.ledgers.set(event.dpid, this.newLedger());
        this.ledgerEpoch++;
        return event;
      case 'switchDown':
        this.ledgers.delete(event.dpid);
        this.ledgerEpoch++;
        return event;
      case 'packetIn': {
        const route = packetInRoute(event.message);
        return route.to === 'tableMiss' ? event : { ...event, message: asOwnerSees(event.message), owner: route.appId };
      }
      case 'flowRemoved': {
        const entry = this.ledgers.get(event.dpid)?.removed(event.message);
        const appId = appIdOf(event.message.cookie);
        if (appId === RUNTIME_APP_ID || appId === NO_APP_ID) return event;
        // Unknown to the ledger (from before the switch connected): the app may have asked.
        if (entry !== undefined && !entry.notifyApp) return undefined;
        return { ...event, message: asOwnerSees(event.message), owner: appId };
      }
      default:
        return event;
    }
  }

  /**
   * Deletes every flow of `app` on each switch of `handles` (a delete of all
   * flows, confined to the app; strict deletes from the ledger on OpenFlow 1.0)
   * and forgets them; resolves when each switch confirmed, with the failures.
   * Where the switch's node confines (`forApp`), that node does it.
   */
  async removeFlows(app: AppIdentity, handles: readonly SwitchHandle[]): Promise<unknown[]> {
    const results = await Promise.allSettled(
      handles.map((sw) => {
        // The switch's node deletes them and forgets them in its ledger.
        if (sw.forApp !== undefined) return sw.forApp(app).removeFlows();
        const confined = this.confine(app, sw);
        if (sw.version !== 1) return confined.sendConfirmed(deleteCommand(OFPFC_DELETE, OFPTT_ALL, 0, []));
        const entries = this.ledgers.get(sw.dpid)?.entries(app.id) ?? [];
        return Promise.all(entries.map((e) => confined.sendConfirmed(deleteCommand(OFPFC_DELETE_STRICT, e.tableId, e.priority, e.match))));
      }),
    );
    for (const sw of handles) this.ledgers.get(sw.dpid)?.forgetApp(app.id);
    return results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
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

/**
 * Message types `confineCommand` hands back unchanged whatever they hold, by
 * version: these go to the switch as bytes. Any other (a flow-mod: its cookie
 * is rewritten and the ledger needs its match; a stats request; an
 * experimenter message that may be a Nicira flow-mod) is decoded to be confined.
 */
const UNCONFINED_TYPES: ReadonlyMap<number, ReadonlySet<number>> = new Map([
  [OFP_VERSION_1_0, new Set([OFPT_PACKET_OUT])],
  [OFP_VERSION_1_3, new Set([OFPT_PACKET_OUT, OFPT_GROUP_MOD, OFPT_PORT_MOD, OFPT_TABLE_MOD, OFPT_METER_MOD])],
]);

function passesUnconfined(version: number, message: Uint8Array): boolean {
  return message.length >= 2 && message[0] === version && UNCONFINED_TYPES.get(version)?.has(message[1]!) === true;
}

/** Whether recipient `r` gets a routed packet-in or flow-removed `event` (other events: always). */
export function delivers(event: AppEvent, r: Recipient): boolean {
  if (event.type === 'packetIn') return event.owner === undefined ? r.tableMiss : event.owner === r.appId;
  if (event.type === 'flowRemoved') return event.owner === undefined || event.owner === r.appId;
  return true;
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
