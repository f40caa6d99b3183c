import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { bytes, openTempStore, tempDir, text } from '../testing/kv.js';
import { KvError } from './errors.js';
import { LmdbKvStore } from './lmdb-store.js';
import type { KeyValue } from './types.js';

function summary(kv: KeyValue | undefined): string {
  return kv === undefined ? 'none' : `${text(kv.key)}=${text(kv.value)} c${kv.createRevision} m${kv.modRevision} v${kv.version}`;
}

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof KvError && error.code === code && message.test(error.message));
}

describe('LmdbKvStore: put, get, delete', () => {
  let ctx: Awaited<ReturnType<typeof openTempStore>>;
  before(async () => {
    ctx = await openTempStore();
  });
  after(() => ctx.dispose());

  it('counts revisions store-wide and versions per key', async () => {
    const { store } = ctx;
    assert.equal(store.revision(), 0n);
    assert.deepEqual(await store.put(bytes('a'), bytes('1')), { revision: 1n, previous: undefined });
    await store.put(bytes('b'), bytes('x'));
    const second = await store.put(bytes('a'), bytes('2'));
    assert.equal(second.revision, 3n);
    assert.equal(summary(second.previous), 'a=1 c1 m1 v1');
    assert.equal(summary(await store.get(bytes('a'))), 'a=2 c1 m3 v2');
    const single = await store.range(bytes('a'));
    assert.deepEqual([single.kvs.map(summary), single.revision], [['a=2 c1 m3 v2'], 3n]);
    assert.equal(store.revision(), 3n);
  });

  it('a delete of a missing key uses no revision; a put after a delete starts a new life', async () => {
    const { store } = ctx;
    const before = store.revision();
    assert.deepEqual(await store.delete(bytes('missing')), { revision: before, deleted: 0 });
    assert.deepEqual(await store.delete(bytes('a')), { revision: before + 1n, deleted: 1 });
    assert.equal(await store.get(bytes('a')), undefined);
    const again = await store.put(bytes('a'), bytes('3'));
    assert.equal(again.previous, undefined);
    assert.equal(summary(await store.get(bytes('a'))), `a=3 c${again.revision} m${again.revision} v1`);
  });

  it('deletes by prefix, including keys ending in 0xff, and nothing past the prefix', async () => {
    const { store } = ctx;
    const keys = [[0x70, 0x01], [0x70, 0xff], [0x70, 0xff, 0xff, 0x00], [0x70], [0x71], [0x6f, 0xff]];
    for (const key of keys) await store.put(Uint8Array.from(key), bytes('v'));
    const result = await store.delete(Uint8Array.from([0x70, 0xff]), { prefix: true });
    assert.equal(result.deleted, 2);
    const left = await store.range(Uint8Array.from([0x6f]), { end: Uint8Array.from([0x72]) });
    assert.deepEqual(left.kvs.map((kv) => Buffer.from(kv.key).toString('hex')), ['6fff', '70', '7001', '71']);
    assert.equal((await store.delete(Uint8Array.from([0x70]), { prefix: true })).deleted, 2);
  });

  it('an empty prefix deletes every key', async () => {
    const { store } = ctx;
    const all = await store.range(new Uint8Array(0), { prefix: true });
    assert.ok(all.kvs.length > 0);
    const result = await store.delete(new Uint8Array(0), { prefix: true });
    assert.equal(result.deleted, all.kvs.length);
    assert.deepEqual((await store.range(new Uint8Array(0), { prefix: true })).kvs, []);
  });

  it('stores copies: changing the caller buffers after put changes nothing', async () => {
    const { store } = ctx;
    const key = bytes('copy');
    const value = bytes('original');
    const written = store.put(key, value);
    key[0] = 0x58;
    value.fill(0x58);
    await written;
    assert.equal(text((await store.get(bytes('copy')))?.value ?? new Uint8Array()), 'original');
    const first = await store.get(bytes('copy'));
    const second = await store.get(bytes('copy'));
    first?.value.fill(0);
    assert.equal(text(second?.value ?? new Uint8Array()), 'original');
  });

  it('concurrent writes get distinct, consecutive revisions and each its own result', async () => {
    const { store } = ctx;
    const base = store.revision();
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => store.put(bytes(`c/${i}`), bytes(String(i)))));
    assert.deepEqual(
      results.map((r) => r.revision),
      results.map((_, i) => base + BigInt(i) + 1n),
    );
    for (let i = 0; i < 300; i += 37) assert.equal(summary(await store.get(bytes(`c/${i}`))), `c/${i}=${i} c${base + BigInt(i) + 1n} m${base + BigInt(i) + 1n} v1`);
  });
});

