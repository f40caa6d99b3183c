import { ErrorCode, openFlowErrorInfo, SdnClientError, type OpenFlowErrorInfo } from '../errors.js';
import { EventKind, type Event } from '../generated/sdn/runtime/v1/events.js';
import { KvEvent_Type, type KeyValue as PbKeyValue } from '../generated/sdn/runtime/v1/kv.js';
import { SwitchRole as PbSwitchRole, type SwitchInfo as PbSwitchInfo } from '../generated/sdn/runtime/v1/switches.js';
import type { Endpoint as PbEndpoint, Host as PbHost, Link as PbLink } from '../generated/sdn/runtime/v1/topology.js';
import type { Match } from '../openflow/oxm-values.js';
import { matchFromProto, portFromProto, type PortDesc } from './openflow.js';
import { descFromProto, type DescStats } from './stats.js';

/**
 * The events an app receives: plain readonly objects tagged by `type`. Switch
 * lifecycle events carry `seq`, their position in the runtime's event log (used
 * to resume after a reconnect). Times are milliseconds since the Unix epoch.
 */

/** A connected switch as the runtime describes it. */
export interface SwitchInfo {
  readonly dpid: bigint;
  /** The dpid as 16 hex digits. */
  readonly dpidHex: string;
  /** Negotiated OpenFlow wire version (4 = 1.3). */
  readonly version: number;
  /** "address:port" the switch connects from. */
  readonly remote: string;
  readonly nBuffers: number;
  readonly nTables: number;
  readonly capabilities: number;
  readonly desc: DescStats;
  readonly ports: readonly PortDesc[];
  readonly connectedAtMs: number;
  /**
   * The runtime's role for the switch (docs/ha.md): `master` without mastership
   * (the node is the switch's only controller); with it `master`, `slave` or
   * `none` (no master decided yet). Filled in by `listSwitches()` only: a
   * `switchUp`'s `switch` says `master`, `''` and `0n` (see `roleChanged`).
   */
  readonly role: SwitchRole;
  /** With mastership: the master node's name (its --node-id); '' when none is known or without mastership. */
  readonly masterNode: string;
  /** With mastership: the generation id of the master's win (the etcd revision); 0n when unknown or without mastership. */
  readonly generation: bigint;
}

interface LifecycleBase {
  readonly dpid: bigint;
  readonly seq: bigint;
  readonly timeMs: number;
}

export interface SwitchUpEvent extends LifecycleBase {
  readonly type: 'switchUp';
  readonly switch: SwitchInfo;
  /**
   * The switch was already connected when the app subscribed: a new subscription
   * first gets one such event per connected switch (the switch as it is now), in
   * the order they connected, then live events (false). Handle both alike to
   * configure every switch, whenever the app started.
   */
  readonly snapshot: boolean;
}

export interface SwitchDownEvent extends LifecycleBase {
  readonly type: 'switchDown';
  /** echoTimeout, peerClosed, replaced, malformed, ... */
  readonly reason: string;
  readonly detail: string;
}

export interface PortStatusEvent extends LifecycleBase {
  readonly type: 'portStatus';
  /** PortReason: 0 add, 1 delete, 2 modify. */
  readonly reason: number;
  readonly port: PortDesc;
}

export interface FlowRemovedEvent extends LifecycleBase {
  readonly type: 'flowRemoved';
  readonly cookie: bigint;
  readonly priority: number;
  /** FlowRemovedReason: 0 idle timeout, 1 hard timeout, 2 delete, 3 group delete. */
  readonly reason: number;
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly match: Match;
}

/** An OFPT_ERROR the switch sent that no command of this app was waiting for. */
export interface SwitchErrorEvent extends LifecycleBase {
  readonly type: 'switchError';
  readonly error: OpenFlowErrorInfo;
}

/** OFPT_PACKET_IN (best effort: shed first when the app is slow, counted in a Gap). */
export interface PacketInEvent {
  readonly type: 'packetIn';
  readonly dpid: bigint;
  readonly timeMs: number;
  readonly bufferId: number;
  readonly totalLen: number;
  /** PacketInReason: 0 no match, 1 action, 2 invalid TTL. */
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: bigint;
  readonly match: Match;
  /** The match's in_port (0 when absent). */
  readonly inPort: number;
  /** The frame (or its first bytes, when the switch buffered it): a read-only view of the received batch. */
  readonly data: Uint8Array;
}

/** A pubsub message on one of the subscribed topics. */
export interface PubSubMessageEvent {
  readonly type: 'message';
  readonly timeMs: number;
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

export interface KeyValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly createRevision: bigint;
  readonly modRevision: bigint;
  /** 1 after the first put, +1 on each put; a delete resets it. */
  readonly version: bigint;
}

