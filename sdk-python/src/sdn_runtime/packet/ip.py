"""IPv4 (RFC 791) and IPv6 (RFC 8200) headers."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ._fields import check_ipv4, check_ipv6, check_uint, internet_checksum, ipv4_text, ipv6_text, need
from .errors import PacketError

IP_PROTO_ICMP = 1
IP_PROTO_TCP = 6
IP_PROTO_UDP = 17
IP_PROTO_ICMPV6 = 58

IPV4_FLAG_DF = 0b010
IPV4_FLAG_MF = 0b001

IPV6_LEN = 40
#: Extension headers walked to reach the upper layer: hop-by-hop, routing, fragment, destination options.
IPV6_EXTENSIONS = (0, 43, 44, 60)
_FRAGMENT = 44


@dataclass(frozen=True, slots=True, kw_only=True)
class Ipv4:
    """An IPv4 header. `proto` None: taken from the next layer when building;
    `checksum` None: computed when building (parse fills in the wire value).
    `options` must be a multiple of 4 bytes (at most 40)."""

    src: str
    dst: str
    proto: int | None = None
    ttl: int = 64
    dscp: int = 0
    ecn: int = 0
    identification: int = 0
    flags: int = 0
    fragment_offset: int = 0
    options: bytes = b""
    checksum: int | None = None

    def __post_init__(self) -> None:
        check_ipv4("ipv4", "src", self.src)
        check_ipv4("ipv4", "dst", self.dst)
        if self.proto is not None:
            check_uint("ipv4", "proto", self.proto, 8)
        check_uint("ipv4", "ttl", self.ttl, 8)
        check_uint("ipv4", "dscp", self.dscp, 6)
        check_uint("ipv4", "ecn", self.ecn, 2)
        check_uint("ipv4", "identification", self.identification, 16)
        check_uint("ipv4", "flags", self.flags, 3)
        check_uint("ipv4", "fragment_offset", self.fragment_offset, 13)
        if len(self.options) % 4 or len(self.options) > 40:
            raise PacketError("ipv4", f"options must be a multiple of 4 bytes, at most 40, got {len(self.options)}")
        if self.checksum is not None:
            check_uint("ipv4", "checksum", self.checksum, 16)

    @property
    def header_len(self) -> int:
        return 20 + len(self.options)

    def encode(self, payload_len: int, proto: int) -> bytes:
        total = self.header_len + payload_len
        if total > 0xFFFF:
            raise PacketError("ipv4", f"total length {total} is above 65535")
        header = bytearray(
            struct.pack(
                "!BBHHHBBH4s4s",
                0x40 | (self.header_len // 4),
                (self.dscp << 2) | self.ecn,
                total,
                self.identification,
                (self.flags << 13) | self.fragment_offset,
                self.ttl,
                proto,
                0,
                check_ipv4("ipv4", "src", self.src),
                check_ipv4("ipv4", "dst", self.dst),
            )
            + self.options
        )
        checksum = internet_checksum(bytes(header)) if self.checksum is None else self.checksum
        struct.pack_into("!H", header, 10, checksum)
        return bytes(header)

    def pseudo_header(self, proto: int, length: int) -> bytes:
        """The RFC 793/768 pseudo-header for TCP and UDP checksums."""
        return check_ipv4("ipv4", "src", self.src) + check_ipv4("ipv4", "dst", self.dst) + struct.pack("!BBH", 0, proto, length)

    @staticmethod
    def decode(data: bytes, offset: int, allow_truncated: bool) -> tuple[Ipv4, int, int]:
        """The header, where its payload starts and where it ends."""
        need("ipv4", data, offset, 20)
        vihl, tos, total, ident, frag, ttl, proto, checksum = struct.unpack_from("!BBHHHBBH", data, offset)
        if vihl >> 4 != 4:
            raise PacketError("ipv4", f"version is {vihl >> 4}, not 4", offset)
        header_len = (vihl & 0x0F) * 4
        if header_len < 20:
            raise PacketError("ipv4", f"ihl {vihl & 0x0F} is below 5", offset)
        if total < header_len:
            raise PacketError("ipv4", f"total_length {total} is below the header length {header_len}", offset)
        need("ipv4", data, offset, header_len)
        end = offset + total
        if end > len(data):
            if not allow_truncated:
                raise PacketError("ipv4", f"total_length {total} runs past the frame ({len(data) - offset} bytes left)", offset)
            end = len(data)
        ip = Ipv4(
            src=ipv4_text(data[offset + 12 : offset + 16]),
            dst=ipv4_text(data[offset + 16 : offset + 20]),
            proto=proto,
            ttl=ttl,
            dscp=tos >> 2,
            ecn=tos & 3,
            identification=ident,
            flags=frag >> 13,
            fragment_offset=frag & 0x1FFF,
            options=bytes(data[offset + 20 : offset + header_len]),
            checksum=checksum,
        )
        return ip, offset + header_len, end


@dataclass(frozen=True, slots=True)
class Ipv6Extension:
    """One extension header: its type (the previous header's next-header value) and
    every byte after its own next-header byte. Hop-by-hop, routing and destination
    options are a multiple of 8 bytes long (their length byte must agree); a
    fragment header is 8 bytes."""

    type: int
    data: bytes

    def __post_init__(self) -> None:
        if self.type not in IPV6_EXTENSIONS:
            raise PacketError("ipv6", f"extension header type {self.type} is not one of {IPV6_EXTENSIONS}")
        size = 1 + len(self.data)
        if self.type == _FRAGMENT:
            if size != 8:
                raise PacketError("ipv6", f"a fragment header is 8 bytes, got {size}")
        elif size % 8 or self.data[0] != size // 8 - 1:
            raise PacketError("ipv6", f"extension header {self.type}: {size} bytes with length byte {self.data[:1].hex() or 'missing'}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Ipv6:
    """An IPv6 header. `next_header` None: taken from the first extension header or
    the next layer when building. `next_header` as parsed is the wire value."""

    src: str
    dst: str
    next_header: int | None = None
    hop_limit: int = 64
    traffic_class: int = 0
    flow_label: int = 0
    extensions: tuple[Ipv6Extension, ...] = ()

    def __post_init__(self) -> None:
        check_ipv6("ipv6", "src", self.src)
        check_ipv6("ipv6", "dst", self.dst)
        if self.next_header is not None:
            check_uint("ipv6", "next_header", self.next_header, 8)
        check_uint("ipv6", "hop_limit", self.hop_limit, 8)
        check_uint("ipv6", "traffic_class", self.traffic_class, 8)
        check_uint("ipv6", "flow_label", self.flow_label, 20)

    def encode(self, payload_len: int, upper: int) -> bytes:
        chain = [e.type for e in self.extensions] + [upper]
        extensions = b"".join(bytes([chain[i + 1]]) + e.data for i, e in enumerate(self.extensions))
        length = len(extensions) + payload_len
        if length > 0xFFFF:
            raise PacketError("ipv6", f"payload length {length} is above 65535 (jumbograms are not supported)")
        first = chain[0] if self.next_header is None else self.next_header
        fixed = struct.pack(
            "!IHBB16s16s",
            (6 << 28) | (self.traffic_class << 20) | self.flow_label,
            length,
            first,
            self.hop_limit,
            check_ipv6("ipv6", "src", self.src),
            check_ipv6("ipv6", "dst", self.dst),
        )
        return fixed + extensions

    def pseudo_header(self, proto: int, length: int) -> bytes:
        """The RFC 8200 8.1 pseudo-header for upper-layer checksums."""
        return check_ipv6("ipv6", "src", self.src) + check_ipv6("ipv6", "dst", self.dst) + struct.pack("!IxxxB", length, proto)

    @staticmethod
    def decode(data: bytes, offset: int, allow_truncated: bool) -> tuple[Ipv6, int, int, int, bool]:
        """The header, where the upper layer starts, where the packet ends, the
        upper-layer protocol, and whether this is a non-first fragment."""
        need("ipv6", data, offset, IPV6_LEN)
        word, length, next_header, hop_limit = struct.unpack_from("!IHBB", data, offset)
        if word >> 28 != 6:
            raise PacketError("ipv6", f"version is {word >> 28}, not 6", offset)
        end = offset + IPV6_LEN + length
        if end > len(data):
            if not allow_truncated:
                raise PacketError("ipv6", f"payload_length {length} runs past the frame ({len(data) - offset - IPV6_LEN} bytes left)", offset)
            end = len(data)
        extensions: list[Ipv6Extension] = []
        at, proto, later_fragment = offset + IPV6_LEN, next_header, False
        while proto in IPV6_EXTENSIONS and not later_fragment:
            need("ipv6", data[:end], at, 8)
            size = 8 if proto == _FRAGMENT else (data[at + 1] + 1) * 8
            need("ipv6", data[:end], at, size)
            extensions.append(Ipv6Extension(proto, bytes(data[at + 1 : at + size])))
            if proto == _FRAGMENT:
                later_fragment = struct.unpack_from("!H", data, at + 2)[0] >> 3 != 0
            proto, at = data[at], at + size
        ip = Ipv6(
            src=ipv6_text(data[offset + 8 : offset + 24]),
            dst=ipv6_text(data[offset + 24 : offset + 40]),
            next_header=next_header,
            hop_limit=hop_limit,
            traffic_class=(word >> 20) & 0xFF,
            flow_label=word & 0xFFFFF,
            extensions=tuple(extensions),
        )
        return ip, at, end, proto, later_fragment
