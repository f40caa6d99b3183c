import type { Logger } from 'pino';
import type { ErrorExperimenterMsg, ErrorMsg, FlowRemoved, OfpMessage, PacketIn, PortStatus } from '../openflow/index.js';
import type { CloseReason } from '../switch/connection-types.js';
import type { Endpoint, Host, HostRemovedReason, Link, LinkDownReason } from '../topology/index.js';
import type { SwitchDirectory, SwitchRoleView, SwitchView } from './switch-directory.js';

/**
 * Events of switches, delivered to apps by the EventBus; per switch, in the order
 * the switch sent them. `node` is the node the switch is connected to (core/node.ts).
 * Their kinds are the `switch` rows of event-kinds.ts; then the `topology` rows:
 * links and hosts, published by the topology service (`node`: the node that
 * learned it; `dpid`: a link's destination switch, the switch a host is on).
 */
export type AppEvent =
  | { readonly type: 'switchUp'; readonly node: number; readonly dpid: bigint; readonly view: SwitchView }
  /** The connection ended (`CloseReason`), or with mastership this node stopped being the switch's master (`notMaster`; the connection stays). */
  | { readonly type: 'switchDown'; readonly node: number; readonly dpid: bigint; readonly reason: CloseReason | 'notMaster'; readonly detail: string }
  | { readonly type: 'packetIn'; readonly node: number; readonly dpid: bigint; readonly message: PacketIn }
  | { readonly type: 'portStatus'; readonly node: number; readonly dpid: bigint; readonly message: PortStatus }
  | { readonly type: 'flowRemoved'; readonly node: number; readonly dpid: bigint; readonly message: FlowRemoved }
  /** An OFPT_ERROR no command of ours is waiting for. */
  | { readonly type: 'error'; readonly node: number; readonly dpid: bigint; readonly message: ErrorMsg | ErrorExperimenterMsg }
  /**
   * With mastership: this node's role for the switch changed (published by every
   * node connected to it, slaves included; in-process apps only). A node that
   * becomes master then publishes `switchUp`, one that stops being master `switchDown`.
   */
  | { readonly type: 'roleChanged'; readonly node: number; readonly dpid: bigint; readonly role: SwitchRoleView['role']; readonly masterNode: string | undefined; readonly generation: bigint | undefined }
  /** Any other unsolicited message (EXPERIMENTER, ...). */
  | { readonly type: 'message'; readonly node: number; readonly dpid: bigint; readonly message: OfpMessage }
  | { readonly type: 'linkUp'; readonly node: number; readonly dpid: bigint; readonly link: Link }
  | { readonly type: 'linkDown'; readonly node: number; readonly dpid: bigint; readonly link: Link; readonly reason: LinkDownReason }
  | { readonly type: 'hostAdded'; readonly node: number; readonly dpid: bigint; readonly host: Host }
  | { readonly type: 'hostMoved'; readonly node: number; readonly dpid: bigint; readonly host: Host; readonly from: Endpoint }
  | { readonly type: 'hostRemoved'; readonly node: number; readonly dpid: bigint; readonly host: Host; readonly reason: HostRemovedReason };

export type AppEventType = AppEvent['type'];

/** The event of one kind. */
export type AppEventOf<K extends AppEventType> = Extract<AppEvent, { readonly type: K }>;

/** Which events a subscriber gets, beyond their kinds. */
export interface EventFilter {
  /** Only events of these switches; absent: every switch. */
  readonly dpids?: readonly bigint[];
}

/** What an in-process app gets when it starts. */
export interface AppContext {
  readonly log: Logger;
  /** This node's id (core/node.ts). */
  readonly node: number;
  /** Every switch the app can reach. */
  readonly switches: SwitchDirectory;
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
