import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { matchDown, matchUp, OfpEncodeError, oxmFieldByName, Writer, writeOxm, type Match, type OxmField, type OxmTlv, type OxmValue } from '../openflow/index.js';
import { mac } from '../openflow/testing/arbitraries.js';
import { match10 } from '../openflow/testing/arbitraries-of10.js';
import { keyText, match13 } from './testing/matches.js';
import { matchBits, matchesEqual, matchKeyOf, matchKeyOfEncoded } from './match-bits.js';

/**
 * The ledger's key of a match (`matchKeyOf`: bytes and their hash) against
 * matchesEqual: the same key exactly when two matches are
 * equal, and the same hash then, for the codec's whole range of fields (1.3),
 * for what OpenFlow 1.0 carries, and for the ways an app can write one match
 * differently from what a switch reports (order, an all-ones mask, bits
 * outside the mask, uppercase MACs).
 */

const equal = (a: Match, b: Match): boolean => matchesEqual(matchBits(a), matchBits(b));

/** The key of `m` as the ledger keeps it (matchKeyOf's result is a scratch, overwritten by the next call). */
function kept(m: Match): { readonly text: string; readonly hash: number } {
  const key = matchKeyOf(m);
  return { text: keyText(key), hash: key.hash };
}

/** Whether the ledger takes `a` and `b` for one flow; asserts that it hashes them alike then. */
function sameKey(a: Match, b: Match): boolean {
  const ka = kept(a);
  const kb = kept(b);
  const same = ka.text === kb.text;
  if (same) assert.equal(ka.hash, kb.hash, 'equal matches hash alike');
  assert.ok(Number.isInteger(ka.hash) && ka.hash >= 0 && ka.hash < 2 ** 30, `a 30-bit hash: ${ka.hash}`);
  return same;
}

/** The all-ones value of a field's kind, in the text form the codec takes. */
function allOnes(field: string): OxmValue | undefined {
  const desc = oxmFieldByName(field);
  if (desc === undefined) return undefined;
  switch (desc.kind) {
    case 'mac':
      return 'ff:ff:ff:ff:ff:ff';
    case 'ipv4':
      return '255.255.255.255';
    case 'ipv6':
      return 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
    case 'u64':
      return (1n << 64n) - 1n;
    case 'u128':
      return (1n << 128n) - 1n;
    default:
      return 2 ** (8 * desc.size) - 1;
  }
}

/** `m` written another way that selects the same packets (`how` picks which rewrite applies to each field). */
function rewritten(m: Match, how: readonly number[]): Match {
  const out = m.map((f, i): OxmField => {
    if (f.field === 'opaque') return f;
    const tlv = f as OxmTlv;
    const ones = allOnes(tlv.field);
    const choice = how[i % how.length]! % 3;
    if (choice === 1 && tlv.mask === undefined && ones !== undefined) return { field: tlv.field, value: tlv.value, mask: ones };
    if (choice === 2 && typeof tlv.value === 'string' && oxmFieldByName(tlv.field)?.kind === 'mac') return { ...tlv, value: tlv.value.toUpperCase() };
    return tlv;
  });
  // Another order: the key must not depend on it.
  return how[0]! % 2 === 0 ? out.reverse() : out;
}

describe('matchKeyOf', () => {
  it('gives two OpenFlow 1.3 matches the same key exactly when they are equal', () => {
    fc.assert(
      fc.property(match13, match13, (a, b) => {
        assert.equal(sameKey(a, b), equal(a, b));
      }),
      { numRuns: 500 },
    );
  });

  it('gives a match rewritten without changing what it selects the same key (1.3)', () => {
    fc.assert(
      fc.property(match13, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (m, how) => {
        const other = rewritten(m, how);
        assert.ok(equal(m, other), 'the rewrite keeps the match');
        assert.ok(sameKey(other, m));
      }),
      { numRuns: 500 },
    );
  });

  it('gives two matches that differ only under a mask the same key, and a changed value bit another key', () => {
    const a: Match = [{ field: 'ipv4_dst', value: '10.0.0.7', mask: '255.255.255.0' }];
    const b: Match = [{ field: 'ipv4_dst', value: '10.0.0.9', mask: '255.255.255.0' }];
    const c: Match = [{ field: 'ipv4_dst', value: '10.0.1.7', mask: '255.255.255.0' }];
    assert.ok(sameKey(a, b));
    assert.ok(!sameKey(a, c));
  });

  it('gives OpenFlow 1.0 matches the same key exactly when they are equal, and the key of what a 1.0 FLOW_REMOVED reports', () => {
    fc.assert(
      fc.property(match10, match10, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (x, y, how) => {
        const a = matchUp(x);
        const b = matchUp(y);
        assert.equal(sameKey(a, b), equal(a, b));
        // A match 1.0 carries as it is (matchUp of arbitrary 1.0 bytes may hold bits the 1.0 fields drop, e.g. a 16-bit VLAN id)...
        const carried = matchUp(matchDown(a, 'FlowMod'));
        // ...written by the app in any order, its MACs in either case, reported back by the switch through the 1.0 wire form.
        const written = rewritten(carried, how).filter((f) => (f as OxmTlv).mask === undefined || f.field.startsWith('ipv4'));
        assert.ok(sameKey(matchUp(matchDown(written, 'FlowMod')), written));
      }),
      { numRuns: 500 },
    );
  });

  it('finds the learning switch match written in another order or case', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffffff00 }), mac, mac, (port, dst, src) => {
        const learned: Match = [
          { field: 'in_port', value: port },
          { field: 'eth_dst', value: dst },
          { field: 'eth_src', value: src },
        ];
        assert.ok(sameKey([learned[2]!, { field: 'eth_dst', value: dst.toUpperCase() }, learned[0]!], learned));
      }),
    );
  });

  it('refuses a field that does not encode with the error the send would give', () => {
    for (const bad of [{ field: 'in_port', value: -1 }, { field: 'eth_src', value: '02:00:00:00:00:0g' }, { field: 'metadata', value: 5 }, { field: 'no_such_field', value: 1 }]) {
      assert.throws(() => matchKeyOf([bad as OxmField]), OfpEncodeError, JSON.stringify(bad));
    }
  });
});

/** The OXM fields of `m` as the codec encodes them, after `before` bytes of something else. */
function encodedFields(m: Match, before: number): { readonly bytes: Buffer; readonly start: number; readonly end: number } {
  const w = new Writer(64);
  w.zeros(before);
  for (const f of m) writeOxm(w, f);
  return { bytes: Buffer.from(w.view()), start: before, end: w.pos };
}

describe('matchKeyOfEncoded', () => {
  it('gives the encoded fields of a match the key matchKeyOf gives the match, in any order and writing (1.3)', () => {
    fc.assert(
      fc.property(match13, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.nat({ max: 64 }), (m, how, before) => {
        const written = rewritten(m, how);
        const { bytes, start, end } = encodedFields(written, before);
        const fromBytes = matchKeyOfEncoded(bytes, start, end);
        const encoded = { text: keyText(fromBytes), hash: fromBytes.hash };
        assert.deepEqual(encoded, kept(m));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a range that does not hold whole fields', () => {
    const { bytes, end } = encodedFields([{ field: 'in_port', value: 1 }, { field: 'eth_dst', value: '02:00:00:00:00:01' }], 0);
    assert.throws(() => matchKeyOfEncoded(bytes, 0, end - 1), RangeError);
    assert.throws(() => matchKeyOfEncoded(bytes, 0, 2), RangeError);
  });
});
