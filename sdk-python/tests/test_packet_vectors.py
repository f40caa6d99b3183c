"""The packet library against frames Ryu captured and decoded (shared vectors):
real checksums computed by real stacks, and Ryu's reading of each field."""

from __future__ import annotations

import base64
from dataclasses import replace

from sdn_runtime.packet import Arp, Ethernet, Icmp, Ipv4, build, parse
from tests.vectors import ryu_of13

#: OFPT_PACKET_OUT: header 8, buffer_id 4, in_port 4, actions_len 2, pad 6, then actions.
PACKET_OUT_ACTIONS_AT = 24


def test_icmp_echo_frame_parses_as_ryu_reads_it_and_rebuilds_byte_for_byte() -> None:
    wire, decoded = ryu_of13("libofproto-OFP13-ofp_packet_out_packet_library")
    actions_len = int.from_bytes(wire[16:18], "big")
    frame = wire[PACKET_OUT_ACTIONS_AT + actions_len :]
    ryu = {next(iter(p)): next(iter(p.values())) for p in decoded["OFPPacketOut"]["data"]["Packet"]["protocols"]}

    p = parse(frame, verify_checksums=True)
    assert p.eth == Ethernet(dst=ryu["ethernet"]["dst"], src=ryu["ethernet"]["src"], ethertype=ryu["ethernet"]["ethertype"])
    ip, icmp = p.ipv4, p.icmp
    assert isinstance(ip, Ipv4) and isinstance(icmp, Icmp)
    r = ryu["ipv4"]
    assert (ip.src, ip.dst, ip.proto, ip.ttl, ip.identification, ip.checksum) == (r["src"], r["dst"], r["proto"], r["ttl"], r["identification"], r["csum"])
    assert (icmp.type, icmp.code, icmp.checksum) == (ryu["icmp"]["type"], ryu["icmp"]["code"], ryu["icmp"]["csum"])
    echo = ryu["icmp"]["data"]["echo"]
    assert p.payload[:4] == echo["id"].to_bytes(2, "big") + echo["seq"].to_bytes(2, "big")
    assert p.payload[4:] == base64.b64decode(echo["data"])

    recomputed = build(p.eth, replace(ip, checksum=None), Icmp(type=icmp.type, code=icmp.code), payload=p.payload)
    assert recomputed == frame


def test_arp_request_frame_from_a_packet_in() -> None:
    _, decoded = ryu_of13("4-4-ofp_packet_in")
    frame = base64.b64decode(decoded["OFPPacketIn"]["data"])
    p = parse(frame)
    assert p.eth.is_broadcast
    assert p.arp == Arp(op=1, sha="f2:0b:a4:7d:f8:ea", spa="10.0.0.1", tha="00:00:00:00:00:00", tpa="10.0.0.3")
    assert build(*p.layers) == frame

