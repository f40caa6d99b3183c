"""`parse`: bytes -> Packet, checking every length against the bytes present."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._fields import internet_checksum
from ._packet import Packet
from .arp import Arp
from .errors import PacketError
from .ethernet import ETH_TYPE_ARP, ETH_TYPE_IPV4, ETH_TYPE_IPV6, ETH_TYPE_LLDP, ETH_TYPE_QINQ, ETH_TYPE_VLAN, Ethernet, Vlan
from .ip import IP_PROTO_ICMP, IP_PROTO_ICMPV6, IP_PROTO_TCP, IP_PROTO_UDP, IPV6_LEN, Ipv4, Ipv6
from .lldp import Lldp
from .transport import Icmp, Icmpv6, Tcp, Udp

#: Builds the IP pseudo-header for an upper-layer length.
_Pseudo = Callable[[int], bytes]


def parse(data: bytes, *, allow_truncated: bool = False, verify_checksums: bool = False) -> Packet:
    """Parses an Ethernet frame. Raises PacketError (layer, offset, reason) when a
    header is cut short or its fields contradict each other.

    `allow_truncated`: accept IP/UDP lengths that run past the data (a PACKET_IN cut
    to miss_send_len; compare `total_len` with `len(data)`); the payload is what is
    there. `verify_checksums`: check the IPv4 header checksum and the TCP, UDP,
    ICMP and ICMPv6 checksums of complete packets."""
    data = bytes(data)
    eth, at = Ethernet.decode(data, 0)
    ethertype = eth.ethertype or 0
    vlans: list[Vlan] = []
    while ethertype in (ETH_TYPE_VLAN, ETH_TYPE_QINQ):
        vlan, at = Vlan.decode(data, at)
        vlans.append(vlan)
        ethertype = vlan.ethertype or 0
    parts: dict[str, Any] = {"eth": eth, "vlans": tuple(vlans)}
    if ethertype == ETH_TYPE_ARP:
        parts["arp"] = Arp.decode(data, at)[0]
    elif ethertype == ETH_TYPE_LLDP:
        parts["lldp"] = Lldp.decode(data, at)[0]
    elif ethertype == ETH_TYPE_IPV4:
        _ipv4(parts, data, at, allow_truncated, verify_checksums)
    elif ethertype == ETH_TYPE_IPV6:
        _ipv6(parts, data, at, allow_truncated, verify_checksums)
    else:
        # An 802.3 length (below 0x0600) or a protocol this library does not parse.
        parts["payload"] = data[at:]
    return Packet(**parts)


def _ipv4(parts: dict[str, Any], data: bytes, at: int, allow_truncated: bool, verify: bool) -> None:
    ip, start, end = Ipv4.decode(data, at, allow_truncated)
    if verify and internet_checksum(data[at:start]) != 0:
        raise PacketError("ipv4", f"header checksum 0x{ip.checksum or 0:04x} is wrong", at)
    parts["ipv4"] = ip
    if ip.fragment_offset:
        parts["payload"] = data[start:end]
        return
    check = verify and end - at == int.from_bytes(data[at + 2 : at + 4], "big")
    proto = ip.proto or 0
    if proto == IP_PROTO_ICMP:
        icmp, body = Icmp.decode(data, start, end)
        if check and internet_checksum(data[start:end]) != 0:
            raise PacketError("icmp", f"checksum 0x{icmp.checksum or 0:04x} is wrong", start)
        parts["icmp"], parts["payload"] = icmp, data[body:end]
        return
    _transport(parts, data, start, end, proto, lambda n: ip.pseudo_header(proto, n), allow_truncated, check)


def _ipv6(parts: dict[str, Any], data: bytes, at: int, allow_truncated: bool, verify: bool) -> None:
    ip, start, end, proto, later_fragment = Ipv6.decode(data, at, allow_truncated)
    parts["ipv6"] = ip
    if later_fragment:
        parts["payload"] = data[start:end]
        return
    check = verify and end - at == IPV6_LEN + int.from_bytes(data[at + 4 : at + 6], "big")
    if proto == IP_PROTO_ICMPV6:
        icmp, body = Icmpv6.decode(data, start, end)
        if check and internet_checksum(ip.pseudo_header(proto, end - start) + data[start:end]) != 0:
            raise PacketError("icmpv6", f"checksum 0x{icmp.checksum or 0:04x} is wrong", start)
        parts["icmpv6"], parts["payload"] = icmp, data[body:end]
        return
    _transport(parts, data, start, end, proto, lambda n: ip.pseudo_header(proto, n), allow_truncated, check)


def _transport(
    parts: dict[str, Any], data: bytes, start: int, end: int, proto: int, pseudo: _Pseudo, allow_truncated: bool, check: bool
) -> None:
    if proto == IP_PROTO_TCP:
        tcp, body = Tcp.decode(data, start, end)
        if check and internet_checksum(pseudo(end - start) + data[start:end]) != 0:
            raise PacketError("tcp", f"checksum 0x{tcp.checksum or 0:04x} is wrong", start)
        parts["tcp"], parts["payload"] = tcp, data[body:end]
    elif proto == IP_PROTO_UDP:
        udp, body, udp_end = Udp.decode(data, start, end, allow_truncated)
        if check and udp.checksum and internet_checksum(pseudo(udp_end - start) + data[start:udp_end]) != 0:
            raise PacketError("udp", f"checksum 0x{udp.checksum:04x} is wrong", start)
        parts["udp"], parts["payload"] = udp, data[body:udp_end]
    else:
        parts["payload"] = data[start:end]
