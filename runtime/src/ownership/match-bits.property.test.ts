import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Match, OxmField } from '../openflow/index.js';
import { matchBits, matchCovers, matchesEqual, matchesOverlap, matchKeyOf } from './match-bits.js';
import { keyText } from './testing/matches.js';

/**
 * Overlap and cover against a packet oracle: a packet is a value for each of a
 * few fields, small enough that random packets hit the interesting cases; a
 * match selects a packet when every field agrees under its mask.
 */

const FIELDS = [
  { field: 'in_port', bits: 4 },
  { field: 'ip_proto', bits: 3 },
  { field: 'vlan_vid', bits: 4, masked: true },
  { field: 'ipv4_dst', bits: 4, masked: true, ipv4: true },
] as const;

type Packet = Readonly<Record<string, number>>;
interface Cond { readonly field: string; readonly value: number; readonly mask: number }

const cond = fc.constantFrom(...FIELDS).chain((f) =>
  fc.record({
    field: fc.constant(f.field as string),
    value: fc.integer({ min: 0, max: (1 << f.bits) - 1 }),
    mask: 'masked' in f ? fc.integer({ min: 0, max: (1 << f.bits) - 1 }) : fc.constant((1 << f.bits) - 1),
  }),
);
const conds = fc.uniqueArray(cond, { selector: (c) => c.field, maxLength: FIELDS.length });
const packet = fc.record(Object.fromEntries(FIELDS.map((f) => [f.field, fc.integer({ min: 0, max: (1 << f.bits) - 1 })]))) as fc.Arbitrary<Packet>;

const ipv4 = (n: number) => `10.0.0.${n}`;
function toMatch(cs: readonly Cond[]): Match {
  return cs.map((c): OxmField => {
    const desc = FIELDS.find((f) => f.field === c.field)!;
    const full = (1 << desc.bits) - 1;
    // A mask of every value bit is the exact field; any other mask is sent as a mask (value bits outside it cleared).
    const exact = !('masked' in desc) || c.mask === full;
    const value = c.value & (exact ? full : c.mask);
    if ('ipv4' in desc) return exact ? { field: c.field, value: ipv4(value) } : { field: c.field, value: ipv4(value), mask: `255.255.255.${c.mask}` };
    return exact ? { field: c.field, value } : { field: c.field, value, mask: c.mask };
  });
}
const selects = (cs: readonly Cond[], p: Packet) => cs.every((c) => ((p[c.field]! ^ c.value) & c.mask) === 0);
/** A packet both select, built from the two condition lists when they are compatible. */
function witness(a: readonly Cond[], b: readonly Cond[]): Packet {
  const p: Record<string, number> = Object.fromEntries(FIELDS.map((f) => [f.field, 0]));
  for (const c of [...a, ...b]) p[c.field] = (p[c.field]! & ~c.mask) | (c.value & c.mask);
  return p;
}

describe('match bits (against a packet oracle)', () => {
  it('says two matches overlap exactly when some packet matches both', () => {
    fc.assert(
      fc.property(conds, conds, fc.array(packet, { maxLength: 20 }), (a, b, packets) => {
        const overlap = matchesOverlap(matchBits(toMatch(a)), matchBits(toMatch(b)));
        assert.equal(matchesOverlap(matchBits(toMatch(b)), matchBits(toMatch(a))), overlap, 'symmetric');
        for (const p of packets) if (selects(a, p) && selects(b, p)) assert.ok(overlap, `both select ${JSON.stringify(p)}`);
        if (overlap) {
          const w = witness(a, b);
          assert.ok(selects(a, w) && selects(b, w), `an overlap has a packet both select: ${JSON.stringify(w)}`);
        }
      }),
    );
  });

  it('says a delete match covers a flow exactly when it selects every packet the flow does', () => {
    fc.assert(
      fc.property(conds, conds, fc.array(packet, { maxLength: 20 }), (wide, narrow, packets) => {
        const covers = matchCovers(matchBits(toMatch(wide)), matchBits(toMatch(narrow)));
        if (covers) for (const p of packets) if (selects(narrow, p)) assert.ok(selects(wide, p), `covers, yet ${JSON.stringify(p)} is only in the narrow one`);
        if (!covers && wide.every((c) => c.mask !== 0)) {
          // Some packet of the narrow match escapes the wide one (or the wide one names a field the narrow one leaves open).
          const escapes = [...packets, witness(narrow, [])].some((p) => selects(narrow, p) && !selects(wide, p));
          const widerField = wide.some((c) => !narrow.some((n) => n.field === c.field && (n.mask & c.mask) === c.mask));
          assert.ok(escapes || widerField, 'a refusal to cover has a reason');
        }
      }),
    );
  });

  it('gives two matches the same key exactly when they are equal', () => {
    fc.assert(
      fc.property(conds, conds, fc.boolean(), (a, b, reorder) => {
        const matchA = toMatch(a);
        const matchB = toMatch(reorder ? [...a].reverse() : b);
        assert.equal(keyText(matchKeyOf(matchA)) === keyText(matchKeyOf(matchB)), matchesEqual(matchBits(matchA), matchBits(matchB)));
      }),
    );
  });

  it('treats the same fields in another order as equal, and a wildcard-only match as covering everything', () => {
    const a = matchBits([{ field: 'in_port', value: 1 }, { field: 'eth_type', value: 0x0800 }]);
    const b = matchBits([{ field: 'eth_type', value: 0x0800 }, { field: 'in_port', value: 1 }]);
    assert.ok(matchesEqual(a, b));
    assert.ok(matchCovers(matchBits([]), a));
    assert.ok(!matchCovers(a, matchBits([])));
    assert.ok(!matchesOverlap(a, matchBits([{ field: 'in_port', value: 2 }])));
    assert.ok(matchesOverlap(matchBits([{ field: 'eth_src', value: '00:00:00:00:00:01' }]), matchBits([{ field: 'eth_dst', value: '00:00:00:00:00:02' }])));
  });
});
