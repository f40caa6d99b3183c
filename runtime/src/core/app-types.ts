import type { Logger } from 'pino';
import type { ErrorExperimenterMsg, ErrorMsg, FlowRemoved, OfpMessage, PacketIn, PortStatus } from '../openflow/index.js';
import type { CloseReason } from '../switch/connection-types.js';
import type { SwitchDirectory, SwitchView } from './switch-directory.js';

/**
 * Events of switches, delivered to apps by the EventBus; per switch, in the order
 * the switch sent them. `node` is the node the switch is connected to (core/node.ts).
 * Their kinds are the `switch` rows of event-kinds.ts.
 */
export type AppEvent =
  | { readonly type: 'switchUp'; readonly node: number; readonly dpid: bigint; readonly view: SwitchView }
  | { readonly type: 'switchDown'; readonly node: number; readonly dpid: bigint; readonly reason: CloseReason; readonly detail: string }
  | { readonly type: 'packetIn'; readonly node: number; readonly dpid: bigint; readonly message: PacketIn }
  | { readonly type: 'portStatus'; readonly node: number; readonly dpid: bigint; readonly message: PortStatus }
  | { readonly type: 'flowRemoved'; readonly node: number; readonly dpid: bigint; readonly message: FlowRemoved }
  /** An OFPT_ERROR no command of ours is waiting for. */
  | { readonly type: 'error'; readonly node: number; readonly dpid: bigint; readonly message: ErrorMsg | ErrorExperimenterMsg }
  /** Any other unsolicited message (EXPERIMENTER, ...). */
  | { readonly type: 'message'; readonly node: number; readonly dpid: bigint; readonly message: OfpMessage };

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
