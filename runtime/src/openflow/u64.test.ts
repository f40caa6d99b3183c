import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OfpEncodeError } from './errors.js';
import { readU64At, writeU64At } from './u64.js';
import { Writer } from './writer.js';

/** The u64 helpers go through a wrapping BigUint64Array store: the edges are where they could go wrong. */

const EDGES: readonly [bigint, string][] = [
  [0n, '0000000000000000'],
  [1n, '0000000000000001'],
  [0xffffffffn, '00000000ffffffff'],
  [0x100000000n, '0000000100000000'],
  [0x0123456789abcdefn, '0123456789abcdef'],
  [1n << 63n, '8000000000000000'],
  [(1n << 64n) - 1n, 'ffffffffffffffff'],
];

describe('u64 bytes', () => {
  it('writes and reads back every edge value big-endian', () => {
    for (const [v, hex] of EDGES) {
      const b = Buffer.alloc(10, 0xaa);
      assert.equal(writeU64At(b, 1, v), true);
      assert.equal(b.toString('hex'), `aa${hex}aa`, String(v));
      assert.equal(readU64At(b, 1), v);
    }
  });

  it('refuses what a BigUint64Array store would wrap or convert, and writes nothing', () => {
    const bad: unknown[] = [-1n, 1n << 64n, (1n << 64n) + 5n, -(1n << 64n), 5, '5', true, null, undefined];
    for (const v of bad) {
      const b = Buffer.alloc(8, 0xaa);
      assert.equal(writeU64At(b, 0, v as bigint), false, String(v));
      assert.equal(b.toString('hex'), 'aaaaaaaaaaaaaaaa');
    }
  });

  it('Writer.u64 names the field for a value out of range', () => {
    const w = new Writer(0);
    assert.throws(
      () => w.u64((1n << 64n) + 5n, 'cookie'),
      (err: unknown) => err instanceof OfpEncodeError && err.field === 'cookie' && err.message === 'message.cookie: 18446744073709551621 is not a u64 bigint',
    );
    w.u64((1n << 64n) - 1n, 'cookie');
    assert.equal(w.view().toString('hex'), 'ffffffffffffffff');
  });
});
