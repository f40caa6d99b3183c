import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * Text forms of the addresses OpenFlow carries (MAC, IPv4, IPv6), read from and
 * written to the wire without intermediate arrays. Parsing is strict: anything but
 * the canonical separators and hex/decimal digits is an error naming the field.
 */

/** Char codes of "0".."f" by nibble value. */
const HEX_CODE: readonly number[] = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));
const COLON = 0x3a;

/**
 * Six bytes at `p` of `b` as "aa:bb:cc:dd:ee:ff"; the caller checks the bounds.
 * Built with one String.fromCharCode: a template literal makes a rope that V8
 * flattens again on every Map lookup or charCodeAt (3-4x slower for a learning
 * switch keyed by MAC; measured with bench/src/controller.ts).
 */
export function macAt(b: Uint8Array, p: number): string {
  const h = HEX_CODE;
  const b0 = b[p]!, b1 = b[p + 1]!, b2 = b[p + 2]!, b3 = b[p + 3]!, b4 = b[p + 4]!, b5 = b[p + 5]!;
  return String.fromCharCode(
    h[b0 >> 4]!, h[b0 & 15]!, COLON, h[b1 >> 4]!, h[b1 & 15]!, COLON, h[b2 >> 4]!, h[b2 & 15]!, COLON,
    h[b3 >> 4]!, h[b3 & 15]!, COLON, h[b4 >> 4]!, h[b4 & 15]!, COLON, h[b5 >> 4]!, h[b5 & 15]!,
  );
}

/** Six bytes at the reader's cursor as "aa:bb:cc:dd:ee:ff". */
export function readMac(r: Reader, field: string): string {
  r.need(6, field);
  const p = r.pos;
  r.pos = p + 6;
  return macAt(r.buf, p);
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Writes "aa:bb:cc:dd:ee:ff" (either case) as six bytes. */
export function writeMac(w: Writer, mac: string, field: string): void {
  if (typeof mac !== 'string' || mac.length !== 17) w.fail(field, `${String(mac)} is not a MAC address "aa:bb:cc:dd:ee:ff"`);
  w.ensure(6);
  const b = w.buf;
  const p = w.pos;
  for (let i = 0; i < 6; i++) {
    const hi = hexDigit(mac.charCodeAt(i * 3));
    const lo = hexDigit(mac.charCodeAt(i * 3 + 1));
    if (hi < 0 || lo < 0 || (i < 5 && mac.charCodeAt(i * 3 + 2) !== 58)) {
      w.fail(field, `${mac} is not a MAC address "aa:bb:cc:dd:ee:ff"`);
    }
    b[p + i] = (hi << 4) | lo;
  }
  w.pos = p + 6;
}

/** Four bytes as dotted decimal. */
export function readIpv4(r: Reader, field: string): string {
  r.need(4, field);
  const b = r.buf;
  const p = r.pos;
  r.pos = p + 4;
  return `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
}

/**
 * Writes dotted decimal "a.b.c.d" as four bytes; nothing is written unless all four
 * parts are valid. A part with a leading zero ("010") is rejected: inet_aton reads
 * it as octal (8), so the text means different addresses to different tools.
 */
export function writeIpv4(w: Writer, ip: string, field: string): void {
  if (typeof ip !== 'string') w.fail(field, `${String(ip)} is not an IPv4 address "a.b.c.d"`);
  // Read by character codes, not split and a regex: this runs for every IPv4 match
  // field and nat range, and was a third of a ct+nat flow-mod's encode time.
  let address = 0;
  let parts = 0;
  let octet = 0;
  let digits = 0;
  let valid = true;
  for (let i = 0; i <= ip.length; i++) {
    const c = i < ip.length ? ip.charCodeAt(i) : 46;
    if (c === 46) {
      parts++;
      if (digits === 0 || octet > 255) valid = false;
      address = address * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3 && !(digits === 1 && octet === 0)) {
      octet = octet * 10 + (c - 48);
      digits++;
    } else {
      valid = false;
      digits++;
    }
  }
  if (parts !== 4) w.fail(field, `${ip} is not an IPv4 address "a.b.c.d"`);
  if (!valid) w.fail(field, `${ip} is not an IPv4 address "a.b.c.d" (decimal 0-255, no leading zeros)`);
  w.u32(address, field);
}

/** Sixteen bytes in RFC 5952 text form: lowercase, longest zero run (>= 2 groups) as "::". */
export function readIpv6(r: Reader, field: string): string {
  const bytes = r.bytes(16, field);
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
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
  const head = groups.slice(0, bestStart).map(hex).join(':');
  const tail = groups.slice(bestStart + bestLen).map(hex).join(':');
  return `${head}::${tail}`;
}

/** Writes an IPv6 address in any RFC 4291 text form (with "::", no zone, no embedded IPv4). */
export function writeIpv6(w: Writer, ip: string, field: string): void {
  const bad = (): never => w.fail(field, `${String(ip)} is not an IPv6 address`);
  if (typeof ip !== 'string') bad();
  const halves = ip.split('::');
  if (halves.length > 2) bad();
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? parseInt(g, 16) : bad())));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) bad();
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  w.ensure(16);
  for (const g of groups) {
    w.buf[w.pos++] = g >>> 8;
    w.buf[w.pos++] = g & 0xff;
  }
}
