import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Graph, type SimEvent, randomGeometricGraph, seededRandom, simulate } from '../testing/index.js';
import { SeenCache } from './seen.js';

const line: Graph = { nodes: [1, 2, 3, 4], edges: [1, 2, 3].map((a) => ({ a, b: a + 1, latencyMs: 10 })) };

function of(events: SimEvent[], kind: string): SimEvent[] {
  return events.filter((e) => e.output.kind === kind);
}

describe('forward (simulated)', () => {
  it('carries a unicast along the route, arriving after the path latency', () => {
    const sim = simulate(line);
    sim.advance(1000);
    sim.events();
    const sentAt = sim.nowMs;
    sim.control(1, (n) => n.sendTo(4, Buffer.from('hi')));
    sim.advance(100);
    const got = of(sim.events(), 'unicast');
    assert.equal(got.length, 1);
    assert.equal(got[0]?.node, 4);
    assert.equal(got[0]?.atMs, sentAt + 30);
    assert.deepEqual(got[0]?.output, { kind: 'unicast', from: 1, data: Buffer.from('hi') });
  });

  it('refuses to send without a route, and drops a unicast out of hops with a problem', () => {
    const sim = simulate(line, {}, { maxTtl: 2 });
    assert.throws(() => sim.control(1, (n) => n.sendTo(4, Buffer.from('x'))), { code: 'OVERLAY_NO_ROUTE' });
    sim.advance(1000);
    sim.events();
    sim.control(1, (n) => n.sendTo(4, Buffer.from('x')));
    sim.advance(100);
    const events = sim.events();
    assert.deepEqual(of(events, 'unicast'), []);
    assert.deepEqual(
      of(events, 'problem').map((e) => [e.node, e.output.kind === 'problem' && e.output.code]),
      [[3, 'OVERLAY_TTL']],
    );
  });

  it('marks every hop\'s send of a sheddable unicast, so relays may shed it; other unicasts are never marked', () => {
    const sim = simulate(line, { recordSends: true });
    sim.advance(1000);
    sim.events();
    const event = { dpid: 1n, seq: 1n, body: { $case: 'openflow' as const, value: Buffer.from('packet-in') } };
    sim.control(1, (n) => n.sendSwitchMessage(4, { body: { $case: 'event', value: event } }, { sheddable: true }));
    sim.control(1, (n) => n.sendTo(4, Buffer.from('control')));
    sim.advance(100);
    const events = sim.events();
    const sends = of(events, 'send').flatMap((e) => (e.output.kind === 'send' ? [{ node: e.node, output: e.output }] : []));
    const hops = sends.flatMap(({ node, output }) => {
      const body = output.message.body;
      const payload = body?.$case === 'unicast' ? body.value.payload?.$case : undefined;
      return payload === 'switchMessage' || payload === 'data' ? [`${node}:${payload}:${output.sheddable === true ? 'sheddable' : 'kept'}`] : [];
    });
    assert.deepEqual(hops, ['1:switchMessage:sheddable', '1:data:kept', '2:switchMessage:sheddable', '2:data:kept', '3:switchMessage:sheddable', '3:data:kept']);
    assert.equal(sends.filter(({ output }) => output.sheddable === true).length, 3, 'nothing else (pings, routes, directory records) is sheddable');
    assert.deepEqual(of(events, 'switch-message').map((e) => e.node), [4], 'delivered as any unicast when nothing backs up');
  });

  it('delivers a broadcast to every other node exactly once on a graph full of cycles', () => {
    const graph = randomGeometricGraph(15, 4, 40, seededRandom(2));
    const sim = simulate(graph, { seed: 2 });
    sim.advance(1000);
    sim.events();
    for (let i = 0; i < 5; i++) sim.control(1 + i, (n) => n.broadcast(Buffer.of(i)));
    sim.advance(500);
    const got = of(sim.events(), 'broadcast').map((e) => `${e.node}<-${e.output.kind === 'broadcast' ? e.output.from : ''}`);
    const want = [1, 2, 3, 4, 5].flatMap((from) => graph.nodes.filter((n) => n !== from).map((n) => `${n}<-${from}`));
    assert.deepEqual(got.sort(), want.sort());
  });
});

describe('the seen cache', () => {
  it('tells new, duplicate and too-old sequence numbers apart, per origin and epoch, within bounded memory', () => {
    const seen = new SeenCache(2);
    assert.equal(seen.check(1, 7, 5), 'new');
    assert.equal(seen.check(1, 7, 5), 'duplicate');
    assert.equal(seen.check(1, 7, 3), 'new', 'late but inside the window');
    assert.equal(seen.check(1, 7, 3), 'duplicate');
    assert.equal(seen.check(1, 7, 100), 'new');
    assert.equal(seen.check(1, 7, 60), 'too-old');
    assert.equal(seen.check(1, 8, 1), 'new', 'a new epoch: the origin restarted');
    seen.check(2, 1, 1);
    seen.check(3, 1, 1);
    assert.equal(seen.size, 2, 'the least recently heard origin was evicted');
  });
});
