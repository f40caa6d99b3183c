import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Graph, advanceUntilConverged, expectedCosts, randomGeometricGraph, seededRandom, simulate, wrongRoutes } from '../testing/index.js';
import type { NodeId } from '../types.js';

const HOP = 10;

/** 1 - 2 - 3 in a line plus a slow direct 1 - 3 link. */
const triangle: Graph = {
  nodes: [1, 2, 3],
  edges: [
    { a: 1, b: 2, latencyMs: 5 },
    { a: 2, b: 3, latencyMs: 5 },
    { a: 1, b: 3, latencyMs: 40 },
  ],
};

describe('router (simulated)', () => {
  it('prefers the relay when its RTT plus the hop penalty beats the direct link', () => {
    const sim = simulate(triangle);
    sim.advance(2000);
    const route = sim.node(1).route(3);
    assert.deepEqual({ nextHop: route?.nextHop, costMs: route?.costMs, path: route?.path }, { nextHop: 2, costMs: 10 + HOP + 10 + HOP, path: [2, 3] });
    assert.deepEqual(wrongRoutes(sim, expectedCosts(triangle, HOP)), []);
  });

  it('takes the direct link when the relay saves less than the hop penalty', () => {
    const graph: Graph = { ...triangle, edges: [triangle.edges[0]!, triangle.edges[1]!, { a: 1, b: 3, latencyMs: 14 }] };
    const sim = simulate(graph);
    sim.advance(2000);
    assert.equal(sim.node(1).route(3)?.nextHop, 3);
    assert.equal(sim.node(1).route(3)?.costMs, 28 + HOP);
  });

  it('converges to the lowest RTT + hop penalty route of every pair on a random graph (checked by Dijkstra)', () => {
    const graph = randomGeometricGraph(40, 4, 100, seededRandom(7));
    const sim = simulate(graph, { seed: 7 });
    const took = advanceUntilConverged(sim, expectedCosts(graph, HOP), 50, 5000);
    assert.notEqual(took, undefined, JSON.stringify(wrongRoutes(sim, expectedCosts(graph, HOP), 5)));
    sim.advance(5000);
    const counts = new Map(sim.sent);
    sim.advance(10_000);
    const updates = (sim.sent.get('routeUpdate') ?? 0) - (counts.get('routeUpdate') ?? 0);
    assert.equal(updates, 0, 'no route updates at rest (once the directory records settled): only digests');
    assert.ok((sim.sent.get('routeDigest') ?? 0) > (counts.get('routeDigest') ?? 0));
  });

  it('batches a cold start\'s burst of changes: a few updates per link, not one per update received', () => {
    const graph = randomGeometricGraph(60, 6, 60, seededRandom(1));
    const sim = simulate(graph, { seed: 1 }, { maxPathLength: 64, announceLinks: false });
    const took = advanceUntilConverged(sim, expectedCosts(graph, HOP), 10, 5000);
    const updates = sim.sent.get('routeUpdate') ?? 0;
    assert.ok(took !== undefined && took <= 400, `converged in ${took} ms`);
    assert.ok(updates <= 20 * 2 * graph.edges.length, `${updates} route updates on ${graph.edges.length} links`);
  });

  it('reconverges around a failed relay, and again when it comes back', () => {
    const sim = simulate(triangle);
    sim.advance(2000);
    sim.crash(2);
    const down = new Set<NodeId>([2]);
    assert.notEqual(advanceUntilConverged(sim, expectedCosts(triangle, HOP, down), 10, 1000), undefined);
    assert.equal(sim.node(1).route(3)?.nextHop, 3);
    assert.equal(sim.node(1).route(2), undefined);
    sim.restart(2);
    assert.notEqual(advanceUntilConverged(sim, expectedCosts(triangle, HOP), 10, 5000), undefined);
    assert.equal(sim.node(1).route(3)?.nextHop, 2);
  });

  it('reconverges after a well-connected relay crashes without exploring stale paths (link notices)', () => {
    const graph = randomGeometricGraph(40, 6, 60, seededRandom(1));
    const sim = simulate(graph, { seed: 1 }, { maxPathLength: 64 });
    assert.notEqual(advanceUntilConverged(sim, expectedCosts(graph, HOP), 50, 5000), undefined);
    sim.advance(5000);
    const degree = new Map<NodeId, number>();
    for (const { a, b } of graph.edges) for (const x of [a, b]) degree.set(x, (degree.get(x) ?? 0) + 1);
    const hub = [...degree].sort((x, y) => y[1] - x[1])[0]![0];
    const before = sim.sent.get('routeUpdate') ?? 0;
    const budget = 100 * graph.edges.length;
    const updates = (): number => (sim.sent.get('routeUpdate') ?? 0) - before;
    const expected = expectedCosts(graph, HOP, new Set([hub]));
    sim.crash(hub);
    let took: number | undefined;
    // Bounded by the update budget too, so a storm fails fast instead of running for minutes.
    for (let t = 0; t <= 2000 && took === undefined && updates() <= budget; t += 10) {
      if (wrongRoutes(sim, expected, 1).length === 0) took = t;
      else sim.advance(10);
    }
    assert.ok(updates() <= budget, `${updates()} route updates for ${graph.edges.length} links`);
    assert.ok(took !== undefined && took <= 300, `reconverged in ${took} ms`);
  });

  it('withdraws routes across a partition after the liveness timeout and brings them back on heal', () => {
    const graph = randomGeometricGraph(20, 3, 50, seededRandom(3));
    const sim = simulate(graph, { seed: 3 });
    assert.notEqual(advanceUntilConverged(sim, expectedCosts(graph, HOP), 50, 5000), undefined);
    const left = graph.nodes.filter((n) => n <= 10);
    const right = graph.nodes.filter((n) => n > 10);
    sim.partition(left, right);
    sim.advance(6000);
    for (const a of left) for (const b of right) assert.equal(sim.node(a).route(b), undefined, `${a} still routes to ${b}`);
    const unreachable = sim.events().filter((e) => e.output.kind === 'node-unreachable');
    assert.ok(unreachable.length > 0);
    sim.heal();
    assert.notEqual(advanceUntilConverged(sim, expectedCosts(graph, HOP), 50, 40_000), undefined, 'routes back after the heal');
  });

  it('repairs what lost updates broke, through digests and resyncs', () => {
    const graph = randomGeometricGraph(25, 3, 60, seededRandom(11));
    const sim = simulate(graph, { seed: 11, loss: 0.05 }, { livenessTimeoutMs: 10_000 });
    sim.advance(3000);
    sim.setLoss(0);
    assert.notEqual(advanceUntilConverged(sim, expectedCosts(graph, HOP), 100, 10_000), undefined, JSON.stringify(wrongRoutes(sim, expectedCosts(graph, HOP), 5)));
    assert.ok((sim.sent.get('routeResync') ?? 0) > 0, 'lost updates were noticed and asked for again');
  });

  it('keeps no route longer than the path bound', () => {
    const line: Graph = { nodes: [1, 2, 3, 4, 5, 6], edges: [1, 2, 3, 4, 5].map((a) => ({ a, b: a + 1, latencyMs: 1 })) };
    const sim = simulate(line, {}, { maxPathLength: 3 });
    sim.advance(3000);
    assert.deepEqual([...sim.node(1).routes().keys()].sort(), [2, 3, 4], 'a path holds at most 3 nodes: 1 reaches 4 through [2, 3, 4]');
  });
});
