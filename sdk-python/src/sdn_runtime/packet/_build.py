"""`build`: layers -> bytes, with type fields, lengths and checksums filled in."""

from __future__ import annotations

import struct

from ._fields import internet_checksum
from ._packet import Layer
from .arp import Arp
from .errors import PacketError
from .ethernet import ETH_TYPE_ARP, ETH_TYPE_IPV4, ETH_TYPE_IPV6, ETH_TYPE_LLDP, ETH_TYPE_QINQ, ETH_TYPE_VLAN, Ethernet, Vlan
from .ip import IP_PROTO_ICMP, IP_PROTO_ICMPV6, IP_PROTO_TCP, IP_PROTO_UDP, Ipv4, Ipv6
from .lldp import Lldp
from .transport import Icmp, Icmpv6, Tcp, Udp

_ETHERTYPE = {Arp: ETH_TYPE_ARP, Ipv4: ETH_TYPE_IPV4, Ipv6: ETH_TYPE_IPV6, Lldp: ETH_TYPE_LLDP}
_PROTO = {Tcp: IP_PROTO_TCP, Udp: IP_PROTO_UDP, Icmp: IP_PROTO_ICMP, Icmpv6: IP_PROTO_ICMPV6}
_TAG_TYPES = (ETH_TYPE_VLAN, ETH_TYPE_QINQ)
#: Where each transport header keeps its checksum.
_CHECKSUM_AT = {Tcp: 16, Udp: 6, Icmp: 2, Icmpv6: 2}


def build(*layers: Layer, payload: bytes = b"") -> bytes:
    """Encodes `layers` (outermost first: Ethernet, VLAN tags, then ARP, LLDP or
    IPv4/IPv6 with optionally TCP, UDP, ICMP or ICMPv6) followed by `payload`.
    Type fields left None come from the next layer; lengths are computed; checksums
    left None are computed. Raises PacketError for an order that cannot be a frame
    or a type field that contradicts the next layer."""
    if not layers or not isinstance(layers[0], Ethernet):
        raise PacketError("build", "the first layer must be Ethernet")
    tags = 0
    while 1 + tags < len(layers) and isinstance(layers[1 + tags], Vlan):
        tags += 1
    rest = layers[1 + tags :]
    network = rest[0] if rest else None
    transport = rest[1] if len(rest) > 1 else None
    _check_order(network, transport, rest, payload)

    body = bytes(payload)
    upper: int | None = None
    if transport is not None:
        assert isinstance(network, Ipv4 | Ipv6)
        upper = _PROTO[type(transport)]
        body = _transport(network, transport, upper, body)
    if isinstance(network, Ipv4):
        proto = _agree("ipv4", "proto", network.proto, upper)
        body = network.encode(len(body), proto) + body
    elif isinstance(network, Ipv6):
        if network.extensions:
            _agree("ipv6", "next_header", network.next_header, network.extensions[0].type)
            if upper is None:
                raise PacketError("ipv6", "after extension headers the upper protocol comes from the transport layer: add one")
            body = network.encode(len(body), upper) + body
        else:
            body = network.encode(len(body), _agree("ipv6", "next_header", network.next_header, upper)) + body
    elif isinstance(network, Arp | Lldp):
        body = network.encode()

    inner_type = _ETHERTYPE[type(network)] if network is not None else None
    outer_layers: list[Ethernet | Vlan] = [layers[0], *(t for t in layers[1 : 1 + tags] if isinstance(t, Vlan))]
    for outer in reversed(outer_layers):
        if inner_type == ETH_TYPE_VLAN and outer.ethertype in _TAG_TYPES:
            inner_type = outer.ethertype  # a tag may be announced as 802.1Q or 802.1ad
        field = _agree(type(outer).__name__.lower(), "ethertype", outer.ethertype, inner_type)
        body = outer.encode(field) + body
        inner_type = ETH_TYPE_VLAN
    return body


def _check_order(network: Layer | None, transport: Layer | None, rest: tuple[Layer, ...], payload: bytes) -> None:
    if network is not None and not isinstance(network, Arp | Ipv4 | Ipv6 | Lldp):
        raise PacketError("build", f"{type(network).__name__} cannot follow Ethernet/VLAN; use Arp, Ipv4, Ipv6 or Lldp")
    if transport is not None:
        if isinstance(network, Ipv4) and not isinstance(transport, Tcp | Udp | Icmp):
            raise PacketError("build", f"{type(transport).__name__} cannot follow Ipv4; use Tcp, Udp or Icmp")
        if isinstance(network, Ipv6) and not isinstance(transport, Tcp | Udp | Icmpv6):
            raise PacketError("build", f"{type(transport).__name__} cannot follow Ipv6; use Tcp, Udp or Icmpv6")
        if not isinstance(network, Ipv4 | Ipv6):
            raise PacketError("build", f"{type(transport).__name__} cannot follow {type(network).__name__}")
    if len(rest) > 2:
        raise PacketError("build", f"nothing can follow {type(rest[1]).__name__} but the payload")
    if isinstance(network, Arp | Lldp) and payload:
        raise PacketError("build", f"{type(network).__name__} carries no payload")


def _transport(network: Ipv4 | Ipv6, transport: Layer, proto: int, payload: bytes) -> bytes:
    if isinstance(transport, Udp):
        segment = bytearray(transport.encode(len(payload)) + payload)
    elif isinstance(transport, Tcp | Icmp | Icmpv6):
        segment = bytearray(transport.encode() + payload)
    else:
        raise PacketError("build", f"{type(transport).__name__} is not a transport layer")
    checksum = transport.checksum
    if checksum is None:
        covered = bytes(segment) if isinstance(transport, Icmp) else network.pseudo_header(proto, len(segment)) + bytes(segment)
        checksum = internet_checksum(covered)
        if isinstance(transport, Udp) and checksum == 0:
            checksum = 0xFFFF  # RFC 768: a computed zero is sent as all ones
    struct.pack_into("!H", segment, _CHECKSUM_AT[type(transport)], checksum)
    return bytes(segment)


def _agree(layer: str, name: str, given: int | None, derived: int | None) -> int:
    """The type field: the one given, which must match the next layer's, or the derived one."""
    if given is None:
        if derived is None:
            raise PacketError(layer, f"{name} is needed: there is no next layer to take it from")
        return derived
    if derived is not None and given != derived:
        raise PacketError(layer, f"{name} 0x{given:04x} contradicts the next layer (0x{derived:04x})")
    return given
