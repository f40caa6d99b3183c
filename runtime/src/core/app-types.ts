import type { Logger } from 'pino';
import type {
  MessageBody,
  DescStats,
  ErrorExperimenterMsg,
  ErrorMsg,
  FeaturesReply,
  FlowRemoved,
  OfpMessage,
  PacketIn,
  Port,
  PortStatus,
} from '../openflow/index.js';
import type { CloseReason } from '../switch/connection-types.js';

/** A message value without the header fields the runtime fills in (version, xid). */
export type Command = MessageBody;

/** What the registry knows about a connected switch; `ports` follows PORT_STATUS. */
export interface SwitchView {
  readonly dpid: bigint;
  readonly version: number;
  readonly remote: string;
  readonly features: FeaturesReply;
  readonly desc: DescStats | undefined;
  readonly ports: ReadonlyMap<number, Port>;
  /** Milliseconds since the epoch when the handshake finished. */
  readonly connectedAt: number;
}

/** Events delivered to apps; per switch, in the order the switch sent them. */
export type AppEvent =
  | { readonly type: 'switchUp'; readonly dpid: bigint; readonly view: SwitchView }
  | { readonly type: 'switchDown'; readonly dpid: bigint; readonly reason: CloseReason; readonly detail: string }
  | { readonly type: 'packetIn'; readonly dpid: bigint; readonly message: PacketIn }
  | { readonly type: 'portStatus'; readonly dpid: bigint; readonly message: PortStatus }
  | { readonly type: 'flowRemoved'; readonly dpid: bigint; readonly message: FlowRemoved }
  /** An OFPT_ERROR no command of ours is waiting for. */
  | { readonly type: 'error'; readonly dpid: bigint; readonly message: ErrorMsg | ErrorExperimenterMsg }
  /** Any other unsolicited message (EXPERIMENTER, ...). */
  | { readonly type: 'message'; readonly dpid: bigint; readonly message: OfpMessage };

export type AppEventType = AppEvent['type'];

/** Commands to one switch. Promises reject with SwitchRequestError (the switch said no) or SwitchUnavailableError. */
export interface SwitchHandle {
  readonly dpid: bigint;
  readonly version: number;
  /** Fire and forget: coalesced with other sends of this turn into one write. */
  send(command: Command): void;
  /** Resolves when a barrier proves the switch applied the command. */
  sendConfirmed(command: Command): Promise<void>;
  /** Resolves with the reply (a multipart reply's parts, in order). */
  request(command: Command): Promise<readonly OfpMessage[]>;
  /** Resolves when every command sent before it has been processed. */
  barrier(): Promise<void>;
}

/** What an in-process app gets when it starts. */
export interface AppContext {
  readonly log: Logger;
  /**
   * Calls `handler` for every event; returns the unsubscribe function. Handlers
   * must not block. A handler that throws, or returns a promise that rejects, is
   * contained: the failure is counted (`sdn_runtime_app_handler_errors_total{app}`)
   * and logged at most once a minute, the event is skipped for this app, and the
   * app stays subscribed; the switch and the other apps are not affected.
   */
  subscribe(handler: (event: AppEvent) => void): () => void;
  switches(): readonly SwitchView[];
  switch(dpid: bigint): SwitchHandle | undefined;
}

/** An app that runs inside the runtime process (built-in services, the learning switch). */
export interface App {
  readonly name: string;
  start(ctx: AppContext): void | Promise<void>;
  stop?(): void | Promise<void>;
}
