import { ipv6At, ipv6Bytes } from '../addresses.js';
import { field, get16, put16 } from './bytes.js';
import { badSpec, malformed, need } from './errors.js';

/** An IPv6 fixed header (RFC 8200). Extension headers are not parsed: `nextHeader` names what follows. */
export interface Ipv6 {
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly payloadLength: number;
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly src: string;
  readonly dst: string;
  /** The `payloadLength` bytes after the header (a view). */
  readonly payload: Uint8Array;
}

export interface Ipv6Spec {
  readonly src: string;
  readonly dst: string;
  /** Derived from the next layer when there is one. */
  readonly nextHeader?: number;
  /** Default 64. */
  readonly hopLimit?: number;
  readonly trafficClass?: number;
  readonly flowLabel?: number;
}

export const IPV6_HEADER_SIZE = 40;

export function parseIpv6(b: Uint8Array, base = 0): Ipv6 {
  need(b, 0, IPV6_HEADER_SIZE, 'ipv6', base);
  const version = b[0]! >>> 4;
  if (version !== 6) throw malformed('ipv6', base, `version is ${version}, not 6`);
  const payloadLength = get16(b, 4);
  if (IPV6_HEADER_SIZE + payloadLength > b.length) throw malformed('ipv6', base + 4, `truncated: payload length ${payloadLength}, ${b.length - IPV6_HEADER_SIZE} bytes present`);
  return {
    trafficClass: ((b[0]! & 0x0f) << 4) | (b[1]! >>> 4),
    flowLabel: ((b[1]! & 0x0f) << 16) | get16(b, 2),
    payloadLength,
    nextHeader: b[6]!,
    hopLimit: b[7]!,
    src: ipv6At(b, 8),
    dst: ipv6At(b, 24),
    payload: b.subarray(IPV6_HEADER_SIZE, IPV6_HEADER_SIZE + payloadLength),
  };
}

/** The 16-byte source and destination of a spec; INVALID when not IPv6 text. */
export function ipv6Addresses(spec: Ipv6Spec): [Uint8Array, Uint8Array] {
  const src = ipv6Bytes(spec.src);
  if (src === undefined) throw badSpec('ipv6', `src ${JSON.stringify(spec.src)} is not an IPv6 address`);
  const dst = ipv6Bytes(spec.dst);
  if (dst === undefined) throw badSpec('ipv6', `dst ${JSON.stringify(spec.dst)} is not an IPv6 address`);
  return [src, dst];
}

export function writeIpv6(spec: Ipv6Spec, nextHeader: number, payloadLength: number, out: Uint8Array, p: number): void {
  if (payloadLength > 0xffff) throw badSpec('ipv6', `payload length ${payloadLength} exceeds 65535 (jumbograms are not supported)`);
  const [src, dst] = ipv6Addresses(spec);
  const tc = field(spec.trafficClass ?? 0, 8, 'ipv6', 'trafficClass');
  const fl = field(spec.flowLabel ?? 0, 20, 'ipv6', 'flowLabel');
  out[p] = 0x60 | (tc >>> 4);
  out[p + 1] = ((tc & 0x0f) << 4) | (fl >>> 16);
  put16(out, p + 2, fl & 0xffff);
  put16(out, p + 4, payloadLength);
  out[p + 6] = field(nextHeader, 8, 'ipv6', 'nextHeader');
  out[p + 7] = field(spec.hopLimit ?? 64, 8, 'ipv6', 'hopLimit');
  out.set(src, p + 8);
  out.set(dst, p + 24);
}
