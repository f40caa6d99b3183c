import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { multipartMessage, nonMultipartMessage } from './testing/arbitraries-messages.js';
import { encodeMessage, encodeMessageInto } from './codec.js';
import { OFP_VERSION_1_0 } from './constants.js';
import { OfpEncodeError } from './errors.js';
import type { OfpMessage } from './messages.js';
import { Writer } from './writer.js';

/**
 * Encoding an invalid value (a number out of range or of the wrong type, a bigint
 * where a number belongs, bad address text, an unknown OXM name or tag, bytes that
 * are not bytes, a list that is not a list) throws OfpEncodeError naming the field,
 * and `encodeMessageInto` leaves the writer exactly as it was.
 */

type Path = readonly (string | number)[];

interface Mutation {
  readonly path: Path;
  readonly replacement: unknown;
}

const BAD_NUMBERS: readonly unknown[] = [-1, 2 ** 32, 0.5, NaN, Infinity, '7', 7n, null, undefined];
const BAD_BIGINTS: readonly unknown[] = [-1n, 1n << 128n, 7, '7', null, undefined];
const BAD_STRINGS: readonly unknown[] = [7, null, undefined, 'x'.repeat(300)];
const BAD_BYTES: readonly unknown[] = ['abc', [1, 2, 3], 7, null, undefined];
const BAD_LISTS: readonly unknown[] = ['abc', {}, 7, null, undefined];
const BAD_OBJECTS: readonly unknown[] = [null, 7, 'abc', undefined];
const BAD_BOOLEANS: readonly unknown[] = [1, 'true', null];
const BAD_TAGS: readonly unknown[] = ['bogus', 7, null];
const BAD_NXM_HEADERS: readonly unknown[] = ['bogus', -1, 2 ** 32, 0.5, 7n, null, undefined];

/** Nicira values whose keys may be absent: nat's range bounds, controller2's properties. */
const NICIRA_OPTIONAL: Readonly<Record<string, readonly string[]>> = {
  nxNat: ['rangeIpv4Min', 'rangeIpv4Max', 'rangeIpv6Min', 'rangeIpv6Max', 'rangeProtoMin', 'rangeProtoMax'],
  nxController2: ['maxLen', 'controllerId', 'reason', 'userdata'],
};

/** Keys holding an NXM header (nicira/types.ts NxmHeader): a name, or any u32, so a number is not a bad value. */
const NXM_HEADER_KEYS = new Set(['dst', 'src', 'srcField', 'dstField', 'field', 'zoneSrc']);

function isNxmHeader(parent: unknown, key: string | number, value: unknown): boolean {
  if ((typeof value !== 'string' && typeof value !== 'number') || typeof key !== 'string' || !NXM_HEADER_KEYS.has(key)) return false;
  const p = parent as { type?: unknown; ofs?: unknown };
  return (typeof p.type === 'string' && p.type.startsWith('nx')) || p.ofs !== undefined;
}

/** Optional keys, for which undefined (and null) mean "absent" and are valid. */
function isOptional(parent: unknown, key: string | number): boolean {
  if (key === 'mask' || key === 'bitmapWords') return true;
  const p = parent as { type?: unknown; version?: unknown; oxmClass?: unknown };
  if (typeof p.type === 'string' && NICIRA_OPTIONAL[p.type]?.includes(String(key))) return true;
  if (p.type === 'FeaturesReply' && p.version === OFP_VERSION_1_0 && (key === 'actions' || key === 'ports')) return true;
  // Table-feature ids: InstructionId/ActionId.data and OxmId.experimenter.
  return (key === 'data' && typeof p.type === 'number') || (key === 'experimenter' && p.oxmClass !== undefined);
}

function badValuesFor(parent: unknown, key: string | number, value: unknown): readonly unknown[] {
  if (isNxmHeader(parent, key, value)) return BAD_NXM_HEADERS;
  const bad = badValuesByType(value, key);
  return isOptional(parent, key) ? bad.filter((v) => v !== undefined && v !== null) : bad;
}

function badValuesByType(value: unknown, key: string | number): readonly unknown[] {
  // A string tag picks the structure; a numeric `type` (a table-feature id) is a plain number.
  if ((key === 'type' && typeof value !== 'number') || key === 'field') return BAD_TAGS;
  if (typeof value === 'number') return BAD_NUMBERS;
  if (typeof value === 'bigint') return BAD_BIGINTS;
  if (typeof value === 'string') return BAD_STRINGS;
  if (typeof value === 'boolean') return BAD_BOOLEANS;
  if (value instanceof Uint8Array) return BAD_BYTES;
  if (Array.isArray(value)) return BAD_LISTS;
  return BAD_OBJECTS;
}

