import assert from 'node:assert/strict';
import { credentials, Metadata } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { KVClient } from '../generated/sdn/runtime/v1/kv.js';
import { unary } from './grpc-loopback.js';
import { KvTxnWriter } from './kv-txn-writer.js';
import { startTestRuntime, type TestRuntime } from './test-runtime.js';

describe('KvTxnWriter (against a runtime on the embedded store)', () => {
  let t: TestRuntime;
  let kv: KVClient;
  before(async () => {
    t = await startTestRuntime();
    kv = new KVClient(`127.0.0.1:${t.rt.grpcPort}`, credentials.createInsecure());
  });
  after(async () => {
    kv?.close();
    await t?.stop();
  });

  it('finds every acknowledged write, and reports one deleted, overwritten or torn afterwards', async () => {
    const writer = new KvTxnWriter({ grpcPort: t.rt.grpcPort, name: 'probe', maxWrites: 20, pauseMs: 0, callTimeoutMs: 5000 });
    await writer.finished();
    await writer.stop();
    assert.deepEqual([writer.acknowledged.length, writer.failed, writer.compareFailed], [20, 0, 0]);
    assert.deepEqual(await writer.lostWrites(kv), []);

    await unary((done) => kv.delete({ key: Buffer.from('w/probe/3/b'), prefix: false }, new Metadata(), done));
    await unary((done) => kv.put({ key: Buffer.from('w/probe/7/a'), value: Buffer.from('other') }, new Metadata(), done));
    assert.deepEqual(await writer.lostWrites(kv), [
      `w/probe/3/b (acknowledged at revision ${writer.acknowledged[3]!.revision}): missing`,
      `w/probe/7/a (acknowledged at revision ${writer.acknowledged[7]!.revision}): holds other`,
      'w/probe/3: 2 of 3 keys (a transaction applied in part)',
    ]);
  });
});
