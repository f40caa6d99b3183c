import type { Logger } from 'pino';
import type { ErrorExperimenterMsg, ErrorMsg, FlowRemoved, OfpMessage, PacketIn, PortStatus } from '../openflow/index.js';
import type { TableDeclaration } from '../ownership/index.js';
import type { CloseReason } from '../switch/connection-types.js';
import type { Endpoint, Host, HostRemovedReason, Link, LinkDownReason } from '../topology/index.js';
import type { SwitchDirectory, SwitchRoleView, SwitchView } from './switch-directory.js';

/**
 * Events of switches, delivered to apps by the EventBus; per switch, in the order
 * the switch sent them. `node` is the node the switch is connected to (core/node.ts).
 * Their kinds are the `switch` rows of event-kinds.ts; then the `topology` rows:
 * links and hosts, published by the topology service (`node`: the node that
 * learned it; `dpid`: a link's destination switch, the switch a host is on);
 * then the `node` rows: another overlay node (`nodeId`) became reachable or
 * unreachable (`node`: this node; no `dpid`: they are no switch's, and a
 * subscriber filtered by dpids does not get them).
 */
export type AppEvent =
  | { readonly type: 'switchUp'; readonly node: number; readonly dpid: bigint; readonly view: SwitchView }
  /** The connection ended (`CloseReason`), or with mastership this node stopped being the switch's master (`notMaster`; the connection stays). */
  | { readonly type: 'switchDown'; readonly node: number; readonly dpid: bigint; readonly reason: CloseReason | 'notMaster'; readonly detail: string }
  /**
   * `owner`: the app whose flow sent the packet to the controller (it gets the
   * event, with the cookie it wrote); absent for a table miss (every app that
   * takes table misses gets it). docs/apps-sharing-a-switch.md.
   * `frame`: the message as the switch sent it (OpenFlow 1.3, a view into the
   * received buffer), for the plugin host to pass on without encoding it again;
   * absent when the event did not come from a connection. Its cookie is the
   * switch's, with every app's bits: an app gets `message.cookie`, never this one.
   */
  | { readonly type: 'packetIn'; readonly node: number; readonly dpid: bigint; readonly message: PacketIn; readonly owner?: number; readonly frame?: Uint8Array }
  | { readonly type: 'portStatus'; readonly node: number; readonly dpid: bigint; readonly message: PortStatus }
  /** `owner`: the app whose flow it was (only it gets the event, with its own cookie); absent for a flow no app owns. */
  | { readonly type: 'flowRemoved'; readonly node: number; readonly dpid: bigint; readonly message: FlowRemoved; readonly owner?: number }
  /** An OFPT_ERROR no command of ours is waiting for. */
  | { readonly type: 'error'; readonly node: number; readonly dpid: bigint; readonly message: ErrorMsg | ErrorExperimenterMsg }
  /**
   * With mastership: this node's role for the switch changed (published by every
   * node connected to it, slaves included). A node that becomes master then
   * publishes `switchUp`, one that stops being master `switchDown`.
   */
  | { readonly type: 'roleChanged'; readonly node: number; readonly dpid: bigint; readonly role: SwitchRoleView['role']; readonly masterNode: string | undefined; readonly generation: bigint | undefined }
  /** Any other unsolicited message (EXPERIMENTER, ...). */
  | { readonly type: 'message'; readonly node: number; readonly dpid: bigint; readonly message: OfpMessage }
  | { readonly type: 'linkUp'; readonly node: number; readonly dpid: bigint; readonly link: Link }
  | { readonly type: 'linkDown'; readonly node: number; readonly dpid: bigint; readonly link: Link; readonly reason: LinkDownReason }
  | { readonly type: 'hostAdded'; readonly node: number; readonly dpid: bigint; readonly host: Host }
  | { readonly type: 'hostMoved'; readonly node: number; readonly dpid: bigint; readonly host: Host; readonly from: Endpoint }
  | { readonly type: 'hostRemoved'; readonly node: number; readonly dpid: bigint; readonly host: Host; readonly reason: HostRemovedReason }
  /**
   * `aliases`: its names when this node already holds its record (usually not
   * yet: the record follows the route); `costMs`: the route's cost, the links'
   * RTTs plus 10 ms per hop.
   */
  | { readonly type: 'nodeUp'; readonly node: number; readonly nodeId: number; readonly aliases: readonly string[]; readonly costMs: number }
  /** `aliases`: its names as this node last knew them; `detail`: for `linkDown`, the link's close reason. */
  | { readonly type: 'nodeDown'; readonly node: number; readonly nodeId: number; readonly aliases: readonly string[]; readonly reason: NodeDownReason; readonly detail: string };

