"""Ethernet II header parsing."""
from typing import NamedTuple, Optional


class EthernetHeader(NamedTuple):
    dst: str
    """MAC as "aa:bb:cc:dd:ee:ff"."""
    src: str
    eth_type: int
    """The EtherType after any 802.1Q tags."""
    vlan_id: Optional[int]
    """The VLAN id of the outer 802.1Q tag, or None."""


def mac_at(frame: bytes, offset: int) -> str:
    return ":".join(f"{b:02x}" for b in frame[offset : offset + 6])


def ethernet(frame: bytes) -> Optional[EthernetHeader]:
    """The Ethernet header of `frame`, or None when it is too short to hold one."""
    if len(frame) < 14:
        return None
    offset = 12
    eth_type = int.from_bytes(frame[offset : offset + 2], "big")
    vlan_id: Optional[int] = None
    while eth_type in (0x8100, 0x88A8) and len(frame) >= offset + 6:
        if vlan_id is None:
            vlan_id = int.from_bytes(frame[offset + 2 : offset + 4], "big") & 0x0FFF
        offset += 4
        eth_type = int.from_bytes(frame[offset : offset + 2], "big")
    return EthernetHeader(mac_at(frame, 0), mac_at(frame, 6), eth_type, vlan_id)


def is_multicast(mac: str) -> bool:
    """True for group addresses (broadcast included): the low bit of the first byte."""
    return int(mac[:2], 16) & 1 == 1
