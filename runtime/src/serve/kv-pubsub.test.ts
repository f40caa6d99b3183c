import assert from 'node:assert/strict';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { KVClient } from '../generated/sdn/runtime/v1/kv.js';
import { PubSubClient, type PubSubMessage } from '../generated/sdn/runtime/v1/pubsub.js';
import { unary } from '../testing/grpc-loopback.js';
import { startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

// serve wires the embedded lmdb store and the in-process bus into the KV and
// PubSub services, each call checked against its scope.

function withToken(token: string): Metadata {
  const m = new Metadata();
  m.set('authorization', `Bearer ${token}`);
  return m;
}

describe('KV and PubSub services of a running runtime', () => {
  let t: TestRuntime;
  let kv: KVClient;
  let pubsub: PubSubClient;
  before(async () => {
    t = await startTestRuntime({
      tokens: [
        { name: 'reader', token: 'reader-token', scopes: ['kv:read'] },
        { name: 'writer', token: 'writer-token', scopes: ['kv:read', 'kv:write', 'pubsub'] },
      ],
    });
    kv = new KVClient(`127.0.0.1:${t.rt.grpcPort}`, credentials.createInsecure());
    pubsub = new PubSubClient(`127.0.0.1:${t.rt.grpcPort}`, credentials.createInsecure());
  });
  after(async () => {
    kv.close();
    pubsub.close();
    await t.stop();
  });

  it('stores with kv:write, reads with kv:read, and refuses a write outside its scope without changing anything', async () => {
    const key = Buffer.from('config/a');
    const put = await unary<{ revision: bigint }>((done) => kv.put({ key, value: Buffer.from('1') }, withToken('writer-token'), done));
    await assert.rejects(
      unary((done) => kv.put({ key, value: Buffer.from('2') }, withToken('reader-token'), done)),
      (err: ServiceError) => err.code === status.PERMISSION_DENIED && /KV\.put needs the scope "kv:write"/.test(err.details),
    );
    const got = await unary<{ kv?: { value: Buffer; modRevision: bigint } }>((done) => kv.get({ key }, withToken('reader-token'), done));
    assert.equal(got.kv?.value.toString(), '1');
    assert.equal(got.kv?.modRevision, put.revision);
    await assert.rejects(unary((done) => kv.get({ key }, new Metadata(), done)), (err: ServiceError) => err.code === status.UNAUTHENTICATED);
  });

  it('delivers a published message to a subscriber, and ends a stream outside its scope', async () => {
    const received = new Promise<PubSubMessage>((resolve, reject) => {
      const stream = pubsub.subscribe({ patterns: ['topology.>'] }, withToken('writer-token'));
      stream.on('data', (m: PubSubMessage) => {
        resolve(m);
        stream.cancel();
      });
      stream.on('error', (err: ServiceError) => err.code !== status.CANCELLED && reject(err));
      // Publish once the subscription is in place: retry until someone received it.
      const publish = (): void => {
        pubsub.publish({ message: { subject: 'topology.links', payload: Buffer.from('up'), headers: {} } }, withToken('writer-token'), (err, res) => {
          if (err !== null) reject(err);
          else if (res.delivered === 0) setImmediate(publish);
        });
      };
      publish();
    });
    assert.equal((await received).payload.toString(), 'up');
    const refused = await new Promise<ServiceError>((resolve) => {
      const stream = pubsub.subscribe({ patterns: ['a.b'] }, withToken('reader-token'));
      stream.on('error', resolve);
    });
    assert.equal(refused.code, status.PERMISSION_DENIED);
  });
});
