"""Checks shared by the builders: integer ranges and address text.

Addresses travel as text (the API's convention): MAC "aa:bb:cc:dd:ee:ff" in lower
case, IPv4 dotted quad without leading zeros, IPv6 in its compressed form. Each
check returns the canonical text or raises SdnError(INVALID) naming the field.
"""

from __future__ import annotations

import ipaddress
import re

from .errors import invalid

_MAC = re.compile(r"[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}")


def uint(name: str, value: object, bits: int) -> int:
    """`value` as an unsigned integer of `bits` bits."""
    # A plain int in range, the common case, takes one type check and one shift.
    if type(value) is int and value >= 0 and not value >> bits:
        return value
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid(f"{name} must be an integer, got {value!r}")
    if value < 0 or value >> bits:
        raise invalid(f"{name} {value} is out of range 0..{(1 << bits) - 1}")
    return value


#: MAC texts already checked, with their canonical form: an app matching on the
#: addresses of its hosts checks the same few again and again. Starts over when full.
_MACS: dict[str, str] = {}
_MACS_SIZE = 65_536


def mac(name: str, value: object) -> str:
    """A MAC address as six colon-separated hex bytes."""
    if type(value) is str:
        known = _MACS.get(value)
        if known is not None:
            return known
    if not isinstance(value, str) or _MAC.fullmatch(value) is None:
        raise invalid(f"{name} must be a MAC address like 'aa:bb:cc:dd:ee:ff', got {value!r}")
    if len(_MACS) >= _MACS_SIZE:
        _MACS.clear()
    canonical = _MACS[value] = value.lower()
    return canonical


def mac_bytes(name: str, value: object) -> bytes:
    return bytes.fromhex(mac(name, value).replace(":", ""))


def mac_text(raw: bytes) -> str:
    return raw.hex(":")


def ipv4(name: str, value: object) -> str:
    """An IPv4 address as a dotted quad."""
    try:
        if not isinstance(value, str):
            raise ValueError
        return str(ipaddress.IPv4Address(value))
    except ValueError:
        raise invalid(f"{name} must be an IPv4 address like '10.0.0.1', got {value!r}") from None


def ipv6(name: str, value: object) -> str:
    """An IPv6 address in any valid text form; returned compressed."""
    try:
        if not isinstance(value, str) or "%" in value:
            raise ValueError
        return ipaddress.IPv6Address(value).compressed
    except ValueError:
        raise invalid(f"{name} must be an IPv6 address like '2001:db8::1', got {value!r}") from None


def ipv4_mask(name: str, value: object) -> str:
    """A netmask as dotted quad ('255.255.255.0') or prefix length (24)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value <= 32:
            raise invalid(f"{name} prefix length {value} is out of range 0..32")
        return str(ipaddress.IPv4Network(f"0.0.0.0/{value}").netmask)
    return ipv4(name, value)


def ipv6_mask(name: str, value: object) -> str:
    """A mask as IPv6 text ('ffff:ffff::') or prefix length (32)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value <= 128:
            raise invalid(f"{name} prefix length {value} is out of range 0..128")
        return ipaddress.IPv6Network(f"::/{value}").netmask.compressed
    return ipv6(name, value)


def split_prefix(value: object) -> tuple[object, object | None]:
    """'10.0.0.0/24' -> ('10.0.0.0', 24); anything else -> (value, None)."""
    if isinstance(value, str) and "/" in value:
        address, _, length = value.partition("/")
        if not length.isdigit():
            raise invalid(f"prefix length in {value!r} must be a number")
        return address, int(length)
    return value, None


def dpid(value: object) -> int:
    """A datapath id: an unsigned 64-bit integer."""
    return uint("dpid", value, 64)
