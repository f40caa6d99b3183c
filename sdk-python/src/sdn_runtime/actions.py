"""OpenFlow 1.3 actions (OpenFlow 1.3.5 7.2.5) as immutable values.

Use the functions (`actions.output(Port.FLOOD)`, `actions.set_field("eth_dst",
"aa:bb:cc:dd:ee:ff")`); the classes check their fields when constructed, so an
action that exists is one the runtime can encode.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _oxm
from .constants import VID_PRESENT, ControllerMaxLen
from .errors import invalid
# The Nicira (Open vSwitch) actions are part of this module: re-exported.
from ._nicira import (
    NiciraAction as NiciraAction,
    NxConjunction as NxConjunction,
    NxCt as NxCt,
    NxCtClear as NxCtClear,
    NxFlowSpec as NxFlowSpec,
    NxFlowSpecField as NxFlowSpecField,
    NxLearn as NxLearn,
    NxNat as NxNat,
    NxNote as NxNote,
    NxRegLoad as NxRegLoad,
    NxRegMove as NxRegMove,
    NxResubmit as NxResubmit,
    NxResubmitTable as NxResubmitTable,
    nx_conjunction as nx_conjunction,
    nx_ct as nx_ct,
    nx_ct_clear as nx_ct_clear,
    nx_learn as nx_learn,
    nx_nat as nx_nat,
    nx_note as nx_note,
    nx_reg_load as nx_reg_load,
    nx_reg_move as nx_reg_move,
    nx_resubmit as nx_resubmit,
    nx_resubmit_table as nx_resubmit_table,
)
from .match import OxmField
from ._values import uint


@dataclass(frozen=True, slots=True)
class Output:
    """OFPAT_OUTPUT. `max_len`: bytes sent when `port` is CONTROLLER (0xffff: all)."""

    port: int
    max_len: int = ControllerMaxLen.NO_BUFFER

    def __post_init__(self) -> None:
        uint("output port", self.port, 32)
        uint("output max_len", self.max_len, 16)
        if self.port == 0:
            raise invalid("output port 0 is not a valid port")


@dataclass(frozen=True, slots=True)
class CopyTtlOut:
    """OFPAT_COPY_TTL_OUT."""


@dataclass(frozen=True, slots=True)
class CopyTtlIn:
    """OFPAT_COPY_TTL_IN."""


@dataclass(frozen=True, slots=True)
class SetMplsTtl:
    """OFPAT_SET_MPLS_TTL."""

    ttl: int

    def __post_init__(self) -> None:
        uint("set_mpls_ttl ttl", self.ttl, 8)


@dataclass(frozen=True, slots=True)
class DecMplsTtl:
    """OFPAT_DEC_MPLS_TTL."""


@dataclass(frozen=True, slots=True)
class PushVlan:
    """OFPAT_PUSH_VLAN: ethertype 0x8100 (802.1Q) or 0x88a8 (802.1ad)."""

    ethertype: int = 0x8100

    def __post_init__(self) -> None:
        if self.ethertype not in (0x8100, 0x88A8):
            raise invalid(f"push_vlan ethertype must be 0x8100 or 0x88a8, got {self.ethertype!r}")


@dataclass(frozen=True, slots=True)
class PopVlan:
    """OFPAT_POP_VLAN."""


@dataclass(frozen=True, slots=True)
class PushMpls:
    """OFPAT_PUSH_MPLS: ethertype 0x8847 (unicast) or 0x8848 (multicast)."""

    ethertype: int = 0x8847

    def __post_init__(self) -> None:
        if self.ethertype not in (0x8847, 0x8848):
            raise invalid(f"push_mpls ethertype must be 0x8847 or 0x8848, got {self.ethertype!r}")


@dataclass(frozen=True, slots=True)
class PopMpls:
    """OFPAT_POP_MPLS: `ethertype` is the payload's ethertype after the pop."""

    ethertype: int

    def __post_init__(self) -> None:
        uint("pop_mpls ethertype", self.ethertype, 16)


@dataclass(frozen=True, slots=True)
class SetQueue:
    """OFPAT_SET_QUEUE."""

    queue_id: int

    def __post_init__(self) -> None:
        uint("set_queue queue_id", self.queue_id, 32)


@dataclass(frozen=True, slots=True)
class Group:
    """OFPAT_GROUP."""

    group_id: int

    def __post_init__(self) -> None:
        uint("group group_id", self.group_id, 32)


