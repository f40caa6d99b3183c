"""The examples run against the fake runtime: the learning switch's commands for a
scripted conversation, the pubsub and KV demos end to end."""

from __future__ import annotations

import asyncio

from sdn_runtime import App, ControllerMaxLen, Port, packet
from sdn_runtime._proto import events_pb2 as ev
from sdn_runtime._proto import openflow_pb2 as of
from sdn_runtime._proto import switches_pb2 as sw
from sdn_runtime.packet import Ethernet, Ipv4, Udp
from tests.conftest import packet_in
from tests.examples import load
from tests.fake_runtime import FakeRuntime

learning_switch = load("learning-switch-py", "learning_switch")
pubsub_demo = load("pubsub-py", "pubsub_demo")
kv_demo = load("kv-py", "kv_demo")

A, B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
DPID = 0x1


def frame(src: str, dst: str) -> bytes:
    return packet.build(Ethernet(dst=dst, src=src), Ipv4(src="10.0.0.1", dst="10.0.0.2"), Udp(src_port=1, dst_port=2), payload=b"x")


async def test_learning_switch_floods_unknown_then_installs_flows_for_known(runtime: FakeRuntime) -> None:
    ready: asyncio.Future[App] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(learning_switch.run(runtime.address, idle_timeout=30, on_ready=ready.set_result))
    try:
        await asyncio.wait_for(ready, 5)
        conn = await runtime.next_connection()
        assert set(conn.subscribe.kinds) == {ev.EVENT_KIND_SWITCH_UP, ev.EVENT_KIND_SWITCH_DOWN, ev.EVENT_KIND_PACKET_IN}

        await conn.send(ev.Event(seq=1, dpid=DPID, switch_up=ev.SwitchUp(switch=sw.SwitchInfo(dpid=DPID))))
        miss = await conn.next_command()
        assert miss.confirm and miss.correlation_id and miss.flow_mod.priority == 0 and not miss.flow_mod.match.fields
        output = miss.flow_mod.instructions[0].apply_actions.actions[0].output
        assert (output.port, output.max_len) == (Port.CONTROLLER, ControllerMaxLen.NO_BUFFER)
        await conn.result(ev.CommandResult(correlation_id=miss.correlation_id, ok=of.Nothing()))

        await conn.send(packet_in(DPID, 1, frame(A, B)))
        flood = await conn.next_command()
        assert flood.WhichOneof("kind") == "packet_out"
        assert (flood.packet_out.in_port, flood.packet_out.actions[0].output.port) == (1, Port.FLOOD)
        assert flood.packet_out.data == frame(A, B)

        await conn.send(packet_in(DPID, 2, frame(B, A)))
        flow, out = await conn.next_command(), await conn.next_command()
        fm = flow.flow_mod
        assert [(f.field, f.value.WhichOneof("kind")) for f in fm.match.fields] == [("in_port", "uint"), ("eth_dst", "text"), ("eth_src", "text")]
        assert (fm.match.fields[0].value.uint, fm.match.fields[1].value.text, fm.match.fields[2].value.text) == (2, A, B)
        assert (fm.priority, fm.idle_timeout, fm.instructions[0].apply_actions.actions[0].output.port) == (1, 30, 1)
        assert not fm.HasField("buffer_id")
        assert (out.packet_out.in_port, out.packet_out.actions[0].output.port, out.packet_out.data) == (2, 1, frame(B, A))

        # A buffered packet-in: the flow-mod carries the buffer and releases the packet itself.
        await conn.send(packet_in(DPID, 1, frame(A, B), buffer_id=77))
        buffered = await conn.next_command()
        assert buffered.flow_mod.buffer_id == 77 and buffered.flow_mod.match.fields[0].value.uint == 1
        # LLDP is ignored; the next command seen is for the frame after it.
        lldp = packet.build(Ethernet(dst=packet.LLDP_MAC_NEAREST_BRIDGE, src=A), packet.Lldp(chassis_id_subtype=7, chassis_id=b"c", port_id_subtype=2, port_id=b"p", ttl=1))
        await conn.send(packet_in(DPID, 1, lldp), packet_in(DPID, 3, frame("02:00:00:00:00:0c", "ff:ff:ff:ff:ff:ff")))
        broadcast = await conn.next_command()
        assert broadcast.packet_out.in_port == 3 and broadcast.packet_out.actions[0].output.port == Port.FLOOD
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_learning_switch_installs_the_table_miss_flow_on_switches_connected_before_it(runtime: FakeRuntime) -> None:
    ready: asyncio.Future[App] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(learning_switch.run(runtime.address, on_ready=ready.set_result))
    try:
        conn = await runtime.next_connection()
        await asyncio.wait_for(ready, 5)
        # The runtime's snapshot: switches connected before the app subscribed.
        await conn.send(*(ev.Event(seq=dpid, dpid=dpid, switch_up=ev.SwitchUp(switch=sw.SwitchInfo(dpid=dpid), snapshot=True)) for dpid in (7, 9)))
        for dpid in (7, 9):
            miss = await conn.next_command()
            assert (miss.dpid, miss.confirm, miss.flow_mod.priority, len(miss.flow_mod.match.fields)) == (dpid, True, 0, 0)
            assert miss.flow_mod.instructions[0].apply_actions.actions[0].output.port == Port.CONTROLLER
            await conn.result(ev.CommandResult(correlation_id=miss.correlation_id, ok=of.Nothing()))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_cancelling_the_learning_switch_while_a_confirmed_flow_mod_is_answered_ends_it(runtime: FakeRuntime) -> None:
    for _ in range(3):
        ready: asyncio.Future[App] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(learning_switch.run(runtime.address, on_ready=ready.set_result))
        conn = await runtime.next_connection()
        await asyncio.wait_for(ready, 5)
        await conn.send(*(ev.Event(seq=dpid, dpid=dpid, switch_up=ev.SwitchUp(switch=sw.SwitchInfo(dpid=dpid), snapshot=True)) for dpid in (7, 9)))
        miss = await conn.next_command()
        # The cancel lands while the result is on its way: the app awaits it.
        await conn.result(ev.CommandResult(correlation_id=miss.correlation_id, ok=of.Nothing()))
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=5)
        assert done, "the cancelled app carried on: a cancellation was swallowed"
        assert task.cancelled()


async def test_pubsub_demo_delivers_what_it_publishes(runtime: FakeRuntime) -> None:
    ready: asyncio.Future[App] = asyncio.get_running_loop().create_future()
    receiving = asyncio.create_task(pubsub_demo.subscribe(runtime.address, ["demo.>"], 2, on_ready=ready.set_result))
    await asyncio.wait_for(ready, 5)
    assert await pubsub_demo.publish(runtime.address, "demo.greetings", ["hello", "world"]) == 2
    received = await asyncio.wait_for(receiving, 5)
    assert [(m.subject, m.payload, m.headers["seq"]) for m in received] == [("demo.greetings", b"hello", "0"), ("demo.greetings", b"world", "1")]


async def test_kv_demo_counts_every_increment_despite_conflicts(runtime: FakeRuntime) -> None:
    assert await asyncio.wait_for(kv_demo.run(runtime.address, prefix="t/", increments=6), 10) == 6
    counter = runtime.kv.data[b"t/counter"]
    assert (counter.value, counter.version) == (b"6", 6)
