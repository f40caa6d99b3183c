/**
 * The Internet checksum (RFC 1071): the ones' complement of the ones' complement
 * sum of 16-bit big-endian words, over any number of byte ranges (a pseudo-header
 * and a segment). Each range is summed as if it started on an even byte.
 */
export function internetChecksum(...parts: readonly Uint8Array[]): number {
  let sum = 0;
  for (const b of parts) {
    const even = b.length & ~1;
    for (let i = 0; i < even; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
    if (even < b.length) sum += b[even]! << 8;
    // Fold early so the sum stays a small integer even for 64 KiB segments.
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The IPv4 pseudo-header of TCP/UDP (RFC 793/768): source, destination, zero, protocol, length. */
export function ipv4PseudoHeader(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): Uint8Array {
  const p = new Uint8Array(12);
  p.set(src, 0);
  p.set(dst, 4);
  p[9] = protocol;
  p[10] = length >>> 8;
  p[11] = length & 0xff;
  return p;
}

/** The IPv6 pseudo-header (RFC 8200 8.1): source, destination, 32-bit length, next header. */
export function ipv6PseudoHeader(src: Uint8Array, dst: Uint8Array, nextHeader: number, length: number): Uint8Array {
  const p = new Uint8Array(40);
  p.set(src, 0);
  p.set(dst, 16);
  p[32] = length >>> 24;
  p[33] = (length >>> 16) & 0xff;
  p[34] = (length >>> 8) & 0xff;
  p[35] = length & 0xff;
  p[39] = nextHeader;
  return p;
}
