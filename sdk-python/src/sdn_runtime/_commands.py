"""Command messages from keyword arguments, checked before anything is sent."""

from __future__ import annotations

from collections.abc import Sequence

from . import _to_proto
from . import instructions as ins
from ._proto import openflow_pb2 as of
from ._values import mac, uint
from .actions import Action
from .buckets import Bucket, MeterBand
from .constants import FlowModCommand, GroupModCommand, GroupType, MeterFlags, MeterModCommand, Table
from .errors import invalid
from .match import Match

#: OFP_DEFAULT_PRIORITY, as in Ryu.
DEFAULT_PRIORITY = 0x8000


def flow_mod(
    *,
    match: Match,
    instructions: Sequence[ins.Instruction],
    actions: Sequence[Action] | None,
    command: FlowModCommand,
    priority: int,
    table_id: int,
    idle_timeout: int,
    hard_timeout: int,
    cookie: int,
    cookie_mask: int,
    buffer_id: int | None,
    out_port: int | None,
    out_group: int | None,
    flags: int,
    into: of.FlowMod | None = None,
) -> of.FlowMod:
    """The checked FLOW_MOD, written into `into` (a fresh message, e.g. a
    Command's `flow_mod`: no copy) or a new message."""
    if not isinstance(match, Match):
        raise invalid(f"match must be a Match, got {type(match).__name__}")
    if actions is not None:
        if instructions:
            raise invalid("give either actions (applied right away) or instructions, not both")
        checked: tuple[ins.Instruction, ...] = (ins.ApplyActions(tuple(actions)),) if actions else ()
    else:
        checked = ins.check(instructions)
    command = command if type(command) is FlowModCommand else FlowModCommand(command)
    uint("table_id", table_id, 8)
    if table_id == Table.ALL and command not in (FlowModCommand.DELETE, FlowModCommand.DELETE_STRICT):
        raise invalid("table_id OFPTT_ALL (255) is only valid for deletes")
    message = of.FlowMod() if into is None else into
    message.SetInParent()
    message.cookie = uint("cookie", cookie, 64)
    message.cookie_mask = uint("cookie_mask", cookie_mask, 64)
    message.table_id = table_id
    message.command = of.FlowMod.Command.ValueType(command)
    message.idle_timeout = uint("idle_timeout", idle_timeout, 16)
    message.hard_timeout = uint("hard_timeout", hard_timeout, 16)
    message.priority = uint("priority", priority, 16)
    message.flags = uint("flags", int(flags), 16)
    _to_proto.fill_match(message.match, match)
    add = message.instructions.add
    for i in checked:
        _to_proto.fill_instruction(add(), i)
    if buffer_id is not None:
        message.buffer_id = uint("buffer_id", buffer_id, 32)
    if out_port is not None:
        message.out_port = uint("out_port", out_port, 32)
    if out_group is not None:
        message.out_group = uint("out_group", out_group, 32)
    return message


def packet_out(
    *, data: bytes, actions: Sequence[Action], in_port: int | None, buffer_id: int | None, into: of.PacketOut | None = None
) -> of.PacketOut:
    """The checked PACKET_OUT, written into `into` (a fresh message) or a new one."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise invalid(f"data must be bytes, got {type(data).__name__}")
    if buffer_id is None and not data:
        raise invalid("a packet-out without buffer_id needs the frame in data")
    message = of.PacketOut() if into is None else into
    message.SetInParent()
    _to_proto.fill_actions(message.actions, actions)
    message.data = bytes(data)
    if in_port is not None:
        message.in_port = uint("in_port", in_port, 32)
    if buffer_id is not None:
        message.buffer_id = uint("buffer_id", buffer_id, 32)
    return message


def group_mod(*, command: GroupModCommand, type: GroupType, group_id: int, buckets: Sequence[Bucket]) -> of.GroupMod:
    return of.GroupMod(
        command=of.GroupMod.Command.ValueType(GroupModCommand(command)),
        type=of.GroupMod.Type.ValueType(GroupType(type)),
        group_id=uint("group_id", group_id, 32),
        buckets=[_to_proto.bucket(b) for b in buckets],
    )


def meter_mod(*, command: MeterModCommand, meter_id: int, flags: int, bands: Sequence[MeterBand]) -> of.MeterMod:
    flags = uint("meter flags", int(flags), 16)
    if flags & MeterFlags.KBPS and flags & MeterFlags.PKTPS:
        raise invalid("meter flags KBPS and PKTPS exclude each other")
    return of.MeterMod(
        command=of.MeterMod.Command.ValueType(MeterModCommand(command)),
        flags=flags,
        meter_id=uint("meter_id", meter_id, 32),
        bands=[_to_proto.band(b) for b in bands],
    )


def port_mod(*, port_no: int, hw_addr: str, config: int, mask: int, advertise: int) -> of.PortMod:
    return of.PortMod(
        port_no=uint("port_no", port_no, 32),
        hw_addr=mac("hw_addr", hw_addr),
        config=uint("config", config, 32),
        mask=uint("mask", mask, 32),
        advertise=uint("advertise", advertise, 32),
    )


def table_mod(*, table_id: int, config: int) -> of.TableMod:
    return of.TableMod(table_id=uint("table_id", table_id, 8), config=uint("config", config, 32))
