import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OwnershipError } from './errors.js';
import { layoutTables, nextTable, tableId } from './tables.js';

const refused = (fn: () => unknown, detail: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof OwnershipError && err.reason === 'tables' && detail.test(err.message), `${detail}`);

describe('named tables', () => {
  it('puts an ACL table before the learning switch\'s, whatever order the apps arrive in', () => {
    const acl = { app: 'acl', tables: [{ name: 'acl' }] };
    const ls = { app: 'learning-switch', tables: [{ name: 'l2', after: ['acl'] }] };
    for (const apps of [[acl, ls], [ls, acl]]) {
      const layout = layoutTables(apps);
      assert.deepEqual([tableId(layout, 'acl', 'acl'), tableId(layout, 'learning-switch', 'l2')], [0, 1]);
      assert.equal(nextTable(layout, 'acl'), 1, 'the ACL sends what it allows on with goto-table 1');
      assert.equal(nextTable(layout, 'l2'), undefined);
      assert.equal(layout.owners.get('l2'), 'learning-switch');
    }
  });

  it('places tables with no order between them in declaration order, from `first`', () => {
    const layout = layoutTables([{ app: 'a', tables: [{ name: 'x' }, { name: 'y' }] }, { app: 'b', tables: [{ name: 'z', after: ['x'] }] }], 10);
    assert.deepEqual(layout.order, ['x', 'y', 'z']);
    assert.deepEqual([...layout.ids.values()], [10, 11, 12]);
  });

  it('refuses a name declared twice, an unknown predecessor, a cycle, a bad name, too many tables', () => {
    refused(() => layoutTables([{ app: 'a', tables: [{ name: 't' }] }, { app: 'b', tables: [{ name: 't' }] }]), /app b: table "t" is already declared by app a/);
    refused(() => layoutTables([{ app: 'a', tables: [{ name: 't', after: ['nope'] }] }]), /comes after "nope", which no app declared/);
    refused(() => layoutTables([{ app: 'a', tables: [{ name: 'p', after: ['q'] }, { name: 'q', after: ['p'] }] }]), /"p", "q" come after each other in a cycle/);
    refused(() => layoutTables([{ app: 'a', tables: [{ name: '' }] }]), /1\.\.64 characters/);
    refused(() => layoutTables([{ app: 'a', tables: [{ name: 'a' }, { name: 'b' }] }], 254), /2 tables from table 254 do not fit/);
    refused(() => tableId(layoutTables([]), 'a', 'acl'), /no table "acl" is declared/);
  });

  it('gives every table an id above all of its predecessors\' (any acyclic declarations)', () => {
    // Table i may only come after tables < i: acyclic by construction; the declaration order is shuffled.
    const dag = fc.integer({ min: 1, max: 30 }).chain((n) =>
      fc.tuple(
        fc.tuple(...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => `t${j}`)))),
        fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }),
      ),
    );
    fc.assert(
      fc.property(dag, ([after, order]) => {
        const layout = layoutTables([{ app: 'a', tables: order.map((i) => ({ name: `t${i}`, after: after[i]! })) }]);
        for (const i of order) for (const p of after[i]!) assert.ok(layout.ids.get(`t${i}`)! > layout.ids.get(p)!, `t${i} after ${p}`);
        assert.deepEqual([...layout.ids.values()].sort((x, y) => x - y), Array.from({ length: order.length }, (_, i) => i));
      }),
    );
  });
});
