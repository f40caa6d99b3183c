import { isInteger, parse, stringify } from 'lossless-json';
import { OfpJsonError } from './errors.js';

/**
 * JSON values as Ryu's `to_jsondict` produces them, parsed without losing u64
 * precision: integers that fit a double exactly are `number`, larger ones
 * `bigint` (cookie_mask 18446744073709551615 survives).
 */
export type RyuJson = null | boolean | number | bigint | string | readonly RyuJson[] | RyuJsonObject;
export interface RyuJsonObject {
  readonly [key: string]: RyuJson;
}

function parseNumber(text: string): number | bigint {
  if (!isInteger(text)) return Number(text);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/**
 * Parses JSON text; integers beyond 2^53 become bigint.
 * @throws OfpJsonError (path `$`) for text that is not JSON.
 */
export function parseRyuJson(text: string): RyuJson {
  try {
    return parse(text, null, parseNumber) as RyuJson;
  } catch (err) {
    throw new OfpJsonError('$', `not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** JSON text of `value` (bigints as plain digits); `indent` spaces per level, none for one line. */
export function stringifyRyuJson(value: RyuJson, indent?: number): string {
  return stringify(value, null, indent) ?? 'null';
}

function isJsonObject(j: RyuJson | undefined): j is RyuJsonObject {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

/** `{ [name]: body }` with the body's keys sorted, as Ryu's files are written. */
export function classed(name: string, body: Record<string, RyuJson>): RyuJsonObject {
  const sorted: Record<string, RyuJson> = {};
  for (const key of Object.keys(body).sort()) sorted[key] = body[key]!;
  return { [name]: sorted };
}

export function fail(path: string, detail: string): never {
  throw new OfpJsonError(path, detail);
}

/** A short description of a JSON value for error messages. */
export function describeJson(j: RyuJson | undefined): string {
  if (j === undefined) return 'nothing';
  if (typeof j === 'string') return j.length > 40 ? `a string "${j.slice(0, 40)}..."` : `"${j}"`;
  if (typeof j === 'number' || typeof j === 'bigint') return String(j);
  if (j === null || typeof j === 'boolean') return String(j);
  return Array.isArray(j) ? 'an array' : 'an object';
}

/**
 * One JSON object being read: each key is taken at most once and `done()` fails
 * on keys nobody took, so a misspelt key is an error instead of a silent default.
 */
export class JsonObject {
  readonly value: RyuJsonObject;
  readonly path: string;
  private readonly taken = new Set<string>();

  constructor(value: RyuJson | undefined, path: string) {
    if (!isJsonObject(value)) fail(path, `expected an object, got ${describeJson(value)}`);
    this.value = value;
    this.path = path;
  }

  /** The path of `key` inside this object. */
  at(key: string): string {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${this.path}.${key}` : `${this.path}[${JSON.stringify(key)}]`;
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.value, key);
  }

  /** The value of a required key. */
  get(key: string): RyuJson {
    if (!this.has(key)) fail(this.path, `missing key "${key}"`);
    this.taken.add(key);
    return this.value[key]!;
  }

  /** The value of an optional key, or undefined when absent. */
  opt(key: string): RyuJson | undefined {
    if (!this.has(key)) return undefined;
    this.taken.add(key);
    return this.value[key]!;
  }

  /** Fails on the first key that was not read. */
  done(): void {
    for (const key of Object.keys(this.value)) {
      if (!this.taken.has(key)) fail(this.at(key), `unexpected key "${key}"`);
    }
  }
}

/** A Ryu class object `{ "OFPxxx": { ... } }`: its class name and body. */
export interface ClassedObject {
  readonly name: string;
  readonly body: JsonObject;
}

export function readClassed(j: RyuJson | undefined, path: string): ClassedObject {
  if (!isJsonObject(j)) fail(path, `expected a Ryu class object like {"OFPMatch": {...}}, got ${describeJson(j)}`);
  const keys = Object.keys(j);
  if (keys.length !== 1) fail(path, `expected one class name key, got ${keys.length} keys (${keys.slice(0, 4).join(', ')})`);
  const name = keys[0]!;
  return { name, body: new JsonObject(j[name], `${path}.${name}`) };
}

/** The elements of a JSON array with their paths. */
export function readArray(j: RyuJson | undefined, path: string): { value: RyuJson; path: string }[] {
  if (!Array.isArray(j)) fail(path, `expected an array, got ${describeJson(j)}`);
  return (j as readonly RyuJson[]).map((value, i) => ({ value, path: `${path}[${i}]` }));
}

/**
 * Checks a derived field (len, length, type, ...) that Ryu shows and our values
 * do not store: absent is fine, present must equal what the structure encodes to.
 */
export function checkDerived(o: JsonObject, key: string, computed: number): void {
  const given = o.opt(key);
  if (given === undefined) return;
  if (given !== computed) {
    fail(o.at(key), `is ${describeJson(given)} but the structure encodes to ${computed} (leave it out or make it match)`);
  }
}
