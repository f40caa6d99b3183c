"""The OpenFlow 1.3 OXM fields the builders know: value kind, width, maskability
and prerequisites (OpenFlow 1.3.5 tables 11 and 12)."""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass

from . import _values
from .errors import invalid


class Kind(enum.Enum):
    UINT = "uint"
    MAC = "mac"
    IPV4 = "ipv4"
    IPV6 = "ipv6"


#: One prerequisite: the field and the values it may have. Empty: the field must be
#: present with any value, except vlan_vid, which must not be OFPVID_NONE.
Prerequisite = tuple[str, tuple[int, ...]]

IP_ETH_TYPES = (0x0800, 0x86DD)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    kind: Kind
    bits: int
    maskable: bool
    prerequisites: tuple[Prerequisite, ...] = ()


def _spec(name: str, kind: Kind, bits: int, maskable: bool, *prerequisites: Prerequisite) -> FieldSpec:
    return FieldSpec(name, kind, bits, maskable, prerequisites)


_U, _M, _4, _6 = Kind.UINT, Kind.MAC, Kind.IPV4, Kind.IPV6
_IPV4: Prerequisite = ("eth_type", (0x0800,))
_IPV6: Prerequisite = ("eth_type", (0x86DD,))
_ARP: Prerequisite = ("eth_type", (0x0806,))
_IP: Prerequisite = ("eth_type", IP_ETH_TYPES)

FIELDS: dict[str, FieldSpec] = {
    s.name: s
    for s in (
        _spec("in_port", _U, 32, False),
        _spec("in_phy_port", _U, 32, False, ("in_port", ())),
        _spec("metadata", _U, 64, True),
        _spec("eth_dst", _M, 48, True),
        _spec("eth_src", _M, 48, True),
        _spec("eth_type", _U, 16, False),
        _spec("vlan_vid", _U, 13, True),
        _spec("vlan_pcp", _U, 3, False, ("vlan_vid", ())),
        _spec("ip_dscp", _U, 6, False, _IP),
        _spec("ip_ecn", _U, 2, False, _IP),
        _spec("ip_proto", _U, 8, False, _IP),
        _spec("ipv4_src", _4, 32, True, _IPV4),
        _spec("ipv4_dst", _4, 32, True, _IPV4),
        _spec("tcp_src", _U, 16, False, ("ip_proto", (6,))),
        _spec("tcp_dst", _U, 16, False, ("ip_proto", (6,))),
        _spec("udp_src", _U, 16, False, ("ip_proto", (17,))),
        _spec("udp_dst", _U, 16, False, ("ip_proto", (17,))),
        _spec("sctp_src", _U, 16, False, ("ip_proto", (132,))),
        _spec("sctp_dst", _U, 16, False, ("ip_proto", (132,))),
        _spec("icmpv4_type", _U, 8, False, _IPV4, ("ip_proto", (1,))),
        _spec("icmpv4_code", _U, 8, False, _IPV4, ("ip_proto", (1,))),
        _spec("arp_op", _U, 16, False, _ARP),
        _spec("arp_spa", _4, 32, True, _ARP),
        _spec("arp_tpa", _4, 32, True, _ARP),
        _spec("arp_sha", _M, 48, True, _ARP),
        _spec("arp_tha", _M, 48, True, _ARP),
        _spec("ipv6_src", _6, 128, True, _IPV6),
        _spec("ipv6_dst", _6, 128, True, _IPV6),
        _spec("ipv6_flabel", _U, 20, True, _IPV6),
        _spec("icmpv6_type", _U, 8, False, _IPV6, ("ip_proto", (58,))),
        _spec("icmpv6_code", _U, 8, False, _IPV6, ("ip_proto", (58,))),
        _spec("ipv6_nd_target", _6, 128, False, ("icmpv6_type", (135, 136))),
        _spec("ipv6_nd_sll", _M, 48, False, ("icmpv6_type", (135,))),
        _spec("ipv6_nd_tll", _M, 48, False, ("icmpv6_type", (136,))),
        _spec("mpls_label", _U, 20, False, ("eth_type", (0x8847, 0x8848))),
        _spec("mpls_tc", _U, 3, False, ("eth_type", (0x8847, 0x8848))),
        _spec("mpls_bos", _U, 1, False, ("eth_type", (0x8847, 0x8848))),
        _spec("pbb_isid", _U, 24, True, ("eth_type", (0x88E7,))),
        _spec("tunnel_id", _U, 64, True),
        _spec("ipv6_exthdr", _U, 9, True, _IPV6),
        # Open vSwitch's connection-tracking fields (Nicira NXM), by Ryu's names.
        _spec("ct_state", _U, 32, True),
        _spec("ct_zone", _U, 16, False),
        _spec("ct_mark", _U, 32, True),
    )
}


def spec(name: str) -> FieldSpec:
    found = FIELDS.get(name)
    if found is None:
        raise invalid(f"unknown OXM field {name!r}; known fields: {', '.join(FIELDS)}")
    return found


def value(s: FieldSpec, raw: object, *, what: str = "") -> int | str:
    """The canonical value of field `s` (range-checked int or address text)."""
    name = what or s.name
    if s.kind is Kind.MAC:
        return _values.mac(name, raw)
    if s.kind is Kind.IPV4:
        return _values.ipv4(name, raw)
    if s.kind is Kind.IPV6:
        return _values.ipv6(name, raw)
    return _values.uint(name, raw, s.bits)


def mask(s: FieldSpec, raw: object) -> int | str:
    """The canonical mask of field `s`; IP masks may be prefix lengths."""
    name = f"{s.name} mask"
    if not s.maskable:
        raise invalid(f"{s.name} cannot be masked (OpenFlow 1.3.5 table 11)")
    if s.kind is Kind.IPV4:
        return _values.ipv4_mask(name, raw)
    if s.kind is Kind.IPV6:
        return _values.ipv6_mask(name, raw)
    return value(s, raw, what=name)


def as_int(s: FieldSpec, v: int | str) -> int:
    """A canonical value as an integer, to compare value and mask bits."""
    if isinstance(v, int):
        return v
    if s.kind is Kind.MAC:
        return int(v.replace(":", ""), 16)
    return int(ipaddress.ip_address(v))