/** A change under one of the subscribed KV watches. For a delete, `kv.modRevision` is the delete's revision. */
export interface KvChangeEvent {
  readonly type: 'kvChange';
  readonly timeMs: number;
  readonly change: 'put' | 'delete';
  readonly kv: KeyValue;
}

/**
 * Events were lost: lifecycle events `fromSeq..toSeq` fell out of the runtime's
 * log before this app resumed, and/or `packetInsShed` packet-ins were dropped for
 * lack of credit. An app that mirrors switch state should re-read it.
 */
export interface GapEvent {
  readonly type: 'gap';
  readonly timeMs: number;
  readonly fromSeq: bigint;
  readonly toSeq: bigint;
  readonly packetInsShed: bigint;
  /**
   * Reported by the SDK, not the runtime: after a reconnect the app talks to a
   * different runtime process (restarted, or another node), whose event log has
   * its own seqs. Lifecycle events after `fromSeq - 1` on the old log may be
   * lost; the new log is replayed from its start (`toSeq` is 0).
   */
  readonly runtimeRestarted: boolean;
}

/** One port of one switch. */
export interface Endpoint {
  readonly dpid: bigint;
  readonly port: number;
}

/** One direction of a link between switches, learned from LLDP probes (a cable is two links). */
export interface Link {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  /** The last probe's delay, whole ms (controller -> src -> wire -> dst -> controller). */
  readonly latencyMs: number;
  /** The 32-bit id of the runtime node that probed it. */
  readonly srcNode: number;
  readonly upSinceMs: number;
  readonly lastSeenMs: number;
}

