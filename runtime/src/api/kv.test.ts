import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import fs from 'node:fs';
import { status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { Compare_Result, Compare_Target, KVClient, KVService, RangeResponse as RangeResponseMessage, type DeleteResponse, type GetResponse, type PutResponse, type RangeResponse, type TxnResponse, type WatchResponse } from '../generated/sdn/runtime/v1/kv.js';
import { insecureClient, startLoopbackServer, unary } from '../testing/grpc-loopback.js';
import { bytes, openTempStore } from '../testing/kv.js';
import { KV_METHOD_SCOPES, kvServiceImpl } from './kv.js';
import type { KvStore, Watch, WatchHandler, WatchOptions } from '../store/index.js';

/** The real store, with its watches observable: emits 'watch', 'pause', 'resume', 'close'. */
class TrackedStore extends EventEmitter {
  open = 0;
  pauses = 0;

  constructor(readonly store: KvStore) {
    super();
  }

  asStore(): KvStore {
    return {
      revision: () => this.store.revision(),
      get: (key) => this.store.get(key),
      put: (key, value) => this.store.put(key, value),
      delete: (key, options) => this.store.delete(key, options),
      range: (start, options) => this.store.range(start, options),
      txn: (c, s, f) => this.store.txn(c, s, f),
      close: () => this.store.close(),
      watch: (key: Uint8Array, options: WatchOptions, handler: WatchHandler): Watch => {
        const inner = this.store.watch(key, options, handler);
        this.open++;
        this.emit('watch');
        let closed = false;
        return {
          close: () => {
            if (!closed) {
              closed = true;
              this.open--;
              this.emit('close');
            }
            inner.close();
          },
          pause: () => {
            this.pauses++;
            this.emit('pause');
            inner.pause();
          },
          resume: () => {
            this.emit('resume');
            inner.resume();
          },
        };
      },
    };
  }
}

/** Cancels the call and waits for the CANCELLED error grpc-js then emits. */
async function cancel(stream: ClientReadableStream<WatchResponse>): Promise<void> {
  const errored = once(stream, 'error');
  stream.cancel();
  const [error] = (await errored) as [ServiceError];
  assert.equal(error.code, status.CANCELLED);
}

function collect(stream: ClientReadableStream<WatchResponse>): { responses: WatchResponse[]; ended: Promise<ServiceError | undefined> } {
  const responses: WatchResponse[] = [];
  stream.on('data', (r: WatchResponse) => responses.push(r));
  const ended = new Promise<ServiceError | undefined>((resolve) => {
    stream.on('error', (e: ServiceError) => resolve(e));
    stream.on('end', () => resolve(undefined));
  });
  return { responses, ended };
}

/** Resolves when `responses` holds a response of revision >= `revision`. */
function untilRevision(stream: ClientReadableStream<WatchResponse>, responses: WatchResponse[], revision: bigint): Promise<void> {
  if (responses.some((r) => r.revision >= revision)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onData = (r: WatchResponse): void => {
      if (r.revision < revision) return;
      stream.off('data', onData);
      resolve();
    };
    stream.on('data', onData);
    stream.once('error', reject);
  });
}

