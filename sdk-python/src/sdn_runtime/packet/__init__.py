"""Parse and build Ethernet frames: Ethernet, VLAN, ARP, IPv4, IPv6, ICMP, ICMPv6,
TCP, UDP and LLDP, with checksums.

    pkt = packet.parse(event.data)
    if pkt.arp is not None: ...
    frame = packet.build(Ethernet(dst=..., src=...), Ipv4(src=..., dst=...), Udp(src_port=1, dst_port=2), payload=b"hi")

Addresses are text as everywhere in the SDK (MAC "aa:bb:cc:dd:ee:ff", "10.0.0.1",
"2001:db8::1"). Headers are immutable values checked when constructed; bad input
raises PacketError naming the layer and the byte offset.
"""

from ._build import build
from ._fields import internet_checksum
from ._packet import Layer, Packet
from ._parse import parse
from .arp import ARP_REPLY, ARP_REQUEST, Arp
from .errors import PacketError
from .ethernet import (
    ETH_TYPE_ARP,
    ETH_TYPE_IPV4,
    ETH_TYPE_IPV6,
    ETH_TYPE_LLDP,
    ETH_TYPE_QINQ,
    ETH_TYPE_VLAN,
    Ethernet,
    Vlan,
)
from .ip import IP_PROTO_ICMP, IP_PROTO_ICMPV6, IP_PROTO_TCP, IP_PROTO_UDP, IPV4_FLAG_DF, IPV4_FLAG_MF, Ipv4, Ipv6, Ipv6Extension
from .lldp import (
    CHASSIS_ID_LOCALLY_ASSIGNED,
    CHASSIS_ID_MAC_ADDRESS,
    LLDP_MAC_NEAREST_BRIDGE,
    LLDP_TLV_PORT_DESCRIPTION,
    LLDP_TLV_SYSTEM_NAME,
    PORT_ID_INTERFACE_NAME,
    PORT_ID_LOCALLY_ASSIGNED,
    PORT_ID_PORT_COMPONENT,
    Lldp,
    LldpTlv,
)
from .transport import (
    ICMP_ECHO_REPLY,
    ICMP_ECHO_REQUEST,
    ICMPV6_ECHO_REPLY,
    ICMPV6_ECHO_REQUEST,
    ICMPV6_NEIGHBOR_ADVERTISEMENT,
    ICMPV6_NEIGHBOR_SOLICITATION,
    TCP_ACK,
    TCP_FIN,
    TCP_PSH,
    TCP_RST,
    TCP_SYN,
    Icmp,
    Icmpv6,
    Tcp,
    Udp,
    echo_payload,
)

__all__ = [
    "ARP_REPLY",
    "ARP_REQUEST",
    "CHASSIS_ID_LOCALLY_ASSIGNED",
    "CHASSIS_ID_MAC_ADDRESS",
    "ETH_TYPE_ARP",
    "ETH_TYPE_IPV4",
    "ETH_TYPE_IPV6",
    "ETH_TYPE_LLDP",
    "ETH_TYPE_QINQ",
    "ETH_TYPE_VLAN",
    "ICMPV6_ECHO_REPLY",
    "ICMPV6_ECHO_REQUEST",
    "ICMPV6_NEIGHBOR_ADVERTISEMENT",
    "ICMPV6_NEIGHBOR_SOLICITATION",
    "ICMP_ECHO_REPLY",
    "ICMP_ECHO_REQUEST",
    "IPV4_FLAG_DF",
    "IPV4_FLAG_MF",
    "IP_PROTO_ICMP",
    "IP_PROTO_ICMPV6",
    "IP_PROTO_TCP",
    "IP_PROTO_UDP",
    "LLDP_MAC_NEAREST_BRIDGE",
    "LLDP_TLV_PORT_DESCRIPTION",
    "LLDP_TLV_SYSTEM_NAME",
    "PORT_ID_INTERFACE_NAME",
    "PORT_ID_LOCALLY_ASSIGNED",
    "PORT_ID_PORT_COMPONENT",
    "TCP_ACK",
    "TCP_FIN",
    "TCP_PSH",
    "TCP_RST",
    "TCP_SYN",
    "Arp",
    "Ethernet",
    "Icmp",
    "Icmpv6",
    "Ipv4",
    "Ipv6",
    "Ipv6Extension",
    "Layer",
    "Lldp",
    "LldpTlv",
    "Packet",
    "PacketError",
    "Tcp",
    "Udp",
    "Vlan",
    "build",
    "echo_payload",
    "internet_checksum",
    "parse",
]
