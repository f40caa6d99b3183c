"""Events an app receives from `App.events()`, as immutable values.

OpenFlow events carry the switch's `dpid`; lifecycle events (switch up/down, port
status, flow removed, switch errors, topology, role changes, node up/down) carry `seq`, their position in the runtime's
event log, which the SDK resumes from after a reconnect. `time_ms` is when the
runtime received the event (milliseconds since the Unix epoch).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import OpenFlowError
from .match import Match
from .stats import PortDesc, SwitchInfo, SwitchRole


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchUp:
    """A switch finished its handshake; `switch` has its features, ports and description.

    `snapshot` is True when the switch was already connected as the app subscribed:
    a new subscription first gets one such event per connected switch (the switch
    as it is now), in the order they connected, then live events (False), none
    missed or repeated. Handle both alike to configure every switch, whenever the
    app started."""

    dpid: int
    switch: SwitchInfo
    seq: int = 0
    time_ms: int = 0
    snapshot: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchDown:
    """A switch's connection ended. `reason`: echoTimeout, peerClosed, replaced, malformed, ..."""

    dpid: int
    reason: str
    detail: str = ""
    seq: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class PacketIn:
    """OFPT_PACKET_IN. `data` is the frame (possibly cut to the switch's miss_send_len;
    `total_len` is its full length); `buffer_id` is NO_BUFFER when not buffered."""

    dpid: int
    in_port: int
    data: bytes
    buffer_id: int
    total_len: int
    #: OFPR_*: 0 table miss, 1 action, 2 invalid TTL.
    reason: int
    table_id: int
    cookie: int
    match: Match
    seq: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class PortStatus:
    """OFPT_PORT_STATUS. `reason`: OFPPR_* (0 add, 1 delete, 2 modify)."""

    dpid: int
    reason: int
    desc: PortDesc
    seq: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowRemoved:
    """OFPT_FLOW_REMOVED. `reason`: OFPRR_* (0 idle, 1 hard, 2 delete, 3 group delete)."""

    dpid: int
    cookie: int
    priority: int
    reason: int
    table_id: int
    duration_sec: int
    duration_nsec: int
    idle_timeout: int
    hard_timeout: int
    packet_count: int
    byte_count: int
    match: Match
    seq: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchError:
    """An OFPT_ERROR the switch sent that no command of this app was waiting for."""

    dpid: int
    error: OpenFlowError
    seq: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class PubSubMessage:
    """A message on a subject this app subscribed to (`Subscription.topics`)."""

    subject: str
    payload: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    time_ms: int = 0


class KvChangeType(enum.Enum):
    PUT = "put"
    DELETE = "delete"


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyValue:
    """A key and its value with revisions (see the KV service)."""

    key: bytes
    value: bytes
    create_revision: int
    mod_revision: int
    #: 1 after the first put, +1 on each put; a delete resets it.
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class KvChange:
    """A put or delete on a watched key. For a delete, `kv.mod_revision` is the
    revision of the delete and `kv.value` is empty."""

    type: KvChangeType
    kv: KeyValue
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    """Events were lost: lifecycle events from_seq..to_seq fell out of the runtime's
    log before this app resumed, and/or `packet_ins_shed` packet-ins were dropped
    because the app did not keep up."""

    from_seq: int
    to_seq: int
    packet_ins_shed: int
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    """One port of one switch."""

    dpid: int
    port: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """One direction of a link between switches, learned from LLDP probes (a cable is
    two links). `latency_ms`: the last probe's delay in whole ms (controller -> src ->
    wire -> dst -> controller); `src_node`: the 32-bit id of the node that probed it."""

    src: Endpoint
    dst: Endpoint
    latency_ms: int
    src_node: int
    up_since_ms: int
    last_seen_ms: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Host:
    """A host seen on an edge port; `ips` learned from its ARP and neighbour discovery."""

    mac: str
    ips: tuple[str, ...]
    location: Endpoint
    first_seen_ms: int
    last_seen_ms: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkUp:
    """A link came up; `dpid` is its destination switch. Delivered only to
    subscriptions that name EventKind.LINK_UP."""

    dpid: int
    link: Link
    seq: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkDown:
    """A link went down. `reason`: timeout, portDown, switchDown, replaced."""

    dpid: int
    link: Link
    reason: str
    seq: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class HostAdded:
    """A host was seen for the first time; `dpid` is the switch it is attached to."""

    dpid: int
    host: Host
    seq: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class HostMoved:
    """A host showed up on another edge port (`host.location`), moving from `moved_from`."""

    dpid: int
    host: Host
    moved_from: Endpoint
    seq: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class HostRemoved:
    """A host was forgotten. `reason`: timeout, portDown, switchDown, notEdge."""

    dpid: int
    host: Host
    reason: str
    seq: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleChanged:
    """With mastership (the runtime's docs/ha.md): the runtime's role for the switch
    `dpid` changed. Every node connected to the switch sends it, slaves included; a
    node that becomes master then sends SwitchUp, one that stops being master
    SwitchDown (reason notMaster). Delivered only to subscriptions that name
    EventKind.ROLE_CHANGED.

    `master_node` is the master's name (its --node-id), "" when none is known;
    `generation` the generation id of its win (the etcd revision), 0 when unknown."""

    dpid: int
    role: SwitchRole
    master_node: str = ""
    generation: int = 0
    seq: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeUp:
    """Another node of the runtime's overlay became reachable. `node_id` is its
    32-bit overlay id (Cluster.ListNodes' node_id); `aliases` its names when the
    runtime already held its record (usually empty: the record follows the route);
    `cost_ms` the route's cost, the links' RTTs plus 10 ms per hop. Delivered only
    to subscriptions that name EventKind.NODE_UP, whatever their `dpids`."""

    node_id: int
    aliases: tuple[str, ...] = ()
    cost_ms: float = 0.0
    seq: int = 0
    time_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeDown:
    """Another node of the overlay became unreachable. `reason`: "linkDown" (its
    direct link closed, `detail` says why, and no other route is left) or "noRoute"
    (the last route through other nodes was lost); `aliases` its names as the
    runtime last knew them. Delivered only to subscriptions that name
    EventKind.NODE_DOWN, whatever their `dpids`."""

    node_id: int
    reason: str
    detail: str = ""
    aliases: tuple[str, ...] = ()
    seq: int = 0
    time_ms: int = 0


Event = SwitchUp | SwitchDown | PacketIn | PortStatus | FlowRemoved | SwitchError | PubSubMessage | KvChange | LinkUp | LinkDown | HostAdded | HostMoved | HostRemoved | RoleChanged | NodeUp | NodeDown | Gap
