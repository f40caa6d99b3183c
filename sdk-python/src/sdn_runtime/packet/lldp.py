"""LLDP (IEEE 802.1AB): the mandatory Chassis ID, Port ID and TTL TLVs, optional
TLVs kept as (type, value), and the End TLV."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ._fields import check_uint, need
from .errors import PacketError

#: The nearest-bridge group address LLDP frames are sent to.
LLDP_MAC_NEAREST_BRIDGE = "01:80:c2:00:00:0e"

LLDP_TLV_END = 0
LLDP_TLV_CHASSIS_ID = 1
LLDP_TLV_PORT_ID = 2
LLDP_TLV_TTL = 3
LLDP_TLV_PORT_DESCRIPTION = 4
LLDP_TLV_SYSTEM_NAME = 5
LLDP_TLV_SYSTEM_DESCRIPTION = 6
LLDP_TLV_SYSTEM_CAPABILITIES = 7
LLDP_TLV_MANAGEMENT_ADDRESS = 8
LLDP_TLV_ORGANIZATIONALLY_SPECIFIC = 127

CHASSIS_ID_MAC_ADDRESS = 4
CHASSIS_ID_LOCALLY_ASSIGNED = 7
PORT_ID_MAC_ADDRESS = 3
PORT_ID_INTERFACE_NAME = 5
PORT_ID_LOCALLY_ASSIGNED = 7
PORT_ID_PORT_COMPONENT = 2

_MANDATORY = (LLDP_TLV_END, LLDP_TLV_CHASSIS_ID, LLDP_TLV_PORT_ID, LLDP_TLV_TTL)


@dataclass(frozen=True, slots=True)
class LldpTlv:
    """An optional TLV: type 4..127 and its value (at most 511 bytes)."""

    type: int
    value: bytes

    def __post_init__(self) -> None:
        check_uint("lldp", "tlv type", self.type, 7)
        if self.type in _MANDATORY:
            raise PacketError("lldp", f"TLV type {self.type} is one of the fields of Lldp, not an optional TLV")
        if len(self.value) > 511:
            raise PacketError("lldp", f"TLV value of {len(self.value)} bytes is above 511")


@dataclass(frozen=True, slots=True, kw_only=True)
class Lldp:
    """An LLDP data unit. IDs are bytes as on the wire (their meaning depends on
    the subtype: a MAC, an interface name, a locally assigned text, ...)."""

    chassis_id_subtype: int
    chassis_id: bytes
    port_id_subtype: int
    port_id: bytes
    ttl: int
    tlvs: tuple[LldpTlv, ...] = ()

    def __post_init__(self) -> None:
        check_uint("lldp", "chassis_id_subtype", self.chassis_id_subtype, 8)
        check_uint("lldp", "port_id_subtype", self.port_id_subtype, 8)
        check_uint("lldp", "ttl", self.ttl, 16)
        for name, value in (("chassis_id", self.chassis_id), ("port_id", self.port_id)):
            if not 1 <= len(value) <= 255:
                raise PacketError("lldp", f"{name} must be 1..255 bytes, got {len(value)}")

    def encode(self) -> bytes:
        parts = [
            _tlv(LLDP_TLV_CHASSIS_ID, bytes([self.chassis_id_subtype]) + self.chassis_id),
            _tlv(LLDP_TLV_PORT_ID, bytes([self.port_id_subtype]) + self.port_id),
            _tlv(LLDP_TLV_TTL, struct.pack("!H", self.ttl)),
            *(_tlv(t.type, t.value) for t in self.tlvs),
            _tlv(LLDP_TLV_END, b""),
        ]
        return b"".join(parts)

    @staticmethod
    def decode(data: bytes, offset: int) -> tuple[Lldp, int]:
        values: list[tuple[int, bytes, int]] = []
        at = offset
        while True:
            need("lldp", data, at, 2)
            (head,) = struct.unpack_from("!H", data, at)
            tlv_type, length = head >> 9, head & 0x1FF
            need("lldp", data, at + 2, length)
            if tlv_type == LLDP_TLV_END:
                if length != 0:
                    raise PacketError("lldp", f"End TLV has length {length}, not 0", at)
                end_at, at = at, at + 2
                break
            values.append((tlv_type, bytes(data[at + 2 : at + 2 + length]), at))
            at += 2 + length
        expected = (LLDP_TLV_CHASSIS_ID, LLDP_TLV_PORT_ID, LLDP_TLV_TTL)
        for i, want in enumerate(expected):
            if i >= len(values) or values[i][0] != want:
                raise PacketError("lldp", f"TLV {i + 1} must be type {want} (Chassis ID, Port ID, TTL come first)", values[i][2] if i < len(values) else end_at)
        chassis, port, ttl = values[0][1], values[1][1], values[2][1]
        if len(chassis) < 2 or len(port) < 2 or len(ttl) != 2:
            raise PacketError("lldp", "Chassis ID and Port ID need a subtype and an id; TTL is 2 bytes", offset)
        for tlv_type, _, where in values[3:]:
            if tlv_type in _MANDATORY:
                raise PacketError("lldp", f"TLV type {tlv_type} appears twice", where)
        lldp = Lldp(
            chassis_id_subtype=chassis[0],
            chassis_id=chassis[1:],
            port_id_subtype=port[0],
            port_id=port[1:],
            ttl=struct.unpack("!H", ttl)[0],
            tlvs=tuple(LldpTlv(t, v) for t, v, _ in values[3:]),
        )
        return lldp, at

    def tlv(self, tlv_type: int) -> bytes | None:
        """The value of the first optional TLV of `tlv_type` (e.g. LLDP_TLV_SYSTEM_NAME)."""
        return next((t.value for t in self.tlvs if t.type == tlv_type), None)


def _tlv(tlv_type: int, value: bytes) -> bytes:
    return struct.pack("!H", (tlv_type << 9) | len(value)) + value
