"""The SDK against a real runtime process and a fake OpenFlow switch: switch
lifecycle, packet-ins, commands reaching the switch, errors from it, stats,
the Switches service, packet-in filters.

Needs the runtime's gRPC API (the `grpc` key in its "serving" log line)."""

from __future__ import annotations

import pytest

from sdn_runtime import (
    ErrorCode,
    EventKind,
    Match,
    PacketIn,
    PacketInFilter,
    Port,
    SdnError,
    Subscription,
    SwitchDown,
    SwitchUp,
    actions,
    connect,
    packet,
)
from sdn_runtime.packet import Arp, Ethernet, Ipv4, Udp
from tests.conftest import next_of
from tests.fake_switch import (
    OFPT_BARRIER_REQUEST,
    OFPT_FLOW_MOD,
    OFPT_GROUP_MOD,
    OFPT_PACKET_OUT,
    FakeSwitch,
    parse_flow_mod,
    parse_packet_out,
)
from tests.runtime_process import RuntimeProcess

DPID = 0x00000000000ABC01
UDP_FRAME = packet.build(Ethernet(dst="02:00:00:00:00:02", src="02:00:00:00:00:01"), Ipv4(src="10.0.0.1", dst="10.0.0.2"), Udp(src_port=9, dst_port=9), payload=b"data")
ARP_FRAME = packet.build(Ethernet(dst="ff:ff:ff:ff:ff:ff", src="02:00:00:00:00:01"), Arp(op=1, sha="02:00:00:00:00:01", spa="10.0.0.1", tpa="10.0.0.2"))


async def test_switch_lifecycle_packet_in_and_commands(real_runtime: RuntimeProcess) -> None:
    switch = FakeSwitch(dpid=DPID)
    async with await connect(real_runtime.grpc_target, name="sdk-python-it") as app:
        events = app.events()
        await switch.connect(real_runtime.openflow_port)
        up = await next_of(events, SwitchUp)
        assert up.dpid == DPID and up.switch.dpid_hex == f"{DPID:016x}" and up.seq > 0
        assert sorted(p.port_no for p in up.switch.ports) == [1, 2]
        assert up.switch.desc.hw_desc == "python fake switch"

        switch.packet_in(2, UDP_FRAME)
        pin = await next_of(events, PacketIn)
        assert (pin.dpid, pin.in_port, pin.data, pin.match.get("in_port")) == (DPID, 2, UDP_FRAME, 2)
        parsed = packet.parse(pin.data, verify_checksums=True)
        assert parsed.udp is not None and parsed.payload == b"data"

        sw = app.switch(DPID)
        await sw.flow_mod(match=Match().in_port(2).eth_dst("02:00:00:00:00:02"), actions=[actions.output(1)], priority=7, idle_timeout=11, confirm=True)
        flow = parse_flow_mod(await switch.wait_for(OFPT_FLOW_MOD))
        assert (flow.priority, flow.idle_timeout, flow.output_ports) == (7, 11, [1])
        assert flow.match[0] == (2).to_bytes(4, "big") and flow.match[3] == bytes.fromhex("020000000002")
        await switch.wait_for(OFPT_BARRIER_REQUEST)

        sw.send_packet_out(data=UDP_FRAME, actions=[actions.output(Port.FLOOD)], in_port=2)
        out = parse_packet_out(await switch.wait_for(OFPT_PACKET_OUT))
        assert (out.in_port, out.output_ports, out.data) == (2, [Port.FLOOD], UDP_FRAME)

        assert await sw.stats.flow() == []
        assert [s.dpid for s in await app.switches()] == [DPID]
        assert (await sw.info()).n_tables == 254

        await switch.close()
        down = await next_of(events, SwitchDown)
        assert down.dpid == DPID and down.seq > up.seq
        await events.aclose()


async def test_an_app_that_starts_late_gets_the_connected_switches_as_a_snapshot_then_live_ones(real_runtime: RuntimeProcess) -> None:
    early = [FakeSwitch(dpid=DPID + 1), FakeSwitch(dpid=DPID + 2)]
    later = FakeSwitch(dpid=DPID + 3)
    async with await connect(real_runtime.grpc_target, name="sdk-python-watcher", subscribe=Subscription(kinds=[EventKind.SWITCH_UP])) as watcher:
        watched = watcher.events()
        for s in early:
            await s.connect(real_runtime.openflow_port)
            assert (await next_of(watched, SwitchUp)).dpid == s.dpid
        await watched.aclose()
    try:
        async with await connect(real_runtime.grpc_target, name="sdk-python-late", subscribe=Subscription(kinds=[EventKind.SWITCH_UP])) as app:
            events = app.events()
            first, second = await next_of(events, SwitchUp), await next_of(events, SwitchUp)
            assert [(e.dpid, e.snapshot) for e in (first, second)] == [(DPID + 1, True), (DPID + 2, True)]
            assert 0 < first.seq < second.seq <= (app.last_seq or 0)
            assert sorted(p.port_no for p in first.switch.ports) == [1, 2]
            await later.connect(real_runtime.openflow_port)
            live = await next_of(events, SwitchUp)
            assert (live.dpid, live.snapshot) == (DPID + 3, False)
            await events.aclose()
    finally:
        for s in [*early, later]:
            await s.close()


async def test_errors_from_the_switch_and_for_unknown_switches(real_runtime: RuntimeProcess) -> None:
    switch = FakeSwitch(dpid=DPID, refuse=frozenset({OFPT_GROUP_MOD}))
    async with await connect(real_runtime.grpc_target) as app:
        events = app.events()
        await switch.connect(real_runtime.openflow_port)
        await next_of(events, SwitchUp)
        with pytest.raises(SdnError) as refused:
            await app.switch(DPID).group_mod(group_id=1, buckets=[], confirm=True)
        assert refused.value.code is ErrorCode.SWITCH_ERROR
        assert refused.value.openflow is not None and (refused.value.openflow.type, refused.value.openflow.code) == (1, 1)
        with pytest.raises(SdnError) as unknown:
            await app.switch(0xDEAD).barrier()
        assert unknown.value.code is ErrorCode.UNKNOWN_SWITCH
        await events.aclose()
        await switch.close()


async def test_packet_in_filter_by_ethertype(real_runtime: RuntimeProcess) -> None:
    subscription = Subscription(kinds=[EventKind.PACKET_IN], packet_in=PacketInFilter(eth_types=[0x0806]))
    switch = FakeSwitch(dpid=DPID)
    async with await connect(real_runtime.grpc_target, subscribe=subscription) as app:
        async with await connect(real_runtime.grpc_target, subscribe=Subscription(kinds=[EventKind.SWITCH_UP])) as watcher:
            await switch.connect(real_runtime.openflow_port)
            await next_of(watcher.events(), SwitchUp)
        switch.packet_in(1, UDP_FRAME)
        switch.packet_in(1, ARP_FRAME)
        first = await next_of(app.events(), PacketIn)
        assert first.data == ARP_FRAME
        await switch.close()
