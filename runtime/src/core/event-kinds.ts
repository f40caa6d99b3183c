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
  | 'topology'
  /** The overlay: other nodes becoming reachable or not (serve/node-events.ts), through the EventBus (an `AppEvent`). */
  | 'node';

/**
 * How a client's queue treats an event (api/events/delivery.ts): lifecycle
 * events get a seq in the event log and are never shed silently; packet-ins are
 * best effort; pubsub and KV events have their own bounds.
 */
export type DeliveryClass = 'lifecycle' | 'packetIn' | 'pubsub' | 'kv';

/** The versions of the plugin world (wit/plugin.wit) the host runs, oldest first. */
export const WIT_WORLD_VERSIONS = ['0.1.0', '0.2.0'] as const;
export type WitWorldVersion = (typeof WIT_WORLD_VERSIONS)[number];

export interface EventKindRow {
  /** The runtime's name: `AppEvent['type']` for switch events. */
  readonly type: string;
  readonly source: EventSource;
  /** events.proto: the `EventKind` enum value and the `Event.body` oneof field; undefined: not in the gRPC API. */
  readonly proto: { readonly kind: string; readonly field: string } | undefined;
  /** The case of the `event` variant in wit/plugin.wit; undefined: plugins do not see it. */
  readonly wit: string | undefined;
  /** The `sdn:plugin` world version that added the WIT case: components of older worlds never get the kind. */
  readonly witSince: WitWorldVersion | undefined;
  /** The event's `type` in the TS SDK (sdk-ts/src/convert/events.ts). */
  readonly sdkTs: string | undefined;
  /** The event's class in the Python SDK (sdk-python/src/sdn_runtime/events.py). */
  readonly python: string | undefined;
  /** Undefined for events clients never receive. */
  readonly delivery: DeliveryClass | undefined;
  /**
   * Whether an API subscription that names no kinds gets it. Kinds added after
   * the first SDK release are false: an older client could not read them.
   */
  readonly byDefault: boolean;
}

export const EVENT_KINDS = [
  { type: 'switchUp', source: 'switch', proto: { kind: 'EVENT_KIND_SWITCH_UP', field: 'switch_up' }, wit: 'switch-up', witSince: '0.1.0', sdkTs: 'switchUp', python: 'SwitchUp', delivery: 'lifecycle', byDefault: true },
  { type: 'switchDown', source: 'switch', proto: { kind: 'EVENT_KIND_SWITCH_DOWN', field: 'switch_down' }, wit: 'switch-down', witSince: '0.1.0', sdkTs: 'switchDown', python: 'SwitchDown', delivery: 'lifecycle', byDefault: true },
  { type: 'packetIn', source: 'switch', proto: { kind: 'EVENT_KIND_PACKET_IN', field: 'packet_in' }, wit: 'packet-in', witSince: '0.1.0', sdkTs: 'packetIn', python: 'PacketIn', delivery: 'packetIn', byDefault: true },
  { type: 'portStatus', source: 'switch', proto: { kind: 'EVENT_KIND_PORT_STATUS', field: 'port_status' }, wit: 'port-status', witSince: '0.1.0', sdkTs: 'portStatus', python: 'PortStatus', delivery: 'lifecycle', byDefault: true },
  { type: 'flowRemoved', source: 'switch', proto: { kind: 'EVENT_KIND_FLOW_REMOVED', field: 'flow_removed' }, wit: 'flow-removed', witSince: '0.1.0', sdkTs: 'flowRemoved', python: 'FlowRemoved', delivery: 'lifecycle', byDefault: true },
  { type: 'error', source: 'switch', proto: { kind: 'EVENT_KIND_SWITCH_ERROR', field: 'switch_error' }, wit: 'switch-error', witSince: '0.1.0', sdkTs: 'switchError', python: 'SwitchError', delivery: 'lifecycle', byDefault: true },
  /** With mastership: this node's role for a switch changed. Everywhere; API clients get it when they name it. */
  { type: 'roleChanged', source: 'switch', proto: { kind: 'EVENT_KIND_ROLE_CHANGED', field: 'role_changed' }, wit: 'role-changed', witSince: '0.2.0', sdkTs: 'roleChanged', python: 'RoleChanged', delivery: 'lifecycle', byDefault: false },
  /** Any other unsolicited OpenFlow message (EXPERIMENTER, ...): in-process apps only. */
  { type: 'message', source: 'switch', proto: undefined, wit: undefined, witSince: undefined, sdkTs: undefined, python: undefined, delivery: undefined, byDefault: false },
  { type: 'pubsub', source: 'pubsub', proto: { kind: 'EVENT_KIND_PUBSUB', field: 'pubsub' }, wit: 'message', witSince: '0.1.0', sdkTs: 'message', python: 'PubSubMessage', delivery: 'pubsub', byDefault: false },
  { type: 'kvChange', source: 'kv', proto: { kind: 'EVENT_KIND_KV', field: 'kv' }, wit: 'kv-change', witSince: '0.1.0', sdkTs: 'kvChange', python: 'KvChange', delivery: 'kv', byDefault: false },
  // Topology: API clients get them when they name them (never by default); plugins of world 0.2.0 when their manifest does.
  { type: 'linkUp', source: 'topology', proto: { kind: 'EVENT_KIND_LINK_UP', field: 'link_up' }, wit: 'link-up', witSince: '0.2.0', sdkTs: 'linkUp', python: 'LinkUp', delivery: 'lifecycle', byDefault: false },
  { type: 'linkDown', source: 'topology', proto: { kind: 'EVENT_KIND_LINK_DOWN', field: 'link_down' }, wit: 'link-down', witSince: '0.2.0', sdkTs: 'linkDown', python: 'LinkDown', delivery: 'lifecycle', byDefault: false },
  { type: 'hostAdded', source: 'topology', proto: { kind: 'EVENT_KIND_HOST_ADDED', field: 'host_added' }, wit: 'host-added', witSince: '0.2.0', sdkTs: 'hostAdded', python: 'HostAdded', delivery: 'lifecycle', byDefault: false },
  { type: 'hostMoved', source: 'topology', proto: { kind: 'EVENT_KIND_HOST_MOVED', field: 'host_moved' }, wit: 'host-moved', witSince: '0.2.0', sdkTs: 'hostMoved', python: 'HostMoved', delivery: 'lifecycle', byDefault: false },
  { type: 'hostRemoved', source: 'topology', proto: { kind: 'EVENT_KIND_HOST_REMOVED', field: 'host_removed' }, wit: 'host-removed', witSince: '0.2.0', sdkTs: 'hostRemoved', python: 'HostRemoved', delivery: 'lifecycle', byDefault: false },
  // Nodes: in-process apps, and API clients that name them. Not plugins: the released 0.2.0 world's
  // event variant has no case for them, and adding one is a new world version (0.3.0, not planned yet).
  { type: 'nodeUp', source: 'node', proto: { kind: 'EVENT_KIND_NODE_UP', field: 'node_up' }, wit: undefined, witSince: undefined, sdkTs: 'nodeUp', python: 'NodeUp', delivery: 'lifecycle', byDefault: false },
  { type: 'nodeDown', source: 'node', proto: { kind: 'EVENT_KIND_NODE_DOWN', field: 'node_down' }, wit: undefined, witSince: undefined, sdkTs: 'nodeDown', python: 'NodeDown', delivery: 'lifecycle', byDefault: false },
] as const satisfies readonly EventKindRow[];

