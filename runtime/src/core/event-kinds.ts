/**
 * The one table of event kinds. Every place that names an event kind (the core's
 * `AppEvent`, the API's proto `EventKind` and `Event.body`, the plugin host's WIT
 * `event` variant, the TS and Python SDKs) is fed by this table or checked
 * against it by `event-kinds.test.ts`: adding a kind is one row here plus its
 * conversions, and a conversion left out fails that test (or the build, where a
 * conversion is a record keyed by the table's names).
 */

/** Where an event comes from. */
export type EventSource =
  /** A switch, through the registry and the EventBus (an `AppEvent`). */
  | 'switch'
  /** The pubsub bus (topics a client or plugin subscribed to). */
  | 'pubsub'
  /** The KV store (watches). */
  | 'kv'
  /** Link discovery and host tracking (apps/topology-service.ts), through the EventBus (an `AppEvent`). */
  | 'topology';

/**
 * How a client's queue treats an event (api/events/delivery.ts): lifecycle
 * events get a seq in the event log and are never shed silently; packet-ins are
 * best effort; pubsub and KV events have their own bounds.
 */
export type DeliveryClass = 'lifecycle' | 'packetIn' | 'pubsub' | 'kv';

export interface EventKindRow {
  /** The runtime's name: `AppEvent['type']` for switch events. */
  readonly type: string;
  readonly source: EventSource;
  /** events.proto: the `EventKind` enum value and the `Event.body` oneof field; undefined: not in the gRPC API. */
  readonly proto: { readonly kind: string; readonly field: string } | undefined;
  /** The case of the `event` variant in wit/plugin.wit; undefined: plugins do not see it. */
  readonly wit: string | undefined;
  /** The event's `type` in the TS SDK (sdk-ts/src/convert/events.ts). */
  readonly sdkTs: string | undefined;
  /** The event's class in the Python SDK (sdk-python/src/sdn_runtime/events.py). */
  readonly python: string | undefined;
  /** Undefined for events clients never receive. */
  readonly delivery: DeliveryClass | undefined;
}

