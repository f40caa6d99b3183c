import { readIpv4, readIpv6, readMac, writeIpv4, writeIpv6, writeMac } from '../addresses.js';
import { OfpEncodeError } from '../errors.js';
import { Reader } from '../reader.js';
import { Writer } from '../writer.js';
import { checkDerived, classed, describeJson, fail, type JsonObject, readArray, readClassed, type RyuJson } from './json.js';

/**
 * How one value is written to and read from Ryu's JSON: integers of a wire
 * width, u64 as bigint, bytes as base64 (Ryu's default for `bytes`), text,
 * addresses. `from` checks kind and range and names `path` when it fails.
 */
export interface Field<T> {
  to(v: T): RyuJson;
  from(j: RyuJson, path: string): T;
}

/** A bigint as JSON: a number when it is exact as a double (as a lossless parse gives it back). */
export function bigintToJson(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** An unsigned integer of `bits` bits (8..32) as `number`. */
export function uint(bits: number): Field<number> {
  const max = 2 ** bits - 1;
  return {
    to: (v) => v,
    from(j, path) {
      if (typeof j !== 'number' || !Number.isInteger(j) || j < 0 || j > max) {
        fail(path, `expected an unsigned ${bits}-bit integer (0..${max}), got ${describeJson(j)}`);
      }
      return j;
    },
  };
}

export const u8 = uint(8);
export const u16 = uint(16);
export const u32 = uint(32);

/** An unsigned integer of `bits` bits (up to 128) as `bigint`. */
export function biguint(bits: number): Field<bigint> {
  const max = (1n << BigInt(bits)) - 1n;
  return {
    to: bigintToJson,
    from(j, path) {
      const v = typeof j === 'number' && Number.isSafeInteger(j) ? BigInt(j) : j;
      if (typeof v !== 'bigint' || v < 0n || v > max) fail(path, `expected an unsigned ${bits}-bit integer, got ${describeJson(j)}`);
      return v;
    },
  };
}

export const u64 = biguint(64);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes as base64 text, as Ryu writes `bytes` attributes. */
export const base64: Field<Uint8Array> = {
  to: (v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'),
  from(j, path) {
    if (typeof j !== 'string' || !BASE64.test(j)) fail(path, `expected base64 bytes, got ${describeJson(j)}`);
    return Buffer.from(j, 'base64');
  },
};

/** Bytes as a list of byte values (Ryu's OFPQueuePropExperimenter.data). */
export const byteList: Field<Uint8Array> = {
  to: (v) => Array.from(v),
  from: (j, path) => Buffer.from(list(u8).from(j, path)),
};

/** Text (port names, descriptions), UTF-8 on the wire. */
export const text: Field<string> = {
  to: (v) => v,
  from(j, path) {
    if (typeof j !== 'string') fail(path, `expected a string, got ${describeJson(j)}`);
    return j;
  },
};

/** An address in text form (MAC, IPv4, IPv6), validated and made canonical. */
function address(
  size: number,
  write: (w: Writer, v: string, field: string) => void,
  read: (r: Reader, field: string) => string,
  what: string,
): Field<string> {
  return {
    to: (v) => v,
    // Through the codec's own writer and reader: JSON accepts what the wire writer accepts, and the text comes out canonical.
    from(j, path) {
      if (typeof j !== 'string') fail(path, `expected ${what}, got ${describeJson(j)}`);
      const w = new Writer(size);
      try {
        write(w, j, what);
      } catch (err) {
        if (err instanceof OfpEncodeError) fail(path, `${describeJson(j)} is not ${what}`);
        throw err;
      }
      const b = w.view();
      return read(new Reader(b, 0, b.length, 'json'), what);
    },
  };
}

export const mac = address(6, writeMac, readMac, 'a MAC address "aa:bb:cc:dd:ee:ff"');
export const ipv4 = address(4, writeIpv4, readIpv4, 'an IPv4 address "a.b.c.d"');
export const ipv6 = address(16, writeIpv6, readIpv6, 'an IPv6 address');

export function list<T>(f: Field<T>): Field<readonly T[]> {
  return {
    to: (v) => v.map((x) => f.to(x)),
    from: (j, path) => readArray(j, path).map((e) => f.from(e.value, e.path)),
  };
}

/** A fixed-length array of integers ([master, slave] masks, per-group-type counts). */
export function tuple<T extends readonly number[]>(f: Field<number>, n: T['length']): Field<T> {
  return {
    to: (v) => v.map((x) => f.to(x)),
    from(j, path) {
      const items = readArray(j, path);
      if (items.length !== n) fail(path, `expected ${n} items, got ${items.length}`);
      return items.map((e) => f.from(e.value, e.path)) as unknown as T;
    },
  };
}

/** Our camelCase key as Ryu's snake_case attribute name (portNo -> port_no). */
export function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export type Spec<T> = { readonly [K in keyof T]-?: Field<T[K]> };

/**
 * A record whose keys map one to one onto a Ryu class body: Ryu's key is the
 * snake_case of ours unless `rename` says otherwise.
 */
export interface Struct<T> {
  write(v: T, out: Record<string, RyuJson>): void;
  read(o: JsonObject): T;
}

export function struct<T>(spec: Spec<T>, rename: NoInfer<{ readonly [K in keyof T]?: string }> = {}): Struct<T> {
  const entries = (Object.keys(spec) as (keyof T & string)[]).map((key) => ({
    key,
    ryuKey: rename[key] ?? snake(key),
    field: spec[key] as Field<unknown>,
  }));
  return {
    write(v, out) {
      for (const e of entries) out[e.ryuKey] = e.field.to(v[e.key]);
    },
    read(o) {
      const v: Record<string, unknown> = {};
      for (const e of entries) v[e.key] = e.field.from(o.get(e.ryuKey), o.at(e.ryuKey));
      return v as T;
    },
  };
}

/**
 * A Ryu class around a struct: `{ "OFPPort": { ...fields } }`. `derived` gives
 * the fields Ryu shows that our value does not store (len, length): written
 * out, and checked when present on the way in.
 */
export function classedStruct<T>(cls: string, fields: Struct<T>, derived?: (v: T) => Record<string, number>): Field<T> {
  return {
    to(v) {
      const body: Record<string, RyuJson> = derived === undefined ? {} : { ...derived(v) };
      fields.write(v, body);
      return classed(cls, body);
    },
    from(j, path) {
      const { name, body } = readClassed(j, path);
      if (name !== cls) fail(path, `expected an ${cls}, got ${name}`);
      const v = fields.read(body);
      if (derived !== undefined) for (const [key, value] of Object.entries(derived(v))) checkDerived(body, key, value);
      body.done();
      return v;
    },
  };
}