type Row = (typeof EVENT_KINDS)[number];

/** The kinds switches produce. */
export type SwitchEventType = Extract<Row, { source: 'switch' }>['type'];
/** The kinds topology produces (links, hosts). */
export type TopologyEventType = Extract<Row, { source: 'topology' }>['type'];
/** The kinds the overlay produces (other nodes). With the switch and topology kinds, the `type`s of `AppEvent`. */
export type NodeEventType = Extract<Row, { source: 'node' }>['type'];
/** Switch event kinds the gRPC API delivers. */
export type ApiSwitchEventType = Extract<Row, { source: 'switch'; proto: object }>['type'];
/** The WIT names of every kind plugins can subscribe to (manifest `subscriptions.kinds`). */
export type WitEventKind = NonNullable<Row['wit']>;

export const SWITCH_EVENT_TYPES: readonly SwitchEventType[] = EVENT_KINDS.flatMap((r) => (r.source === 'switch' ? [r.type] : []));
export const TOPOLOGY_EVENT_TYPES: readonly TopologyEventType[] = EVENT_KINDS.flatMap((r) => (r.source === 'topology' ? [r.type] : []));
export const NODE_EVENT_TYPES: readonly NodeEventType[] = EVENT_KINDS.flatMap((r) => (r.source === 'node' ? [r.type] : []));
export const API_SWITCH_EVENT_TYPES: readonly ApiSwitchEventType[] = EVENT_KINDS.flatMap((r) => (r.source === 'switch' && r.proto !== undefined ? [r.type] : []));
/** In table order (the order plugin manifests document them in). */
export const WIT_EVENT_KINDS: readonly WitEventKind[] = EVENT_KINDS.flatMap((r) => (r.wit === undefined ? [] : [r.wit]));
/** Switch and topology event kinds plugins can see: the `AppEvent` types the plugin host subscribes to. */
export type PluginEventType = Extract<Row, { source: 'switch' | 'topology'; wit: string }>['type'];
export const PLUGIN_EVENT_TYPES: readonly PluginEventType[] = EVENT_KINDS.flatMap((r) => ((r.source === 'switch' || r.source === 'topology') && r.wit !== undefined ? [r.type] : []));

/** The WIT kinds a component of world `version` can decode (the cases its `event` variant has). */
export function witEventKindsOf(version: WitWorldVersion): ReadonlySet<WitEventKind> {
  const upTo = WIT_WORLD_VERSIONS.indexOf(version);
  return new Set(EVENT_KINDS.flatMap((r) => (r.wit !== undefined && WIT_WORLD_VERSIONS.indexOf(r.witSince!) <= upTo ? [r.wit] : [])));
}
