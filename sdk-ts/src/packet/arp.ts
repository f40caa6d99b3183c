import { ipv4At, ipv4Bytes, macAt, writeMacAt } from '../addresses.js';
import { EthType } from '../openflow/constants.js';
import { field, get16, put16 } from './bytes.js';
import { badSpec, malformed, need } from './errors.js';

/** ARP for IPv4 over Ethernet (RFC 826). */
export interface Arp {
  /** 1 request, 2 reply. */
  readonly op: number;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
}

export interface ArpSpec {
  readonly op: number;
  readonly senderMac: string;
  readonly senderIp: string;
  /** Default 00:00:00:00:00:00 (unknown, as in a request). */
  readonly targetMac?: string;
  readonly targetIp: string;
}

export const ArpOp = { REQUEST: 1, REPLY: 2 } as const;
export const ARP_SIZE = 28;

/** True when the ARP header is Ethernet/IPv4, the only kind this library parses. */
export function isEthernetIpv4Arp(b: Uint8Array): boolean {
  return b.length >= 6 && get16(b, 0) === 1 && get16(b, 2) === EthType.IPV4 && b[4] === 6 && b[5] === 4;
}

export function parseArp(b: Uint8Array, base = 0): Arp {
  need(b, 0, ARP_SIZE, 'arp', base);
  if (!isEthernetIpv4Arp(b)) throw malformed('arp', base, 'not ARP for IPv4 over Ethernet (htype 1, ptype 0x0800, hlen 6, plen 4)');
  return { op: get16(b, 6), senderMac: macAt(b, 8), senderIp: ipv4At(b, 14), targetMac: macAt(b, 18), targetIp: ipv4At(b, 24) };
}

export function writeArp(spec: ArpSpec, out: Uint8Array, p: number): void {
  put16(out, p, 1);
  put16(out, p + 2, EthType.IPV4);
  out[p + 4] = 6;
  out[p + 5] = 4;
  put16(out, p + 6, field(spec.op, 16, 'arp', 'op'));
  const mac = (m: string | undefined, at: number, name: string): void => {
    if (!writeMacAt(m ?? '00:00:00:00:00:00', out, at)) throw badSpec('arp', `${name} ${JSON.stringify(m)} is not a MAC address`);
  };
  const ip = (a: string, at: number, name: string): void => {
    const bytes = ipv4Bytes(a);
    if (bytes === undefined) throw badSpec('arp', `${name} ${JSON.stringify(a)} is not an IPv4 address`);
    out.set(bytes, at);
  };
  mac(spec.senderMac, p + 8, 'senderMac');
  ip(spec.senderIp, p + 14, 'senderIp');
  mac(spec.targetMac, p + 18, 'targetMac');
  ip(spec.targetIp, p + 24, 'targetIp');
}
