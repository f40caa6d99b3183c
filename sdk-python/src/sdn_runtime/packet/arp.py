"""ARP for IPv4 over Ethernet (RFC 826)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ._fields import check_ipv4, check_mac, check_uint, ipv4_text, mac_text, need
from .errors import PacketError

ARP_REQUEST = 1
ARP_REPLY = 2
ARP_LEN = 28


@dataclass(frozen=True, slots=True, kw_only=True)
class Arp:
    """An Ethernet/IPv4 ARP packet (hardware type 1, protocol 0x0800)."""

    op: int
    sha: str
    spa: str
    tha: str = "00:00:00:00:00:00"
    tpa: str = "0.0.0.0"

    def __post_init__(self) -> None:
        check_uint("arp", "op", self.op, 16)
        check_mac("arp", "sha", self.sha)
        check_mac("arp", "tha", self.tha)
        check_ipv4("arp", "spa", self.spa)
        check_ipv4("arp", "tpa", self.tpa)

    def encode(self) -> bytes:
        return (
            struct.pack("!HHBBH", 1, 0x0800, 6, 4, self.op)
            + check_mac("arp", "sha", self.sha)
            + check_ipv4("arp", "spa", self.spa)
            + check_mac("arp", "tha", self.tha)
            + check_ipv4("arp", "tpa", self.tpa)
        )

    @staticmethod
    def decode(data: bytes, offset: int) -> tuple[Arp, int]:
        need("arp", data, offset, ARP_LEN)
        htype, ptype, hlen, plen, op = struct.unpack_from("!HHBBH", data, offset)
        if (htype, ptype, hlen, plen) != (1, 0x0800, 6, 4):
            raise PacketError(
                "arp",
                f"only Ethernet/IPv4 ARP is supported (htype 1, ptype 0x0800, hlen 6, plen 4), got htype {htype}, ptype 0x{ptype:04x}, hlen {hlen}, plen {plen}",
                offset,
            )
        b = offset + 8
        arp = Arp(
            op=op,
            sha=mac_text(data[b : b + 6]),
            spa=ipv4_text(data[b + 6 : b + 10]),
            tha=mac_text(data[b + 10 : b + 16]),
            tpa=ipv4_text(data[b + 16 : b + 20]),
        )
        return arp, offset + ARP_LEN
