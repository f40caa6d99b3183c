"""OpenFlow 1.3 constants and builders for the WIT values (wit_world.imports.types).

Python ints are exact, so u32 constants are plain (unlike the QuickJS kit) and
u64 values travel as decimal text (`u64-text`) as the WIT says.
"""
from typing import Iterable, List, Optional, Sequence, Union

from wit_world.imports.types import (
    Action,
    Action_DecNwTtl,
    Action_Group,
    Action_Output,
    Action_PopVlan,
    Action_PushVlan,
    Action_SetField,
    Action_SetQueue,
    Command,
    CommandBody_Barrier,
    CommandBody_FlowMod,
    CommandBody_PacketOut,
    CommandBody_Raw,
    FlowMod,
    FlowModCommand,
    Instruction,
    Instruction_ApplyActions,
    Instruction_ClearActions,
    Instruction_GotoTable,
    Instruction_Meter,
    Instruction_WriteActions,
    Instruction_WriteMetadata,
    OutputAction,
    OxmField,
    OxmValue,
    OxmValue_Big,
    OxmValue_Text,
    OxmValue_Uint,
    PacketOut,
    WriteMetadata,
)


class Port:
    """Reserved port numbers (ofp_port_no, OpenFlow 1.3.5 7.2.1)."""

    MAX = 0xFFFFFF00
    IN_PORT = 0xFFFFFFF8
    TABLE = 0xFFFFFFF9
    NORMAL = 0xFFFFFFFA
    FLOOD = 0xFFFFFFFB
    ALL = 0xFFFFFFFC
    CONTROLLER = 0xFFFFFFFD
    LOCAL = 0xFFFFFFFE
    ANY = 0xFFFFFFFF


class EthType:
    IPV4 = 0x0800
    ARP = 0x0806
    VLAN = 0x8100
    IPV6 = 0x86DD
    MPLS = 0x8847
    LLDP = 0x88CC


class FlowModFlags:
    """OFPFF_* bits."""

    SEND_FLOW_REM = 1
    CHECK_OVERLAP = 2
    RESET_COUNTS = 4
    NO_PKT_COUNTS = 8
    NO_BYT_COUNTS = 16


NO_BUFFER = 0xFFFFFFFF
"""OFP_NO_BUFFER: a packet-in whose frame is all in `data`."""
CONTROLLER_MAX_LEN_NO_BUFFER = 0xFFFF
"""OFPCML_NO_BUFFER: send the whole packet to the controller, do not buffer it."""


def dpid(value: int) -> str:
    """A datapath id as the WIT carries it: 16 lowercase hex digits."""
    if not 0 <= value < 1 << 64:
        raise ValueError(f"dpid {value} is not a u64")
    return f"{value:016x}"


def u64(value: Union[int, str]) -> str:
    """u64-text (decimal) from an int or decimal text."""
    number = int(value)
    if not 0 <= number < 1 << 64:
        raise ValueError(f"{value} is not a u64")
    return str(number)


def _uint(field: str, value: int, mask: Optional[int] = None) -> OxmField:
    return OxmField(field, OxmValue_Uint(value), None if mask is None else OxmValue_Uint(mask))


def _text(field: str, value: str, mask: Optional[str] = None) -> OxmField:
    return OxmField(field, OxmValue_Text(value), None if mask is None else OxmValue_Text(mask))


def _big(field: str, value: Union[int, str], mask: Union[int, str, None] = None) -> OxmField:
    return OxmField(field, OxmValue_Big(u64(value)), None if mask is None else OxmValue_Big(u64(mask)))


class oxm:  # noqa: N801 (a namespace, used like a module: oxm.eth_dst(...))
    """OXM fields by their spec names; masks are optional."""

    uint = staticmethod(_uint)
    text = staticmethod(_text)
    big = staticmethod(_big)

    @staticmethod
    def in_port(port: int) -> OxmField:
        return _uint("in_port", port)

    @staticmethod
    def eth_dst(mac: str, mask: Optional[str] = None) -> OxmField:
        return _text("eth_dst", mac, mask)

    @staticmethod
    def eth_src(mac: str, mask: Optional[str] = None) -> OxmField:
        return _text("eth_src", mac, mask)

    @staticmethod
    def eth_type(ethertype: int) -> OxmField:
        return _uint("eth_type", ethertype)

    @staticmethod
    def vlan_vid(vid: int, mask: Optional[int] = None) -> OxmField:
        return _uint("vlan_vid", vid, mask)

    @staticmethod
    def ip_proto(proto: int) -> OxmField:
        return _uint("ip_proto", proto)

    @staticmethod
    def ipv4_src(ip: str, mask: Optional[str] = None) -> OxmField:
        return _text("ipv4_src", ip, mask)

    @staticmethod
    def ipv4_dst(ip: str, mask: Optional[str] = None) -> OxmField:
        return _text("ipv4_dst", ip, mask)

    @staticmethod
    def tcp_src(port: int) -> OxmField:
        return _uint("tcp_src", port)

    @staticmethod
    def tcp_dst(port: int) -> OxmField:
        return _uint("tcp_dst", port)

    @staticmethod
    def udp_src(port: int) -> OxmField:
        return _uint("udp_src", port)

    @staticmethod
    def udp_dst(port: int) -> OxmField:
        return _uint("udp_dst", port)

    @staticmethod
    def metadata(value: Union[int, str], mask: Union[int, str, None] = None) -> OxmField:
        return _big("metadata", value, mask)


