"""The learning-switch example against a real runtime and a fake OpenFlow switch:
table-miss flow on switch up, flood for an unknown destination, flow + packet-out
for a known one. (The Open vSwitch proof with real hosts is wired separately.)"""

from __future__ import annotations

import asyncio

from sdn_runtime import App, EventKind, Port, Subscription, SwitchUp, connect, packet
from sdn_runtime.packet import Ethernet, Ipv4, Udp
from tests.conftest import next_of
from tests.examples import load
from tests.fake_switch import OFPT_FLOW_MOD, OFPT_PACKET_OUT, FakeSwitch, parse_flow_mod, parse_packet_out
from tests.runtime_process import RuntimeProcess

learning_switch = load("learning-switch-py", "learning_switch")
A, B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"


def frame(src: str, dst: str) -> bytes:
    return packet.build(Ethernet(dst=dst, src=src), Ipv4(src="10.0.0.1", dst="10.0.0.2"), Udp(src_port=1, dst_port=2), payload=b"hi")


async def test_learning_switch_drives_a_switch_through_the_runtime(real_runtime: RuntimeProcess) -> None:
    ready: asyncio.Future[App] = asyncio.get_running_loop().create_future()
    app_task = asyncio.create_task(learning_switch.run(real_runtime.grpc_target, idle_timeout=20, on_ready=ready.set_result))
    switch = FakeSwitch(dpid=0x51)
    try:
        await asyncio.wait_for(ready, 10)
        await switch.connect(real_runtime.openflow_port)

        miss = parse_flow_mod(await switch.wait_for(OFPT_FLOW_MOD))
        assert (miss.priority, miss.match, miss.output_ports) == (0, {}, [Port.CONTROLLER])

        switch.packet_in(1, frame(A, B))
        flood = parse_packet_out(await switch.wait_for(OFPT_PACKET_OUT))
        assert (flood.in_port, flood.output_ports, flood.data) == (1, [Port.FLOOD], frame(A, B))

        switch.packet_in(2, frame(B, A))
        learned = parse_flow_mod(await switch.wait_for(OFPT_FLOW_MOD))
        assert (learned.priority, learned.idle_timeout, learned.output_ports) == (1, 20, [1])
        assert learned.match == {0: (2).to_bytes(4, "big"), 3: bytes.fromhex(A.replace(":", "")), 4: bytes.fromhex(B.replace(":", ""))}
        sent = parse_packet_out(await switch.wait_for(OFPT_PACKET_OUT))
        assert (sent.in_port, sent.output_ports, sent.data) == (2, [1], frame(B, A))
    finally:
        app_task.cancel()
        await asyncio.gather(app_task, return_exceptions=True)
        await switch.close()


async def test_learning_switch_configures_a_switch_connected_before_it_started(real_runtime: RuntimeProcess) -> None:
    early = FakeSwitch(dpid=0x52)
    await early.connect(real_runtime.openflow_port)
    async with await connect(real_runtime.grpc_target, name="watcher", subscribe=Subscription(kinds=[EventKind.SWITCH_UP])) as watcher:
        watched = watcher.events()
        assert (await next_of(watched, SwitchUp)).dpid == 0x52, "the runtime has the switch before the app starts"
        await watched.aclose()
    app_task = asyncio.create_task(learning_switch.run(real_runtime.grpc_target))
    try:
        miss = parse_flow_mod(await early.wait_for(OFPT_FLOW_MOD))
        assert (miss.priority, miss.match, miss.output_ports) == (0, {}, [Port.CONTROLLER])
    finally:
        app_task.cancel()
        await asyncio.gather(app_task, return_exceptions=True)
        await early.close()
