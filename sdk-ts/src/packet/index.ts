/**
 * The packet library: parse and build Ethernet (with 802.1Q/802.1ad tags), ARP,
 * IPv4, IPv6, ICMP, ICMPv6, TCP, UDP and LLDP. Parsing returns views into the
 * input (no copies of payloads); building computes lengths and checksums. Bad
 * input raises PacketError, never anything else.
 */
export { ArpOp, parseArp, type Arp, type ArpSpec } from './arp.js';
export { internetChecksum } from './checksum.js';
export { PacketError } from './errors.js';
export { parseEthernet, type Ethernet, type EthernetSpec, type VlanSpec, type VlanTag } from './ethernet.js';
export { buildFrame, parseFrame, type Frame, type FrameSpec } from './frame.js';
export { isFragment, parseIpv4, type Ipv4, type Ipv4Spec } from './ipv4.js';
export { parseIpv6, type Ipv6, type Ipv6Spec } from './ipv6.js';
export { LldpChassisIdSubtype, LldpPortIdSubtype, LldpTlvType, parseLldp, type Lldp, type LldpId, type LldpSpec, type LldpTlv } from './lldp.js';
export { parseIcmp, parseIcmpv6, parseTcp, parseUdp, TcpFlags, type Icmp, type Icmpv6, type Icmpv6Spec, type IcmpSpec, type Tcp, type TcpSpec, type Udp, type UdpSpec } from './transport.js';
