import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PathTable } from './paths.js';

describe('path table', () => {
  it('makes equal paths one object, sharing tails', () => {
    const table = new PathTable(100);
    const a = table.fromArray([2, 3, 4]);
    const b = table.fromArray([2, 3, 4]);
    assert.equal(a, b);
    assert.deepEqual(a?.toArray(), [2, 3, 4]);
    assert.deepEqual(a === undefined ? [] : [...a], [2, 3, 4]);
    assert.equal(a?.length, 3);
    const longer = table.cons(1, a);
    assert.equal(longer.tail, a, 'one node put in front');
    assert.deepEqual(longer.toArray(), [1, 2, 3, 4]);
    assert.ok(longer.includes(4) && !longer.includes(5));
    assert.equal(table.fromArray([]), undefined);
  });

  it('forgets past two generations, and a forgotten path is built again equal', () => {
    const table = new PathTable(2);
    const first = table.fromArray([7, 8]);
    for (let i = 10; i < 20; i++) table.fromArray([i]);
    const again = table.fromArray([7, 8]);
    assert.notEqual(again, first);
    assert.ok(first !== undefined && again !== undefined && first.equals(again));
    assert.ok(!table.fromArray([7, 9])?.equals(again));
    assert.ok(!table.fromArray([8])?.equals(again));
  });

  it('finds the paths over an edge, in either direction, walking each shared tail once per scan', () => {
    const table = new PathTable(100);
    const paths = [[1, 2, 3, 4], [5, 3, 2], [6, 2, 4], [9, 3, 4]].map((p) => table.fromArray(p)!);
    const uses = table.edgeScan(2, 3);
    assert.deepEqual(paths.map(uses), [true, true, false, false]);
    assert.deepEqual(paths.map(uses), [true, true, false, false], 'marked answers agree');
    const other = table.edgeScan(3, 4);
    assert.deepEqual(paths.map(other), [true, false, false, true], 'a new scan does not reuse the last one\'s marks');
  });
});
