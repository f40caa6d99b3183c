"""OpenFlow 1.3 numbers under their spec names (OFPP_*, OFPG_*, OFPFF_*, ...).

Each class is an int enum, so members go wherever the API takes a number:
`actions.output(Port.FLOOD)`.
"""

from __future__ import annotations

import enum

#: OFP_NO_BUFFER: the packet is not buffered on the switch (the frame travels whole).
NO_BUFFER = 0xFFFFFFFF

#: The bits of a cookie (and cookie mask) that are the app's. The runtime puts the
#: app's id in the top 16 (`App.app_id`) and refuses a cookie that sets them
#: (INVALID); events and flow stats give back the cookie the app wrote.
#: docs/apps-sharing-a-switch.md.
APP_COOKIE_MASK = 0xFFFF_FFFF_FFFF

#: OFPVID_PRESENT: set in a vlan_vid match or set_field value when a tag is present.
VID_PRESENT = 0x1000
#: OFPVID_NONE: matches frames without a VLAN tag.
VID_NONE = 0x0000


class Port(enum.IntEnum):
    """OFPP_*: reserved port numbers (OpenFlow 1.3.5 7.2.1)."""

    MAX = 0xFFFFFF00
    IN_PORT = 0xFFFFFFF8
    TABLE = 0xFFFFFFF9
    NORMAL = 0xFFFFFFFA
    FLOOD = 0xFFFFFFFB
    ALL = 0xFFFFFFFC
    CONTROLLER = 0xFFFFFFFD
    LOCAL = 0xFFFFFFFE
    ANY = 0xFFFFFFFF


class ControllerMaxLen(enum.IntEnum):
    """OFPCML_*: how much of a packet an output to CONTROLLER carries."""

    MAX = 0xFFE5
    #: The whole packet, not buffered on the switch.
    NO_BUFFER = 0xFFFF


class Table(enum.IntEnum):
    """OFPTT_*."""

    MAX = 0xFE
    ALL = 0xFF


class Group(enum.IntEnum):
    """OFPG_*."""

    MAX = 0xFFFFFF00
    ALL = 0xFFFFFFFC
    ANY = 0xFFFFFFFF


class Meter(enum.IntEnum):
    """OFPM_*."""

    MAX = 0xFFFF0000
    SLOWPATH = 0xFFFFFFFD
    CONTROLLER = 0xFFFFFFFE
    ALL = 0xFFFFFFFF


class FlowModCommand(enum.IntEnum):
    """OFPFC_*."""

    ADD = 0
    MODIFY = 1
    MODIFY_STRICT = 2
    DELETE = 3
    DELETE_STRICT = 4


class FlowModFlags(enum.IntFlag):
    """OFPFF_*."""

    SEND_FLOW_REM = 1
    CHECK_OVERLAP = 2
    RESET_COUNTS = 4
    NO_PKT_COUNTS = 8
    NO_BYT_COUNTS = 16


class CtState(enum.IntFlag):
    """Open vSwitch's ct_state bits (Nicira CS_*), for ``Match.ct_state``."""

    NEW = 0x01
    ESTABLISHED = 0x02
    RELATED = 0x04
    REPLY_DIR = 0x08
    INVALID = 0x10
    TRACKED = 0x20
    SRC_NAT = 0x40
    DST_NAT = 0x80


class NxCtFlags(enum.IntFlag):
    """NX_CT_F_* flags of ``actions.nx_ct(flags=...)``: COMMIT commits the connection
    to the tracker (its replies are then "established"); FORCE commits it replacing
    one tracked in the other direction."""

    COMMIT = 1 << 0
    FORCE = 1 << 1


class GroupModCommand(enum.IntEnum):
    """OFPGC_*."""

    ADD = 0
    MODIFY = 1
    DELETE = 2


class GroupType(enum.IntEnum):
    """OFPGT_*."""

    ALL = 0
    SELECT = 1
    INDIRECT = 2
    FAST_FAILOVER = 3


class MeterModCommand(enum.IntEnum):
    """OFPMC_*."""

    ADD = 0
    MODIFY = 1
    DELETE = 2


class MeterFlags(enum.IntFlag):
    """OFPMF_*."""

    KBPS = 1
    PKTPS = 2
    BURST = 4
    STATS = 8


class ControllerRole(enum.IntEnum):
    """OFPCR_ROLE_*."""

    NOCHANGE = 0
    EQUAL = 1
    MASTER = 2
    SLAVE = 3


class PacketInReason(enum.IntEnum):
    """OFPR_*."""

    NO_MATCH = 0
    ACTION = 1
    INVALID_TTL = 2


class PortReason(enum.IntEnum):
    """OFPPR_*: why a PORT_STATUS was sent."""

    ADD = 0
    DELETE = 1
    MODIFY = 2


class FlowRemovedReason(enum.IntEnum):
    """OFPRR_*."""

    IDLE_TIMEOUT = 0
    HARD_TIMEOUT = 1
    DELETE = 2
    GROUP_DELETE = 3