export const EVENT_KINDS = [
  { type: 'switchUp', source: 'switch', proto: { kind: 'EVENT_KIND_SWITCH_UP', field: 'switch_up' }, wit: 'switch-up', sdkTs: 'switchUp', python: 'SwitchUp', delivery: 'lifecycle' },
  { type: 'switchDown', source: 'switch', proto: { kind: 'EVENT_KIND_SWITCH_DOWN', field: 'switch_down' }, wit: 'switch-down', sdkTs: 'switchDown', python: 'SwitchDown', delivery: 'lifecycle' },
  { type: 'packetIn', source: 'switch', proto: { kind: 'EVENT_KIND_PACKET_IN', field: 'packet_in' }, wit: 'packet-in', sdkTs: 'packetIn', python: 'PacketIn', delivery: 'packetIn' },
  { type: 'portStatus', source: 'switch', proto: { kind: 'EVENT_KIND_PORT_STATUS', field: 'port_status' }, wit: 'port-status', sdkTs: 'portStatus', python: 'PortStatus', delivery: 'lifecycle' },
  { type: 'flowRemoved', source: 'switch', proto: { kind: 'EVENT_KIND_FLOW_REMOVED', field: 'flow_removed' }, wit: 'flow-removed', sdkTs: 'flowRemoved', python: 'FlowRemoved', delivery: 'lifecycle' },
  { type: 'error', source: 'switch', proto: { kind: 'EVENT_KIND_SWITCH_ERROR', field: 'switch_error' }, wit: 'switch-error', sdkTs: 'switchError', python: 'SwitchError', delivery: 'lifecycle' },
  /** With mastership: this node's role for a switch changed. In-process apps only (not yet in the API, the WIT or the SDKs). */
  { type: 'roleChanged', source: 'switch', proto: undefined, wit: undefined, sdkTs: undefined, python: undefined, delivery: undefined },
  /** Any other unsolicited OpenFlow message (EXPERIMENTER, ...): in-process apps only. */
  { type: 'message', source: 'switch', proto: undefined, wit: undefined, sdkTs: undefined, python: undefined, delivery: undefined },
  { type: 'pubsub', source: 'pubsub', proto: { kind: 'EVENT_KIND_PUBSUB', field: 'pubsub' }, wit: 'message', sdkTs: 'message', python: 'PubSubMessage', delivery: 'pubsub' },
  { type: 'kvChange', source: 'kv', proto: { kind: 'EVENT_KIND_KV', field: 'kv' }, wit: 'kv-change', sdkTs: 'kvChange', python: 'KvChange', delivery: 'kv' },
  // Topology: API clients get them when they name them (never by default); plugins not yet (no WIT case).
  { type: 'linkUp', source: 'topology', proto: { kind: 'EVENT_KIND_LINK_UP', field: 'link_up' }, wit: undefined, sdkTs: 'linkUp', python: 'LinkUp', delivery: 'lifecycle' },
  { type: 'linkDown', source: 'topology', proto: { kind: 'EVENT_KIND_LINK_DOWN', field: 'link_down' }, wit: undefined, sdkTs: 'linkDown', python: 'LinkDown', delivery: 'lifecycle' },
  { type: 'hostAdded', source: 'topology', proto: { kind: 'EVENT_KIND_HOST_ADDED', field: 'host_added' }, wit: undefined, sdkTs: 'hostAdded', python: 'HostAdded', delivery: 'lifecycle' },
  { type: 'hostMoved', source: 'topology', proto: { kind: 'EVENT_KIND_HOST_MOVED', field: 'host_moved' }, wit: undefined, sdkTs: 'hostMoved', python: 'HostMoved', delivery: 'lifecycle' },
  { type: 'hostRemoved', source: 'topology', proto: { kind: 'EVENT_KIND_HOST_REMOVED', field: 'host_removed' }, wit: undefined, sdkTs: 'hostRemoved', python: 'HostRemoved', delivery: 'lifecycle' },
] as const satisfies readonly EventKindRow[];

type Row = (typeof EVENT_KINDS)[number];

/** The kinds switches produce. */
export type SwitchEventType = Extract<Row, { source: 'switch' }>['type'];
/** The kinds topology produces (links, hosts). With the switch kinds, the `type`s of `AppEvent`. */
export type TopologyEventType = Extract<Row, { source: 'topology' }>['type'];
/** Switch event kinds the gRPC API delivers. */
export type ApiSwitchEventType = Extract<Row, { source: 'switch'; proto: object }>['type'];
/** Switch event kinds plugins can see. */
export type PluginSwitchEventType = Extract<Row, { source: 'switch'; wit: string }>['type'];
/** The WIT names of every kind plugins can subscribe to (manifest `subscriptions.kinds`). */
export type WitEventKind = NonNullable<Row['wit']>;

export const SWITCH_EVENT_TYPES: readonly SwitchEventType[] = EVENT_KINDS.flatMap((r) => (r.source === 'switch' ? [r.type] : []));
export const TOPOLOGY_EVENT_TYPES: readonly TopologyEventType[] = EVENT_KINDS.flatMap((r) => (r.source === 'topology' ? [r.type] : []));
export const API_SWITCH_EVENT_TYPES: readonly ApiSwitchEventType[] = EVENT_KINDS.flatMap((r) => (r.source === 'switch' && r.proto !== undefined ? [r.type] : []));
export const PLUGIN_SWITCH_EVENT_TYPES: readonly PluginSwitchEventType[] = EVENT_KINDS.flatMap((r) => (r.source === 'switch' && r.wit !== undefined ? [r.type] : []));
/** In table order (the order plugin manifests document them in). */
export const WIT_EVENT_KINDS: readonly WitEventKind[] = EVENT_KINDS.flatMap((r) => (r.wit === undefined ? [] : [r.wit]));
