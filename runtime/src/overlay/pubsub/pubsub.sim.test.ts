import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeFrame } from '../wire/index.js';
import { randomGeometricGraph, seededRandom, simulate } from '../testing/index.js';

const graph = randomGeometricGraph(8, 2, 40, seededRandom(4));

function deliveries(events: ReturnType<ReturnType<typeof simulate>['events']>): string[] {
  return events.flatMap((e) => (e.output.kind === 'publish' ? [`${e.node}:${e.output.subject}:${Buffer.from(e.output.payload).toString()}`] : [])).sort();
}

describe('pubsub across nodes (simulated)', () => {
  it('a publish reaches every node with a matching subscription exactly once, and no other', () => {
    const sim = simulate(graph, { seed: 4 });
    sim.control(2, (n) => n.subscribe('a.*'));
    sim.control(4, (n) => n.subscribe('a.>'));
    sim.control(4, (n) => n.subscribe('a.b'));
    sim.control(6, (n) => n.subscribe('x.y'));
    sim.control(8, (n) => n.subscribe('a.b'));
    sim.advance(3000);
    sim.events();
    const sentTo = sim.control(1, (n) => n.publish('a.b', Buffer.from('m1')));
    assert.deepEqual(sentTo, [2, 4, 8]);
    sim.control(3, (n) => n.publish('a.b.c', Buffer.from('m2')));
    sim.control(6, (n) => n.publish('x.y', Buffer.from('m3')));
    sim.advance(1000);
    assert.deepEqual(deliveries(sim.events()), ['2:a.b:m1', '4:a.b.c:m2', '4:a.b:m1', '8:a.b:m1']);
  });

  it('stays exactly once over many publishes from every node', () => {
    const sim = simulate(graph, { seed: 4 });
    for (const node of graph.nodes) sim.control(node, (n) => n.subscribe('load.>'));
    sim.advance(3000);
    sim.events();
    for (let i = 0; i < 40; i++) sim.control(1 + (i % 8), (n) => n.publish(`load.${i}`, Buffer.from(String(i))));
    sim.advance(1000);
    const got = deliveries(sim.events());
    const want = Array.from({ length: 40 }, (_, i) => graph.nodes.filter((n) => n !== 1 + (i % 8)).map((n) => `${n}:load.${i}:${i}`)).flat().sort();
    assert.deepEqual(got, want);
  });

  it('stops delivering after the last local unsubscribe is announced', () => {
    const sim = simulate(graph, { seed: 4 });
    sim.control(5, (n) => n.subscribe('t'));
    sim.control(5, (n) => n.subscribe('t'));
    sim.advance(3000);
    sim.control(5, (n) => n.unsubscribe('t'));
    sim.advance(3000);
    assert.deepEqual(sim.control(1, (n) => n.publish('t', Buffer.from('still'))), [5], 'one subscriber left');
    sim.control(5, (n) => n.unsubscribe('t'));
    sim.advance(3000);
    assert.deepEqual(sim.control(1, (n) => n.publish('t', Buffer.from('gone'))), []);
  });

  it('refuses a bad subject from an app, and reports one arriving from a peer', () => {
    const sim = simulate(graph, { seed: 4 });
    assert.throws(() => sim.control(1, (n) => n.publish('a..b', Buffer.alloc(0))), { code: 'PUBSUB_SUBJECT' });
    assert.throws(() => sim.control(1, (n) => n.subscribe('a.>.b')), { code: 'PUBSUB_PATTERN' });
    sim.advance(1000);
    sim.events();
    const [a, b] = [graph.edges[0]!.a, graph.edges[0]!.b];
    sim.inject(a, b, encodeFrame({ body: { $case: 'publish', value: { origin: a, destinations: [b], ttl: 5, subject: 'bad subject', payload: Buffer.alloc(0) } } }));
    sim.advance(100);
    const problems = sim.events().filter((e) => e.output.kind === 'problem');
    assert.deepEqual(problems.map((e) => [e.node, e.output.kind === 'problem' && e.output.code]), [[b, 'OVERLAY_SUBJECT']]);
  });
});