def match_value(match: Iterable[OxmField], name: str) -> Union[int, str, None]:
    """The value of field `name` in a match (int, or text for addresses and 64-bit fields), or None."""
    for field in match:
        if field.field == name:
            return field.value.value
    return None


def output(port: int, max_len: int = 0) -> Action:
    return Action_Output(OutputAction(port, max_len))


def set_field(field: OxmField) -> Action:
    return Action_SetField(field)


def push_vlan(ethertype: int = EthType.VLAN) -> Action:
    return Action_PushVlan(ethertype)


def pop_vlan() -> Action:
    return Action_PopVlan()


def group(group_id: int) -> Action:
    return Action_Group(group_id)


def set_queue(queue_id: int) -> Action:
    return Action_SetQueue(queue_id)


def dec_nw_ttl() -> Action:
    return Action_DecNwTtl()


def apply_actions(*actions: Action) -> Instruction:
    return Instruction_ApplyActions(list(actions))


def write_actions(*actions: Action) -> Instruction:
    return Instruction_WriteActions(list(actions))


def clear_actions() -> Instruction:
    return Instruction_ClearActions()


def goto_table(table_id: int) -> Instruction:
    return Instruction_GotoTable(table_id)


def meter(meter_id: int) -> Instruction:
    return Instruction_Meter(meter_id)


def write_metadata(metadata: Union[int, str], mask: Union[int, str]) -> Instruction:
    return Instruction_WriteMetadata(WriteMetadata(u64(metadata), u64(mask)))


def flow_mod(
    target: str,
    *,
    priority: int = 0,
    match: Sequence[OxmField] = (),
    actions: Optional[Sequence[Action]] = None,
    instructions: Sequence[Instruction] = (),
    idle_timeout: int = 0,
    hard_timeout: int = 0,
    command: FlowModCommand = FlowModCommand.ADD,
    table_id: int = 0,
    cookie: Union[int, str] = 0,
    cookie_mask: Union[int, str] = 0,
    buffer_id: Optional[int] = None,
    out_port: Optional[int] = None,
    out_group: Optional[int] = None,
    flags: int = 0,
) -> Command:
    """OFPT_FLOW_MOD. `actions` is shorthand for `instructions=[apply_actions(*actions)]`; timeouts in seconds (0: none)."""
    all_instructions: List[Instruction] = ([] if actions is None else [apply_actions(*actions)]) + list(instructions)
    body = FlowMod(
        cookie=u64(cookie),
        cookie_mask=u64(cookie_mask),
        table_id=table_id,
        command=command,
        idle_timeout=idle_timeout,
        hard_timeout=hard_timeout,
        priority=priority,
        buffer_id=buffer_id,
        out_port=out_port,
        out_group=out_group,
        flags=flags,
        match=list(match),
        instructions=all_instructions,
    )
    return Command(target, CommandBody_FlowMod(body))


def packet_out(
    target: str,
    *,
    actions: Sequence[Action],
    data: bytes = b"",
    buffer_id: Optional[int] = None,
    in_port: Optional[int] = None,
) -> Command:
    """OFPT_PACKET_OUT. A `buffer_id` other than NO_BUFFER sends the buffered packet (and not `data`); `in_port` None: CONTROLLER."""
    buffered = buffer_id is not None and buffer_id != NO_BUFFER
    body = PacketOut(buffer_id if buffered else None, in_port, list(actions), b"" if buffered else bytes(data))
    return Command(target, CommandBody_PacketOut(body))


def barrier(target: str) -> Command:
    """OFPT_BARRIER_REQUEST: the switch confirms it processed everything sent before."""
    return Command(target, CommandBody_Barrier())


def raw(target: str, message: bytes) -> Command:
    """A whole OpenFlow message (header included; the host sets version and xid)."""
    return Command(target, CommandBody_Raw(bytes(message)))


__all__ = [
    "CONTROLLER_MAX_LEN_NO_BUFFER",
    "NO_BUFFER",
    "EthType",
    "FlowModFlags",
    "OxmValue",
    "Port",
    "apply_actions",
    "barrier",
    "clear_actions",
    "dec_nw_ttl",
    "dpid",
    "flow_mod",
    "goto_table",
    "group",
    "match_value",
    "meter",
    "output",
    "oxm",
    "packet_out",
    "pop_vlan",
    "push_vlan",
    "raw",
    "set_field",
    "set_queue",
    "u64",
    "write_actions",
    "write_metadata",
]
