import { EthType, IpProto } from '../openflow/constants.js';
import { ARP_SIZE, isEthernetIpv4Arp, parseArp, writeArp, type Arp, type ArpSpec } from './arp.js';
import { bytesField } from './bytes.js';
import { ipv4PseudoHeader, ipv6PseudoHeader } from './checksum.js';
import { badSpec } from './errors.js';
import { ethernetSize, parseEthernet, writeEthernet, type Ethernet, type EthernetSpec } from './ethernet.js';
import { ipv4Addresses, ipv4HeaderSize, isFragment, parseIpv4, writeIpv4, type Ipv4, type Ipv4Spec } from './ipv4.js';
import { IPV6_HEADER_SIZE, ipv6Addresses, parseIpv6, writeIpv6, type Ipv6, type Ipv6Spec } from './ipv6.js';
import { lldpSize, parseLldp, writeLldp, type Lldp, type LldpSpec } from './lldp.js';
import {
  ICMP_HEADER_SIZE,
  ICMPV6_HEADER_SIZE,
  parseIcmp,
  parseIcmpv6,
  parseTcp,
  parseUdp,
  tcpHeaderSize,
  UDP_HEADER_SIZE,
  writeIcmp,
  writeIcmpv6,
  writeTcp,
  writeUdp,
  type Icmp,
  type Icmpv6,
  type IcmpSpec,
  type Icmpv6Spec,
  type Tcp,
  type TcpSpec,
  type Udp,
  type UdpSpec,
} from './transport.js';

/** A parsed frame: each header the library understood, and the bytes after the last one. */
export interface Frame {
  readonly ethernet: Ethernet;
  readonly arp?: Arp;
  readonly ipv4?: Ipv4;
  readonly ipv6?: Ipv6;
  readonly lldp?: Lldp;
  readonly tcp?: Tcp;
  readonly udp?: Udp;
  readonly icmp?: Icmp;
  readonly icmpv6?: Icmpv6;
  /** After the last parsed header: the application data, or a layer the library does not parse (a view). */
  readonly payload: Uint8Array;
}

/** What to build: Ethernet, at most one of arp/ipv4/ipv6/lldp, at most one transport that fits it, a payload. */
export interface FrameSpec {
  readonly ethernet: EthernetSpec;
  readonly arp?: ArpSpec;
  readonly ipv4?: Ipv4Spec;
  readonly ipv6?: Ipv6Spec;
  readonly lldp?: LldpSpec;
  readonly tcp?: TcpSpec;
  readonly udp?: UdpSpec;
  readonly icmp?: IcmpSpec;
  readonly icmpv6?: Icmpv6Spec;
  readonly payload?: Uint8Array;
}

/**
 * Parses every header it knows, stopping (without error) at one it does not:
 * an unknown ethertype or IP protocol, an IPv6 extension header, a fragment's
 * payload, ARP for other than IPv4 over Ethernet. A header that is there but
 * truncated or inconsistent is a PacketError (MALFORMED_PACKET) naming the layer
 * and byte offset. Payloads and options are views into `b`.
 */
export function parseFrame(b: Uint8Array): Frame {
  const ethernet = parseEthernet(b);
  let at = b.length - ethernet.payload.length;
  const l2 = ethernet.payload;
  switch (ethernet.ethType) {
    case EthType.ARP:
      if (!isEthernetIpv4Arp(l2)) return { ethernet, payload: l2 };
      return { ethernet, arp: parseArp(l2, at), payload: l2.subarray(ARP_SIZE) };
    case EthType.LLDP:
      return { ethernet, lldp: parseLldp(l2, at), payload: new Uint8Array(0) };
    case EthType.IPV4: {
      const ipv4 = parseIpv4(l2, at);
      at += ipv4.payload.byteOffset - l2.byteOffset;
      if (isFragment(ipv4)) return { ethernet, ipv4, payload: ipv4.payload };
      return { ethernet, ipv4, ...transport(ipv4.protocol, ipv4.payload, at, false) };
    }
    case EthType.IPV6: {
      const ipv6 = parseIpv6(l2, at);
      return { ethernet, ipv6, ...transport(ipv6.nextHeader, ipv6.payload, at + IPV6_HEADER_SIZE, true) };
    }
    default:
      return { ethernet, payload: l2 };
  }
}

function transport(protocol: number, b: Uint8Array, at: number, v6: boolean): Pick<Frame, 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'payload'> {
  switch (protocol) {
    case IpProto.TCP: {
      const tcp = parseTcp(b, at);
      return { tcp, payload: tcp.payload };
    }
    case IpProto.UDP: {
      const udp = parseUdp(b, at);
      return { udp, payload: udp.payload };
    }
    case IpProto.ICMP:
      if (v6) break;
      return ((icmp) => ({ icmp, payload: icmp.payload }))(parseIcmp(b, at));
    case IpProto.ICMPV6:
      if (!v6) break;
      return ((icmpv6) => ({ icmpv6, payload: icmpv6.payload }))(parseIcmpv6(b, at));
  }
  return { payload: b };
}

