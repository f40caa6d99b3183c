"""Replies: switch descriptions and multipart statistics, as immutable values.

Counters are plain ints (u64 on the wire); durations are seconds plus nanoseconds
as the switch reports them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .buckets import Bucket, MeterBand
from .constants import ControllerRole, GroupType
from .instructions import Instruction
from .match import Match


@dataclass(frozen=True, slots=True, kw_only=True)
class PortDesc:
    """struct ofp_port. Speeds in kb/s; config/state/features as OFPPC_/OFPPS_/OFPPF_ bits."""

    port_no: int
    hw_addr: str
    name: str
    config: int = 0
    state: int = 0
    curr: int = 0
    advertised: int = 0
    supported: int = 0
    peer: int = 0
    curr_speed: int = 0
    max_speed: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class DescStats:
    """OFPMP_DESC."""

    mfr_desc: str = ""
    hw_desc: str = ""
    sw_desc: str = ""
    serial_num: str = ""
    dp_desc: str = ""


class SwitchRole(enum.Enum):
    """The runtime's role for a switch (mastership)."""

    MASTER = "master"
    SLAVE = "slave"
    #: No master is decided yet: an election, or the master stepping down.
    NONE = "none"


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchInfo:
    """A connected switch as the runtime knows it."""

    dpid: int
    #: The dpid as people see it: 16 hex digits.
    dpid_hex: str
    #: Negotiated OpenFlow wire version (4 = 1.3).
    version: int
    #: Where the switch connects from, "address:port".
    remote: str
    n_buffers: int
    n_tables: int
    capabilities: int
    desc: DescStats
    ports: tuple[PortDesc, ...]
    #: Milliseconds since the Unix epoch when the handshake finished.
    connected_at_ms: int
    #: The runtime's role for the switch (the runtime's docs/ha.md): MASTER without
    #: mastership (the node is the switch's only controller); with it MASTER, SLAVE or NONE.
    #: Filled in by `App.switches()` and `Switch.info()` only: a SwitchUp's `switch` says
    #: MASTER, "" and 0 (see RoleChanged).
    role: SwitchRole = SwitchRole.MASTER
    #: With mastership: the master node's name (its --node-id); "" when none is known or without mastership.
    master_node: str = ""
    #: With mastership: the generation id of the master's win (the etcd revision); 0 when unknown or without it.
    generation: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowStats:
    """One flow entry (OFPMP_FLOW)."""

    table_id: int
    duration_sec: int
    duration_nsec: int
    priority: int
    idle_timeout: int
    hard_timeout: int
    flags: int
    cookie: int
    packet_count: int
    byte_count: int
    match: Match
    instructions: tuple[Instruction, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AggregateStats:
    """OFPMP_AGGREGATE."""

    packet_count: int
    byte_count: int
    flow_count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TableStats:
    """OFPMP_TABLE, one table."""

    table_id: int
    active_count: int
    lookup_count: int
    matched_count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PortStats:
    """OFPMP_PORT_STATS, one port."""

    port_no: int
    rx_packets: int
    tx_packets: int
    rx_bytes: int
    tx_bytes: int
    rx_dropped: int
    tx_dropped: int
    rx_errors: int
    tx_errors: int
    rx_frame_err: int
    rx_over_err: int
    rx_crc_err: int
    collisions: int
    duration_sec: int
    duration_nsec: int


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueStats:
    """OFPMP_QUEUE, one queue."""

    port_no: int
    queue_id: int
    tx_bytes: int
    tx_packets: int
    tx_errors: int
    duration_sec: int
    duration_nsec: int


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupStats:
    """OFPMP_GROUP, one group; the bucket counters are in bucket order."""

    group_id: int
    ref_count: int
    packet_count: int
    byte_count: int
    duration_sec: int
    duration_nsec: int
    bucket_packet_counts: tuple[int, ...]
    bucket_byte_counts: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupDesc:
    """OFPMP_GROUP_DESC, one group."""

    type: GroupType
    group_id: int
    buckets: tuple[Bucket, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MeterStats:
    """OFPMP_METER, one meter; the band counters are in band order."""

    meter_id: int
    flow_count: int
    packet_in_count: int
    byte_in_count: int
    duration_sec: int
    duration_nsec: int
    band_packet_counts: tuple[int, ...]
    band_byte_counts: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MeterConfig:
    """OFPMP_METER_CONFIG, one meter."""

    flags: int
    meter_id: int
    bands: tuple[MeterBand, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleReply:
    """OFPT_ROLE_REPLY."""

    role: ControllerRole
    generation_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RuntimeStatus:
    """Switches.Status: the runtime node serving this app."""

    node_id: str
    version: str
    uptime_ms: int
    switches: int
    apps: int
    #: The newest lifecycle event seq.
    last_seq: int
    openflow_port: int
    grpc_port: int
    http_port: int
