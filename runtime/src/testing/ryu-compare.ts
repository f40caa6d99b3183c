import assert from 'node:assert/strict';
import type { RyuJson, RyuJsonObject } from '../openflow/ryu-json/index.js';

/**
 * Compares our Ryu JSON with Ryu's own, for the conformance suite. Equal means
 * the same keys, the same array lengths and strictly equal leaves (a u64 is a
 * number below 2^53 and a bigint above, on both sides). Where Ryu decodes
 * something our values keep opaque, a named exception compares only what both
 * sides have; see ../openflow/ryu-json/README.md.
 */

export type ExceptionKind = 'packet-library';

export const EXCEPTION_REASONS: Readonly<Record<ExceptionKind, string>> = {
  'packet-library': "Ryu shows the packet-out frame decoded by its packet library; we keep the frame's bytes (base64).",
};

export interface Comparison {
  /** The exceptions that applied. */
  readonly fired: ReadonlySet<ExceptionKind>;
  /** Ryu's JSON with every exceptional subtree replaced by ours: what fromRyuJson can read back. */
  readonly patched: RyuJson;
  /** JSON path of the first exceptional subtree, if any. */
  readonly firstExceptionPath: string | undefined;
}

function isObject(j: RyuJson | undefined): j is RyuJsonObject {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

function show(j: RyuJson | undefined): string {
  return JSON.stringify(j, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? 'undefined';
}

interface Rule {
  readonly kind: ExceptionKind;
  matches(cls: string, path: string): boolean;
  check(ours: RyuJson | undefined, ryu: RyuJsonObject, cls: string, path: string): void;
}

const RULES: readonly Rule[] = [
  {
    kind: 'packet-library',
    matches: (cls, path) => cls === 'Packet' && path.endsWith('.data'),
    check: (ours, _ryu, _cls, path) => assert.equal(typeof ours, 'string', `${path}: expected our frame as base64, got ${show(ours)}`),
  },
];

export function compareWithRyu(ours: RyuJson, ryu: RyuJson): Comparison {
  const fired = new Set<ExceptionKind>();
  let firstExceptionPath: string | undefined;

  const walk = (o: RyuJson | undefined, r: RyuJson, path: string): RyuJson => {
    if (isObject(r)) {
      const keys = Object.keys(r);
      if (keys.length === 1) {
        const rule = RULES.find((x) => x.matches(keys[0]!, path));
        if (rule !== undefined) {
          rule.check(o, r, keys[0]!, path);
          fired.add(rule.kind);
          firstExceptionPath ??= path;
          return o!;
        }
      }
      assert.ok(isObject(o), `${path}: Ryu has an object, ours is ${show(o)}`);
      assert.deepEqual(Object.keys(o).sort(), [...keys].sort(), `${path}: keys differ`);
      const out: Record<string, RyuJson> = {};
      for (const key of keys) out[key] = walk(o[key], r[key]!, `${path}.${key}`);
      return out;
    }
    if (Array.isArray(r)) {
      assert.ok(Array.isArray(o), `${path}: Ryu has an array, ours is ${show(o)}`);
      const items = o as readonly RyuJson[];
      assert.equal(items.length, r.length, `${path}: ${items.length} items, Ryu has ${r.length}`);
      return (r as readonly RyuJson[]).map((item, i) => walk(items[i], item, `${path}[${i}]`));
    }
    assert.ok(o === r, `${path}: ours ${show(o)}, Ryu ${show(r)}`);
    return r;
  };

  const patched = walk(ours, ryu, '$');
  return { fired, patched, firstExceptionPath };
}

/** The exceptional subtrees of Ryu's JSON alone, in document order: what fromRyuJson must refuse. */
export function exceptionsIn(ryu: RyuJson): { readonly kind: ExceptionKind; readonly path: string }[] {
  const found: { kind: ExceptionKind; path: string }[] = [];
  const walk = (r: RyuJson, path: string): void => {
    if (Array.isArray(r)) {
      (r as readonly RyuJson[]).forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (isObject(r)) {
      const keys = Object.keys(r);
      const rule = keys.length === 1 ? RULES.find((x) => x.matches(keys[0]!, path)) : undefined;
      if (rule !== undefined) found.push({ kind: rule.kind, path });
      else for (const key of keys) walk(r[key]!, `${path}.${key}`);
    }
  };
  walk(ryu, '$');
  return found;
}
