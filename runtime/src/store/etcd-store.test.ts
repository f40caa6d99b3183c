import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { EtcdCluster } from '../testing/etcd-cluster.js';
import { bytes, text, WatchRecorder } from '../testing/kv.js';
import { KvError } from './errors.js';
import { EtcdKvStore } from './etcd-store.js';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

/** Retries `run` while it fails KV_UNAVAILABLE (etcd coming back), up to `timeoutMs`. */
async function once<T>(run: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await run();
    } catch (error) {
      if (!isUnavailable(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function isUnavailable(error: unknown): boolean {
  return error instanceof KvError && error.code === 'KV_UNAVAILABLE';
}

describe('EtcdKvStore: etcd unreachable at open', () => {
  it('fails KV_UNAVAILABLE naming the endpoints, within the request timeout', async () => {
    const endpoint = `127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    await assert.rejects(EtcdKvStore.open({ endpoints: [endpoint], requestTimeoutMs: 500 }), (error: unknown) => {
      assert.ok(isUnavailable(error), String(error));
      assert.match((error as Error).message, new RegExp(`etcd at ${endpoint} cannot be reached`));
      return true;
    });
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });
});

describe('EtcdKvStore on a 3-member cluster', () => {
  let cluster: EtcdCluster;
  before(async () => {
    cluster = await EtcdCluster.start(3);
  });
  after(() => cluster?.close());

  it('etcd lost during operation: calls fail KV_UNAVAILABLE (counted); after a restart of every member the data and the watch are back, without gaps', async () => {
    const unavailable: KvError[] = [];
    const store = await EtcdKvStore.open({ endpoints: cluster.endpoints, prefix: '/lost/', requestTimeoutMs: 1000, onUnavailable: (e) => unavailable.push(e) });
    try {
      const recorder = new WatchRecorder();
      const first = await store.put(bytes('k'), bytes('before'));
      store.watch(bytes('k'), { startRevision: first.revision }, recorder);
      await recorder.until(first.revision);
      for (let i = 0; i < cluster.size; i++) await cluster.kill(i);
      await assert.rejects(store.put(bytes('k'), bytes('lost')), isUnavailable);
      await assert.rejects(store.get(bytes('k')), isUnavailable);
      assert.ok(unavailable.length >= 2, `counted ${unavailable.length}`);
      for (let i = 0; i < cluster.size; i++) cluster.restart(i);
      await cluster.waitLeader();
      assert.equal(text((await once(() => store.get(bytes('k')), 15_000))!.value), 'before');
      const next = await store.put(bytes('k'), bytes('after'));
      await recorder.until(next.revision, 15_000);
      assert.equal(recorder.error, undefined);
      assert.deepEqual(recorder.revisions, [first.revision, next.revision]);
    } finally {
      await store.close();
    }
  });

  it('a watch replays more history than the client takes in one message (fragments)', async () => {
    const store = await EtcdKvStore.open({ endpoints: cluster.endpoints, prefix: '/fragments/' });
    try {
      const big = new Uint8Array(1024 * 1024).fill(0x63);
      const revisions: bigint[] = [];
      for (let i = 0; i < 8; i++) revisions.push((await store.put(bytes(`big/${i}`), big)).revision);
      const recorder = new WatchRecorder();
      const watch = store.watch(bytes('big/'), { prefix: true, startRevision: revisions[0] }, recorder);
      await recorder.until(revisions[7]!, 20_000);
      watch.close();
      assert.equal(recorder.error, undefined);
      assert.deepEqual(recorder.revisions, revisions);
    } finally {
      await store.close();
    }
  });

  it('the leader killed under load: writes go on after the election and no acknowledged write is lost', async () => {
    const store = await EtcdKvStore.open({ endpoints: cluster.endpoints, prefix: '/failover/', requestTimeoutMs: 3000 });
    const acknowledged = new Map<string, bigint>();
    let failed = 0;
    let killedAt = -1;
    let next = 0;
    // Bounded in count and time: writers stop after 2,000 puts, 30 s, or 150 acknowledged after the kill.
    const total = 2000;
    const deadline = Date.now() + 30_000;
    const enough = (): boolean => killedAt >= 0 && acknowledged.size - killedAt >= 150;
    const writer = async (): Promise<void> => {
      while (next < total && Date.now() < deadline && !enough()) {
        const key = `k${next++}`;
        await store.put(bytes(key), bytes(key)).then(
          (r) => acknowledged.set(key, r.revision),
          (error: unknown) => {
            assert.ok(isUnavailable(error), String(error));
            failed++;
          },
        );
      }
    };
    try {
      const leader = await cluster.waitLeader();
      const writers = Array.from({ length: 16 }, writer);
      while (acknowledged.size < 100 && next < total) await new Promise((resolve) => setImmediate(resolve));
      killedAt = acknowledged.size;
      await cluster.kill(leader);
      await Promise.all(writers);
      assert.ok(acknowledged.size - killedAt >= 100, `acknowledged after the kill: ${acknowledged.size - killedAt}, failed: ${failed}`);
      assert.ok(failed < 200, `${failed} writes failed around the election`);
      cluster.restart(leader);
      await cluster.waitLeader();
      const { kvs, more } = await store.range(bytes('k'), { end: bytes('l') });
      assert.equal(more, false);
      const found = new Map(kvs.map((kv) => [text(kv.key), kv.modRevision]));
      for (const [key, revision] of acknowledged) assert.equal(found.get(key), revision, `acknowledged ${key} at ${revision}`);
    } finally {
      await store.close();
    }
  });
});
