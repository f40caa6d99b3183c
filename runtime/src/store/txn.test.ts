import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bytes, openTempStore, text, WatchRecorder } from '../testing/kv.js';
import { KvError } from './errors.js';
import type { Compare, CompareResult, CompareTarget } from './types.js';

describe('LmdbKvStore: txn compares', () => {
  let ctx: Awaited<ReturnType<typeof openTempStore>>;
  before(async () => {
    ctx = await openTempStore();
    await ctx.store.put(bytes('k'), bytes('v1')); // revision 1
    await ctx.store.put(bytes('other'), bytes('o')); // revision 2
    await ctx.store.put(bytes('k'), bytes('v2')); // revision 3: k has create 1, mod 3, version 2, value v2
  });
  after(() => ctx.dispose());

  const cases: { key: string; target: CompareTarget; result: CompareResult; operand: string | bigint; holds: boolean }[] = [
    { key: 'k', target: 'value', result: 'equal', operand: 'v2', holds: true },
    { key: 'k', target: 'value', result: 'equal', operand: 'v1', holds: false },
    { key: 'k', target: 'value', result: 'notEqual', operand: 'v1', holds: true },
    { key: 'k', target: 'value', result: 'notEqual', operand: 'v2', holds: false },
    { key: 'k', target: 'value', result: 'greater', operand: 'v1', holds: true },
    { key: 'k', target: 'value', result: 'greater', operand: 'v', holds: true },
    { key: 'k', target: 'value', result: 'greater', operand: 'v2', holds: false },
    { key: 'k', target: 'value', result: 'less', operand: 'v3', holds: true },
    { key: 'k', target: 'value', result: 'less', operand: 'v2\u0000', holds: true },
    { key: 'k', target: 'value', result: 'less', operand: 'v1', holds: false },
    { key: 'k', target: 'version', result: 'equal', operand: 2n, holds: true },
    { key: 'k', target: 'version', result: 'notEqual', operand: 2n, holds: false },
    { key: 'k', target: 'version', result: 'greater', operand: 1n, holds: true },
    { key: 'k', target: 'version', result: 'less', operand: 2n, holds: false },
    { key: 'k', target: 'createRevision', result: 'equal', operand: 1n, holds: true },
    { key: 'k', target: 'createRevision', result: 'greater', operand: 0n, holds: true },
    { key: 'k', target: 'createRevision', result: 'less', operand: 1n, holds: false },
    { key: 'k', target: 'modRevision', result: 'equal', operand: 3n, holds: true },
    { key: 'k', target: 'modRevision', result: 'equal', operand: 1n, holds: false },
    { key: 'k', target: 'modRevision', result: 'less', operand: 4n, holds: true },
    { key: 'k', target: 'modRevision', result: 'greater', operand: 3n, holds: false },
    // A missing key: numbers are 0; any value compare fails (etcd's rule).
    { key: 'missing', target: 'value', result: 'equal', operand: '', holds: false },
    { key: 'missing', target: 'value', result: 'notEqual', operand: 'x', holds: false },
    { key: 'missing', target: 'version', result: 'equal', operand: 0n, holds: true },
    { key: 'missing', target: 'createRevision', result: 'equal', operand: 0n, holds: true },
    { key: 'missing', target: 'modRevision', result: 'less', operand: 1n, holds: true },
    { key: 'missing', target: 'version', result: 'greater', operand: 0n, holds: false },
  ];

  for (const [index, c] of cases.entries()) {
    it(`${c.key} ${c.target} ${c.result} ${JSON.stringify(String(c.operand))} ${c.holds ? 'holds' : 'fails'}`, async () => {
      const compare: Compare =
        typeof c.operand === 'bigint'
          ? { key: bytes(c.key), target: c.target, result: c.result, number: c.operand }
          : { key: bytes(c.key), target: c.target, result: c.result, value: bytes(c.operand) };
      const before = ctx.store.revision();
      const outcome = await ctx.store.txn([compare], [{ type: 'put', key: bytes(`s/${index}`), value: bytes('s') }], [{ type: 'put', key: bytes(`f/${index}`), value: bytes('f') }]);
      assert.equal(outcome.succeeded, c.holds);
      assert.equal(outcome.revision, before + 1n);
      assert.equal((await ctx.store.get(bytes(`s/${index}`))) !== undefined, c.holds);
      assert.equal((await ctx.store.get(bytes(`f/${index}`))) !== undefined, !c.holds);
    });
  }

  it('every compare must hold for the success branch', async () => {
    const holds: Compare = { key: bytes('k'), target: 'version', result: 'equal', number: 2n };
    const fails: Compare = { key: bytes('other'), target: 'value', result: 'equal', value: bytes('nope') };
    assert.equal((await ctx.store.txn([holds, fails], [], [])).succeeded, false);
    assert.equal((await ctx.store.txn([holds, { ...fails, value: bytes('o') }], [], [])).succeeded, true);
    assert.equal((await ctx.store.txn([], [], [])).succeeded, true);
  });
});

