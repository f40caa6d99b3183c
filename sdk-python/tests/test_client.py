"""The client against the in-process fake runtime: subscribe, events, credit,
commands with correlation ids, errors, auth metadata, close."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from sdn_runtime import (
    Endpoint,
    Host,
    HostAdded,
    HostMoved,
    HostRemoved,
    Link,
    LinkDown,
    LinkUp,
    NodeDown,
    NodeUp,
    RoleChanged,
    SwitchRole,
    ControllerRole,
    ErrorCode,
    EventKind,
    FlowRemoved,
    Gap,
    KvChange,
    KvChangeType,
    KvWatch,
    Match,
    PacketIn,
    PacketInFilter,
    Port,
    PortStatus,
    PubSubMessage,
    SdnError,
    Subscription,
    SwitchDown,
    SwitchError,
    SwitchUp,
    TableDeclaration,
    actions,
    connect,
    instructions,
)
from sdn_runtime._proto import events_pb2 as ev
from sdn_runtime._proto import kv_pb2 as kv
from sdn_runtime._proto import openflow_pb2 as of
from sdn_runtime._proto import pubsub_pb2 as ps
from sdn_runtime._proto import stats_pb2 as st
from sdn_runtime._proto import switches_pb2 as sw
from sdn_runtime._proto import topology_pb2 as topo
from tests.conftest import packet_in
from tests.fake_runtime import FakeRuntime

OK = of.Nothing()


async def test_subscribe_carries_the_subscription_token_and_credit(runtime: FakeRuntime) -> None:
    runtime.token = "s3cret"
    subscription = Subscription(
        kinds=[EventKind.PACKET_IN, EventKind.SWITCH_UP],
        dpids=[1, 0xFFFF_FFFF_FFFF_FFFF],
        packet_in=PacketInFilter(table_ids=[0], cookies=[7], eth_types=[0x0806]),
        topics=["topology.>"],
        kv_watches=[KvWatch(key="apps/", prefix=True, start_revision=3)],
        max_batch=64,
    )
    runtime.tables = {"acl": 0, "l2": 1}
    tables = [TableDeclaration("acl"), TableDeclaration("audit", after=["acl"])]
    async with await connect(runtime.address, token="s3cret", name="tester", subscribe=subscription, credit=100, tables=tables) as app:
        conn = await runtime.next_connection()
        s = conn.subscribe
        assert s.app_name == "tester"
        assert [(t.name, list(t.after)) for t in s.tables] == [("acl", []), ("audit", ["acl"])]
        assert dict(app.tables) == {"acl": 0, "l2": 1}
        assert list(s.kinds) == [ev.EVENT_KIND_PACKET_IN, ev.EVENT_KIND_SWITCH_UP]
        assert list(s.dpids) == [1, 0xFFFF_FFFF_FFFF_FFFF]
        assert (list(s.packet_in.table_ids), list(s.packet_in.cookies), list(s.packet_in.eth_types)) == ([0], [7], [0x0806])
        assert list(s.topics) == ["topology.>"]
        assert (s.kv_watches[0].key, s.kv_watches[0].prefix, s.kv_watches[0].start_revision) == (b"apps/", True, 3)
        assert (s.initial_credit, s.max_batch) == (100, 64)
        assert not s.HasField("resume_after_seq")
        assert conn.metadata["authorization"] == "Bearer s3cret"
        assert app.node_id == "fake-node"
        assert app.app_id == 0x4654


async def test_a_wrong_token_or_a_refusal_fails_connect_with_its_code(runtime: FakeRuntime) -> None:
    runtime.token = "right"
    with pytest.raises(SdnError) as wrong:
        await connect(runtime.address, token="wrong")
    assert wrong.value.code is ErrorCode.UNAUTHENTICATED
    runtime.token = None
    runtime.refuse = grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(SdnError) as refused:
        await connect(runtime.address)
    assert refused.value.code is ErrorCode.PERMISSION_DENIED


async def test_connect_to_nothing_fails_with_unavailable(runtime: FakeRuntime) -> None:
    address = runtime.address
    await runtime.stop()
    with pytest.raises(SdnError) as failed:
        await connect(address, connect_timeout=5)
    assert failed.value.code is ErrorCode.UNAVAILABLE


async def test_every_event_kind_arrives_as_its_dataclass(runtime: FakeRuntime) -> None:
    info = sw.SwitchInfo(dpid=5, dpid_hex="0000000000000005", version=4, n_tables=254, ports=[of.Port(port_no=1, hw_addr="02:00:00:00:00:01", name="p1")])
    events = [
        ev.Event(seq=1, dpid=5, switch_up=ev.SwitchUp(switch=info)),
        packet_in(5, 3, b"\x01\x02\x03"),
        ev.Event(seq=2, dpid=5, port_status=of.PortStatus(reason=2, desc=of.Port(port_no=3, hw_addr="02:00:00:00:00:03", name="p3"))),
        ev.Event(seq=3, dpid=5, flow_removed=of.FlowRemoved(cookie=9, priority=10, reason=0, packet_count=4, match=of.Match(fields=[
            of.OxmField(field="eth_dst", value=of.OxmValue(text="aa:bb:cc:dd:ee:ff"), mask=of.OxmValue(text="ff:ff:ff:00:00:00"))]))),
        ev.Event(seq=4, dpid=5, switch_error=of.OpenFlowError(type=4, code=9, data=b"\x04", description="OFPET_BAD_MATCH/OFPBMC_BAD_PREREQ")),
        ev.Event(pubsub=ps.PubSubMessage(subject="a.b", payload=b"hi", headers={"k": "v"})),
        ev.Event(kv=kv.KvEvent(type=kv.KvEvent.TYPE_DELETE, kv=kv.KeyValue(key=b"k", mod_revision=8))),
        ev.Event(gap=ev.Gap(from_seq=5, to_seq=9, packet_ins_shed=2)),
        ev.Event(seq=10, dpid=5, switch_down=ev.SwitchDown(reason="peerClosed", detail="EOF")),
    ]  # fmt: skip
    async with await connect(runtime.address) as app:
        conn = await runtime.next_connection()
        await conn.send(*events)
        got = []
        async for event in app.events():
            got.append(event)
            if len(got) == len(events):
                break
    up, pin, status, removed, error, message, change, gap, down = got
    assert isinstance(up, SwitchUp) and (up.dpid, up.seq, up.switch.n_tables, up.switch.ports[0].name) == (5, 1, 254, "p1")
    assert isinstance(pin, PacketIn) and (pin.dpid, pin.in_port, pin.data, pin.match.get("in_port")) == (5, 3, b"\x01\x02\x03", 3)
    assert pin.time_ms == 1_700_000_000_000
    assert isinstance(status, PortStatus) and (status.reason, status.desc.port_no) == (2, 3)
    assert isinstance(removed, FlowRemoved) and (removed.cookie, removed.packet_count) == (9, 4)
    assert removed.match.fields[0].mask == "ff:ff:ff:00:00:00"
    assert isinstance(error, SwitchError) and (error.error.type, error.error.code, error.error.data) == (4, 9, b"\x04")
    assert isinstance(message, PubSubMessage) and (message.subject, message.payload, dict(message.headers)) == ("a.b", b"hi", {"k": "v"})
    assert isinstance(change, KvChange) and change.type is KvChangeType.DELETE and change.kv.mod_revision == 8
    assert isinstance(gap, Gap) and (gap.from_seq, gap.to_seq, gap.packet_ins_shed) == (5, 9, 2)
    assert isinstance(down, SwitchDown) and (down.reason, down.detail, down.seq) == ("peerClosed", "EOF", 10)
    assert app.last_seq == 10


async def test_topology_events_arrive_as_their_dataclasses(runtime: FakeRuntime) -> None:
    link = topo.Link(src=topo.Endpoint(dpid=1, port=2), dst=topo.Endpoint(dpid=3, port=4), latency_ms=5, src_node=6, up_since_ms=7, last_seen_ms=8)
    host = topo.Host(mac="02:00:00:00:00:01", ips=["10.0.0.1"], location=topo.Endpoint(dpid=1, port=3), first_seen_ms=1, last_seen_ms=2)
    moved = topo.HostMoved(host=host)
    getattr(moved, "from").CopyFrom(topo.Endpoint(dpid=2, port=9))
    events = [
        ev.Event(seq=1, dpid=3, link_up=topo.LinkUp(link=link)),
        ev.Event(seq=2, dpid=3, link_down=topo.LinkDown(link=link, reason="timeout")),
        ev.Event(seq=3, dpid=1, host_added=topo.HostAdded(host=host)),
        ev.Event(seq=4, dpid=1, host_moved=moved),
        ev.Event(seq=5, dpid=1, host_removed=topo.HostRemoved(host=host, reason="notEdge")),
    ]  # fmt: skip
    async with await connect(runtime.address) as app:
        conn = await runtime.next_connection()
        await conn.send(*events)
        got = []
        async for event in app.events():
            got.append(event)
            if len(got) == len(events):
                break
    up, down, added, mv, removed = got
    assert isinstance(up, LinkUp) and up.link == Link(src=Endpoint(dpid=1, port=2), dst=Endpoint(dpid=3, port=4), latency_ms=5, src_node=6, up_since_ms=7, last_seen_ms=8)
    assert isinstance(down, LinkDown) and (down.reason, down.seq, down.dpid) == ("timeout", 2, 3)
    assert isinstance(added, HostAdded) and added.host == Host(mac="02:00:00:00:00:01", ips=("10.0.0.1",), location=Endpoint(dpid=1, port=3), first_seen_ms=1, last_seen_ms=2)
    assert isinstance(mv, HostMoved) and mv.moved_from == Endpoint(dpid=2, port=9)
    assert isinstance(removed, HostRemoved) and removed.reason == "notEdge"


async def test_role_changes_and_node_events_arrive_as_their_dataclasses(runtime: FakeRuntime) -> None:
    events = [
        ev.Event(seq=1, dpid=5, time_ms=9, role_changed=ev.RoleChanged(role=sw.SWITCH_ROLE_SLAVE, master_node="node-b", generation=41)),
        ev.Event(seq=2, dpid=5, role_changed=ev.RoleChanged(role=sw.SWITCH_ROLE_NONE)),
        ev.Event(seq=3, time_ms=3, node_up=ev.NodeUp(node_id=0xFEEDBEEF, aliases=["b", "edge"], cost_ms=12.5)),
        ev.Event(seq=4, node_down=ev.NodeDown(node_id=7, reason="linkDown", detail="shutdown: the connection closed")),
    ]  # fmt: skip
    async with await connect(runtime.address, subscribe=Subscription(kinds=[EventKind.ROLE_CHANGED, EventKind.NODE_UP, EventKind.NODE_DOWN])) as app:
        conn = await runtime.next_connection()
        assert list(conn.subscribe.kinds) == [ev.EVENT_KIND_ROLE_CHANGED, ev.EVENT_KIND_NODE_UP, ev.EVENT_KIND_NODE_DOWN]
        await conn.send(*events)
        got = []
        async for event in app.events():
            got.append(event)
            if len(got) == len(events):
                break
    assert got == [
        RoleChanged(dpid=5, role=SwitchRole.SLAVE, master_node="node-b", generation=41, seq=1, time_ms=9),
        RoleChanged(dpid=5, role=SwitchRole.NONE, master_node="", generation=0, seq=2, time_ms=0),
        NodeUp(node_id=0xFEEDBEEF, aliases=("b", "edge"), cost_ms=12.5, seq=3, time_ms=3),
        NodeDown(node_id=7, aliases=(), reason="linkDown", detail="shutdown: the connection closed", seq=4, time_ms=0),
    ]


async def test_credit_is_granted_as_events_are_consumed_not_as_they_arrive(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address, credit=4) as app:
        conn = await runtime.next_connection()
        await conn.send(*(packet_in(1, 1, bytes([i])) for i in range(4)))
        stream = app.events()
        first = await anext(stream)
        assert isinstance(first, PacketIn) and first.data == b"\x00"
        assert conn.credit_granted == 0
        await anext(stream)
        await conn.wait_credit(2)
        await anext(stream)
        await anext(stream)
        await conn.wait_credit(4)
        assert conn.credit_granted == 4
        await stream.aclose()


async def test_flow_mod_waits_for_its_result_by_correlation_id(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address) as app:
        conn = await runtime.next_connection()
        switch = app.switch(0xA)
        task = asyncio.create_task(
            switch.flow_mod(match=Match().in_port(1).eth_dst("aa:bb:cc:dd:ee:ff"), actions=[actions.output(2)], priority=5, idle_timeout=30, confirm=True)
        )
        command = await conn.next_command()
        assert command.correlation_id and command.dpid == 0xA and command.confirm
        fm = command.flow_mod
        assert (fm.priority, fm.idle_timeout, fm.command) == (5, 30, of.FlowMod.COMMAND_ADD)
        assert [f.field for f in fm.match.fields] == ["in_port", "eth_dst"]
        assert fm.instructions[0].apply_actions.actions[0].output.port == 2
        assert not fm.HasField("buffer_id")
        assert not task.done()
        await conn.result(ev.CommandResult(correlation_id="unrelated", ok=OK))
        await conn.result(ev.CommandResult(correlation_id=command.correlation_id, ok=OK))
        await asyncio.wait_for(task, 5)


async def test_a_switch_error_raises_sdn_error_with_the_decoded_openflow_error(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address) as app:
        conn = await runtime.next_connection()
        task = asyncio.create_task(app.switch(1).group_mod(group_id=1))
        command = await conn.next_command()
        error = ev.CommandError(code=ev.CommandError.CODE_SWITCH_ERROR, message="switch refused", openflow=of.OpenFlowError(type=6, code=7, description="OFPET_GROUP_MOD_FAILED/OFPGMFC_BAD_TYPE"))
        await conn.result(ev.CommandResult(correlation_id=command.correlation_id, error=error))
        with pytest.raises(SdnError) as raised:
            await task
    assert raised.value.code is ErrorCode.SWITCH_ERROR
    assert raised.value.openflow is not None and (raised.value.openflow.type, raised.value.openflow.code) == (6, 7)
    assert "switch refused" in str(raised.value)


async def test_unknown_switch(runtime: FakeRuntime) -> None:
    # The default command timeout: the answer must win however slow the machine (with 0.3 s,
    # a round trip that took longer ended in UNAVAILABLE instead).
    async with await connect(runtime.address) as app:
        conn = await runtime.next_connection()
        task = asyncio.create_task(app.switch(99).barrier())
        command = await conn.next_command()
        assert command.WhichOneof("kind") == "barrier"
        await conn.result(ev.CommandResult(correlation_id=command.correlation_id, error=ev.CommandError(code=ev.CommandError.CODE_UNKNOWN_SWITCH)))
        with pytest.raises(SdnError) as unknown:
            await task
        assert unknown.value.code is ErrorCode.UNKNOWN_SWITCH


async def test_command_timeout(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address, command_timeout=0.3) as app:
        await runtime.next_connection()
        with pytest.raises(SdnError) as late:
            await app.switch(1).barrier()
        assert late.value.code is ErrorCode.UNAVAILABLE


async def test_send_methods_carry_no_correlation_id_and_keep_order(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address) as app:
        conn = await runtime.next_connection()
        s = app.switch(2)
        s.send_flow_mod(match=Match().in_port(1), actions=[actions.output(Port.FLOOD)], priority=1)
        s.send_packet_out(data=b"\xff" * 14, actions=[actions.output(3)], in_port=1)
        first, second = await conn.next_command(), await conn.next_command()
        assert (first.WhichOneof("kind"), first.correlation_id) == ("flow_mod", "")
        assert first.flow_mod.instructions[0].apply_actions.actions[0].output.port == Port.FLOOD
        assert (second.WhichOneof("kind"), second.correlation_id, second.packet_out.in_port) == ("packet_out", "", 1)
        assert second.packet_out.actions[0].output.port == 3


async def test_commands_of_one_turn_leave_in_one_command_batch_in_order(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address) as app:
        conn = await runtime.next_connection()
        s = app.switch(2)
        for port in (1, 2, 3):
            s.send_packet_out(data=b"\xff" * 14, actions=[actions.output(port)], in_port=9)
        ports = [(await conn.next_command()).packet_out.actions[0].output.port for _ in range(3)]
        assert ports == [1, 2, 3]
        assert conn.commands_per_message == [3]


async def test_stats_role_and_raw_replies_are_converted(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address) as app:
        conn = await runtime.next_connection()
        s = app.switch(3)

        flows = asyncio.create_task(s.stats.flow(table_id=0))
        command = await conn.next_command()
        assert command.stats.flow.table_id == 0 and not command.stats.flow.HasField("out_port")
        flow = st.FlowStats(table_id=0, priority=1, packet_count=12, match=of.Match(fields=[of.OxmField(field="in_port", value=of.OxmValue(uint=1))]),
                            instructions=[of.Instruction(apply_actions=of.ActionList(actions=[of.Action(output=of.OutputAction(port=2, max_len=0))]))])
        await conn.result(ev.CommandResult(correlation_id=command.correlation_id, stats=st.StatsReply(flow=st.FlowStatsList(stats=[flow]))))
        (got,) = await flows
        assert (got.priority, got.packet_count, got.match.get("in_port")) == (1, 12, 1)
        assert got.instructions[0] == instructions.apply_actions(actions.output(2, max_len=0))

        role = asyncio.create_task(s.role(ControllerRole.MASTER, generation_id=7))
        command = await conn.next_command()
        assert (command.role.role, command.role.generation_id) == (of.RoleRequest.ROLE_MASTER, 7)
        await conn.result(ev.CommandResult(correlation_id=command.correlation_id, role=ev.RoleReply(role=of.RoleRequest.ROLE_MASTER, generation_id=7)))
        assert (await role).role is ControllerRole.MASTER

        raw = asyncio.create_task(s.raw(b"\x04\x12\x00\x10" + bytes(12), expect_reply=True))
        command = await conn.next_command()
        assert command.expect_reply and command.raw.message[:2] == b"\x04\x12"
        await conn.result(ev.CommandResult(correlation_id=command.correlation_id, raw=ev.RawReply(messages=[b"a", b"b"])))
        assert await raw == [b"a", b"b"]
    # fmt: skip


async def test_switch_list_status_and_get(runtime: FakeRuntime) -> None:
    runtime.switch_list = [
        sw.SwitchInfo(dpid=1, dpid_hex="0000000000000001", remote="127.0.0.1:1234", role=sw.SWITCH_ROLE_MASTER),
        sw.SwitchInfo(dpid=2, role=sw.SWITCH_ROLE_SLAVE, master_node="node-b", generation=41),
        # A runtime older than mastership sends no role: it is the switch's only controller.
        sw.SwitchInfo(dpid=3),
    ]
    async with await connect(runtime.address) as app:
        info, slave, older = await app.switches()
        assert (info.dpid, info.remote) == (1, "127.0.0.1:1234")
        assert [(s.role, s.master_node, s.generation) for s in (info, slave, older)] == [
            (SwitchRole.MASTER, "", 0),
            (SwitchRole.SLAVE, "node-b", 41),
            (SwitchRole.MASTER, "", 0),
        ]
        assert (await app.status()).switches == 3
        assert (await app.switch(1).info()).dpid_hex == "0000000000000001"
        with pytest.raises(SdnError) as missing:
            await app.switch(9).info()
        assert missing.value.code is ErrorCode.NOT_FOUND


async def test_close_ends_events_and_refuses_commands(runtime: FakeRuntime) -> None:
    app = await connect(runtime.address)
    await runtime.next_connection()
    pending = asyncio.create_task(anext(app.events()))
    await app.close()
    with pytest.raises(StopAsyncIteration):
        await pending
    with pytest.raises(SdnError) as closed:
        app.switch(1).send_packet_out(data=b"x", actions=[])
    assert closed.value.code is ErrorCode.UNAVAILABLE
    await app.close()


async def test_one_consumer_at_a_time(runtime: FakeRuntime) -> None:
    async with await connect(runtime.address) as app:
        conn = await runtime.next_connection()
        await conn.send(packet_in(1, 1, b"a"))
        first = app.events()
        await anext(first)
        with pytest.raises(SdnError) as twice:
            await anext(app.events())
        assert twice.value.code is ErrorCode.INVALID
        await first.aclose()


async def test_an_app_answering_every_event_is_paced_by_the_stream(runtime: FakeRuntime) -> None:
    from sdn_runtime import _stream

    total = 3 * _stream._HIGH_WATER
    async with await connect(runtime.address, credit=total) as app:
        conn = await runtime.next_connection()
        for start in range(0, total, 256):
            await conn.send(*(packet_in(1, 1, b"f") for _ in range(min(256, total - start))))
        handled = 0
        async for event in app.events():
            assert isinstance(event, PacketIn)
            assert len(app._stream._out) < _stream._HIGH_WATER
            app.switch(1).send_packet_out(data=event.data, in_port=1, actions=[])
            handled += 1
            if handled == total:
                break
        for _ in range(total):
            assert (await conn.next_command()).packet_out.data == b"f"
