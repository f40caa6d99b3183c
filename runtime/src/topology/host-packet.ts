import { macAt, readIpv4, readIpv6, Reader } from '../openflow/index.js';
import { TopologyFrameError } from './errors.js';
import { EthType, parseEthernet, sourceMac } from './ethernet.js';

/** What one packet-in says about the host that sent it. */
export interface HostFacts {
  readonly mac: string;
  /** Addresses the host claims for itself (ARP sender, neighbour discovery); empty for other traffic. */
  readonly ips: readonly string[];
}

const ARP_SIZE = 28;
const IPV4_MIN_HEADER = 20;
const IPV6_HEADER = 40;
const ICMPV6 = 58;
/** ICMPv6 router solicitation .. neighbour advertisement (RFC 4861): on-link only (hop limit 255). */
const ND_ROUTER_SOLICITATION = 133;
const ND_NEIGHBOR_ADVERTISEMENT = 136;

/**
 * The host facts in a frame, or undefined when it teaches nothing (LLDP, a group
 * source MAC). IPs come only from ARP and neighbour discovery, where a host
 * states its own address: the source IP of routed IPv4/IPv6 traffic belongs to
 * a host behind the router whose MAC is on the frame. Throws TopologyFrameError
 * PACKET_MALFORMED for a truncated Ethernet, ARP, IPv4 or IPv6 header.
 */
export function hostFacts(frame: Uint8Array): HostFacts | undefined {
  const eth = parseEthernet(frame);
  if (eth.ethType === EthType.LLDP) return undefined;
  const mac = sourceMac(frame);
  if (mac === undefined) return undefined;
  if (eth.ethType === EthType.IPV4) {
    // Most packet-ins: only the header's presence is checked (no addresses are taken from it).
    if (frame.length - eth.payloadAt < IPV4_MIN_HEADER) throw new TopologyFrameError('PACKET_MALFORMED', `IPv4 packet from ${mac}: ${frame.length - eth.payloadAt} bytes after Ethernet, a header needs ${IPV4_MIN_HEADER}`);
    return { mac, ips: NO_IPS };
  }
  if (eth.ethType !== EthType.ARP && eth.ethType !== EthType.IPV6) return { mac, ips: NO_IPS };
  const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const r = new Reader(buf, eth.payloadAt, buf.length, 'HostPacket');
  try {
    return { mac, ips: eth.ethType === EthType.ARP ? arpIps(r, mac) : ipv6Ips(r) };
  } catch (err) {
    throw new TopologyFrameError('PACKET_MALFORMED', `packet from ${mac}: ${(err as Error).message}`, { cause: err });
  }
}

const NO_IPS: readonly string[] = Object.freeze([]);

/** The address an ARP packet's sender (`src`) claims; a Reader error (OfpDecodeError) for a truncated header. */
function arpIps(r: Reader, src: string): readonly string[] {
  r.need(ARP_SIZE, 'arp');
  // Only ARP for IPv4 over Ethernet carries addresses we can read.
  if (r.u16('arp.htype') !== 1 || r.u16('arp.ptype') !== EthType.IPV4 || r.u8('arp.hlen') !== 6 || r.u8('arp.plen') !== 4) return NO_IPS;
  r.u16('arp.op');
  const senderMac = r.bytes(6, 'arp.sha');
  const senderIp = readIpv4(r, 'arp.spa');
  // A proxy answering for someone else, or an ARP probe (0.0.0.0), claims no address of its own.
  return senderIp !== '0.0.0.0' && macAt(senderMac, 0) === src ? [senderIp] : NO_IPS;
}

/** The addresses an IPv6 neighbour discovery packet's sender claims (none for other IPv6); a Reader error for a truncated header. */
function ipv6Ips(r: Reader): readonly string[] {
  r.need(IPV6_HEADER, 'ipv6');
  r.pad(6, 'ipv6.version_class_flow_length');
  const nextHeader = r.u8('ipv6.next_header');
  r.u8('ipv6.hop_limit');
  const source = readIpv6(r, 'ipv6.src');
  r.pad(16, 'ipv6.dst');
  if (nextHeader !== ICMPV6 || r.remaining() < 4) return NO_IPS;
  const type = r.u8('icmpv6.type');
  if (type < ND_ROUTER_SOLICITATION || type > ND_NEIGHBOR_ADVERTISEMENT) return NO_IPS;
  const ips = source === '::' || source.startsWith('ff') ? [] : [source];
  if (type === ND_NEIGHBOR_ADVERTISEMENT) {
    r.pad(7, 'icmpv6.header');
    const target = readIpv6(r, 'nd.target');
    if (!ips.includes(target)) ips.push(target);
  }
  return ips;
}
