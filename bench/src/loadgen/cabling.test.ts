import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CABLED_PORTS, ringWithChords } from './cabling.js';

describe('ringWithChords', () => {
  it('cables every port 1..3 of every switch once (a ring and a matching), the same for the same seed', () => {
    for (const n of [16, 100, 1000]) {
      const cables = ringWithChords(n, 1);
      assert.equal(cables.length, 1.5 * n);
      const ends = cables.flatMap((c) => [`${c.a}:${c.aPort}`, `${c.b}:${c.bPort}`]);
      assert.equal(new Set(ends).size, ends.length, 'no port is cabled twice');
      assert.equal(ends.length, n * CABLED_PORTS);
      assert.ok(cables.every((c) => c.a !== c.b && c.a >= 0 && c.a < n && c.b >= 0 && c.b < n));
      assert.deepEqual(ringWithChords(n, 1), cables);
    }
    assert.notDeepEqual(ringWithChords(100, 2), ringWithChords(100, 1));
  });

  it('leaves one switch without a chord when the count is odd, and refuses fewer than 3', () => {
    assert.equal(ringWithChords(5, 1).length, 5 + 2);
    assert.throws(() => ringWithChords(2, 1), RangeError);
  });
});