/** Every (path, bad value) pair of a message: each key of each nested object and list. */
function mutations(root: unknown): Mutation[] {
  const out: Mutation[] = [];
  const walk = (node: unknown, path: Path): void => {
    const entries: [string | number, unknown][] = Array.isArray(node)
      ? node.map((v, i): [number, unknown] => [i, v])
      : node instanceof Uint8Array || typeof node !== 'object' || node === null
        ? []
        : Object.entries(node);
    for (const [key, value] of entries) {
      const here = [...path, key];
      // The message tag routes to the codec; replacing it is covered by its own example.
      if (path.length > 0 || key !== 'type') {
        for (const replacement of badValuesFor(node, key, value)) out.push({ path: here, replacement });
      }
      walk(value, here);
    }
  };
  walk(root, []);
  return out;
}

function withReplacement(node: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(node)) return node.map((v, i) => (i === head ? withReplacement(v, rest, replacement) : v));
  const obj = node as Record<string, unknown>;
  return { ...obj, [head!]: withReplacement(obj[head!], rest, replacement) };
}

const simplify = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * What the error's field must mention: the value key in the spec's words. Most
 * value keys are the camelCase of the spec's field; the exceptions are listed.
 */
function expectedFieldWord(root: unknown, path: Path): string {
  const key = path[path.length - 1]!;
  const parentPath = path.slice(0, -1);
  const parent = parentPath.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], root) as Record<string, unknown>;
  if (typeof key === 'number') {
    const listKey = String(parentPath[parentPath.length - 1]);
    const singular: Record<string, string> = { match: 'oxm', properties: 'property', elements: 'elements', versions: 'versions' };
    return singular[listKey] ?? listKey.replace(/s$/, '');
  }
  // An OXM TLV is named `oxm`; a field reference inside a Nicira action by its key.
  if (key === 'field') return isNxmHeader(parent, key, parent[key]) ? 'field' : 'oxm';
  if (key === 'desc') return 'port';
  // An OXM value is named by the OXM field name (eth_dst, reg3, ...).
  if (key === 'value' && typeof parent.field === 'string') return parent.field;
  // Queue properties name their type field `property` (struct ofp_queue_prop_header).
  if (key === 'type' && parentPath[parentPath.length - 2] === 'properties') return 'property';
  const aliases: Record<string, string> = {
    groupType: 'type',
    errorType: 'type',
    elementType: 'type',
    msgType: 'type',
    multipartType: 'type',
    propertyType: 'type',
    bitmapWords: 'length',
  };
  return aliases[key] ?? key;
}

/**
 * Encoding `messages` with any one value made invalid throws OfpEncodeError (naming
 * the field when `checkFieldName`) and leaves a writer holding an earlier message
 * exactly as it was.
 */
function assertEveryMutationIsRejected(messages: fc.Arbitrary<OfpMessage>, checkFieldName: boolean, numRuns: number): void {
  const mutated = messages.chain((m) => fc.constantFrom(...mutations(m)).map((mutation) => ({ m, mutation })));
  const w = new Writer(16);
  encodeMessageInto({ type: 'BarrierRequest', version: 4, xid: 99 }, w);
  const before = Buffer.from(w.view());
  fc.assert(
    fc.property(mutated, ({ m, mutation }) => {
      // The unmutated message must encode, or every mutation would fail for another reason.
      assert.doesNotThrow(() => encodeMessage(m), `the valid ${m.type} does not encode`);
      const bad = withReplacement(m, mutation.path, mutation.replacement) as OfpMessage;
      const word = simplify(expectedFieldWord(m, mutation.path));
      assert.throws(
        () => encodeMessageInto(bad, w),
        (err: unknown) => {
          assert.ok(err instanceof OfpEncodeError, `${String(err)} is not an OfpEncodeError`);
          assert.equal(err.messageType, m.type);
          if (checkFieldName) assert.ok(simplify(err.field).includes(word), `field "${err.field}" does not name "${word}"`);
          return true;
        },
        `${mutation.path.join('.')} = ${String(mutation.replacement)} was accepted`,
      );
      assert.equal(w.pos, before.length, 'the writer is rewound');
      assert.ok(w.view().equals(before), 'bytes written before are untouched');
    }),
    { numRuns },
  );
}

describe('encoding invalid values', () => {
  it('throws OfpEncodeError naming the field, and leaves the writer as it was', () => {
    assertEveryMutationIsRejected(nonMultipartMessage, true, 3000);
  });

  it('rejects an unknown message tag and an unsupported version', () => {
    assert.throws(
      () => encodeMessage({ type: 'Bogus', version: 4, xid: 1 } as unknown as OfpMessage),
      (err: unknown) => err instanceof OfpEncodeError && err.field === 'type',
    );
    assert.throws(
      () => encodeMessage({ type: 'FlowMod', version: 1, xid: 1 } as unknown as OfpMessage),
      (err: unknown) => err instanceof OfpEncodeError && err.field === 'type' && /OpenFlow 1\.0/.test(err.message),
    );
  });
});

describe('multipart', () => {
  it('throws OfpEncodeError naming the field for any invalid value in a multipart body, and leaves the writer as it was', () => {
    assertEveryMutationIsRejected(multipartMessage, true, 1000);
  });
});
