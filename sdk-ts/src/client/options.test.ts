import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, SdnClientError } from '../errors.js';
import { EventKind } from '../generated/sdn/runtime/v1/events.js';
import { checkConnectOptions, subscribeMessage, type ConnectOptions } from './options.js';

const base: ConnectOptions = { target: 'localhost:50051', name: 'app' };

describe('Subscribe from connect options', () => {
  it('no kinds, topics or watches: an empty kinds list (every OpenFlow kind)', () => {
    const s = subscribeMessage(base, undefined, 100);
    assert.deepEqual([s.kinds, s.initialCredit, s.resumeAfterSeq, s.maxBatch], [[], 100, undefined, 0]);
  });

  it('topics or watches: the kinds are named, with PUBSUB and KV added', () => {
    const s = subscribeMessage({ ...base, subscribe: { topics: ['a.b'] } }, undefined, 1);
    assert.deepEqual(s.kinds.slice(-1), [EventKind.EVENT_KIND_PUBSUB]);
    assert.equal(s.kinds.length, 7);
    const only = subscribeMessage({ ...base, subscribe: { kinds: [], kvWatches: [{ key: 'k' }] } }, undefined, 1);
    assert.deepEqual(only.kinds, [EventKind.EVENT_KIND_KV]);
  });

  it('topology kinds are named like the OpenFlow ones; an unknown kind is INVALID', () => {
    const s = subscribeMessage({ ...base, subscribe: { kinds: ['switchUp', 'linkUp', 'linkDown', 'hostAdded', 'hostMoved', 'hostRemoved'] } }, undefined, 1);
    assert.deepEqual(s.kinds, [
      EventKind.EVENT_KIND_SWITCH_UP,
      EventKind.EVENT_KIND_LINK_UP,
      EventKind.EVENT_KIND_LINK_DOWN,
      EventKind.EVENT_KIND_HOST_ADDED,
      EventKind.EVENT_KIND_HOST_MOVED,
      EventKind.EVENT_KIND_HOST_REMOVED,
    ]);
    assert.throws(
      () => subscribeMessage({ ...base, subscribe: { kinds: ['linkSideways' as 'linkUp'] } }, undefined, 1),
      (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.INVALID,
    );
  });

  it('role changes and node events are named like the others, and are not among the default kinds', () => {
    const s = subscribeMessage({ ...base, subscribe: { kinds: ['roleChanged', 'nodeUp', 'nodeDown'] } }, undefined, 1);
    assert.deepEqual(s.kinds, [EventKind.EVENT_KIND_ROLE_CHANGED, EventKind.EVENT_KIND_NODE_UP, EventKind.EVENT_KIND_NODE_DOWN]);
    const withTopics = subscribeMessage({ ...base, subscribe: { topics: ['a.b'] } }, undefined, 1);
    assert.equal(withTopics.kinds.includes(EventKind.EVENT_KIND_ROLE_CHANGED), false);
  });

  it('a resumed subscription carries the seq, and KV watches restart after the newest revision seen', () => {
    const o: ConnectOptions = { ...base, subscribe: { kinds: [], kvWatches: [{ key: 'a/', prefix: true }, { key: 'b', startRevision: 20n }] } };
    const s = subscribeMessage(o, 5n, 10, 7n);
    assert.equal(s.resumeAfterSeq, 5n);
    assert.deepEqual(s.kvWatches.map((w) => [w.key.toString(), w.prefix, w.startRevision]), [
      ['a/', true, 8n],
      ['b', false, 20n],
    ]);
  });

  it('refuses bad options at connect', () => {
    const bad = (o: Partial<ConnectOptions>, pattern: RegExp): void =>
      assert.throws(() => checkConnectOptions({ ...base, ...o }), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.INVALID && pattern.test(e.message));
    bad({ target: 'localhost' }, /"host:port" is needed/);
    bad({ name: ' ' }, /needs a name/);
    bad({ token: 'a\nb' }, /single-line/);
    bad({ credit: 0 }, /at least 1/);
    bad({ subscribe: { kinds: ['nope' as 'packetIn'] } }, /unknown event type "nope"/);
    bad({ subscribe: { topics: ['a.>.b'] } }, /not a subject pattern/);
    bad({ subscribe: { dpids: [-1n] } }, /dpids\[0\]/);
    bad({ subscribe: { packetIn: { tableIds: [255] } } }, /table id is 0\.\.254/);
  });
});