@dataclass(frozen=True, slots=True)
class SetNwTtl:
    """OFPAT_SET_NW_TTL."""

    ttl: int

    def __post_init__(self) -> None:
        uint("set_nw_ttl ttl", self.ttl, 8)


@dataclass(frozen=True, slots=True)
class DecNwTtl:
    """OFPAT_DEC_NW_TTL."""


@dataclass(frozen=True, slots=True)
class SetField:
    """OFPAT_SET_FIELD: one unmasked OXM field. Build it with `set_field`."""

    field: OxmField


@dataclass(frozen=True, slots=True)
class PushPbb:
    """OFPAT_PUSH_PBB (ethertype 0x88e7)."""

    ethertype: int = 0x88E7

    def __post_init__(self) -> None:
        uint("push_pbb ethertype", self.ethertype, 16)


@dataclass(frozen=True, slots=True)
class PopPbb:
    """OFPAT_POP_PBB."""


@dataclass(frozen=True, slots=True)
class Experimenter:
    """OFPAT_EXPERIMENTER: `data` is everything after the experimenter id (the
    runtime pads the action to 8 bytes)."""

    experimenter: int
    data: bytes = b""

    def __post_init__(self) -> None:
        uint("experimenter id", self.experimenter, 32)


Action = (
    Output | CopyTtlOut | CopyTtlIn | SetMplsTtl | DecMplsTtl | PushVlan | PopVlan | PushMpls | PopMpls
    | SetQueue | Group | SetNwTtl | DecNwTtl | SetField | PushPbb | PopPbb | Experimenter | NiciraAction
)


#: Output actions already made: an app answering every packet-in makes the same
#: few, and an Output is immutable. Keyed by the arguments' types too, so a
#: `Port` member and the same int stay what they were. Starts over when full.
_OUTPUTS: dict[tuple[type, int, type, int], Output] = {}
_OUTPUTS_SIZE = 4096


def output(port: int, max_len: int = ControllerMaxLen.NO_BUFFER) -> Output:
    """Send the packet out of `port` (a number or a `Port` member)."""
    if not isinstance(port, int) or not isinstance(max_len, int):
        return Output(port, max_len)
    key = (type(port), port, type(max_len), max_len)
    made = _OUTPUTS.get(key)
    if made is None:
        if len(_OUTPUTS) >= _OUTPUTS_SIZE:
            _OUTPUTS.clear()
        made = _OUTPUTS[key] = Output(port, max_len)
    return made


def set_field(field: str, value: object) -> SetField:
    """Rewrite one header field. `vlan_vid` takes the VLAN id (0..4095); the wire
    value gets OFPVID_PRESENT set as OpenFlow 1.3 requires."""
    spec = _oxm.spec(field)
    if field == "vlan_vid":
        return SetField(OxmField(field, uint("set_field vlan_vid", value, 12) | VID_PRESENT))
    return SetField(OxmField(field, _oxm.value(spec, value, what=f"set_field {field}")))


def push_vlan(ethertype: int = 0x8100) -> PushVlan:
    return PushVlan(ethertype)


def pop_vlan() -> PopVlan:
    return PopVlan()


def push_mpls(ethertype: int = 0x8847) -> PushMpls:
    return PushMpls(ethertype)


def pop_mpls(ethertype: int) -> PopMpls:
    return PopMpls(ethertype)


def group(group_id: int) -> Group:
    return Group(group_id)


def set_queue(queue_id: int) -> SetQueue:
    return SetQueue(queue_id)


def set_mpls_ttl(ttl: int) -> SetMplsTtl:
    return SetMplsTtl(ttl)


def dec_mpls_ttl() -> DecMplsTtl:
    return DecMplsTtl()


def set_nw_ttl(ttl: int) -> SetNwTtl:
    return SetNwTtl(ttl)


def dec_nw_ttl() -> DecNwTtl:
    return DecNwTtl()


def copy_ttl_out() -> CopyTtlOut:
    return CopyTtlOut()


def copy_ttl_in() -> CopyTtlIn:
    return CopyTtlIn()


def push_pbb(ethertype: int = 0x88E7) -> PushPbb:
    return PushPbb(ethertype)


def pop_pbb() -> PopPbb:
    return PopPbb()


def experimenter(experimenter_id: int, data: bytes = b"") -> Experimenter:
    return Experimenter(experimenter_id, data)
