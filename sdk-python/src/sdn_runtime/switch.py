"""`Switch`: commands for one switch, sent over the app's event stream.

Awaiting methods carry a correlation id and return when the runtime answers: once
the message is sent, or with `confirm=True` once a barrier proves the switch applied
it. They raise SdnError: UNKNOWN_SWITCH, SWITCH_ERROR (with the decoded OFPT_ERROR
in `.openflow`), INVALID, UNAVAILABLE (no answer within the app's command timeout,
or the stream broke after the command left). `send_flow_mod` / `send_packet_out`
are the hot path: no correlation id, nothing to wait for; a switch error comes back
as a SwitchError event.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import _commands, _from_proto, _stats_from_proto, _to_proto
from ._context import Context
from ._proto import events_pb2 as ev
from ._proto import openflow_pb2 as of
from ._proto import stats_pb2 as st
from ._proto import switches_pb2 as sw
from ._values import dpid as check_dpid
from ._values import uint
from .actions import Action
from .buckets import Bucket, MeterBand
from .constants import ControllerRole, FlowModCommand, GroupModCommand, GroupType, MeterFlags, MeterModCommand
from .errors import ErrorCode, SdnError
from .instructions import Instruction
from .match import Match
from .stats import (
    AggregateStats,
    DescStats,
    FlowStats,
    GroupDesc,
    GroupStats,
    MeterConfig,
    MeterStats,
    PortDesc,
    PortStats,
    QueueStats,
    RoleReply,
    SwitchInfo,
    TableStats,
)

_EMPTY = Match()


class Switch:
    """Commands for switch `dpid`. Cheap to create; holds no state of its own."""

    def __init__(self, context: Context, dpid: int) -> None:
        self.dpid = check_dpid(dpid)
        self._context = context
        self.stats = SwitchStats(self)

    def __repr__(self) -> str:
        return f"Switch(dpid=0x{self.dpid:016x})"

    # -- flow-mod and packet-out, awaiting and not -------------------------------

    async def flow_mod(
        self,
        *,
        match: Match = _EMPTY,
        instructions: Sequence[Instruction] = (),
        actions: Sequence[Action] | None = None,
        command: FlowModCommand = FlowModCommand.ADD,
        priority: int = _commands.DEFAULT_PRIORITY,
        table_id: int = 0,
        idle_timeout: int = 0,
        hard_timeout: int = 0,
        cookie: int = 0,
        cookie_mask: int = 0,
        buffer_id: int | None = None,
        out_port: int | None = None,
        out_group: int | None = None,
        flags: int = 0,
        confirm: bool = False,
    ) -> None:
        """OFPT_FLOW_MOD. `actions` is a shortcut for one apply_actions instruction.
        Timeouts in seconds (0: none); None for buffer_id/out_port/out_group means
        OFP_NO_BUFFER/OFPP_ANY/OFPG_ANY."""
        request = ev.Command(dpid=self.dpid, confirm=confirm)
        _commands.flow_mod(
            match=match, instructions=instructions, actions=actions, command=command, priority=priority,
            table_id=table_id, idle_timeout=idle_timeout, hard_timeout=hard_timeout, cookie=cookie,
            cookie_mask=cookie_mask, buffer_id=buffer_id, out_port=out_port, out_group=out_group, flags=flags,
            into=request.flow_mod,
        )  # fmt: skip
        await self._request(request)

    def send_flow_mod(
        self,
        *,
        match: Match = _EMPTY,
        instructions: Sequence[Instruction] = (),
        actions: Sequence[Action] | None = None,
        command: FlowModCommand = FlowModCommand.ADD,
        priority: int = _commands.DEFAULT_PRIORITY,
        table_id: int = 0,
        idle_timeout: int = 0,
        hard_timeout: int = 0,
        cookie: int = 0,
        cookie_mask: int = 0,
        buffer_id: int | None = None,
        out_port: int | None = None,
        out_group: int | None = None,
        flags: int = 0,
    ) -> None:
        """Queues an OFPT_FLOW_MOD and returns at once (same arguments as `flow_mod`)."""
        # Built in place inside the Command: nested messages given as arguments are copied.
        command_message = ev.Command(dpid=self.dpid)
        _commands.flow_mod(
            match=match, instructions=instructions, actions=actions, command=command, priority=priority,
            table_id=table_id, idle_timeout=idle_timeout, hard_timeout=hard_timeout, cookie=cookie,
            cookie_mask=cookie_mask, buffer_id=buffer_id, out_port=out_port, out_group=out_group, flags=flags,
            into=command_message.flow_mod,
        )  # fmt: skip
        self._context.send(command_message)

    async def packet_out(
        self,
        *,
        data: bytes = b"",
        actions: Sequence[Action] = (),
        in_port: int | None = None,
        buffer_id: int | None = None,
        confirm: bool = False,
    ) -> None:
        """OFPT_PACKET_OUT: `data` is the frame unless `buffer_id` names a buffered
        one. None for in_port means OFPP_CONTROLLER."""
        request = ev.Command(dpid=self.dpid, confirm=confirm)
        _commands.packet_out(data=data, actions=actions, in_port=in_port, buffer_id=buffer_id, into=request.packet_out)
        await self._request(request)

    def send_packet_out(
        self,
        *,
        data: bytes = b"",
        actions: Sequence[Action] = (),
        in_port: int | None = None,
        buffer_id: int | None = None,
    ) -> None:
        """Queues an OFPT_PACKET_OUT and returns at once (same arguments as `packet_out`)."""
        command = ev.Command(dpid=self.dpid)
        _commands.packet_out(data=data, actions=actions, in_port=in_port, buffer_id=buffer_id, into=command.packet_out)
        self._context.send(command)

    # -- other modifications -----------------------------------------------------

    async def group_mod(
        self,
        *,
        group_id: int,
        command: GroupModCommand = GroupModCommand.ADD,
        type: GroupType = GroupType.ALL,
        buckets: Sequence[Bucket] = (),
        confirm: bool = False,
    ) -> None:
        """OFPT_GROUP_MOD."""
        message = _commands.group_mod(command=command, type=type, group_id=group_id, buckets=buckets)
        await self._request(ev.Command(dpid=self.dpid, confirm=confirm, group_mod=message))

    async def meter_mod(
        self,
        *,
        meter_id: int,
        command: MeterModCommand = MeterModCommand.ADD,
        flags: int = MeterFlags.KBPS,
        bands: Sequence[MeterBand] = (),
        confirm: bool = False,
    ) -> None:
        """OFPT_METER_MOD."""
        message = _commands.meter_mod(command=command, meter_id=meter_id, flags=flags, bands=bands)
        await self._request(ev.Command(dpid=self.dpid, confirm=confirm, meter_mod=message))

    async def port_mod(
        self, *, port_no: int, hw_addr: str, config: int = 0, mask: int = 0, advertise: int = 0, confirm: bool = False
    ) -> None:
        """OFPT_PORT_MOD: set the OFPPC_* bits of `config` selected by `mask`."""
        message = _commands.port_mod(port_no=port_no, hw_addr=hw_addr, config=config, mask=mask, advertise=advertise)
        await self._request(ev.Command(dpid=self.dpid, confirm=confirm, port_mod=message))

    async def table_mod(self, *, table_id: int, config: int = 0, confirm: bool = False) -> None:
        """OFPT_TABLE_MOD."""
        message = _commands.table_mod(table_id=table_id, config=config)
        await self._request(ev.Command(dpid=self.dpid, confirm=confirm, table_mod=message))

    async def barrier(self) -> None:
        """OFPT_BARRIER_REQUEST: returns once the switch has processed everything before it."""
        await self._request(ev.Command(dpid=self.dpid, barrier=of.Nothing()))

    async def role(self, role: ControllerRole, generation_id: int = 0) -> RoleReply:
        """OFPT_ROLE_REQUEST; returns the switch's ROLE_REPLY."""
        request = of.RoleRequest(
            role=of.RoleRequest.Role.ValueType(ControllerRole(role)), generation_id=uint("generation_id", generation_id, 64)
        )
        result = await self._request(ev.Command(dpid=self.dpid, role=request))
        return RoleReply(role=ControllerRole(result.role.role), generation_id=result.role.generation_id)

    async def raw(self, message: bytes, *, expect_reply: bool = False) -> list[bytes]:
        """Sends a whole OpenFlow message (header included; the runtime sets version
        and xid). With `expect_reply`, returns every message of the switch's reply."""
        if not isinstance(message, bytes) or len(message) < 8:
            raise SdnError(ErrorCode.INVALID, "a raw OpenFlow message is bytes with at least its 8-byte header")
        command = ev.Command(dpid=self.dpid, raw=ev.RawMessage(message=message), expect_reply=expect_reply)
        result = await self._request(command)
        return list(result.raw.messages)

    async def info(self) -> SwitchInfo:
        """The switch as the runtime knows it (Switches.Get); NOT_FOUND when not connected."""
        c = self._context
        reply = await c.unary(c.switches.Get(sw.GetSwitchRequest(dpid=self.dpid), metadata=c.metadata, timeout=c.timeout))
        return _from_proto.switch_info(reply)

    async def _request(self, command: ev.Command) -> ev.CommandResult:
        return await self._context.command(command)


