/**
 * MAC, IPv4 and IPv6 addresses between their text forms and bytes. Parsing is
 * strict (the runtime's codec reads the same forms): MAC "aa:bb:cc:dd:ee:ff" in
 * either case, IPv4 dotted decimal without leading zeros, IPv6 in any RFC 4291
 * form without zone or embedded IPv4. Formatting gives the canonical form:
 * lowercase MAC, RFC 5952 IPv6. Parsers return undefined on bad text so each
 * caller can raise the error its own layer defines.
 */

const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Six bytes at `offset` of `b` as "aa:bb:cc:dd:ee:ff"; the caller checks the bounds. */
export function macAt(b: Uint8Array, offset: number): string {
  const p = offset;
  return `${HEX2[b[p]!]}:${HEX2[b[p + 1]!]}:${HEX2[b[p + 2]!]}:${HEX2[b[p + 3]!]}:${HEX2[b[p + 4]!]}:${HEX2[b[p + 5]!]}`;
}

/** Writes a MAC into `out` at `offset`; false (and nothing written) when the text is not a MAC. */
export function writeMacAt(mac: string, out: Uint8Array, offset: number): boolean {
  if (typeof mac !== 'string' || mac.length !== 17) return false;
  for (let i = 0; i < 6; i++) {
    if (hexDigit(mac.charCodeAt(i * 3)) < 0 || hexDigit(mac.charCodeAt(i * 3 + 1)) < 0) return false;
    if (i < 5 && mac.charCodeAt(i * 3 + 2) !== 58) return false;
  }
  for (let i = 0; i < 6; i++) out[offset + i] = (hexDigit(mac.charCodeAt(i * 3)) << 4) | hexDigit(mac.charCodeAt(i * 3 + 1));
  return true;
}

/** Six bytes of a MAC, or undefined when the text is not one. */
export function macBytes(mac: string): Uint8Array | undefined {
  const out = new Uint8Array(6);
  return writeMacAt(mac, out, 0) ? out : undefined;
}

/** The canonical (lowercase) form of a MAC, or undefined when the text is not one. */
export function canonicalMac(mac: string): string | undefined {
  const b = macBytes(mac);
  return b === undefined ? undefined : macAt(b, 0);
}

/** Four bytes at `offset` of `b` as dotted decimal; the caller checks the bounds. */
export function ipv4At(b: Uint8Array, offset: number): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/**
 * Four bytes of a dotted-decimal IPv4 address, or undefined. A part with a leading
 * zero ("010") is refused: inet_aton reads it as octal, so the text would mean
 * different addresses to different tools.
 */
export function ipv4Bytes(ip: string): Uint8Array | undefined {
  if (typeof ip !== 'string') return undefined;
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** Sixteen bytes at `offset` of `b` in RFC 5952 form; the caller checks the bounds. */
export function ipv6At(b: Uint8Array, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[offset + i]! << 8) | b[offset + i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number): string => g.toString(16);
  if (bestLen < 2) return groups.map(hex).join(':');
  return `${groups.slice(0, bestStart).map(hex).join(':')}::${groups.slice(bestStart + bestLen).map(hex).join(':')}`;
}

/** Sixteen bytes of an IPv6 address, or undefined when the text is not one. */
export function ipv6Bytes(ip: string): Uint8Array | undefined {
  if (typeof ip !== 'string') return undefined;
  const halves = ip.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >>> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** The canonical text of an IPv4 address (validated), or undefined. */
export function canonicalIpv4(ip: string): string | undefined {
  const b = ipv4Bytes(ip);
  return b === undefined ? undefined : ipv4At(b, 0);
}

/** The RFC 5952 text of an IPv6 address (validated), or undefined. */
export function canonicalIpv6(ip: string): string | undefined {
  const b = ipv6Bytes(ip);
  return b === undefined ? undefined : ipv6At(b, 0);
}
