"""Ethernet II and 802.1Q/802.1ad VLAN tags."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .._unchecked import constructor
from ._fields import check_mac, check_uint, mac_text, need

ETH_TYPE_IPV4 = 0x0800
ETH_TYPE_ARP = 0x0806
ETH_TYPE_VLAN = 0x8100
ETH_TYPE_QINQ = 0x88A8
ETH_TYPE_IPV6 = 0x86DD
ETH_TYPE_LLDP = 0x88CC
#: Below this the field is an 802.3 length, not an ethertype.
ETH_TYPE_MIN = 0x0600

ETHERNET_LEN = 14
VLAN_LEN = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class Ethernet:
    """An Ethernet II header. `ethertype` None: taken from the next layer when
    building (an IPv4 layer makes it 0x0800)."""

    dst: str
    src: str
    ethertype: int | None = None

    def __post_init__(self) -> None:
        check_mac("ethernet", "dst", self.dst)
        check_mac("ethernet", "src", self.src)
        if self.ethertype is not None:
            check_uint("ethernet", "ethertype", self.ethertype, 16)

    def encode(self, ethertype: int) -> bytes:
        return check_mac("ethernet", "dst", self.dst) + check_mac("ethernet", "src", self.src) + struct.pack("!H", ethertype)

    @staticmethod
    def decode(data: bytes, offset: int) -> tuple[Ethernet, int]:
        need("ethernet", data, offset, ETHERNET_LEN)
        # Six bytes always make a valid MAC: no checks to run again.
        eth = _new_ethernet(mac_text(data[offset : offset + 6]), mac_text(data[offset + 6 : offset + 12]), (data[offset + 12] << 8) | data[offset + 13])
        return eth, offset + ETHERNET_LEN

    @property
    def is_broadcast(self) -> bool:
        return self.dst == "ff:ff:ff:ff:ff:ff"

    @property
    def is_multicast(self) -> bool:
        """True for group addresses (broadcast included): the I/G bit of the first octet."""
        return bool(int(self.dst[:2], 16) & 1)


_new_ethernet = constructor(Ethernet)


@dataclass(frozen=True, slots=True, kw_only=True)
class Vlan:
    """A VLAN tag (the 2-byte TCI and the inner ethertype). The tag's TPID is the
    previous layer's ethertype: 0x8100 unless that layer says 0x88a8."""

    vid: int
    pcp: int = 0
    dei: int = 0
    ethertype: int | None = None

    def __post_init__(self) -> None:
        check_uint("vlan", "vid", self.vid, 12)
        check_uint("vlan", "pcp", self.pcp, 3)
        check_uint("vlan", "dei", self.dei, 1)
        if self.ethertype is not None:
            check_uint("vlan", "ethertype", self.ethertype, 16)

    def encode(self, ethertype: int) -> bytes:
        return struct.pack("!HH", (self.pcp << 13) | (self.dei << 12) | self.vid, ethertype)

    @staticmethod
    def decode(data: bytes, offset: int) -> tuple[Vlan, int]:
        need("vlan", data, offset, VLAN_LEN)
        tci, ethertype = struct.unpack_from("!HH", data, offset)
        return Vlan(vid=tci & 0x0FFF, pcp=tci >> 13, dei=(tci >> 12) & 1, ethertype=ethertype), offset + VLAN_LEN
