import { canonicalIpv4, canonicalIpv6, canonicalMac, ipv4Bytes, ipv6Bytes, macBytes } from '../addresses.js';
import { invalid } from '../errors.js';
import { oxmField, type OxmFieldSpec } from './oxm-fields.js';

/** A match or set-field value: number (uint up to 32 bits), bigint (64 bits), 16 bytes (128 bits) or address text. */
export type OxmValue = number | bigint | string | Uint8Array;

/** One OXM field of a match. `mask` absent: exact match. */
export interface MatchField {
  readonly field: string;
  readonly value: OxmValue;
  readonly mask?: OxmValue;
}

/** An OXM TLV the runtime does not model, carried as the switch sent it. */
export interface OpaqueMatchField {
  readonly field: 'opaque';
  readonly oxmClass: number;
  readonly oxmField: number;
  readonly hasMask: boolean;
  readonly payload: Uint8Array;
}

/** A match: its fields in wire order; an empty match matches every packet. */
export type Match = readonly (MatchField | OpaqueMatchField)[];

export function isOpaqueField(f: MatchField | OpaqueMatchField): f is OpaqueMatchField {
  return f.field === 'opaque' && 'payload' in f;
}

/** The field's spec; an unknown name is an INVALID error naming `what`. */
export function fieldSpec(name: string, what: string): OxmFieldSpec {
  const spec = oxmField(name);
  if (spec === undefined) throw invalid(what, `unknown OXM field "${name}"`);
  return spec;
}

/** The value in canonical form (lowercase MAC, RFC 5952 IPv6); INVALID when it does not fit the field. */
export function checkOxmValue(name: string, spec: OxmFieldSpec, value: unknown, what: string): OxmValue {
  switch (spec.kind) {
    case 'uint':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** spec.bits) {
        throw invalid(what, `${name} takes an integer 0..${2 ** spec.bits - 1}, got ${describe(value)}`);
      }
      return value;
    case 'u64':
      if (typeof value !== 'bigint' || value < 0n || value >= 1n << 64n) throw invalid(what, `${name} takes a bigint 0..2^64-1, got ${describe(value)}`);
      return value;
    case 'u128':
      if (!(value instanceof Uint8Array) || value.length !== 16) throw invalid(what, `${name} takes 16 bytes, got ${describe(value)}`);
      return value;
    case 'mac':
      return checkText(name, value, canonicalMac, 'a MAC address "aa:bb:cc:dd:ee:ff"', what);
    case 'ipv4':
      return checkText(name, value, canonicalIpv4, 'an IPv4 address "a.b.c.d"', what);
    case 'ipv6':
      return checkText(name, value, canonicalIpv6, 'an IPv6 address', what);
  }
}

function checkText(name: string, value: unknown, canonical: (s: string) => string | undefined, expected: string, what: string): string {
  const text = typeof value === 'string' ? canonical(value) : undefined;
  if (text === undefined) throw invalid(what, `${name} takes ${expected}, got ${describe(value)}`);
  return text;
}

/** Big-endian bytes of a checked value, for comparing it with its mask. */
function bytesOf(spec: OxmFieldSpec, value: OxmValue): Uint8Array {
  switch (spec.kind) {
    case 'mac':
      return macBytes(value as string)!;
    case 'ipv4':
      return ipv4Bytes(value as string)!;
    case 'ipv6':
      return ipv6Bytes(value as string)!;
    case 'u128':
      return value as Uint8Array;
    default: {
      let n = BigInt(value as number | bigint);
      const out = new Uint8Array(8);
      for (let i = 7; i >= 0; i--) {
        out[i] = Number(n & 0xffn);
        n >>= 8n;
      }
      return out;
    }
  }
}

/**
 * Checks a masked field: the field must allow a mask, and the value may have no
 * bit set where the mask is clear (OpenFlow 1.3 7.2.3.5: the switch answers
 * OFPBMC_BAD_WILDCARDS otherwise). Returns the canonical mask.
 */
export function checkMask(name: string, spec: OxmFieldSpec, value: OxmValue, mask: unknown, what: string): OxmValue {
  if (!spec.maskable) throw invalid(what, `${name} cannot be masked`);
  const m = checkOxmValue(name, spec, mask, `${what} (mask)`);
  const vb = bytesOf(spec, value);
  const mb = bytesOf(spec, m);
  for (let i = 0; i < vb.length; i++) {
    if ((vb[i]! & ~mb[i]!) !== 0) throw invalid(what, `${name} value ${describe(value)} has bits set outside its mask ${describe(m)}`);
  }
  return m;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return String(value);
}
