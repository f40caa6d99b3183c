import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuntimeMetrics } from '../observability/metrics.js';
import { OFPFF_SEND_FLOW_REM, OFPR_ACTION, OFPR_NO_MATCH, type PacketIn } from '../openflow/index.js';
import { appCookie } from '../ownership/index.js';
import type { AppEvent } from './app-types.js';
import { EventBus } from './event-bus.js';
import { Ownership } from './ownership.js';
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

const seen = (events: readonly AppEvent[]): string[] => events.map((e) => `${e.type}@${'dpid' in e ? e.dpid : `node ${e.nodeId}`}`);

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

  it('hands node events (no switch\'s) to subscribers of every switch only', () => {
    const { bus: b } = bus();
    const every: AppEvent[] = [];
    const some: AppEvent[] = [];
    b.subscribe('every', ['nodeUp', 'nodeDown'], (e) => every.push(e));
    b.subscribe('some', ['nodeUp', 'nodeDown'], (e) => some.push(e), { dpids: [1n] });
    b.publish({ type: 'nodeUp', node: 7, nodeId: 12, aliases: [], costMs: 11 });
    b.publish({ type: 'nodeDown', node: 7, nodeId: 12, aliases: [], reason: 'noRoute', detail: '' });
    assert.deepEqual(seen(every), ['nodeUp@node 12', 'nodeDown@node 12']);
    assert.deepEqual(seen(some), []);
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

  it('lets one claimant consume packet-ins before every subscriber, and delivers what it leaves', async () => {
    const { bus: b, metrics } = bus();
    const got: AppEvent[] = [];
    b.subscribe('app', ['packetIn', 'switchDown'], (e) => got.push(e));
    const release = b.claimPacketIns('topology', (e) => e.dpid === 1n);
    assert.throws(() => b.claimPacketIns('other', () => true), /topology does/);
    for (const e of [packetIn(1n), packetIn(2n), switchDown(1n)]) b.publish(e);
    assert.deepEqual(seen(got), ['packetIn@2', 'switchDown@1']);
    release();
    b.publish(packetIn(1n));
    assert.deepEqual(seen(got).slice(-1), ['packetIn@1']);
    b.claimPacketIns('faulty', () => {
      throw new Error('claim failed');
    });
    b.publish(packetIn(3n));
    assert.deepEqual(seen(got).slice(-1), ['packetIn@3'], 'a failing claim does not lose the packet-in');
    assert.equal((await metrics.appHandlerErrors.get()).values.find((v) => v.labels.app === 'faulty')?.value, 1);
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

describe('EventBus with ownership (docs/apps-sharing-a-switch.md)', () => {
  const owned = (reason: number, cookie: bigint, dpid = 1n): AppEvent => ({ type: 'packetIn', node: 7, dpid, message: { ...message, reason, cookie } });
  const removed = (cookie: bigint): AppEvent => ({ type: 'flowRemoved', node: 7, dpid: 1n, message: { type: 'FlowRemoved', version: 4, xid: 0, cookie, priority: 5, reason: 0, tableId: 0, durationSec: 0, durationNsec: 0, idleTimeout: 1, hardTimeout: 0, packetCount: 0n, byteCount: 0n, match: [] } });
  const setup = () => {
    const { log } = recordingLogger();
    const ownership = new Ownership({ defaultQuota: Infinity });
    const b = new EventBus({ log, metrics: new RuntimeMetrics(), ownership });
    const got: Record<string, AppEvent[]> = { acl: [], ls: [], quiet: [], host: [] };
    b.subscribe('acl', ['packetIn', 'flowRemoved'], (e) => got.acl!.push(e));
    b.subscribe('ls', ['packetIn', 'flowRemoved'], (e) => got.ls!.push(e));
    b.subscribe('quiet', ['packetIn'], (e) => got.quiet!.push(e), { tableMiss: false });
    b.subscribe('host', ['packetIn', 'flowRemoved'], (e) => got.host!.push(e), { everyOwner: true });
    return { b, got, ownership, acl: ownership.app('acl'), ls: ownership.app('ls') };
  };
  const cookies = (events: readonly AppEvent[]): (bigint | undefined)[] => events.map((e) => (e.type === 'packetIn' || e.type === 'flowRemoved' ? e.message.cookie : undefined));

  it('hands a packet-in caused by an app\'s flow to that app only, with the cookie it wrote; a host of apps gets it marked with its owner', () => {
    const { b, got, acl } = setup();
    b.publish(owned(OFPR_ACTION, appCookie(acl.id, 5n)));
    assert.deepEqual(cookies(got.acl!), [5n]);
    assert.deepEqual([got.ls!.length, got.quiet!.length], [0, 0]);
    assert.deepEqual(got.host!.map((e) => e.type === 'packetIn' && e.owner), [acl.id]);
  });

  it('hands a table miss to every app that takes table misses, whoever installed the table-miss flow', () => {
    const { b, got, ls } = setup();
    b.publish(owned(OFPR_NO_MATCH, appCookie(ls.id, 0n)));
    assert.deepEqual([got.acl!.length, got.ls!.length, got.quiet!.length, got.host!.length], [1, 1, 0, 1]);
  });

  it('hands a flow-removed to its owner only when it asked for it (the ledger knows), and to nobody else', () => {
    const { b, got, ownership, acl } = setup();
    b.publish(switchUp(1n));
    const sw = { dpid: 1n, node: 7, version: 4, send: () => {}, sendEncoded: () => {}, sendConfirmed: () => Promise.resolve(), request: () => Promise.resolve([]), barrier: () => Promise.resolve() };
    const handle = ownership.confine(acl, sw);
    const add = { type: 'FlowMod', cookie: 3n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 1, hardTimeout: 0, priority: 5, bufferId: 0xffffffff, outPort: 0, outGroup: 0, match: [], instructions: [] } as const;
    handle.send({ ...add, flags: OFPFF_SEND_FLOW_REM });
    b.publish(removed(appCookie(acl.id, 3n)));
    handle.send({ ...add, flags: 0 });
    b.publish(removed(appCookie(acl.id, 3n)));
    assert.deepEqual(cookies(got.acl!), [3n], 'the second flow\'s removal the app did not ask for');
    assert.deepEqual(got.ls!, []);
  });
});
