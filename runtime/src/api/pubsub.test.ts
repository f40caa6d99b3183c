import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { PubSubClient, PubSubService, type PublishResponse, type PubSubMessage as PbPubSubMessage } from '../generated/sdn/runtime/v1/pubsub.js';
import { insecureClient, startLoopbackServer, unary } from '../testing/grpc-loopback.js';
import { InProcessBus, type PubSubBus, type PubSubMessage, type Subscription } from '../pubsub/index.js';
import { PUBSUB_METHOD_SCOPES, pubSubServiceImpl } from './pubsub.js';

/** The real bus, with subscriptions observable: emits 'subscribe' and 'unsubscribe'. */
class TrackedBus extends EventEmitter implements PubSubBus {
  readonly bus = new InProcessBus();

  publish(message: PubSubMessage): number {
    return this.bus.publish(message);
  }

  subscribe(pattern: string | readonly string[], handler: (message: PubSubMessage) => void): Subscription {
    const inner = this.bus.subscribe(pattern, handler);
    this.emit('subscribe');
    return {
      unsubscribe: () => {
        inner.unsubscribe();
        this.emit('unsubscribe');
      },
    };
  }
}

function message(subject: string, payload: string | Buffer = '', headers: Record<string, string> = {}): PbPubSubMessage {
  return { subject, payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload), headers };
}

function ended(stream: ClientReadableStream<PbPubSubMessage>): Promise<ServiceError | undefined> {
  return new Promise((resolve) => {
    stream.on('error', (e: ServiceError) => resolve(e));
    stream.on('end', () => resolve(undefined));
  });
}

describe('PubSub gRPC service', { timeout: 60_000 }, () => {
  let tracked: TrackedBus;
  let server: Awaited<ReturnType<typeof startLoopbackServer>>;
  let client: PubSubClient;
  before(async () => {
    tracked = new TrackedBus();
    server = await startLoopbackServer([[PubSubService, pubSubServiceImpl(tracked, { maxQueuedMessages: 50, maxQueuedBytes: 1024 * 1024 })]]);
    client = insecureClient(PubSubClient, server.address);
  });
  after(
    async () => {
      client.close();
      await server.stop();
    },
    { timeout: 10_000 },
  );

  const publish = (m: PbPubSubMessage): Promise<PublishResponse> => unary<PublishResponse>((done) => client.publish({ message: m }, done));

  it('Subscribe receives what Publish sends, once per message even when several patterns match; cancel unsubscribes', async () => {
    assert.equal((await publish(message('topology.links'))).delivered, 0);
    const stream = client.subscribe({ patterns: ['topology.>', '*.links'] });
    const received: PbPubSubMessage[] = [];
    stream.on('data', (m: PbPubSubMessage) => received.push(m));
    const end = ended(stream);
    await once(tracked, 'subscribe');
    assert.equal((await publish(message('topology.links', 'l1', { from: 'test' }))).delivered, 1);
    assert.equal((await publish(message('stats.links', 'l2'))).delivered, 1);
    assert.equal((await publish(message('stats.ports', 'no'))).delivered, 0);
    while (received.length < 2) await once(stream, 'data');
    assert.deepEqual(
      received.map((m) => [m.subject, m.payload.toString(), m.headers]),
      [
        ['topology.links', 'l1', { from: 'test' }],
        ['stats.links', 'l2', {}],
      ],
    );
    const unsubscribed = once(tracked, 'unsubscribe');
    stream.cancel();
    await unsubscribed;
    assert.equal((await end)?.code, status.CANCELLED);
    assert.ok(tracked.bus.isEmpty);
  });

  it('bad subjects and patterns are INVALID_ARGUMENT', async () => {
    await assert.rejects(publish(message('a.*')), (e: ServiceError) => e.code === status.INVALID_ARGUMENT && /subject "a.\*": token 1/.test(e.details));
    await assert.rejects(
      unary((done) => client.publish({ message: undefined }, done)),
      (e: ServiceError) => e.code === status.INVALID_ARGUMENT && /message: is required/.test(e.details),
    );
    const bad = await ended(client.subscribe({ patterns: ['ok', 'a.>.b'] }));
    assert.deepEqual([bad?.code, bad?.details], [status.INVALID_ARGUMENT, 'pattern "a.>.b": token 1 is ">", which may only be the last token']);
    const none = await ended(client.subscribe({ patterns: [] }));
    assert.deepEqual([none?.code, none?.details], [status.INVALID_ARGUMENT, 'no pattern given']);
    assert.ok(tracked.bus.isEmpty);
  });

  it('a client that stops reading is cut off with RESOURCE_EXHAUSTED after what it was sent, in order, without gaps', async () => {
    const stream = client.subscribe({ patterns: ['flood'] });
    // Start reading, then stop: grpc-js stops reading the HTTP/2 stream, so
    // flow control reaches the server and messages queue there.
    const received: number[] = [];
    stream.on('data', (m: PbPubSubMessage) => received.push(m.payload.readUInt32BE(0)));
    stream.pause();
    const end = ended(stream);
    await once(tracked, 'subscribe');
    const unsubscribed = once(tracked, 'unsubscribe');
    let cutOff = false;
    void unsubscribed.then(() => (cutOff = true));
    let sent = 0;
    const payload = Buffer.alloc(16 * 1024);
    // The bus publishes synchronously; yield to the event loop between bursts
    // so grpc-js can report its buffers full.
    while (!cutOff) {
      for (let i = 0; i < 20; i++) {
        payload.writeUInt32BE(sent++, 0);
        tracked.publish({ subject: 'flood', payload: Buffer.from(payload), headers: {} });
      }
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(sent < 5_000, 'the slow subscriber was never cut off');
    }
    assert.equal(tracked.publish({ subject: 'flood', payload, headers: {} }), 0, 'the subscription is gone');
    stream.resume();
    const error = await end;
    assert.equal(error?.code, status.RESOURCE_EXHAUSTED);
    assert.match(error?.details ?? '', /the client is not reading: 51 messages \(\d+ bytes\) waited, the limit is 50 messages or 1048576 bytes/);
    assert.ok(received.length > 0 && received.length < sent, `received ${received.length} of ${sent}`);
    assert.deepEqual(
      received,
      received.map((_, i) => i),
    );
  });
});

describe('PubSub gRPC service: scopes', () => {
  it('names a scope for every method of the service', () => {
    assert.deepEqual(Object.keys(PUBSUB_METHOD_SCOPES).sort(), Object.keys(PubSubService).sort());
  });
});
