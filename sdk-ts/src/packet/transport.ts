import { bytesField, field, get16, get32, put16, put32 } from './bytes.js';
import { internetChecksum } from './checksum.js';
import { badSpec, malformed, need } from './errors.js';

/** TCP, UDP, ICMP and ICMPv6 headers. Checksums are computed when building, reported as on the wire when parsing. */

/** TCP flag bits (the 9 bits after the data offset). */
export const TcpFlags = { FIN: 0x001, SYN: 0x002, RST: 0x004, PSH: 0x008, ACK: 0x010, URG: 0x020, ECE: 0x040, CWR: 0x080, NS: 0x100 } as const;

export interface Tcp {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** TcpFlags bits. */
  readonly flags: number;
  readonly window: number;
  readonly checksum: number;
  readonly urgentPointer: number;
  /** Options (a view), a multiple of 4 bytes. */
  readonly options: Uint8Array;
  readonly payload: Uint8Array;
}

export interface TcpSpec {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq?: number;
  readonly ack?: number;
  readonly flags?: number;
  /** Default 65535. */
  readonly window?: number;
  readonly urgentPointer?: number;
  /** Up to 40 bytes, a multiple of 4. */
  readonly options?: Uint8Array;
}

export interface Udp {
  readonly srcPort: number;
  readonly dstPort: number;
  /** Header and payload, in bytes. */
  readonly length: number;
  /** 0: none (IPv4 only). */
  readonly checksum: number;
  readonly payload: Uint8Array;
}

export interface UdpSpec {
  readonly srcPort: number;
  readonly dstPort: number;
}

/** ICMP for IPv4 (RFC 792): type, code and the 4 bytes whose meaning depends on them. */
export interface Icmp {
  readonly type: number;
  readonly code: number;
  readonly checksum: number;
  /** Echo: identifier << 16 | sequence. */
  readonly restOfHeader: number;
  readonly payload: Uint8Array;
}

export interface IcmpSpec {
  readonly type: number;
  readonly code?: number;
  readonly restOfHeader?: number;
}

/** ICMPv6 (RFC 4443): type and code; the message body (echo id/seq, neighbor discovery fields) is the payload. */
export interface Icmpv6 {
  readonly type: number;
  readonly code: number;
  readonly checksum: number;
  readonly payload: Uint8Array;
}

export interface Icmpv6Spec {
  readonly type: number;
  readonly code?: number;
}

export const TCP_HEADER_SIZE = 20;
export const UDP_HEADER_SIZE = 8;
export const ICMP_HEADER_SIZE = 8;
export const ICMPV6_HEADER_SIZE = 4;

export function parseTcp(b: Uint8Array, base = 0): Tcp {
  need(b, 0, TCP_HEADER_SIZE, 'tcp', base);
  const headerLength = (b[12]! >>> 4) * 4;
  if (headerLength < TCP_HEADER_SIZE) throw malformed('tcp', base + 12, `data offset ${headerLength} is below 20`);
  need(b, 0, headerLength, 'tcp', base);
  return {
    srcPort: get16(b, 0),
    dstPort: get16(b, 2),
    seq: get32(b, 4),
    ack: get32(b, 8),
    flags: get16(b, 12) & 0x1ff,
    window: get16(b, 14),
    checksum: get16(b, 16),
    urgentPointer: get16(b, 18),
    options: b.subarray(TCP_HEADER_SIZE, headerLength),
    payload: b.subarray(headerLength),
  };
}

export function parseUdp(b: Uint8Array, base = 0): Udp {
  need(b, 0, UDP_HEADER_SIZE, 'udp', base);
  const length = get16(b, 4);
  if (length < UDP_HEADER_SIZE) throw malformed('udp', base + 4, `length ${length} is below 8`);
  if (length > b.length) throw malformed('udp', base + 4, `truncated: length ${length}, ${b.length} bytes present`);
  return { srcPort: get16(b, 0), dstPort: get16(b, 2), length, checksum: get16(b, 6), payload: b.subarray(UDP_HEADER_SIZE, length) };
}

