"""Packet library: each protocol built and parsed, checksums against fixed vectors,
and bad input refused with the layer and offset named."""

from __future__ import annotations

import struct

import pytest

from sdn_runtime.packet import (
    ARP_REQUEST,
    ETH_TYPE_QINQ,
    IPV4_FLAG_DF,
    LLDP_MAC_NEAREST_BRIDGE,
    LLDP_TLV_SYSTEM_NAME,
    TCP_ACK,
    TCP_SYN,
    Arp,
    Ethernet,
    Icmp,
    Icmpv6,
    Ipv4,
    Ipv6,
    Ipv6Extension,
    Lldp,
    LldpTlv,
    PacketError,
    Tcp,
    Udp,
    Vlan,
    build,
    echo_payload,
    internet_checksum,
    parse,
)

ETH = Ethernet(dst="02:00:00:00:00:02", src="02:00:00:00:00:01")


def test_internet_checksum_matches_the_textbook_ipv4_header() -> None:
    header = bytes.fromhex("450000730000400040110000c0a80001c0a800c7")
    assert internet_checksum(header) == 0xB861
    assert internet_checksum(header[:10] + b"\xb8\x61" + header[12:]) == 0
    assert internet_checksum(b"\x01") == 0xFEFF  # odd length: padded with a zero byte


def test_ipv4_header_built_like_the_textbook_one() -> None:
    ip = Ipv4(src="192.168.0.1", dst="192.168.0.199", proto=17, flags=IPV4_FLAG_DF)
    assert ip.encode(payload_len=0x73 - 20, proto=17) == bytes.fromhex("4500007300004000401 1b861c0a80001c0a800c7".replace(" ", ""))


def test_arp_round_trip() -> None:
    frame = build(ETH, Arp(op=ARP_REQUEST, sha="02:00:00:00:00:01", spa="10.0.0.1", tpa="10.0.0.2"))
    assert len(frame) == 14 + 28 and frame[12:14] == b"\x08\x06"
    p = parse(frame + bytes(18))  # Ethernet padding to 60 bytes is dropped
    assert p.arp == Arp(op=1, sha="02:00:00:00:00:01", spa="10.0.0.1", tha="00:00:00:00:00:00", tpa="10.0.0.2")
    assert p.payload == b""


def test_tcp_over_ipv4_with_options_and_checksums() -> None:
    frame = build(ETH, Ipv4(src="10.0.0.1", dst="10.0.0.2", ttl=9), Tcp(src_port=1, dst_port=80, seq=5, flags=TCP_SYN | TCP_ACK, options=b"\x02\x04\x05\xb4"), payload=b"GET")
    p = parse(frame, verify_checksums=True)
    assert p.ipv4 is not None and p.ipv4.proto == 6 and p.ipv4.ttl == 9
    assert p.tcp is not None and (p.tcp.dst_port, p.tcp.seq, p.tcp.flags, p.tcp.options) == (80, 5, TCP_SYN | TCP_ACK, b"\x02\x04\x05\xb4")
    assert p.payload == b"GET"
    corrupted = bytearray(frame)
    corrupted[-1] ^= 0xFF
    with pytest.raises(PacketError) as bad:
        parse(bytes(corrupted), verify_checksums=True)
    assert (bad.value.layer, bad.value.offset) == ("tcp", 34)
    assert parse(bytes(corrupted)).payload == b"GE\xab"  # not verified unless asked


def test_udp_over_ipv6_in_a_qinq_double_tag() -> None:
    outer = Ethernet(dst="33:33:00:00:00:fb", src="02:00:00:00:00:01", ethertype=ETH_TYPE_QINQ)
    frame = build(outer, Vlan(vid=100), Vlan(vid=10, pcp=5), Ipv6(src="fe80::1", dst="ff02::fb", flow_label=0xABCDE), Udp(src_port=5353, dst_port=5353), payload=b"mdns")
    assert frame[12:14] == b"\x88\xa8" and frame[16:18] == b"\x81\x00" and frame[20:22] == b"\x86\xdd"
    p = parse(frame, verify_checksums=True)
    assert [v.vid for v in p.vlans] == [100, 10] and p.vlans[1].pcp == 5
    assert p.ipv6 is not None and p.ipv6.flow_label == 0xABCDE
    assert p.udp is not None and p.payload == b"mdns"
    assert build(*p.layers, payload=p.payload) == frame


def test_icmp_echo_and_icmpv6_behind_extension_headers() -> None:
    ping = build(ETH, Ipv4(src="10.0.0.1", dst="10.0.0.2"), Icmp(type=8), payload=echo_payload(0x1234, 1, b"abc"))
    p = parse(ping, verify_checksums=True)
    assert p.icmp == Icmp(type=8, code=0, checksum=p.icmp.checksum if p.icmp else None)
    assert p.payload == b"\x12\x34\x00\x01abc"
    hop_by_hop = Ipv6Extension(0, bytes([0]) + bytes(6))
    ns = build(ETH, Ipv6(src="fe80::1", dst="ff02::1:ff00:2", hop_limit=255, extensions=(hop_by_hop,)), Icmpv6(type=135), payload=bytes(20))
    q = parse(ns, verify_checksums=True)
    assert q.ipv6 is not None and q.ipv6.next_header == 0 and q.ipv6.extensions == (hop_by_hop,)
    assert q.icmpv6 is not None and q.icmpv6.type == 135
    assert build(*q.layers, payload=q.payload) == ns


