import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { bytes, openTempStore, text, WatchRecorder } from '../testing/kv.js';
import type { KvError } from './errors.js';
import { LmdbKvStore } from './lmdb-store.js';

function range(from: bigint, to: bigint): bigint[] {
  const out: bigint[] = [];
  for (let r = from; r <= to; r++) out.push(r);
  return out;
}

describe('LmdbKvStore: watch', { timeout: 60_000 }, () => {
  it('delivers matching changes of new commits only, exact key or prefix', async () => {
    const { store, dispose } = await openTempStore();
    try {
      await store.put(bytes('w/before'), bytes('0'));
      const prefix = new WatchRecorder();
      const exact = new WatchRecorder();
      store.watch(bytes('w/'), { prefix: true }, prefix);
      store.watch(bytes('w/1'), {}, exact);
      await store.put(bytes('w/1'), bytes('a'));
      await store.put(bytes('x/1'), bytes('b'));
      await store.put(bytes('w/10'), bytes('c'));
      const last = await store.delete(bytes('w/1'));
      assert.deepEqual(prefix.revisions, [2n, 4n, 5n]);
      assert.deepEqual(
        prefix.deliveries.flatMap((d) => d.changes.map((c) => `${c.type} ${text(c.kv.key)}`)),
        ['put w/1', 'put w/10', 'delete w/1'],
      );
      assert.deepEqual(exact.revisions, [2n, last.revision]);
    } finally {
      await dispose();
    }
  });

  it('replays history, then continues live with no gap and no duplicate while writes go on', async () => {
    const { store, dispose } = await openTempStore();
    try {
      const recorders: WatchRecorder[] = [];
      const starts: bigint[] = [];
      let written = 0;
      // Writers run 32 at a time, so commits stay in flight while watches start
      // and their replays (256 revisions per turn) race the live announcements.
      const total = 3000;
      const watchStarts = new Map([
        [700, 1n],
        [1500, 650n],
        [2400, 2300n],
      ]);
      const writer = async (): Promise<void> => {
        while (written < total) {
          const i = written++;
          await store.put(bytes(`r/${i % 97}`), bytes(String(i)));
          const start = watchStarts.get(i);
          if (start !== undefined) {
            const recorder = new WatchRecorder();
            store.watch(bytes('r/'), { prefix: true, startRevision: start }, recorder);
            recorders.push(recorder);
            starts.push(start);
          }
        }
      };
      await Promise.all(Array.from({ length: 32 }, writer));
      assert.equal(store.revision(), BigInt(total));
      assert.equal(recorders.length, 3);
      for (const [i, recorder] of recorders.entries()) {
        await recorder.until(BigInt(total));
        assert.deepEqual(recorder.revisions, range(starts[i] ?? 0n, BigInt(total)), `watch ${i} from ${starts[i]}`);
      }
    } finally {
      await dispose();
    }
  });

  it('a start revision in the future waits for it', async () => {
    const { store, dispose } = await openTempStore();
    try {
      await store.put(bytes('f'), bytes('1'));
      const recorder = new WatchRecorder();
      store.watch(bytes('f'), { startRevision: 3n }, recorder);
      await store.put(bytes('f'), bytes('2'));
      await store.put(bytes('f'), bytes('3'));
      await store.put(bytes('f'), bytes('4'));
      assert.deepEqual(recorder.revisions, [3n, 4n]);
    } finally {
      await dispose();
    }
  });

  it('a paused watch gets nothing, and on resume catches up in order from the log', async () => {
    const { store, dispose } = await openTempStore();
    try {
      const recorder = new WatchRecorder();
      const watch = store.watch(bytes('p'), {}, {
        onChanges: (changes, revision) => {
          recorder.onChanges(changes, revision);
          if (revision === 1n) watch.pause();
        },
        onCompacted: (r) => recorder.onCompacted(r),
        onError: (e) => recorder.onError(e),
      });
      for (let i = 0; i < 10; i++) await store.put(bytes('p'), bytes(String(i)));
      assert.deepEqual(recorder.revisions, [1n]);
      watch.resume();
      await recorder.until(10n);
      await store.put(bytes('p'), bytes('live'));
      assert.deepEqual(recorder.revisions, range(1n, 11n));
    } finally {
      await dispose();
    }
  });

  it('a handler that throws loses its watch; the others go on and the error is reported', async () => {
    const errors: unknown[] = [];
    const { store, dispose } = await openTempStore({ onWatchHandlerError: (e) => errors.push(e) });
    try {
      const healthy = new WatchRecorder();
      let calls = 0;
      store.watch(bytes('h'), {}, {
        onChanges: () => {
          calls++;
          throw new Error('handler bug');
        },
        onCompacted: () => {},
        onError: () => {},
      });
      store.watch(bytes('h'), {}, healthy);
      await store.put(bytes('h'), bytes('1'));
      await store.put(bytes('h'), bytes('2'));
      assert.equal(calls, 1);
      assert.deepEqual(healthy.revisions, [1n, 2n]);
      assert.equal((errors[0] as Error).message, 'handler bug');
    } finally {
      await dispose();
    }
  });

  it('close delivers what was committed, then ends every watch with KV_CLOSED', async () => {
    const { store, dataDir } = await openTempStore();
    const recorder = new WatchRecorder();
    store.watch(bytes('c'), {}, recorder);
    const pending = store.put(bytes('c'), bytes('1'));
    await store.close();
    await pending;
    assert.deepEqual(recorder.revisions, [1n]);
    assert.equal((recorder.error as KvError | undefined)?.code, 'KV_CLOSED');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('LmdbKvStore: history compaction', { timeout: 60_000 }, () => {
  it('keeps the last N revisions; older starts get onCompacted with the oldest kept', async () => {
    const { store, dispose } = await openTempStore({ historyRevisions: 5 });
    try {
      for (let i = 1; i <= 20; i++) await store.put(bytes('k'), bytes(String(i)));
      const tooOld = new WatchRecorder();
      store.watch(bytes('k'), { startRevision: 1n }, tooOld);
      assert.equal(await tooOld.untilCompacted(), 16n);
      const oldest = new WatchRecorder();
      store.watch(bytes('k'), { startRevision: 16n }, oldest);
      await oldest.until(20n);
      await store.put(bytes('k'), bytes('21'));
      assert.deepEqual(oldest.revisions, range(16n, 21n));
      assert.equal(tooOld.deliveries.length, 0);
    } finally {
      await dispose();
    }
  });

  it('a paused watch that falls behind the kept history is told on resume', async () => {
    const { store, dispose } = await openTempStore({ historyRevisions: 3 });
    try {
      const recorder = new WatchRecorder();
      const watch = store.watch(bytes('k'), {}, recorder);
      await store.put(bytes('k'), bytes('1'));
      watch.pause();
      for (let i = 2; i <= 10; i++) await store.put(bytes('k'), bytes(String(i)));
      watch.resume();
      assert.equal(await recorder.untilCompacted(), 8n);
      assert.deepEqual(recorder.revisions, [1n]);
    } finally {
      await dispose();
    }
  });

  it('history survives a reopen and shrinks when reopened with a smaller N', async () => {
    const first = await openTempStore({ historyRevisions: 100 });
    for (let i = 1; i <= 30; i++) await first.store.put(bytes(`h/${i}`), bytes(String(i)));
    await first.store.close();
    const reopened = await LmdbKvStore.open({ dataDir: first.dataDir, historyRevisions: 10 });
    try {
      const replay = new WatchRecorder();
      reopened.watch(bytes('h/'), { prefix: true, startRevision: 5n }, replay);
      await replay.until(30n);
      assert.deepEqual(replay.revisions, range(5n, 30n));
      await reopened.put(bytes('h/31'), bytes('31'));
      const late = new WatchRecorder();
      reopened.watch(bytes('h/'), { prefix: true, startRevision: 5n }, late);
      assert.equal(await late.untilCompacted(), 22n);
    } finally {
      await reopened.close();
      fs.rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