function only<K extends keyof FrameSpec>(spec: FrameSpec, keys: readonly K[], what: string): K | undefined {
  const present = keys.filter((k) => spec[k] !== undefined);
  if (present.length > 1) throw badSpec('frame', `at most one ${what}, got ${present.join(' and ')}`);
  return present[0];
}

function derived(given: number | undefined, wanted: number, layer: string, name: string): number {
  if (given !== undefined && given !== wanted) throw badSpec(layer, `${name} 0x${given.toString(16)} contradicts the next layer (0x${wanted.toString(16)})`);
  return wanted;
}

/**
 * Builds a frame from its layers, computing lengths, ethertypes, protocol
 * numbers and every checksum (IPv4 header, TCP, UDP, ICMP, ICMPv6). PacketError
 * (INVALID) when a field is out of range, an address is not valid text, or the
 * layers do not fit together (TCP without IP, ICMPv6 over IPv4, two network layers).
 */
export function buildFrame(spec: FrameSpec): Uint8Array {
  const l3 = only(spec, ['arp', 'ipv4', 'ipv6', 'lldp'], 'network layer');
  const l4 = only(spec, ['tcp', 'udp', 'icmp', 'icmpv6'], 'transport layer');
  const payload = spec.payload === undefined ? new Uint8Array(0) : bytesField(spec.payload, 'frame', 'payload');
  if (l4 !== undefined && l3 !== 'ipv4' && l3 !== 'ipv6') throw badSpec(l4, 'needs an ipv4 or ipv6 layer');
  if (l4 === 'icmp' && l3 !== 'ipv4') throw badSpec('icmp', 'ICMP runs over IPv4 (use icmpv6 over IPv6)');
  if (l4 === 'icmpv6' && l3 !== 'ipv6') throw badSpec('icmpv6', 'ICMPv6 runs over IPv6');
  if ((l3 === 'arp' || l3 === 'lldp') && payload.length > 0) throw badSpec(l3, 'carries no payload');

  const l4Header = l4 === 'tcp' ? tcpHeaderSize(spec.tcp!) : l4 === 'udp' ? UDP_HEADER_SIZE : l4 === 'icmp' ? ICMP_HEADER_SIZE : l4 === 'icmpv6' ? ICMPV6_HEADER_SIZE : 0;
  const l3Header = l3 === 'arp' ? ARP_SIZE : l3 === 'ipv4' ? ipv4HeaderSize(spec.ipv4!) : l3 === 'ipv6' ? IPV6_HEADER_SIZE : l3 === 'lldp' ? lldpSize(spec.lldp!) : 0;
  const l2Header = ethernetSize(spec.ethernet);
  const out = new Uint8Array(l2Header + l3Header + l4Header + payload.length);
  const l3At = l2Header;
  const l4At = l3At + l3Header;
  out.set(payload, l4At + l4Header);

  const ethTypes = { arp: EthType.ARP, ipv4: EthType.IPV4, ipv6: EthType.IPV6, lldp: EthType.LLDP } as const;
  const ethType = l3 === undefined ? spec.ethernet.ethType : derived(spec.ethernet.ethType, ethTypes[l3], 'ethernet', 'ethType');
  if (ethType === undefined) throw badSpec('ethernet', 'ethType is needed when no network layer is given');
  writeEthernet(spec.ethernet, ethType, out);

  const protocols = { tcp: IpProto.TCP, udp: IpProto.UDP, icmp: IpProto.ICMP, icmpv6: IpProto.ICMPV6 } as const;
  if (l3 === 'ipv4' || l3 === 'ipv6') {
    const ip = spec[l3]!;
    const givenProtocol = l3 === 'ipv4' ? spec.ipv4!.protocol : spec.ipv6!.nextHeader;
    const protocol = l4 === undefined ? givenProtocol : derived(givenProtocol, protocols[l4], l3, l3 === 'ipv4' ? 'protocol' : 'nextHeader');
    if (protocol === undefined) throw badSpec(l3, `${l3 === 'ipv4' ? 'protocol' : 'nextHeader'} is needed when no transport layer is given`);
    const segment = out.length - l4At;
    const [src, dst] = l3 === 'ipv4' ? ipv4Addresses(ip) : ipv6Addresses(ip);
    const pseudo = l3 === 'ipv4' ? ipv4PseudoHeader(src, dst, protocol, segment) : ipv6PseudoHeader(src, dst, protocol, segment);
    if (l4 === 'tcp') writeTcp(spec.tcp!, pseudo, out, l4At, out.length);
    else if (l4 === 'udp') writeUdp(spec.udp!, pseudo, out, l4At, out.length);
    else if (l4 === 'icmp') writeIcmp(spec.icmp!, out, l4At, out.length);
    else if (l4 === 'icmpv6') writeIcmpv6(spec.icmpv6!, pseudo, out, l4At, out.length);
    if (l3 === 'ipv4') writeIpv4(spec.ipv4!, protocol, segment, out, l3At);
    else writeIpv6(spec.ipv6!, protocol, segment, out, l3At);
  } else if (l3 === 'arp') {
    writeArp(spec.arp!, out, l3At);
  } else if (l3 === 'lldp') {
    writeLldp(spec.lldp!, out, l3At);
  }
  return out;
}