describe('LmdbKvStore: range', () => {
  let ctx: Awaited<ReturnType<typeof openTempStore>>;
  before(async () => {
    ctx = await openTempStore();
    for (const key of ['a', 'ab', 'abc', 'b', 'ba', 'c']) await ctx.store.put(bytes(key), bytes(key.toUpperCase()));
  });
  after(() => ctx.dispose());

  const keysOf = (kvs: KeyValue[]): string[] => kvs.map((kv) => text(kv.key));

  it('[start, end) in key order', async () => {
    const r = await ctx.store.range(bytes('ab'), { end: bytes('ba') });
    assert.deepEqual(keysOf(r.kvs), ['ab', 'abc', 'b']);
    assert.equal(r.more, false);
    assert.equal(r.revision, 6n);
  });

  it('a prefix', async () => {
    assert.deepEqual(keysOf((await ctx.store.range(bytes('a'), { prefix: true })).kvs), ['a', 'ab', 'abc']);
    assert.deepEqual(keysOf((await ctx.store.range(bytes('ab'), { prefix: true, end: bytes('zzz') })).kvs), ['ab', 'abc']);
    assert.deepEqual(keysOf((await ctx.store.range(bytes(''), { prefix: true })).kvs), ['a', 'ab', 'abc', 'b', 'ba', 'c']);
  });

  it('a limit, with `more` when keys were left out', async () => {
    const limited = await ctx.store.range(bytes('a'), { prefix: true, limit: 2 });
    assert.deepEqual(keysOf(limited.kvs), ['a', 'ab']);
    assert.equal(limited.more, true);
    const exact = await ctx.store.range(bytes('a'), { prefix: true, limit: 3 });
    assert.equal(exact.more, false);
    assert.equal(exact.kvs.length, 3);
  });

  it('no end means the start key alone; an end at or before start is empty', async () => {
    assert.deepEqual(keysOf((await ctx.store.range(bytes('ab'))).kvs), ['ab']);
    assert.deepEqual(keysOf((await ctx.store.range(bytes('ab'), { end: new Uint8Array(0) })).kvs), ['ab']);
    assert.deepEqual((await ctx.store.range(bytes('zz'))).kvs, []);
    assert.deepEqual((await ctx.store.range(bytes('b'), { end: bytes('b') })).kvs, []);
    assert.deepEqual((await ctx.store.range(bytes('b'), { end: bytes('a') })).kvs, []);
  });

  it('end = one 0x00 byte means every key from start on (etcd)', async () => {
    assert.deepEqual(keysOf((await ctx.store.range(bytes('b'), { end: Uint8Array.of(0) })).kvs), ['b', 'ba', 'c']);
  });

  it('maxBytes cuts a result at whole pairs, with `more`; the next page starts after the last key', async () => {
    // Each pair here is 2 to 6 bytes: 'a'+'A', 'ab'+'AB', 'abc'+'ABC', ...
    const first = await ctx.store.range(bytes(''), { prefix: true, maxBytes: 7 });
    assert.deepEqual([keysOf(first.kvs), first.more], [['a', 'ab'], true]);
    const next = await ctx.store.range(Uint8Array.of(...bytes('ab'), 0), { end: Uint8Array.of(0), maxBytes: 7 });
    assert.deepEqual([keysOf(next.kvs), next.more], [['abc'], true]);
    const oversize = await ctx.store.range(bytes(''), { prefix: true, maxBytes: 1 });
    assert.deepEqual([keysOf(oversize.kvs), oversize.more], [['a'], true], 'a pair larger than the budget comes alone');
  });
});

describe('LmdbKvStore: range is bounded by the store cap', () => {
  it('an unlimited range holds at most maxRangeBytes of keys and values; a smaller maxBytes wins, a larger one does not', async () => {
    const ctx = await openTempStore({ maxRangeBytes: 1000 });
    try {
      await Promise.all(Array.from({ length: 10 }, (_, i) => ctx.store.put(bytes(`v/${i}`), new Uint8Array(300))));
      const sizes = (kvs: KeyValue[]): number => kvs.reduce((sum, kv) => sum + kv.key.length + kv.value.length, 0);
      const capped = await ctx.store.range(bytes('v/'), { prefix: true });
      assert.deepEqual([capped.kvs.length, capped.more], [3, true]);
      assert.ok(sizes(capped.kvs) <= 1000);
      assert.equal((await ctx.store.range(bytes('v/'), { prefix: true, maxBytes: 1_000_000 })).kvs.length, 3);
      assert.equal((await ctx.store.range(bytes('v/'), { prefix: true, maxBytes: 700 })).kvs.length, 2);
      await rejectsWith(ctx.store.range(bytes('v/'), { prefix: true, maxBytes: -1 }), 'KV_INVALID', /maxBytes -1/);
    } finally {
      await ctx.dispose();
    }
  });
});

