import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuntimeMetrics } from '../observability/metrics.js';
import type { PacketIn } from '../openflow/index.js';
import type { AppEvent } from './app-types.js';
import { EventBus } from './event-bus.js';
import { recordingLogger, switchInfo } from '../testing/fake-session.js';

const message: PacketIn = { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: 0, reason: 0, tableId: 0, cookie: 0n, match: [], data: Buffer.alloc(0) };
const packetIn = (dpid: bigint, node = 7): AppEvent => ({ type: 'packetIn', node, dpid, message });
const switchDown = (dpid: bigint): AppEvent => ({ type: 'switchDown', node: 7, dpid, reason: 'peerClosed', detail: '' });
const switchUp = (dpid: bigint): AppEvent => ({ type: 'switchUp', node: 7, dpid, view: { ...switchInfo(dpid), node: 7, remote: 'r', ports: new Map(), connectedAt: 0 } });

function bus(now: () => number = () => 0) {
  const { log, lines } = recordingLogger();
  const metrics = new RuntimeMetrics();
  return { bus: new EventBus({ log, metrics, now }), lines, metrics };
}

const seen = (events: readonly AppEvent[]): string[] => events.map((e) => `${e.type}@${e.dpid}`);

describe('EventBus', () => {
  it('hands a subscriber only the kinds it asked for', () => {
    const { bus: b } = bus();
    const packetIns: AppEvent[] = [];
    const lifecycle: AppEvent[] = [];
    b.subscribe('a', ['packetIn'], (e) => packetIns.push(e));
    b.subscribe('b', ['switchUp', 'switchDown'], (e) => lifecycle.push(e));
    for (const e of [switchUp(1n), packetIn(1n), switchDown(1n)]) b.publish(e);
    assert.deepEqual(seen(packetIns), ['packetIn@1']);
    assert.deepEqual(seen(lifecycle), ['switchUp@1', 'switchDown@1']);
  });

  it('hands a subscriber with a dpid filter only the events of those switches', () => {
    const { bus: b } = bus();
    const two: AppEvent[] = [];
    const every: AppEvent[] = [];
    b.subscribe('two', ['packetIn', 'switchDown'], (e) => two.push(e), { dpids: [2n, 2n] });
    b.subscribe('every', ['packetIn'], (e) => every.push(e));
    for (const e of [packetIn(1n), packetIn(2n), switchDown(1n), switchDown(2n), packetIn(3n)]) b.publish(e);
    assert.deepEqual(seen(two), ['packetIn@2', 'switchDown@2'], 'a dpid listed twice still delivers once');
    assert.deepEqual(seen(every), ['packetIn@1', 'packetIn@2', 'packetIn@3']);
  });

  it('passes the origin node on', () => {
    const { bus: b } = bus();
    const nodes: number[] = [];
    b.subscribe('a', ['packetIn'], (e) => nodes.push(e.node));
    b.publish(packetIn(1n, 7));
    b.publish(packetIn(1n, 0xfeedf00d));
    assert.deepEqual(nodes, [7, 0xfeedf00d]);
  });

  it('keeps publish order per subscriber, across kinds and switches', () => {
    const { bus: b } = bus();
    const got: AppEvent[] = [];
    b.subscribe('a', ['switchUp', 'packetIn', 'switchDown'], (e) => got.push(e));
    b.subscribe('b', ['packetIn'], () => {}, { dpids: [1n] });
    const sent = [switchUp(1n), switchUp(2n), packetIn(1n), packetIn(2n), packetIn(1n), switchDown(2n), switchDown(1n)];
    for (const e of sent) b.publish(e);
    assert.deepEqual(seen(got), seen(sent));
  });

  it('stops delivering after unsubscribe, also when a handler unsubscribes during a publish', () => {
    const { bus: b } = bus();
    const got: string[] = [];
    const offB = b.subscribe('b', ['packetIn'], () => got.push('b'), { dpids: [1n] });
    const offA = b.subscribe('a', ['packetIn'], () => {
      got.push('a');
      offB();
    });
    b.publish(packetIn(1n));
    b.publish(packetIn(1n));
    offA();
    offA();
    b.publish(packetIn(1n));
    assert.deepEqual(got, ['a', 'a'], 'b was removed before the walk reached it');
  });

  it('contains a throwing or rejecting handler: counted per app, logged once a minute, the others still get the event', async () => {
    let nowMs = 0;
    const { bus: b, lines, metrics } = bus(() => nowMs);
    const good: AppEvent[] = [];
    b.subscribe('thrower', ['packetIn'], () => {
      throw new TypeError('thrower is broken');
    });
    b.subscribe('rejecter', ['packetIn'], (() => Promise.reject(new TypeError('rejecter is broken'))) as () => void);
    b.subscribe('good', ['packetIn'], (e) => good.push(e));
    // Rejections are seen a turn later: let them settle before the clock moves.
    const settled = () => new Promise<void>((resolve) => setImmediate(resolve));
    for (let i = 0; i < 3; i++) b.publish(packetIn(1n));
    await settled();
    nowMs = 61_000;
    b.publish(packetIn(1n));
    await settled();
    assert.equal(good.length, 4);
    const count = async (app: string) => (await metrics.appHandlerErrors.get()).values.find((v) => v.labels.app === app)?.value;
    assert.equal(await count('thrower'), 4);
    assert.equal(await count('rejecter'), 4);
    const logged = (app: string) => lines.filter((l) => l.app === app && String(l.msg).startsWith('app event handler failed'));
    assert.equal(logged('thrower').length, 2, 'once at the first failure, once more a minute later');
    assert.equal(logged('thrower')[1]!.failuresSinceLastLog, 2);
    assert.equal(logged('rejecter').length, 2);
  });
});
