import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KvError } from '../store/errors.js';
import type { KeyValue, KvStore } from '../store/types.js';
import { bytes, text, WatchRecorder } from './kv.js';

/**
 * What every `KvStore` promises, run against each implementation (the lmdb
 * store, the etcd store). Revisions are compared relative to the test's own
 * writes: an etcd cluster's revision counts writes of every prefix.
 */
export interface KvFixture {
  readonly store: KvStore;
  /** Closes the store and opens it again on the same data (directory, etcd prefix). */
  reopen(): Promise<KvStore>;
  /** Makes the history before `revision` unavailable to watches (lmdb: writes past its history limit; etcd: a compaction). */
  compact(store: KvStore, revision: bigint): Promise<void>;
  dispose(): Promise<void>;
}

function summary(kv: KeyValue | undefined, base = 0n): string {
  return kv === undefined ? 'none' : `${text(kv.key)}=${text(kv.value)} c${kv.createRevision - base} m${kv.modRevision - base} v${kv.version}`;
}

async function withFixture(makeFixture: () => Promise<KvFixture>, body: (fixture: KvFixture) => Promise<void>): Promise<void> {
  const fixture = await makeFixture();
  try {
    await body(fixture);
  } finally {
    await fixture.dispose();
  }
}

export function kvConformance(name: string, makeFixture: () => Promise<KvFixture>): void {
  describe(`${name}: KvStore conformance`, () => {
    it('put, get and delete count revisions store-wide and versions per key', () =>
      withFixture(makeFixture, async ({ store }) => {
        const first = await store.put(bytes('a'), bytes('1'));
        assert.equal(first.previous, undefined);
        const base = first.revision - 1n;
        await store.put(bytes('b'), bytes('x'));
        const second = await store.put(bytes('a'), bytes('2'));
        assert.equal(second.revision, base + 3n);
        assert.equal(summary(second.previous, base), 'a=1 c1 m1 v1');
        assert.equal(summary(await store.get(bytes('a')), base), 'a=2 c1 m3 v2');
        assert.ok(store.revision() >= base + 3n);
        const deleted = await store.delete(bytes('a'));
        assert.deepEqual(deleted, { revision: base + 4n, deleted: 1 });
        assert.equal(await store.get(bytes('a')), undefined);
        assert.equal((await store.delete(bytes('missing'))).deleted, 0);
        assert.equal(summary((await store.put(bytes('a'), bytes('3'))).previous), 'none');
        assert.equal(summary(await store.get(bytes('a')), base), 'a=3 c5 m5 v1');
      }));

    it('range returns keys in bytewise order, pages by limit and by bytes, one revision', () =>
      withFixture(makeFixture, async ({ store }) => {
        const keys = ['k/\x00', 'k/a', 'k/b', 'k/c', 'k/d', 'k/e', 'k/\xff'];
        for (const key of [...keys].reverse()) await store.put(bytes(key), new Uint8Array(100).fill(0x61));
        const all = await store.range(bytes('k/'), { prefix: true });
        assert.deepEqual(all.kvs.map((kv) => text(kv.key)), keys);
        assert.equal(all.more, false);
        const seen: string[] = [];
        let start = bytes('k/');
        const end = bytes('k0');
        for (let page = 0; page < 10; page++) {
          const result = await store.range(start, { end, limit: 3 });
          seen.push(...result.kvs.map((kv) => text(kv.key)));
          if (!result.more) break;
          start = new Uint8Array([...result.kvs[result.kvs.length - 1]!.key, 0]);
        }
        assert.deepEqual(seen, keys);
        const capped = await store.range(bytes('k/'), { prefix: true, maxBytes: 250 });
        assert.deepEqual([capped.kvs.length, capped.more], [2, true]);
        const tiny = await store.range(bytes('k/'), { prefix: true, maxBytes: 1 });
        assert.deepEqual([tiny.kvs.length, tiny.more], [1, true]);
        const single = await store.range(bytes('k/b'));
        assert.deepEqual(single.kvs.map((kv) => text(kv.key)), ['k/b']);
        const fromOn = await store.range(bytes('k/d'), { end: Uint8Array.of(0) });
        assert.deepEqual(fromOn.kvs.map((kv) => text(kv.key)), keys.slice(4));
      }));

    it('ranges and watches over values of the largest size: pages stay under the byte cap, a watch replays them all', () =>
      withFixture(makeFixture, async ({ store }) => {
        const big = new Uint8Array(1024 * 1024).fill(0x62);
        const revisions: bigint[] = [];
        for (let i = 0; i < 6; i++) revisions.push((await store.put(bytes(`big/${i}`), big)).revision);
        const seen: string[] = [];
        let start = bytes('big/');
        for (let page = 0; page < 10; page++) {
          const result = await store.range(start, { end: bytes('big0') });
          assert.ok(result.kvs.length <= 4, `a page of ${result.kvs.length} values of 1 MiB`);
          seen.push(...result.kvs.map((kv) => text(kv.key)));
          if (!result.more) break;
          start = new Uint8Array([...result.kvs[result.kvs.length - 1]!.key, 0]);
        }
        assert.deepEqual(seen, ['big/0', 'big/1', 'big/2', 'big/3', 'big/4', 'big/5']);
        const recorder = new WatchRecorder();
        // 4 MiB of history, more than grpc-js takes in one message by default (the lmdb fixture keeps exactly 4 revisions).
        const watch = store.watch(bytes('big/'), { prefix: true, startRevision: revisions[2] }, recorder);
        await recorder.until(revisions[5]!, 15_000);
        watch.close();
        assert.deepEqual([recorder.error, recorder.compacted], [undefined, undefined]);
        assert.deepEqual(recorder.revisions, revisions.slice(2));
        assert.ok(recorder.deliveries.every((d) => d.changes.length === 1 && d.changes[0]!.kv.value.length === big.length));
      }));

    it('a txn compares and writes atomically at one revision; a failed compare runs the failure branch', () =>
      withFixture(makeFixture, async ({ store }) => {
        const create = [{ key: bytes('lock'), target: 'version' as const, result: 'equal' as const, number: 0n }];
        const won = await store.txn(create, [{ type: 'put', key: bytes('lock'), value: bytes('me') }, { type: 'put', key: bytes('owner'), value: bytes('me') }], []);
        assert.equal(won.succeeded, true);
        assert.deepEqual(won.results.map((r) => [r.type, r.revision]), [['put', won.revision], ['put', won.revision]]);
        const owner = await store.get(bytes('owner'));
        assert.equal(owner?.modRevision, won.revision);
        const lost = await store.txn(create, [{ type: 'put', key: bytes('lock'), value: bytes('you') }], [{ type: 'get', key: bytes('lock') }]);
        assert.equal(lost.succeeded, false);
        const [got] = lost.results;
        assert.equal(got?.type === 'get' ? summary(got.kv, won.revision - 1n) : 'not a get', 'lock=me c1 m1 v1');
        const byValue = await store.txn([{ key: bytes('lock'), target: 'value', result: 'equal', value: bytes('me') }], [{ type: 'delete', key: bytes('lock') }], []);
        assert.equal(byValue.succeeded, true);
        assert.equal(byValue.results[0]?.type === 'delete' ? byValue.results[0].deleted : -1, 1);
        await assert.rejects(
          store.txn([], [{ type: 'put', key: bytes('x'), value: bytes('1') }, { type: 'put', key: bytes('x'), value: bytes('2') }], []),
          (error: unknown) => error instanceof KvError && error.code === 'KV_INVALID',
        );
      }));

    it('a watch replays from its start revision, then continues live; a txn comes as one delivery', () =>
      withFixture(makeFixture, async ({ store }) => {
        const r1 = (await store.put(bytes('w/1'), bytes('a'))).revision;
        const r2 = (await store.put(bytes('w/2'), bytes('b'))).revision;
        await store.put(bytes('other'), bytes('c'));
        const r3 = (await store.delete(bytes('w/1'))).revision;
        const recorder = new WatchRecorder();
        const watch = store.watch(bytes('w/'), { prefix: true, startRevision: r2 }, recorder);
        await recorder.until(r3);
        const r4 = (await store.txn([], [{ type: 'put', key: bytes('w/3'), value: bytes('d') }, { type: 'put', key: bytes('w/4'), value: bytes('e') }], [])).revision;
        await recorder.until(r4);
        watch.close();
        assert.ok(r1 < r2);
        assert.deepEqual(recorder.revisions, [r2, r3, r4]);
        const [, deletion, txn] = recorder.deliveries;
        assert.deepEqual(deletion?.changes.map((c) => [c.type, text(c.kv.key), c.kv.modRevision, c.kv.version]), [['delete', 'w/1', r3, 0n]]);
        assert.deepEqual(txn?.changes.map((c) => text(c.kv.key)), ['w/3', 'w/4']);
      }));

    it('a paused watch delivers nothing; resumed, it catches up without a gap or a duplicate', () =>
      withFixture(makeFixture, async ({ store }) => {
        const recorder = new WatchRecorder();
        const first = (await store.put(bytes('p/0'), bytes('0'))).revision;
        const watch = store.watch(bytes('p/'), { prefix: true, startRevision: first }, recorder);
        await recorder.until(first);
        watch.pause();
        const paused: bigint[] = [];
        for (let i = 1; i <= 3; i++) paused.push((await store.put(bytes(`p/${i}`), bytes(String(i)))).revision);
        // A second watch that has seen the paused writes marks the point by which a leak to the paused one would have shown.
        const marker = new WatchRecorder();
        const markerWatch = store.watch(bytes('p/'), { prefix: true, startRevision: paused[2]! }, marker);
        await marker.until(paused[2]!);
        markerWatch.close();
        assert.deepEqual(recorder.revisions, [first]);
        watch.resume();
        const last = (await store.put(bytes('p/4'), bytes('4'))).revision;
        await recorder.until(last);
        watch.close();
        assert.deepEqual(recorder.revisions, [first, ...paused, last]);
      }));

    it('a watch from a compacted revision gets onCompacted with a later revision, and ends', () =>
      withFixture(makeFixture, async (fixture) => {
        const first = (await fixture.store.put(bytes('c/key'), bytes('0'))).revision;
        let last = first;
        for (let i = 1; i < 5; i++) last = (await fixture.store.put(bytes('c/key'), bytes(String(i)))).revision;
        await fixture.compact(fixture.store, last);
        const recorder = new WatchRecorder();
        fixture.store.watch(bytes('c/'), { prefix: true, startRevision: first }, recorder);
        const available = await recorder.untilCompacted();
        assert.ok(available > first, `firstAvailable ${available} > ${first}`);
        assert.deepEqual(recorder.deliveries, []);
      }));

    it('acknowledged writes survive closing and reopening the store', () =>
      withFixture(makeFixture, async (fixture) => {
        const written = new Map<string, bigint>();
        const puts = Array.from({ length: 20 }, (_, i) => fixture.store.put(bytes(`d/${i}`), bytes(`v${i}`)).then((r) => written.set(`d/${i}`, r.revision)));
        await Promise.all(puts);
        const reopened = await fixture.reopen();
        const { kvs } = await reopened.range(bytes('d/'), { prefix: true });
        assert.equal(kvs.length, 20);
        for (const kv of kvs) assert.equal(kv.modRevision, written.get(text(kv.key)), text(kv.key));
      }));

    it('bad arguments are KV_INVALID and a closed store KV_CLOSED', () =>
      withFixture(makeFixture, async (fixture) => {
        await assert.rejects(fixture.store.put(new Uint8Array(0), bytes('x')), (error: unknown) => error instanceof KvError && error.code === 'KV_INVALID');
        await assert.rejects(fixture.store.put(new Uint8Array(1979), bytes('x')), (error: unknown) => error instanceof KvError && error.code === 'KV_INVALID');
        const reopened = await fixture.reopen();
        await reopened.close();
        await assert.rejects(reopened.put(bytes('k'), bytes('x')), (error: unknown) => error instanceof KvError && error.code === 'KV_CLOSED');
      }));
  });
}
