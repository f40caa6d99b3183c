import { macAt, readIpv4, readIpv6, Reader } from '../openflow/index.js';
import { TopologyFrameError } from './errors.js';
import { EthType, isGroupMac, parseEthernet } from './ethernet.js';

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
  if (eth.ethType === EthType.LLDP || isGroupMac(eth.src) || eth.src === '00:00:00:00:00:00') return undefined;
  const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const r = new Reader(buf, eth.payloadAt, buf.length, 'HostPacket');
  try {
    return { mac: eth.src, ips: claimedIps(eth.ethType, eth.src, r) };
  } catch (err) {
    if (err instanceof TopologyFrameError) throw err;
    throw new TopologyFrameError('PACKET_MALFORMED', `packet from ${eth.src}: ${(err as Error).message}`, { cause: err });
  }
}

function claimedIps(ethType: number, src: string, r: Reader): string[] {
  switch (ethType) {
    case EthType.ARP: {
      r.need(ARP_SIZE, 'arp');
      // Only ARP for IPv4 over Ethernet carries addresses we can read.
      if (r.u16('arp.htype') !== 1 || r.u16('arp.ptype') !== EthType.IPV4 || r.u8('arp.hlen') !== 6 || r.u8('arp.plen') !== 4) return [];
      r.u16('arp.op');
      const senderMac = r.bytes(6, 'arp.sha');
      const senderIp = readIpv4(r, 'arp.spa');
      // A proxy answering for someone else, or an ARP probe (0.0.0.0), claims no address of its own.
      return senderIp !== '0.0.0.0' && macAt(senderMac, 0) === src ? [senderIp] : [];
    }
    case EthType.IPV4:
      r.need(IPV4_MIN_HEADER, 'ipv4');
      return [];
    case EthType.IPV6: {
      r.need(IPV6_HEADER, 'ipv6');
      r.pad(6, 'ipv6.version_class_flow_length');
      const nextHeader = r.u8('ipv6.next_header');
      r.u8('ipv6.hop_limit');
      const source = readIpv6(r, 'ipv6.src');
      r.pad(16, 'ipv6.dst');
      if (nextHeader !== ICMPV6 || r.remaining() < 4) return [];
      const type = r.u8('icmpv6.type');
      if (type < ND_ROUTER_SOLICITATION || type > ND_NEIGHBOR_ADVERTISEMENT) return [];
      const ips = source === '::' || source.startsWith('ff') ? [] : [source];
      if (type === ND_NEIGHBOR_ADVERTISEMENT) {
        r.pad(7, 'icmpv6.header');
        const target = readIpv6(r, 'nd.target');
        if (!ips.includes(target)) ips.push(target);
      }
      return ips;
    }
    default:
      return [];
  }
}