def test_lldp_round_trip_with_optional_tlvs() -> None:
    lldp = Lldp(chassis_id_subtype=7, chassis_id=b"dpid:0000000000000001", port_id_subtype=2, port_id=struct.pack("!I", 3), ttl=120, tlvs=(LldpTlv(LLDP_TLV_SYSTEM_NAME, b"s1"),))
    frame = build(Ethernet(dst=LLDP_MAC_NEAREST_BRIDGE, src="02:00:00:00:00:01"), lldp)
    p = parse(frame)
    assert p.lldp == lldp and p.lldp.tlv(LLDP_TLV_SYSTEM_NAME) == b"s1"
    assert p.eth.is_multicast and not p.eth.is_broadcast


def test_truncated_packet_ins_parse_only_when_allowed() -> None:
    frame = build(ETH, Ipv4(src="10.0.0.1", dst="10.0.0.2"), Udp(src_port=1, dst_port=2), payload=bytes(200))
    cut = frame[:128]
    with pytest.raises(PacketError) as refused:
        parse(cut)
    assert (refused.value.layer, refused.value.offset) == ("ipv4", 14)
    p = parse(cut, allow_truncated=True, verify_checksums=True)
    assert p.udp is not None and len(p.payload) == 128 - 42


@pytest.mark.parametrize(
    ("frame", "layer", "offset", "message"),
    [
        (bytes(13), "ethernet", 0, "truncated: needs 14 bytes, 13 left"),
        (ETH.encode(0x0800) + bytes.fromhex("55"), "ipv4", 14, "truncated"),
        (ETH.encode(0x0800) + bytes.fromhex("6500001400000000401100000a0000010a000002"), "ipv4", 14, "version is 6, not 4"),
        (ETH.encode(0x0800) + bytes.fromhex("4400001400000000401100000a0000010a000002"), "ipv4", 14, "ihl 4 is below 5"),
        (ETH.encode(0x0800) + bytes.fromhex("4500001000000000401100000a0000010a000002"), "ipv4", 14, "total_length 16 is below"),
        (ETH.encode(0x0806) + bytes.fromhex("00060800060400010200000000010a000001000000000000 0a000002".replace(" ", "")), "arp", 14, "only Ethernet/IPv4 ARP"),
        (ETH.encode(0x88CC) + bytes.fromhex("0000"), "lldp", 14, "TLV 1 must be type 1"),
        (ETH.encode(0x88CC) + bytes.fromhex("0207"), "lldp", 16, "truncated"),
    ],
)
def test_bad_frames_name_layer_and_offset(frame: bytes, layer: str, offset: int, message: str) -> None:
    with pytest.raises(PacketError) as raised:
        parse(frame)
    assert (raised.value.layer, raised.value.offset) == (layer, offset)
    assert message in raised.value.message


def test_udp_length_must_fit_the_ip_payload() -> None:
    frame = bytearray(build(ETH, Ipv4(src="10.0.0.1", dst="10.0.0.2"), Udp(src_port=1, dst_port=2), payload=b"abcd"))
    frame[38:40] = struct.pack("!H", 40)
    with pytest.raises(PacketError) as raised:
        parse(bytes(frame))
    assert (raised.value.layer, raised.value.offset) == ("udp", 34)


@pytest.mark.parametrize(
    ("build_it", "message"),
    [
        (lambda: build(Ipv4(src="10.0.0.1", dst="10.0.0.2")), "the first layer must be Ethernet"),
        (lambda: build(ETH, Tcp(src_port=1, dst_port=2)), "Tcp cannot follow Ethernet/VLAN"),
        (lambda: build(ETH, Ipv6(src="::1", dst="::2"), Icmp(type=8)), "Icmp cannot follow Ipv6"),
        (lambda: build(ETH, Arp(op=1, sha="02:00:00:00:00:01", spa="10.0.0.1"), payload=b"x"), "Arp carries no payload"),
        (lambda: build(ETH, payload=b"x"), "ethertype is needed"),
        (lambda: build(Ethernet(dst="02:00:00:00:00:02", src="02:00:00:00:00:01", ethertype=0x0800), Arp(op=1, sha="02:00:00:00:00:01", spa="10.0.0.1")), "contradicts the next layer"),
        (lambda: build(ETH, Ipv4(src="10.0.0.1", dst="10.0.0.2")), "proto is needed"),
        (lambda: Ipv4(src="10.0.0.1", dst="10.0.0.2", options=b"\x01"), "options must be a multiple of 4"),
        (lambda: Ethernet(dst="zz", src="02:00:00:00:00:01"), "dst must be a MAC address"),
        (lambda: Ipv6Extension(0, b"\x01" + bytes(6)), "length byte 01"),
        (lambda: Tcp(src_port=70000, dst_port=1), "src_port 70000 is out of range"),
        (lambda: LldpTlv(1, b"x"), "one of the fields of Lldp"),
    ],
)
def test_bad_layers_are_refused(build_it: object, message: str) -> None:
    with pytest.raises(PacketError) as raised:
        build_it()  # type: ignore[operator]
    assert message in raised.value.message