describe('KV gRPC service', { timeout: 60_000 }, () => {
  let ctx: Awaited<ReturnType<typeof openTempStore>>;
  let tracked: TrackedStore;
  let server: Awaited<ReturnType<typeof startLoopbackServer>>;
  let client: KVClient;
  before(async () => {
    ctx = await openTempStore({ historyRevisions: 1000 });
    tracked = new TrackedStore(ctx.store);
    server = await startLoopbackServer([[KVService, kvServiceImpl(tracked.asStore(), { maxWatchResponseBytes: 600 })]]);
    client = insecureClient(KVClient, server.address);
  });
  after(
    async () => {
      client.close();
      await server.stop();
      await ctx.dispose();
    },
    { timeout: 10_000 },
  );

  it('Put, Get, Range, Delete and Txn reach the store with revisions', async () => {
    const put = await unary<PutResponse>((done) => client.put({ key: Buffer.from('svc/a'), value: Buffer.from('1') }, done));
    assert.deepEqual([put.revision, put.previous], [1n, undefined]);
    const second = await unary<PutResponse>((done) => client.put({ key: Buffer.from('svc/a'), value: Buffer.from('2') }, done));
    assert.equal(second.previous?.value.toString(), '1');
    await unary((done) => client.put({ key: Buffer.from('svc/b'), value: Buffer.from('3') }, done));
    const got = await unary<GetResponse>((done) => client.get({ key: Buffer.from('svc/a') }, done));
    assert.deepEqual([got.kv?.value.toString(), got.kv?.createRevision, got.kv?.modRevision, got.kv?.version, got.revision], ['2', 1n, 2n, 2n, 3n]);
    assert.equal((await unary<GetResponse>((done) => client.get({ key: Buffer.from('svc/none') }, done))).kv, undefined);
    const range = await unary<RangeResponse>((done) => client.range({ start: Buffer.from('svc/'), end: Buffer.alloc(0), prefix: true, limit: 1, maxBytes: 0 }, done));
    assert.deepEqual([range.kvs.map((kv) => kv.key.toString()), range.more, range.revision], [['svc/a'], true, 3n]);
    const txn = await unary<TxnResponse>((done) => client.txn({
      compares: [{ key: Buffer.from('svc/a'), target: Compare_Target.TARGET_VERSION, result: Compare_Result.RESULT_EQUAL, value: Buffer.alloc(0), number: 2n }],
      success: [{ kind: { $case: 'put', value: { key: Buffer.from('svc/c'), value: Buffer.from('4') } } }, { kind: { $case: 'get', value: { key: Buffer.from('svc/c') } } }],
      failure: [],
    }, done));
    assert.equal(txn.succeeded, true);
    assert.equal(txn.revision, 4n);
    assert.deepEqual(txn.results.map((r) => r.kind?.$case), ['put', 'get']);
    assert.equal(txn.results[1]?.kind?.$case === 'get' && txn.results[1].kind.value.kv?.value.toString(), '4');
    const deleted = await unary<DeleteResponse>((done) => client.delete({ key: Buffer.from('svc/'), prefix: true }, done));
    assert.deepEqual([deleted.revision, deleted.deleted], [5n, 3n]);
  });

  it('maps bad requests to INVALID_ARGUMENT with the store message', async () => {
    const invalid = async (promise: Promise<unknown>, details: RegExp): Promise<void> => {
      await assert.rejects(promise, (e: ServiceError) => e.code === status.INVALID_ARGUMENT && details.test(e.details));
    };
    await invalid(unary((done) => client.put({ key: Buffer.alloc(0), value: Buffer.from('v') }, done)), /put: key is empty/);
    await invalid(unary((done) => client.range({ start: Buffer.alloc(0), end: Buffer.alloc(0), prefix: false, limit: 0, maxBytes: 0 }, done)), /range: key is empty/);
    await invalid(unary((done) => client.txn({ compares: [], success: [{ kind: undefined }], failure: [] }, done)), /success\[0\]: no operation given/);
    await invalid(
      unary((done) => client.txn({ compares: [{ key: Buffer.from('k'), target: 7 as Compare_Target, result: Compare_Result.RESULT_EQUAL, value: Buffer.alloc(0), number: 0n }], success: [], failure: [] }, done)),
      /compares\[0\]\.target: 7 is not a compare target/,
    );
    const { ended } = collect(client.watch({ key: Buffer.alloc(0), prefix: false, startRevision: 0n }));
    const error = await ended;
    assert.deepEqual([error?.code, error?.details], [status.INVALID_ARGUMENT, 'watch: key is empty']);
  });

  it('Watch replays from a revision, then continues live; a cancel closes the store watch', async () => {
    const base = ctx.store.revision();
    await ctx.store.put(bytes('w/1'), bytes('a'));
    await ctx.store.put(bytes('x/1'), bytes('b'));
    const stream = client.watch({ key: Buffer.from('w/'), prefix: true, startRevision: base + 1n });
    const { responses, ended } = collect(stream);
    await untilRevision(stream, responses, base + 1n);
    await ctx.store.txn([], [{ type: 'put', key: bytes('w/2'), value: bytes('c') }, { type: 'delete', key: bytes('w/1') }], []);
    await untilRevision(stream, responses, base + 3n);
    assert.deepEqual(
      responses.map((r) => [r.revision, r.events.map((e) => `${e.type} ${e.kv?.key.toString()}=${e.kv?.value.toString()} v${e.kv?.version}`)]),
      [
        [base + 1n, ['0 w/1=a v1']],
        [base + 3n, ['0 w/2=c v1', '1 w/1= v0']],
      ],
    );
    const closed = once(tracked, 'close');
    stream.cancel();
    await closed;
    assert.equal((await ended)?.code, status.CANCELLED);
  });

  it('Watch splits a large revision into responses of the same revision', async () => {
    const stream = client.watch({ key: Buffer.from('big/'), prefix: true, startRevision: 0n });
    const { responses } = collect(stream);
    await once(tracked, 'watch');
    const puts = Array.from({ length: 10 }, (_, i) => ({ type: 'put' as const, key: bytes(`big/${i}`), value: new Uint8Array(200).fill(i) }));
    const { revision } = await ctx.store.txn([], puts, []);
    const seen = (): number => responses.reduce((n, r) => n + r.events.length, 0);
    while (seen() < 10) await once(stream, 'data');
    assert.ok(responses.length >= 4, `${responses.length} responses for 10 events of 200 bytes with a 600-byte target`);
    assert.ok(responses.every((r) => r.revision === revision));
    assert.deepEqual(
      responses.flatMap((r) => r.events.map((e) => e.kv?.key.toString())),
      puts.map((p) => Buffer.from(p.key).toString()),
    );
    await cancel(stream);
  });

  it('Watch pauses the store watch while the client does not read, and delivers everything in order after', async () => {
    const stream = client.watch({ key: Buffer.from('slow/'), prefix: true, startRevision: 0n });
    // A reading client that stops: grpc-js then stops reading the HTTP/2 stream
    // and flow control reaches the server. (A client that never starts reading
    // makes grpc-js buffer on the client side instead.)
    const revisions: bigint[] = [];
    stream.on('data', (r: WatchResponse) => revisions.push(r.revision));
    stream.pause();
    await once(tracked, 'watch');
    const first = ctx.store.revision() + 1n;
    const paused = once(tracked, 'pause');
    const value = new Uint8Array(60_000).fill(7);
    let written = 0;
    // Write until the server has paused the watch: the client's flow-control
    // window and grpc-js's buffer are full, so the store keeps the rest.
    let isPaused = false;
    void paused.then(() => (isPaused = true));
    while (!isPaused) {
      await ctx.store.put(bytes(`slow/${written % 5}`), value);
      written++;
      assert.ok(written < 2000, 'the watch was never paused');
    }
    for (let i = 0; i < 20; i++) await ctx.store.put(bytes(`slow/${i % 5}`), value);
    const last = ctx.store.revision();
    stream.resume();
    while (revisions[revisions.length - 1] !== last) await once(stream, 'data');
    assert.deepEqual(
      revisions,
      Array.from({ length: Number(last - first + 1n) }, (_, i) => first + BigInt(i)),
    );
    await cancel(stream);
  });
});