/** A host seen on an edge port; `ips` learned from its ARP and neighbour discovery. */
export interface Host {
  readonly mac: string;
  readonly ips: readonly string[];
  readonly location: Endpoint;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

/** A link came up. `dpid` is its destination switch. */
export interface LinkUpEvent extends LifecycleBase {
  readonly type: 'linkUp';
  readonly link: Link;
}

/** A link went down; `reason`: timeout, portDown, switchDown, replaced. */
export interface LinkDownEvent extends LifecycleBase {
  readonly type: 'linkDown';
  readonly link: Link;
  readonly reason: string;
}

/** A host was seen for the first time. `dpid` is the switch it is attached to. */
export interface HostAddedEvent extends LifecycleBase {
  readonly type: 'hostAdded';
  readonly host: Host;
}

/** A host showed up on another edge port (`host.location`), moving from `from`. */
export interface HostMovedEvent extends LifecycleBase {
  readonly type: 'hostMoved';
  readonly host: Host;
  readonly from: Endpoint;
}

/** A host was forgotten; `reason`: timeout, portDown, switchDown, notEdge. */
export interface HostRemovedEvent extends LifecycleBase {
  readonly type: 'hostRemoved';
  readonly host: Host;
  readonly reason: string;
}

/**
 * With mastership (the runtime's docs/ha.md): the runtime's role for the switch
 * `dpid` changed. Every node connected to the switch sends it, slaves included;
 * a node that becomes master then sends `switchUp`, one that stops being master
 * `switchDown` (reason `notMaster`). Delivered only when listed in `kinds`.
 */
export interface RoleChangedEvent extends LifecycleBase {
  readonly type: 'roleChanged';
  /** `none`: no master is decided yet (an election, or the master stepping down). */
  readonly role: SwitchRole;
  /** The master node's name (its --node-id); '' when none is known. */
  readonly masterNode: string;
  /** The generation id of the master's win (the etcd revision); 0n when unknown. */
  readonly generation: bigint;
}

/** This runtime's role for a switch (mastership). */
export type SwitchRole = 'master' | 'slave' | 'none';

interface NodeBase {
  /** Node events are no switch's: 0n. */
  readonly dpid: bigint;
  readonly seq: bigint;
  readonly timeMs: number;
  /** The other node's 32-bit overlay id (Cluster.ListNodes' nodeId). */
  readonly nodeId: number;
}

/**
 * Another node of the runtime's overlay became reachable. `aliases`: its names
 * when the runtime already held its record (usually empty: the record follows
 * the route; Cluster.ListNodes has them a moment later). Delivered only when
 * listed in `kinds`, whatever the subscription's `dpids`.
 */
export interface NodeUpEvent extends NodeBase {
  readonly type: 'nodeUp';
  readonly aliases: readonly string[];
  /** The route's cost, ms: the links' RTTs plus 10 ms per hop. */
  readonly costMs: number;
}

/**
 * Another node of the overlay became unreachable. `reason`: `linkDown` (its
 * direct link closed, `detail` says why, and no other route is left) or
 * `noRoute` (the last route through other nodes was lost). Delivered only when
 * listed in `kinds`, whatever the subscription's `dpids`.
 */
export interface NodeDownEvent extends NodeBase {
  readonly type: 'nodeDown';
  /** Its names as the runtime last knew them. */
  readonly aliases: readonly string[];
  readonly reason: string;
  readonly detail: string;
}

export type SdnEvent =
  | SwitchUpEvent
  | SwitchDownEvent
  | PacketInEvent
  | PortStatusEvent
  | FlowRemovedEvent
  | SwitchErrorEvent
  | PubSubMessageEvent
  | KvChangeEvent
  | LinkUpEvent
  | LinkDownEvent
  | HostAddedEvent
  | HostMovedEvent
  | HostRemovedEvent
  | RoleChangedEvent
  | NodeUpEvent
  | NodeDownEvent
  | GapEvent;

export type EventType = SdnEvent['type'];

/** The OpenFlow event types a subscription can select by `kinds` (the default `kinds`). */
export const SWITCH_EVENT_TYPES = ['switchUp', 'switchDown', 'packetIn', 'portStatus', 'flowRemoved', 'switchError'] as const;
export type SwitchEventType = (typeof SWITCH_EVENT_TYPES)[number];
/** The topology event types: delivered only to subscriptions that list them in `kinds`. */
export const TOPOLOGY_EVENT_TYPES = ['linkUp', 'linkDown', 'hostAdded', 'hostMoved', 'hostRemoved'] as const;
export type TopologyEventType = (typeof TOPOLOGY_EVENT_TYPES)[number];
/**
 * The other event types delivered only to subscriptions that list them in
 * `kinds`: role changes (mastership) and other nodes coming and going (overlay).
 */
export const CLUSTER_EVENT_TYPES = ['roleChanged', 'nodeUp', 'nodeDown'] as const;
export type ClusterEventType = (typeof CLUSTER_EVENT_TYPES)[number];

export const EVENT_KINDS: Readonly<Record<SwitchEventType | TopologyEventType | ClusterEventType | 'message' | 'kvChange', EventKind>> = {
  switchUp: EventKind.EVENT_KIND_SWITCH_UP,
  switchDown: EventKind.EVENT_KIND_SWITCH_DOWN,
  packetIn: EventKind.EVENT_KIND_PACKET_IN,
  portStatus: EventKind.EVENT_KIND_PORT_STATUS,
  flowRemoved: EventKind.EVENT_KIND_FLOW_REMOVED,
  switchError: EventKind.EVENT_KIND_SWITCH_ERROR,
  message: EventKind.EVENT_KIND_PUBSUB,
  kvChange: EventKind.EVENT_KIND_KV,
  linkUp: EventKind.EVENT_KIND_LINK_UP,
  linkDown: EventKind.EVENT_KIND_LINK_DOWN,
  hostAdded: EventKind.EVENT_KIND_HOST_ADDED,
  hostMoved: EventKind.EVENT_KIND_HOST_MOVED,
  hostRemoved: EventKind.EVENT_KIND_HOST_REMOVED,
  roleChanged: EventKind.EVENT_KIND_ROLE_CHANGED,
  nodeUp: EventKind.EVENT_KIND_NODE_UP,
  nodeDown: EventKind.EVENT_KIND_NODE_DOWN,
};

const ROLES: Readonly<Record<number, SwitchRole>> = { [PbSwitchRole.SWITCH_ROLE_MASTER]: 'master', [PbSwitchRole.SWITCH_ROLE_SLAVE]: 'slave', [PbSwitchRole.SWITCH_ROLE_NONE]: 'none' };

function roleFromProto(role: PbSwitchRole): SwitchRole {
  const r = ROLES[role];
  if (r === undefined) throw new SdnClientError(ErrorCode.PROTOCOL, `the runtime sent a role change with role ${role}`);
  return r;
}

function endpointFromProto(e: PbEndpoint | undefined): Endpoint {
  return { dpid: e?.dpid ?? 0n, port: e?.port ?? 0 };
}

function linkFromProto(l: PbLink | undefined): Link {
  if (l === undefined) throw new SdnClientError(ErrorCode.PROTOCOL, 'the runtime sent a link event without the link');
  return { src: endpointFromProto(l.src), dst: endpointFromProto(l.dst), latencyMs: l.latencyMs, srcNode: l.srcNode, upSinceMs: Number(l.upSinceMs), lastSeenMs: Number(l.lastSeenMs) };
}

function hostFromProto(h: PbHost | undefined): Host {
  if (h === undefined) throw new SdnClientError(ErrorCode.PROTOCOL, 'the runtime sent a host event without the host');
  return { mac: h.mac, ips: h.ips, location: endpointFromProto(h.location), firstSeenMs: Number(h.firstSeenMs), lastSeenMs: Number(h.lastSeenMs) };
}

export function keyValueFromProto(kv: PbKeyValue | undefined): KeyValue {
  if (kv === undefined) return { key: new Uint8Array(0), value: new Uint8Array(0), createRevision: 0n, modRevision: 0n, version: 0n };
  return { key: kv.key, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version };
}

export function switchInfoFromProto(s: PbSwitchInfo | undefined): SwitchInfo {
  if (s === undefined) throw new SdnClientError(ErrorCode.PROTOCOL, 'the runtime sent a switch-up without the switch');
  return {
    dpid: s.dpid,
    dpidHex: s.dpidHex,
    version: s.version,
    remote: s.remote,
    nBuffers: s.nBuffers,
    nTables: s.nTables,
    capabilities: s.capabilities,
    desc: descFromProto(s.desc ?? { mfrDesc: '', hwDesc: '', swDesc: '', serialNum: '', dpDesc: '' }),
    ports: s.ports.map(portFromProto),
    connectedAtMs: Number(s.connectedAtMs),
    // A runtime older than mastership sends no role: it is every switch's only controller.
    role: s.role === PbSwitchRole.SWITCH_ROLE_UNSPECIFIED ? 'master' : roleFromProto(s.role),
    masterNode: s.masterNode,
    generation: s.generation,
  };
}

/** The SDK event for a protobuf Event; PROTOCOL when it has no body. */
export function eventFromProto(e: Event): SdnEvent {
  const timeMs = Number(e.timeMs);
  const body = e.body;
  const base = { dpid: e.dpid, seq: e.seq, timeMs };
  switch (body?.$case) {
    case 'switchUp':
      return { type: 'switchUp', ...base, switch: switchInfoFromProto(body.value.switch), snapshot: body.value.snapshot };
    case 'switchDown':
      return { type: 'switchDown', ...base, reason: body.value.reason, detail: body.value.detail };
    case 'portStatus':
      return { type: 'portStatus', ...base, reason: body.value.reason, port: portFromProto(body.value.desc) };
    case 'flowRemoved': {
      const f = body.value;
      return {
        type: 'flowRemoved',
        ...base,
        cookie: f.cookie,
        priority: f.priority,
        reason: f.reason,
        tableId: f.tableId,
        durationSec: f.durationSec,
        durationNsec: f.durationNsec,
        idleTimeout: f.idleTimeout,
        hardTimeout: f.hardTimeout,
        packetCount: f.packetCount,
        byteCount: f.byteCount,
        match: matchFromProto(f.match),
      };
    }
    case 'switchError':
      return { type: 'switchError', ...base, error: openFlowErrorInfo(body.value) };
    case 'packetIn': {
      const p = body.value;
      return { type: 'packetIn', dpid: e.dpid, timeMs, bufferId: p.bufferId, totalLen: p.totalLen, reason: p.reason, tableId: p.tableId, cookie: p.cookie, match: matchFromProto(p.match), inPort: p.inPort, data: p.data };
    }
    case 'pubsub':
      return { type: 'message', timeMs, subject: body.value.subject, payload: body.value.payload, headers: body.value.headers };
    case 'kv':
      return { type: 'kvChange', timeMs, change: body.value.type === KvEvent_Type.TYPE_DELETE ? 'delete' : 'put', kv: keyValueFromProto(body.value.kv) };
    case 'linkUp':
      return { type: 'linkUp', ...base, link: linkFromProto(body.value.link) };
    case 'linkDown':
      return { type: 'linkDown', ...base, link: linkFromProto(body.value.link), reason: body.value.reason };
    case 'hostAdded':
      return { type: 'hostAdded', ...base, host: hostFromProto(body.value.host) };
    case 'hostMoved':
      return { type: 'hostMoved', ...base, host: hostFromProto(body.value.host), from: endpointFromProto(body.value.from) };
    case 'hostRemoved':
      return { type: 'hostRemoved', ...base, host: hostFromProto(body.value.host), reason: body.value.reason };
    case 'roleChanged':
      return { type: 'roleChanged', ...base, role: roleFromProto(body.value.role), masterNode: body.value.masterNode, generation: body.value.generation };
    case 'nodeUp':
      return { type: 'nodeUp', ...base, nodeId: body.value.nodeId, aliases: body.value.aliases, costMs: body.value.costMs };
    case 'nodeDown':
      return { type: 'nodeDown', ...base, nodeId: body.value.nodeId, aliases: body.value.aliases, reason: body.value.reason, detail: body.value.detail };
    case 'gap':
      return { type: 'gap', timeMs, fromSeq: body.value.fromSeq, toSeq: body.value.toSeq, packetInsShed: body.value.packetInsShed, runtimeRestarted: false };
    default:
      throw new SdnClientError(ErrorCode.PROTOCOL, `the runtime sent an event without a body (seq ${e.seq})`);
  }
}