/** Why another node became unreachable: its direct link closed (and no other route is left), or the last route through other nodes was lost. */
export type NodeDownReason = 'linkDown' | 'noRoute';

export type AppEventType = AppEvent['type'];

/** The event of one kind. */
export type AppEventOf<K extends AppEventType> = Extract<AppEvent, { readonly type: K }>;

/** Which events a subscriber gets, beyond their kinds. */
export interface EventFilter {
  /** Only events of these switches; absent: every switch. */
  readonly dpids?: readonly bigint[];
  /** Packet-ins of table misses too (default true); the app's own packet-ins come either way. */
  readonly tableMiss?: boolean;
  /**
   * Every app's packet-ins and flow-removed events, each marked with its
   * `owner`, for hosts of other apps (the API, the plugin host) that route them
   * to their own apps.
   */
  readonly everyOwner?: boolean;
  /**
   * Whether this subscription makes the node ask other nodes for their
   * switches' events of these kinds (default true; core/event-interest.ts).
   * False for a host that holds interest for its own subscribers (the API, per stream).
   */
  readonly interest?: boolean;
}

/** One app's side of flow ownership (docs/apps-sharing-a-switch.md). */
export interface AppScope {
  readonly name: string;
  /** The app id: the top 16 bits of the cookie of every flow the app writes. */
  readonly id: number;
  /** The switches as this app reaches them: its commands confined to its own flows, checked for overlap and quota. */
  readonly switches: SwitchDirectory;
  /** Deletes the app's flows on every switch; resolves (never rejects) with the failures. */
  removeFlows(): Promise<unknown[]>;
  /**
   * Declares the app's named tables (`{ name, after }`, VLCP's model; none: the
   * app's earlier declaration stays) and returns
   * the table id of every table declared on the node, for flow-mods and
   * goto-table. docs/apps-sharing-a-switch.md.
   * @throws OwnershipError `tables` (a name another app declared, an unknown predecessor, a cycle, an id that would move).
   */
  declareTables(tables: readonly TableDeclaration[]): ReadonlyMap<string, number>;
  /**
   * Sets the app's flow quota per switch (a plugin's manifest `limits.maxFlows`;
   * 0: the runtime's `appFlowQuota`), unless the runtime's config names the app
   * in `appFlowQuotas`, which wins.
   */
  limitFlows(flowsPerSwitch: number): void;
}

/** Flow ownership as an in-process app sees it. */
export interface AppScopes {
  /** The app's own scope (the one `AppContext.switches` belongs to). */
  readonly own: AppScope;
  /**
   * For hosts of other apps: the scope of the hosted app `name`, a plugin or an
   * API client (whose names cannot be another kind's).
   * @throws OwnershipError when the name is another kind's or no app id is left.
   */
  scope(name: string, kind: 'plugin' | 'client'): AppScope;
  /** The switches unconfined: for what is the operator's, not an app's (the Switches service's flow dump). */
  readonly unconfined: SwitchDirectory;
}

/** What an in-process app gets when it starts. */
export interface AppContext {
  readonly log: Logger;
  /** This node's id (core/node.ts). */
  readonly node: number;
  /** Every switch the app can reach, its commands confined to its own flows (`apps.own`). */
  readonly switches: SwitchDirectory;
  /** Flow ownership: the app's id, and hosted apps' scopes. */
  readonly apps: AppScopes;
  /**
   * Calls `handler` for every event of the given kinds (and switches); returns the
   * unsubscribe function. Handlers must not block. A handler that throws, or
   * returns a promise that rejects, is contained: the failure is counted
   * (`sdn_runtime_app_handler_errors_total{app}`) and logged at most once a
   * minute, the event is skipped for this app, and the app stays subscribed; the
   * switch and the other apps are not affected.
   */
  subscribe<K extends AppEventType>(kinds: readonly K[], handler: (event: AppEventOf<K>) => void, filter?: EventFilter): () => void;
}

/** An app that runs inside the runtime process (built-in services, the learning switch). */
export interface App {
  readonly name: string;
  start(ctx: AppContext): void | Promise<void>;
  stop?(): void | Promise<void>;
}