class SwitchStats:
    """Multipart requests to one switch (`switch.stats.flow()`, ...). A reply the
    switch split over several messages arrives as one list."""

    def __init__(self, switch: Switch) -> None:
        self._switch = switch

    async def _ask(self, request: st.StatsRequest) -> st.StatsReply:
        result = await self._switch._request(ev.Command(dpid=self._switch.dpid, stats=request))
        return result.stats

    async def desc(self) -> DescStats:
        reply = await self._ask(st.StatsRequest(desc=of.Nothing()))
        return _from_proto.desc(reply.desc)

    async def flow(
        self,
        *,
        match: Match = _EMPTY,
        table_id: int | None = None,
        out_port: int | None = None,
        out_group: int | None = None,
        cookie: int = 0,
        cookie_mask: int = 0,
    ) -> list[FlowStats]:
        """OFPMP_FLOW. None: every table / any port / any group."""
        request = _flow_request(match, table_id, out_port, out_group, cookie, cookie_mask)
        reply = await self._ask(st.StatsRequest(flow=request))
        return [_stats_from_proto.flow(s) for s in reply.flow.stats]

    async def aggregate(
        self,
        *,
        match: Match = _EMPTY,
        table_id: int | None = None,
        out_port: int | None = None,
        out_group: int | None = None,
        cookie: int = 0,
        cookie_mask: int = 0,
    ) -> AggregateStats:
        request = _flow_request(match, table_id, out_port, out_group, cookie, cookie_mask)
        reply = await self._ask(st.StatsRequest(aggregate=request))
        return _stats_from_proto.aggregate(reply.aggregate)

    async def table(self) -> list[TableStats]:
        reply = await self._ask(st.StatsRequest(table=of.Nothing()))
        return [_stats_from_proto.table(s) for s in reply.table.stats]

    async def port(self, port_no: int | None = None) -> list[PortStats]:
        """OFPMP_PORT_STATS for one port, or every port (None)."""
        request = st.PortRequest()
        if port_no is not None:
            request.port_no = uint("port_no", port_no, 32)
        reply = await self._ask(st.StatsRequest(port_stats=request))
        return [_stats_from_proto.port(s) for s in reply.port_stats.stats]

    async def port_desc(self) -> list[PortDesc]:
        reply = await self._ask(st.StatsRequest(port_desc=of.Nothing()))
        return [_from_proto.port(p) for p in reply.port_desc.ports]

    async def queue(self, port_no: int | None = None, queue_id: int | None = None) -> list[QueueStats]:
        request = st.QueueRequest()
        if port_no is not None:
            request.port_no = uint("port_no", port_no, 32)
        if queue_id is not None:
            request.queue_id = uint("queue_id", queue_id, 32)
        reply = await self._ask(st.StatsRequest(queue=request))
        return [_stats_from_proto.queue(s) for s in reply.queue.stats]

    async def group(self, group_id: int | None = None) -> list[GroupStats]:
        request = st.GroupRequest()
        if group_id is not None:
            request.group_id = uint("group_id", group_id, 32)
        reply = await self._ask(st.StatsRequest(group=request))
        return [_stats_from_proto.group(s) for s in reply.group.stats]

    async def group_desc(self) -> list[GroupDesc]:
        reply = await self._ask(st.StatsRequest(group_desc=of.Nothing()))
        return [_stats_from_proto.group_desc(g) for g in reply.group_desc.groups]

    async def meter(self, meter_id: int | None = None) -> list[MeterStats]:
        reply = await self._ask(st.StatsRequest(meter=_meter_request(meter_id)))
        return [_stats_from_proto.meter(s) for s in reply.meter.stats]

    async def meter_config(self, meter_id: int | None = None) -> list[MeterConfig]:
        reply = await self._ask(st.StatsRequest(meter_config=_meter_request(meter_id)))
        return [_stats_from_proto.meter_config(m) for m in reply.meter_config.meters]


def _flow_request(
    match: Match, table_id: int | None, out_port: int | None, out_group: int | None, cookie: int, cookie_mask: int
) -> st.FlowStatsRequest:
    request = st.FlowStatsRequest(
        cookie=uint("cookie", cookie, 64), cookie_mask=uint("cookie_mask", cookie_mask, 64), match=_to_proto.match(match)
    )
    if table_id is not None:
        request.table_id = uint("table_id", table_id, 8)
    if out_port is not None:
        request.out_port = uint("out_port", out_port, 32)
    if out_group is not None:
        request.out_group = uint("out_group", out_group, 32)
    return request


def _meter_request(meter_id: int | None) -> st.MeterRequest:
    request = st.MeterRequest()
    if meter_id is not None:
        request.meter_id = uint("meter_id", meter_id, 32)
    return request