describe('KV gRPC service: scopes', () => {
  it('names a scope for every method of the service, as kv.proto says', () => {
    assert.deepEqual(Object.keys(KV_METHOD_SCOPES).sort(), Object.keys(KVService).sort());
    assert.deepEqual(KV_METHOD_SCOPES, { get: 'kv:read', range: 'kv:read', watch: 'kv:read', put: 'kv:write', delete: 'kv:write', txn: 'kv:write' });
  });
});

describe('KV gRPC service: compaction and shutdown', { timeout: 60_000 }, () => {
  it('a start revision older than the history gets compacted_revision and the stream ends OK', async () => {
    const ctx = await openTempStore({ historyRevisions: 3 });
    const server = await startLoopbackServer([[KVService, kvServiceImpl(ctx.store)]]);
    const client = insecureClient(KVClient, server.address);
    try {
      for (let i = 0; i < 10; i++) await ctx.store.put(bytes('k'), bytes(String(i)));
      const { responses, ended } = collect(client.watch({ key: Buffer.from('k'), prefix: false, startRevision: 2n }));
      assert.equal(await ended, undefined);
      assert.deepEqual(
        responses.map((r) => [r.events.length, r.revision, r.compactedRevision]),
        [[0, 10n, 8n]],
      );
    } finally {
      client.close();
      await server.stop();
      await ctx.dispose();
    }
  });

  it('closing the store ends watch streams with UNAVAILABLE; later calls get UNAVAILABLE', async () => {
    const ctx = await openTempStore();
    const server = await startLoopbackServer([[KVService, kvServiceImpl(ctx.store)]]);
    const client = insecureClient(KVClient, server.address);
    try {
      // From revision 1 (the put below): delivered whether the watch is registered before or after the put.
      const stream = client.watch({ key: Buffer.from('k'), prefix: false, startRevision: 1n });
      const { ended } = collect(stream);
      await ctx.store.put(bytes('k'), bytes('1'));
      await untilRevision(stream, [], 1n);
      await ctx.store.close();
      const error = await ended;
      assert.equal(error?.code, status.UNAVAILABLE);
      assert.match(error?.details ?? '', /was closed/);
      await assert.rejects(unary((done) => client.get({ key: Buffer.from('k') }, done)), (e: ServiceError) => e.code === status.UNAVAILABLE);
    } finally {
      client.close();
      await server.stop();
      fs.rmSync(ctx.dataDir, { recursive: true, force: true });
    }
  });
});