export function parseIcmp(b: Uint8Array, base = 0): Icmp {
  need(b, 0, ICMP_HEADER_SIZE, 'icmp', base);
  return { type: b[0]!, code: b[1]!, checksum: get16(b, 2), restOfHeader: get32(b, 4), payload: b.subarray(ICMP_HEADER_SIZE) };
}

export function parseIcmpv6(b: Uint8Array, base = 0): Icmpv6 {
  need(b, 0, ICMPV6_HEADER_SIZE, 'icmpv6', base);
  return { type: b[0]!, code: b[1]!, checksum: get16(b, 2), payload: b.subarray(ICMPV6_HEADER_SIZE) };
}

export function tcpHeaderSize(spec: TcpSpec): number {
  const options = spec.options === undefined ? 0 : bytesField(spec.options, 'tcp', 'options').length;
  if (options % 4 !== 0 || options > 40) throw badSpec('tcp', `options must be a multiple of 4 bytes, at most 40, got ${options}`);
  return TCP_HEADER_SIZE + options;
}

/** Writes the header at `p`; the payload must already be in `out` after it. `pseudo` is the IP pseudo-header. */
export function writeTcp(spec: TcpSpec, pseudo: Uint8Array, out: Uint8Array, p: number, end: number): void {
  const headerLength = tcpHeaderSize(spec);
  put16(out, p, field(spec.srcPort, 16, 'tcp', 'srcPort'));
  put16(out, p + 2, field(spec.dstPort, 16, 'tcp', 'dstPort'));
  put32(out, p + 4, field(spec.seq ?? 0, 32, 'tcp', 'seq'));
  put32(out, p + 8, field(spec.ack ?? 0, 32, 'tcp', 'ack'));
  put16(out, p + 12, ((headerLength / 4) << 12) | field(spec.flags ?? 0, 9, 'tcp', 'flags'));
  put16(out, p + 14, field(spec.window ?? 0xffff, 16, 'tcp', 'window'));
  put16(out, p + 16, 0);
  put16(out, p + 18, field(spec.urgentPointer ?? 0, 16, 'tcp', 'urgentPointer'));
  if (spec.options !== undefined) out.set(spec.options, p + TCP_HEADER_SIZE);
  put16(out, p + 16, internetChecksum(pseudo, out.subarray(p, end)));
}

/** Writes the header at `p` for the segment up to `end`. A computed checksum of 0 is sent as 0xffff (RFC 768). */
export function writeUdp(spec: UdpSpec, pseudo: Uint8Array, out: Uint8Array, p: number, end: number): void {
  const length = end - p;
  if (length > 0xffff) throw badSpec('udp', `length ${length} exceeds 65535`);
  put16(out, p, field(spec.srcPort, 16, 'udp', 'srcPort'));
  put16(out, p + 2, field(spec.dstPort, 16, 'udp', 'dstPort'));
  put16(out, p + 4, length);
  put16(out, p + 6, 0);
  put16(out, p + 6, internetChecksum(pseudo, out.subarray(p, end)) || 0xffff);
}

export function writeIcmp(spec: IcmpSpec, out: Uint8Array, p: number, end: number): void {
  out[p] = field(spec.type, 8, 'icmp', 'type');
  out[p + 1] = field(spec.code ?? 0, 8, 'icmp', 'code');
  put16(out, p + 2, 0);
  put32(out, p + 4, field(spec.restOfHeader ?? 0, 32, 'icmp', 'restOfHeader'));
  put16(out, p + 2, internetChecksum(out.subarray(p, end)));
}

export function writeIcmpv6(spec: Icmpv6Spec, pseudo: Uint8Array, out: Uint8Array, p: number, end: number): void {
  out[p] = field(spec.type, 8, 'icmpv6', 'type');
  out[p + 1] = field(spec.code ?? 0, 8, 'icmpv6', 'code');
  put16(out, p + 2, 0);
  put16(out, p + 2, internetChecksum(pseudo, out.subarray(p, end)));
}
