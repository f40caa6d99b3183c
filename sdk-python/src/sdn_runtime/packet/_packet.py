"""`Packet`: a parsed frame, header by header."""

from __future__ import annotations

from dataclasses import dataclass

from .arp import Arp
from .ethernet import Ethernet, Vlan
from .ip import Ipv4, Ipv6
from .lldp import Lldp
from .transport import Icmp, Icmpv6, Tcp, Udp

Layer = Ethernet | Vlan | Arp | Ipv4 | Ipv6 | Tcp | Udp | Icmp | Icmpv6 | Lldp


@dataclass(frozen=True, slots=True, kw_only=True)
class Packet:
    """The headers `parse` recognised, outermost first, and what follows the last
    one (`payload`: the TCP/UDP data, the ICMP body, or the bytes of a protocol the
    library does not parse; Ethernet padding after ARP, LLDP and IP is dropped)."""

    eth: Ethernet
    vlans: tuple[Vlan, ...] = ()
    arp: Arp | None = None
    ipv4: Ipv4 | None = None
    ipv6: Ipv6 | None = None
    tcp: Tcp | None = None
    udp: Udp | None = None
    icmp: Icmp | None = None
    icmpv6: Icmpv6 | None = None
    lldp: Lldp | None = None
    payload: bytes = b""

    @property
    def layers(self) -> tuple[Layer, ...]:
        """The headers in wire order: `build(*p.layers, payload=p.payload)` rebuilds
        the frame (with lengths and, where None, checksums recomputed)."""
        inner = (self.arp, self.ipv4, self.ipv6, self.lldp, self.tcp, self.udp, self.icmp, self.icmpv6)
        return (self.eth, *self.vlans, *(layer for layer in inner if layer is not None))
