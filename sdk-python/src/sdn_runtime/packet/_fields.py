"""Field checks and byte helpers shared by the header classes. `mac_text` is
re-exported for them."""

from __future__ import annotations

import ipaddress
import struct

from .._values import mac_bytes, mac_text
from ..errors import SdnError
from .errors import PacketError

__all__ = [
    "check_ipv4",
    "check_ipv6",
    "check_mac",
    "check_uint",
    "internet_checksum",
    "ipv4_text",
    "ipv6_text",
    "mac_text",
    "need",
]


def check_uint(layer: str, name: str, value: object, bits: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise PacketError(layer, f"{name} must be an integer, got {value!r}")
    if value < 0 or value >> bits:
        raise PacketError(layer, f"{name} {value} is out of range 0..{(1 << bits) - 1}")
    return value


def check_mac(layer: str, name: str, value: object) -> bytes:
    try:
        return mac_bytes(name, value)
    except SdnError as e:
        raise PacketError(layer, e.message) from None


def check_ipv4(layer: str, name: str, value: object) -> bytes:
    try:
        if not isinstance(value, str):
            raise ValueError
        return ipaddress.IPv4Address(value).packed
    except ValueError:
        raise PacketError(layer, f"{name} must be an IPv4 address like '10.0.0.1', got {value!r}") from None


def check_ipv6(layer: str, name: str, value: object) -> bytes:
    try:
        if not isinstance(value, str) or "%" in value:
            raise ValueError
        return ipaddress.IPv6Address(value).packed
    except ValueError:
        raise PacketError(layer, f"{name} must be an IPv6 address like 'fe80::1', got {value!r}") from None


def ipv4_text(raw: bytes) -> str:
    return str(ipaddress.IPv4Address(raw))


def ipv6_text(raw: bytes) -> str:
    return ipaddress.IPv6Address(raw).compressed


def internet_checksum(data: bytes) -> int:
    """RFC 1071: the ones' complement of the ones' complement sum of 16-bit words."""
    if len(data) % 2:
        data += b"\x00"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def need(layer: str, data: bytes, offset: int, size: int) -> None:
    """Raises unless `size` bytes are there at `offset`."""
    if len(data) - offset < size:
        raise PacketError(layer, f"truncated: needs {size} bytes, {max(0, len(data) - offset)} left", offset)