describe('LmdbKvStore: txn operations', () => {
  let ctx: Awaited<ReturnType<typeof openTempStore>>;
  before(async () => {
    ctx = await openTempStore();
  });
  after(() => ctx.dispose());

  it('runs its operations in order at one revision, gets seeing earlier writes', async () => {
    const { store } = ctx;
    await store.put(bytes('t/old'), bytes('o'));
    await store.put(bytes('t/gone1'), bytes('g'));
    await store.put(bytes('t/gone2'), bytes('g'));
    const outcome = await store.txn(
      [],
      [
        { type: 'get', key: bytes('t/new') },
        { type: 'put', key: bytes('t/new'), value: bytes('n') },
        { type: 'get', key: bytes('t/new') },
        { type: 'put', key: bytes('t/old'), value: bytes('o2') },
        { type: 'delete', key: bytes('t/gone'), prefix: true },
        { type: 'delete', key: bytes('t/absent') },
      ],
      [],
    );
    assert.equal(outcome.revision, 4n);
    const [getBefore, putNew, getAfter, putOld, deletePrefix, deleteAbsent] = outcome.results;
    assert.deepEqual(getBefore, { type: 'get', kv: undefined, revision: 4n });
    assert.deepEqual(putNew, { type: 'put', revision: 4n, previous: undefined });
    assert.equal(getAfter?.type === 'get' && `${text(getAfter.kv?.value ?? new Uint8Array())} m${getAfter.kv?.modRevision}`, 'n m4');
    assert.equal(putOld?.type === 'put' && text(putOld.previous?.value ?? new Uint8Array()), 'o');
    assert.deepEqual(deletePrefix, { type: 'delete', revision: 4n, deleted: 2 });
    assert.deepEqual(deleteAbsent, { type: 'delete', revision: 4n, deleted: 0 });
    const all = await store.range(bytes('t/'), { prefix: true });
    assert.deepEqual(
      all.kvs.map((kv) => `${text(kv.key)} m${kv.modRevision} v${kv.version}`),
      ['t/new m4 v1', 't/old m4 v2'],
    );
    assert.equal(store.revision(), 4n);
  });

  it('a txn that only reads, or deletes nothing, uses no revision', async () => {
    const { store } = ctx;
    const before = store.revision();
    const outcome = await store.txn([], [{ type: 'get', key: bytes('t/new') }, { type: 'delete', key: bytes('t/nothing') }], []);
    assert.equal(outcome.revision, before);
    assert.equal(outcome.results[0]?.type === 'get' && outcome.results[0].revision, before);
    assert.equal(store.revision(), before);
  });

  it('watchers see a txn as one delivery with all its changes; a rejected txn writes nothing', async () => {
    const { store } = ctx;
    const recorder = new WatchRecorder();
    const watch = store.watch(bytes('t/'), { prefix: true }, recorder);
    const before = store.revision();
    await assert.rejects(store.txn([], [{ type: 'put', key: bytes('t/a'), value: bytes('1') }, { type: 'put', key: bytes('t/a'), value: bytes('2') }], []));
    assert.equal(store.revision(), before);
    const outcome = await store.txn([], [{ type: 'put', key: bytes('t/a'), value: bytes('1') }, { type: 'put', key: bytes('t/b'), value: bytes('2') }, { type: 'delete', key: bytes('t/new') }], []);
    await recorder.until(outcome.revision);
    watch.close();
    assert.equal(recorder.deliveries.length, 1);
    const [delivery] = recorder.deliveries;
    assert.equal(delivery?.revision, before + 1n);
    assert.deepEqual(
      delivery?.changes.map((c) => `${c.type} ${text(c.kv.key)}=${text(c.kv.value)} c${c.kv.createRevision} m${c.kv.modRevision} v${c.kv.version}`),
      [`put t/a=1 c${before + 1n} m${before + 1n} v1`, `put t/b=2 c${before + 1n} m${before + 1n} v1`, `delete t/new= c0 m${before + 1n} v0`],
    );
  });
});

describe('LmdbKvStore: txn results are bounded like a range', () => {
  it('a txn of many small gets of large values is refused before it writes anything; its neighbours commit', async () => {
    const ctx = await openTempStore({ maxRangeBytes: 4000 });
    try {
      const { store } = ctx;
      await Promise.all(Array.from({ length: 8 }, (_, i) => store.put(bytes(`big/${i}`), new Uint8Array(1000))));
      const before = store.revision();
      const gets = Array.from({ length: 8 }, (_, i) => ({ type: 'get' as const, key: bytes(`big/${i}`) }));
      const [amplified, neighbour] = await Promise.allSettled([
        store.txn([], [{ type: 'put', key: bytes('written?'), value: bytes('no') }, ...gets], []),
        store.put(bytes('neighbour'), bytes('yes')),
      ]);
      assert.equal(amplified.status, 'rejected');
      const reason: unknown = (amplified as PromiseRejectedResult).reason;
      assert.ok(reason instanceof KvError && reason.code === 'KV_INVALID' && /results .* hold more than 4000 bytes/.test(reason.message), String(reason));
      assert.equal(neighbour.status, 'fulfilled');
      assert.equal(await store.get(bytes('written?')), undefined);
      assert.equal(store.revision(), before + 1n);
      const fits = await store.txn([], gets.slice(0, 3), []);
      assert.equal(fits.results.length, 3);
      const replacing = store.txn([], Array.from({ length: 8 }, (_, i) => ({ type: 'put' as const, key: bytes(`big/${i}`), value: bytes('small') })), []);
      await assert.rejects(replacing, /the pairs its puts replace/);
    } finally {
      await ctx.dispose();
    }
  });
});
