import { ipv4At, ipv4Bytes } from '../addresses.js';
import { bytesField, field, get16, put16 } from './bytes.js';
import { internetChecksum } from './checksum.js';
import { badSpec, malformed, need } from './errors.js';

/** An IPv4 header (RFC 791). */
export interface Ipv4 {
  readonly dscp: number;
  readonly ecn: number;
  /** Header and payload, in bytes. */
  readonly totalLength: number;
  readonly identification: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** In 8-byte units. */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  /** As on the wire (not checked by the parser). */
  readonly checksum: number;
  readonly src: string;
  readonly dst: string;
  /** Header options (a view), a multiple of 4 bytes. */
  readonly options: Uint8Array;
  /** The bytes `totalLength` covers after the header (a view; Ethernet padding excluded). */
  readonly payload: Uint8Array;
}

export interface Ipv4Spec {
  readonly src: string;
  readonly dst: string;
  /** Derived from the next layer when there is one. */
  readonly protocol?: number;
  /** Default 64. */
  readonly ttl?: number;
  readonly dscp?: number;
  readonly ecn?: number;
  readonly identification?: number;
  readonly dontFragment?: boolean;
  readonly moreFragments?: boolean;
  readonly fragmentOffset?: number;
  /** Up to 40 bytes, a multiple of 4. */
  readonly options?: Uint8Array;
}

export const IPV4_HEADER_SIZE = 20;

export function parseIpv4(b: Uint8Array, base = 0): Ipv4 {
  need(b, 0, IPV4_HEADER_SIZE, 'ipv4', base);
  const version = b[0]! >>> 4;
  if (version !== 4) throw malformed('ipv4', base, `version is ${version}, not 4`);
  const headerLength = (b[0]! & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_SIZE) throw malformed('ipv4', base, `header length ${headerLength} is below 20`);
  const totalLength = get16(b, 2);
  if (totalLength < headerLength) throw malformed('ipv4', base + 2, `total length ${totalLength} is below the header length ${headerLength}`);
  if (totalLength > b.length) throw malformed('ipv4', base + 2, `truncated: total length ${totalLength}, ${b.length} bytes present`);
  const flagsOffset = get16(b, 6);
  return {
    dscp: b[1]! >>> 2,
    ecn: b[1]! & 3,
    totalLength,
    identification: get16(b, 4),
    dontFragment: (flagsOffset & 0x4000) !== 0,
    moreFragments: (flagsOffset & 0x2000) !== 0,
    fragmentOffset: flagsOffset & 0x1fff,
    ttl: b[8]!,
    protocol: b[9]!,
    checksum: get16(b, 10),
    src: ipv4At(b, 12),
    dst: ipv4At(b, 16),
    options: b.subarray(IPV4_HEADER_SIZE, headerLength),
    payload: b.subarray(headerLength, totalLength),
  };
}

/** True when the packet is a fragment other than a whole datagram (its payload is not a whole L4 segment). */
export function isFragment(ip: Ipv4): boolean {
  return ip.moreFragments || ip.fragmentOffset !== 0;
}

export function ipv4HeaderSize(spec: Ipv4Spec): number {
  const options = spec.options === undefined ? 0 : bytesField(spec.options, 'ipv4', 'options').length;
  if (options % 4 !== 0 || options > 40) throw badSpec('ipv4', `options must be a multiple of 4 bytes, at most 40, got ${options}`);
  return IPV4_HEADER_SIZE + options;
}

/** The 4-byte source and destination of a spec (for pseudo-headers); INVALID when not IPv4 text. */
export function ipv4Addresses(spec: Ipv4Spec): [Uint8Array, Uint8Array] {
  const src = ipv4Bytes(spec.src);
  if (src === undefined) throw badSpec('ipv4', `src ${JSON.stringify(spec.src)} is not an IPv4 address`);
  const dst = ipv4Bytes(spec.dst);
  if (dst === undefined) throw badSpec('ipv4', `dst ${JSON.stringify(spec.dst)} is not an IPv4 address`);
  return [src, dst];
}

/** Writes the header at `p` of `out` for a payload of `payloadLength` bytes, checksum included. */
export function writeIpv4(spec: Ipv4Spec, protocol: number, payloadLength: number, out: Uint8Array, p: number): void {
  const headerLength = ipv4HeaderSize(spec);
  const totalLength = headerLength + payloadLength;
  if (totalLength > 0xffff) throw badSpec('ipv4', `total length ${totalLength} exceeds 65535`);
  const [src, dst] = ipv4Addresses(spec);
  out[p] = 0x40 | (headerLength / 4);
  out[p + 1] = (field(spec.dscp ?? 0, 6, 'ipv4', 'dscp') << 2) | field(spec.ecn ?? 0, 2, 'ipv4', 'ecn');
  put16(out, p + 2, totalLength);
  put16(out, p + 4, field(spec.identification ?? 0, 16, 'ipv4', 'identification'));
  const flags = (spec.dontFragment === true ? 0x4000 : 0) | (spec.moreFragments === true ? 0x2000 : 0);
  put16(out, p + 6, flags | field(spec.fragmentOffset ?? 0, 13, 'ipv4', 'fragmentOffset'));
  out[p + 8] = field(spec.ttl ?? 64, 8, 'ipv4', 'ttl');
  out[p + 9] = field(protocol, 8, 'ipv4', 'protocol');
  put16(out, p + 10, 0);
  out.set(src, p + 12);
  out.set(dst, p + 16);
  if (spec.options !== undefined) out.set(spec.options, p + IPV4_HEADER_SIZE);
  put16(out, p + 10, internetChecksum(out.subarray(p, p + headerLength)));
}