describe('LmdbKvStore: arguments', () => {
  let ctx: Awaited<ReturnType<typeof openTempStore>>;
  before(async () => {
    ctx = await openTempStore({ maxValueBytes: 16, maxTxnOps: 4 });
  });
  after(() => ctx.dispose());

  it('rejects bad requests with KV_INVALID and writes nothing', async () => {
    const { store } = ctx;
    await rejectsWith(store.put(new Uint8Array(0), bytes('v')), 'KV_INVALID', /put: key is empty/);
    await rejectsWith(store.put(new Uint8Array(1979), bytes('v')), 'KV_INVALID', /key is 1979 bytes, the limit is 1978/);
    await rejectsWith(store.put(bytes('k'), new Uint8Array(17)), 'KV_INVALID', /value is 17 bytes, the limit is 16/);
    await rejectsWith(store.delete(new Uint8Array(0)), 'KV_INVALID', /delete: key is empty/);
    await rejectsWith(store.get(new Uint8Array(0)), 'KV_INVALID', /get: key is empty/);
    await rejectsWith(store.range(bytes('a'), { limit: -1 }), 'KV_INVALID', /limit -1/);
    await rejectsWith(store.txn([], Array.from({ length: 5 }, (_, i) => ({ type: 'get' as const, key: bytes(`${i}`) })), []), 'KV_INVALID', /5 operations, the limit is 4/);
    await rejectsWith(store.txn([{ key: bytes('k'), target: 'version', result: 'equal' }], [], []), 'KV_INVALID', /compare 0: target version needs a number/);
    await rejectsWith(store.txn([{ key: bytes('k'), target: 'value', result: 'equal' }], [], []), 'KV_INVALID', /compare 0: value must be bytes/);
    await rejectsWith(store.txn([], [], [{ type: 'put', key: bytes('k'), value: bytes('1') }, { type: 'put', key: bytes('k'), value: bytes('2') }]), 'KV_INVALID', /failure op 1: key "k" is also put by op 0/);
    await rejectsWith(store.txn([], [{ type: 'delete', key: bytes('k'), prefix: true }, { type: 'put', key: bytes('k1'), value: bytes('2') }], []), 'KV_INVALID', /"k1" is put by op 1 and deleted by op 0/);
    assert.throws(() => store.watch(new Uint8Array(0), {}, { onChanges() {}, onCompacted() {}, onError() {} }), /watch: key is empty/);
    assert.equal(store.revision(), 0n);
  });

  it('one bad request does not fail the others queued with it', async () => {
    const { store } = ctx;
    const results = await Promise.allSettled([store.put(bytes('x'), bytes('1')), store.put(new Uint8Array(0), bytes('2')), store.put(bytes('y'), bytes('3'))]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal(store.revision(), 2n);
  });
});

describe('LmdbKvStore: lifecycle', () => {
  it('keeps data and revisions across close and reopen', async () => {
    const first = await openTempStore();
    await first.store.put(bytes('k'), bytes('1'));
    await first.store.put(bytes('k'), bytes('2'));
    await first.store.close();
    const reopened = await LmdbKvStore.open({ dataDir: first.dataDir });
    try {
      assert.equal(reopened.revision(), 2n);
      assert.equal(summary(await reopened.get(bytes('k'))), 'k=2 c1 m2 v2');
      assert.equal((await reopened.put(bytes('j'), bytes('3'))).revision, 3n);
    } finally {
      await reopened.close();
      fs.rmSync(first.dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a second owner of the directory while the first is open', async () => {
    const ctx = await openTempStore();
    try {
      await assert.rejects(LmdbKvStore.open({ dataDir: ctx.dataDir }), (error: unknown) => error instanceof KvError && error.code === 'KV_LOCKED' && /already open/.test(error.message));
    } finally {
      await ctx.dispose();
    }
  });

  it('close waits for queued writes, then rejects new ones with KV_CLOSED', async () => {
    const ctx = await openTempStore();
    const pending = Array.from({ length: 20 }, (_, i) => ctx.store.put(bytes(`k${i}`), bytes('v')));
    await ctx.store.close();
    assert.equal((await Promise.all(pending)).length, 20);
    await rejectsWith(ctx.store.put(bytes('late'), bytes('v')), 'KV_CLOSED', /closed/);
    await rejectsWith(ctx.store.get(bytes('late')), 'KV_CLOSED', /closed/);
    const reopened = await LmdbKvStore.open({ dataDir: ctx.dataDir });
    assert.equal(reopened.revision(), 20n);
    await reopened.close();
    fs.rmSync(ctx.dataDir, { recursive: true, force: true });
  });

  it('refuses a directory whose data format it does not know', async () => {
    const dataDir = tempDir('sdn-kv-format-');
    const store = await LmdbKvStore.open({ dataDir });
    await store.close();
    const { open } = await import('lmdb');
    const env = open({ path: `${dataDir}/kv`, overlappingSync: false, maxDbs: 3 });
    await env.openDB({ name: 'meta', keyEncoding: 'binary', encoding: 'binary' }).put(Buffer.from('format'), Buffer.from([9]));
    await env.close();
    await assert.rejects(LmdbKvStore.open({ dataDir }), (error: unknown) => error instanceof KvError && error.code === 'KV_CORRUPT' && /format 09/.test(error.message));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
