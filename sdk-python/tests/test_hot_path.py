"""The event and command hot paths' shortcuts give the same values as the checked,
general code: constructors that skip __init__, the packet-in match cache, the
output action cache."""

from __future__ import annotations

from sdn_runtime import Match, Port, actions
from sdn_runtime import _from_proto
from sdn_runtime._proto import events_pb2 as ev
from sdn_runtime._proto import openflow_pb2 as of
from sdn_runtime._unchecked import constructor
from sdn_runtime.constants import ControllerMaxLen
from sdn_runtime.events import PacketIn
from sdn_runtime.match import OxmField
from sdn_runtime.packet import Ethernet


def test_an_unchecked_constructor_makes_what_the_dataclass_makes() -> None:
    match = Match().in_port(3)
    made = constructor(PacketIn)(1, 3, b"\x01", 7, 64, 0, 1, 2, match, 0, 99)
    assert made == PacketIn(dpid=1, in_port=3, data=b"\x01", buffer_id=7, total_len=64, reason=0, table_id=1, cookie=2, match=match, seq=0, time_ms=99)
    assert type(made) is PacketIn and hash(made) == hash(PacketIn(dpid=1, in_port=3, data=b"\x01", buffer_id=7, total_len=64, reason=0, table_id=1, cookie=2, match=match, seq=0, time_ms=99))
    assert constructor(OxmField)("eth_dst", "02:00:00:00:00:01", None, 0, 0, False, b"") == OxmField("eth_dst", "02:00:00:00:00:01")


def test_ethernet_decode_gives_the_checked_header() -> None:
    frame = bytes.fromhex("0200000000010a0b0c0d0e0f88cc") + bytes(50)
    eth, at = Ethernet.decode(frame, 0)
    assert (eth, at) == (Ethernet(dst="02:00:00:00:00:01", src="0a:0b:0c:0d:0e:0f", ethertype=0x88CC), 14)


def test_the_match_builder_gives_the_same_fields_as_before() -> None:
    m = Match().in_port(3).eth_dst("02:00:00:00:00:0A").eth_type(0x0800).ip_proto(6).tcp_dst(80)
    assert m.fields == (
        OxmField("in_port", 3),
        OxmField("eth_dst", "02:00:00:00:00:0a"),
        OxmField("eth_type", 0x0800),
        OxmField("ip_proto", 6),
        OxmField("tcp_dst", 80),
    )
    assert Match().ipv4_dst("10.0.0.1").fields == (OxmField("eth_type", 0x0800), OxmField("ipv4_dst", "10.0.0.1"))


def test_packet_in_matches_are_converted_once_per_distinct_match() -> None:
    def event(port: int) -> ev.Event:
        m = of.Match(fields=[of.OxmField(field="in_port", value=of.OxmValue(uint=port))])
        return ev.Event(dpid=1, packet_in=of.PacketIn(match=m, data=b"x", in_port=port))

    a, b, c = (_from_proto.event(event(p)) for p in (4, 4, 5))
    assert isinstance(a, PacketIn) and isinstance(b, PacketIn) and isinstance(c, PacketIn)
    assert a.match is b.match
    assert a.match == Match().in_port(4) and c.match == Match().in_port(5)


def test_output_actions_are_shared_and_keep_the_argument_types() -> None:
    assert actions.output(2) is actions.output(2)
    flood = actions.output(Port.FLOOD)
    assert flood == actions.output(int(Port.FLOOD)) and type(flood.port) is Port
    assert type(actions.output(int(Port.FLOOD)).port) is int
    assert actions.output(Port.CONTROLLER, ControllerMaxLen.NO_BUFFER).max_len == ControllerMaxLen.NO_BUFFER


def test_checked_macs_and_integers_stay_checked_after_the_fast_paths() -> None:
    from sdn_runtime import SdnError
    from sdn_runtime._values import mac, uint

    assert mac("m", "02:00:00:00:00:AA") == "02:00:00:00:00:aa"
    assert mac("m", "02:00:00:00:00:AA") == "02:00:00:00:00:aa"
    for bad in ("02:00:00:00:00", "zz:00:00:00:00:00", 5):
        try:
            mac("m", bad)
        except SdnError:
            continue
        raise AssertionError(f"{bad!r} was accepted")
    assert uint("u", 255, 8) == 255
    for bad_int in (256, -1, True, 1.0):
        try:
            uint("u", bad_int, 8)
        except SdnError:
            continue
        raise AssertionError(f"{bad_int!r} was accepted")
    assert uint("u", Port.FLOOD, 32) is Port.FLOOD
