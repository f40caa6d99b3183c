"""Properties of the packet library over generated frames: build -> parse gives the
layers back with valid checksums; parse -> build gives the bytes back; any byte
string parses or raises PacketError, nothing else."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from sdn_runtime.packet import Arp, Ethernet, Icmp, Icmpv6, Ipv4, Ipv6, Layer, PacketError, Tcp, Udp, Vlan, build, parse

macs = st.binary(min_size=6, max_size=6).map(lambda b: b.hex(":"))
ipv4s = st.binary(min_size=4, max_size=4).map(lambda b: ".".join(str(x) for x in b))
ipv6s = st.binary(min_size=16, max_size=16).map(lambda b: ipaddress.IPv6Address(b).compressed)
u16 = st.integers(0, 0xFFFF)
ethernet = st.builds(Ethernet, dst=macs, src=macs)
vlans = st.lists(st.builds(Vlan, vid=st.integers(0, 4095), pcp=st.integers(0, 7), dei=st.integers(0, 1)), max_size=2)
payloads = st.binary(max_size=64)


@st.composite
def ip_stacks(draw: st.DrawFn) -> tuple[Layer, ...]:
    if draw(st.booleans()):
        ip: Layer = draw(st.builds(Ipv4, src=ipv4s, dst=ipv4s, ttl=st.integers(0, 255), dscp=st.integers(0, 63), identification=u16,
                                   options=st.sampled_from([b"", b"\x01\x01\x01\x00"])))
        transport: Layer = draw(st.one_of(
            st.builds(Tcp, src_port=u16, dst_port=u16, seq=st.integers(0, 2**32 - 1), flags=st.integers(0, 511)),
            st.builds(Udp, src_port=u16, dst_port=u16), st.builds(Icmp, type=st.integers(0, 255), code=st.integers(0, 255))))
    else:
        ip = draw(st.builds(Ipv6, src=ipv6s, dst=ipv6s, flow_label=st.integers(0, 0xFFFFF), traffic_class=st.integers(0, 255)))
        transport = draw(st.one_of(st.builds(Tcp, src_port=u16, dst_port=u16), st.builds(Udp, src_port=u16, dst_port=u16),
                                   st.builds(Icmpv6, type=st.integers(0, 255))))
    return ip, transport
    # fmt: skip


frames = st.tuples(ethernet, vlans, st.one_of(ip_stacks(), st.builds(Arp, op=u16, sha=macs, spa=ipv4s, tha=macs, tpa=ipv4s).map(lambda a: (a,))), payloads)


@settings(max_examples=300, deadline=None)
@given(frames)
def test_build_then_parse_gives_the_layers_back(frame: tuple[Ethernet, list[Vlan], tuple[Layer, ...], bytes]) -> None:
    eth, tags, inner, payload = frame
    if isinstance(inner[0], Arp):
        payload = b""
    wire = build(eth, *tags, *inner, payload=payload)
    parsed = parse(wire, verify_checksums=True)
    assert parsed.payload == payload
    assert [_without_derived(x) for x in parsed.layers] == [_without_derived(x) for x in (eth, *tags, *inner)]
    assert build(*parsed.layers, payload=parsed.payload) == wire


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=120))
def test_any_bytes_parse_or_raise_packet_error(data: bytes) -> None:
    try:
        parse(data, verify_checksums=True)
    except PacketError:
        pass


@settings(max_examples=300, deadline=None)
@given(frames, st.integers(0, 200))
def test_any_cut_of_a_valid_frame_parses_when_truncation_is_allowed_or_raises_packet_error(
    frame: tuple[Ethernet, list[Vlan], tuple[Layer, ...], bytes], cut: int
) -> None:
    eth, tags, inner, payload = frame
    wire = build(eth, *tags, *inner, payload=b"" if isinstance(inner[0], Arp) else payload)
    try:
        parse(wire[:cut], allow_truncated=True, verify_checksums=True)
    except PacketError as e:
        assert e.offset is not None and 0 <= e.offset <= len(wire)


def _without_derived(layer: Layer) -> Layer:
    """The layer with the fields `build` derives (type fields, checksums) cleared."""
    derived = {"ethertype", "proto", "next_header", "checksum"}
    return replace(layer, **{name: None for name in derived if name in layer.__dataclass_fields__})  # type: ignore[arg-type]