describe('KV gRPC service: Range is bounded in bytes and pages like etcd', { timeout: 60_000 }, () => {
  const VALUES = 24;
  const VALUE_BYTES = 512 * 1024;
  const CAP = 4 * 1024 * 1024;
  let ctx: Awaited<ReturnType<typeof openTempStore>>;
  let server: Awaited<ReturnType<typeof startLoopbackServer>>;
  let client: KVClient;
  before(async () => {
    // The default cap (4 MiB); the values add up to 12 MiB.
    ctx = await openTempStore();
    await Promise.all(Array.from({ length: VALUES }, (_, i) => ctx.store.put(bytes(`big/${String(i).padStart(2, '0')}`), new Uint8Array(VALUE_BYTES).fill(i))));
    server = await startLoopbackServer([[KVService, kvServiceImpl(ctx.store)]]);
    client = insecureClient(KVClient, server.address);
  });
  after(async () => {
    client.close();
    await server.stop();
    await ctx.dispose();
  });

  /** Reads every page of a prefix with `limit` 0, as a client following `more` does; returns each response's encoded size and the keys. */
  async function readAllPages(prefix: string, maxBytes = 0): Promise<{ sizes: number[]; keys: string[] }> {
    const sizes: number[] = [];
    const keys: string[] = [];
    let request = { start: Buffer.from(prefix), end: Buffer.alloc(0), prefix: true, limit: 0, maxBytes };
    for (let page = 0; page < 100; page++) {
      const response = await unary<RangeResponse>((done) => client.range(request, done));
      sizes.push(RangeResponseMessage.encode(response).finish().length);
      keys.push(...response.kvs.map((kv) => kv.key.toString()));
      const last = response.kvs.at(-1);
      if (!response.more || last === undefined) return { sizes, keys };
      // etcd's continuation: after the last key, up to the prefix's end.
      request = { start: Buffer.concat([last.key, Buffer.of(0)]), end: Buffer.from(prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)), prefix: false, limit: 0, maxBytes };
    }
    throw new Error('more than 100 pages');
  }

  it('six concurrent unlimited ranges over 12 MiB each get responses of at most the 4 MiB cap, and their pages hold every key once', async () => {
    const reads = await Promise.all(Array.from({ length: 6 }, () => readAllPages('big/')));
    const expected = Array.from({ length: VALUES }, (_, i) => `big/${String(i).padStart(2, '0')}`);
    for (const { sizes, keys } of reads) {
      assert.deepEqual(keys, expected);
      assert.ok(sizes.length >= 3, `12 MiB in pages of at most 4 MiB: ${sizes.join(', ')}`);
      for (const size of sizes) assert.ok(size <= CAP + 64 * VALUES, `a response of ${size} bytes is over the cap`);
    }
  });

  it('a smaller max_bytes from the client is honoured; a pair larger than it still comes, alone', async () => {
    const { sizes, keys } = await readAllPages('big/', 1000);
    assert.equal(keys.length, VALUES);
    assert.equal(sizes.length, VALUES);
  });
});
