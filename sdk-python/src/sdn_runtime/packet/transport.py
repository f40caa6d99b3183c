"""TCP (RFC 9293), UDP (RFC 768), ICMP (RFC 792) and ICMPv6 (RFC 4443) headers.

Checksums: a `checksum` of None is computed when building (over the IP
pseudo-header for TCP, UDP and ICMPv6); parsing fills in the wire value.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ._fields import check_uint, need
from .errors import PacketError

TCP_FIN = 0x001
TCP_SYN = 0x002
TCP_RST = 0x004
TCP_PSH = 0x008
TCP_ACK = 0x010
TCP_URG = 0x020
TCP_ECE = 0x040
TCP_CWR = 0x080

ICMP_ECHO_REPLY = 0
ICMP_ECHO_REQUEST = 8
ICMPV6_ECHO_REQUEST = 128
ICMPV6_ECHO_REPLY = 129
ICMPV6_NEIGHBOR_SOLICITATION = 135
ICMPV6_NEIGHBOR_ADVERTISEMENT = 136

UDP_LEN = 8
ICMP_LEN = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class Tcp:
    """A TCP header. `flags` holds the 9 flag bits (TCP_SYN | TCP_ACK ...);
    `options` must be a multiple of 4 bytes (at most 40)."""

    src_port: int
    dst_port: int
    seq: int = 0
    ack: int = 0
    flags: int = 0
    window: int = 65535
    urgent: int = 0
    options: bytes = b""
    checksum: int | None = None

    def __post_init__(self) -> None:
        check_uint("tcp", "src_port", self.src_port, 16)
        check_uint("tcp", "dst_port", self.dst_port, 16)
        check_uint("tcp", "seq", self.seq, 32)
        check_uint("tcp", "ack", self.ack, 32)
        check_uint("tcp", "flags", self.flags, 9)
        check_uint("tcp", "window", self.window, 16)
        check_uint("tcp", "urgent", self.urgent, 16)
        if len(self.options) % 4 or len(self.options) > 40:
            raise PacketError("tcp", f"options must be a multiple of 4 bytes, at most 40, got {len(self.options)}")
        if self.checksum is not None:
            check_uint("tcp", "checksum", self.checksum, 16)

    def encode(self) -> bytes:
        """The header with a zero checksum (the builder fills it in)."""
        offset_flags = ((5 + len(self.options) // 4) << 12) | self.flags
        return (
            struct.pack("!HHIIHHHH", self.src_port, self.dst_port, self.seq, self.ack, offset_flags, self.window, 0, self.urgent)
            + self.options
        )

    @staticmethod
    def decode(data: bytes, offset: int, end: int) -> tuple[Tcp, int]:
        need("tcp", data[:end], offset, 20)
        src, dst, seq, ack, offset_flags, window, checksum, urgent = struct.unpack_from("!HHIIHHHH", data, offset)
        header_len = (offset_flags >> 12) * 4
        if header_len < 20:
            raise PacketError("tcp", f"data offset {offset_flags >> 12} is below 5", offset)
        need("tcp", data[:end], offset, header_len)
        tcp = Tcp(
            src_port=src,
            dst_port=dst,
            seq=seq,
            ack=ack,
            flags=offset_flags & 0x1FF,
            window=window,
            urgent=urgent,
            options=bytes(data[offset + 20 : offset + header_len]),
            checksum=checksum,
        )
        return tcp, offset + header_len


@dataclass(frozen=True, slots=True, kw_only=True)
class Udp:
    """A UDP header; the length is derived from the payload."""

    src_port: int
    dst_port: int
    checksum: int | None = None

    def __post_init__(self) -> None:
        check_uint("udp", "src_port", self.src_port, 16)
        check_uint("udp", "dst_port", self.dst_port, 16)
        if self.checksum is not None:
            check_uint("udp", "checksum", self.checksum, 16)

    def encode(self, payload_len: int) -> bytes:
        length = UDP_LEN + payload_len
        if length > 0xFFFF:
            raise PacketError("udp", f"length {length} is above 65535")
        return struct.pack("!HHHH", self.src_port, self.dst_port, length, 0)

    @staticmethod
    def decode(data: bytes, offset: int, end: int, allow_truncated: bool) -> tuple[Udp, int, int]:
        """The header, where its payload starts and ends."""
        need("udp", data[:end], offset, UDP_LEN)
        src, dst, length, checksum = struct.unpack_from("!HHHH", data, offset)
        if length < UDP_LEN:
            raise PacketError("udp", f"length {length} is below 8", offset)
        if offset + length > end and not allow_truncated:
            raise PacketError("udp", f"length {length} runs past the IP payload ({end - offset} bytes)", offset)
        return Udp(src_port=src, dst_port=dst, checksum=checksum), offset + UDP_LEN, min(end, offset + length)


@dataclass(frozen=True, slots=True, kw_only=True)
class Icmp:
    """An ICMP header: type, code, checksum. The rest (identifier and sequence of an
    echo, the quoted datagram of an error) is the payload."""

    type: int
    code: int = 0
    checksum: int | None = None

    def __post_init__(self) -> None:
        check_uint("icmp", "type", self.type, 8)
        check_uint("icmp", "code", self.code, 8)
        if self.checksum is not None:
            check_uint("icmp", "checksum", self.checksum, 16)

    def encode(self) -> bytes:
        return struct.pack("!BBH", self.type, self.code, 0)

    @staticmethod
    def decode(data: bytes, offset: int, end: int) -> tuple[Icmp, int]:
        need("icmp", data[:end], offset, ICMP_LEN)
        t, c, checksum = struct.unpack_from("!BBH", data, offset)
        return Icmp(type=t, code=c, checksum=checksum), offset + ICMP_LEN


@dataclass(frozen=True, slots=True, kw_only=True)
class Icmpv6:
    """An ICMPv6 header: type, code, checksum; the message body is the payload."""

    type: int
    code: int = 0
    checksum: int | None = None

    def __post_init__(self) -> None:
        check_uint("icmpv6", "type", self.type, 8)
        check_uint("icmpv6", "code", self.code, 8)
        if self.checksum is not None:
            check_uint("icmpv6", "checksum", self.checksum, 16)

    def encode(self) -> bytes:
        return struct.pack("!BBH", self.type, self.code, 0)

    @staticmethod
    def decode(data: bytes, offset: int, end: int) -> tuple[Icmpv6, int]:
        need("icmpv6", data[:end], offset, ICMP_LEN)
        t, c, checksum = struct.unpack_from("!BBH", data, offset)
        return Icmpv6(type=t, code=c, checksum=checksum), offset + ICMP_LEN


def echo_payload(identifier: int, sequence: int, data: bytes = b"") -> bytes:
    """The payload of an ICMP/ICMPv6 echo: identifier, sequence, then data."""
    check_uint("icmp", "identifier", identifier, 16)
    check_uint("icmp", "sequence", sequence, 16)
    return struct.pack("!HH", identifier, sequence) + data
