import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope, Route as WireRoute } from '../../generated/sdn/overlay/v1/overlay.js';
import { expectedCosts, randomGeometricGraph, seededRandom, simulate, wrongRoutes } from '../testing/index.js';
import type { NodeId } from '../types.js';

const HOP = 10;
const LIAR = 1;
const graph = randomGeometricGraph(20, 3, 50, seededRandom(5));
const honest = graph.nodes.filter((n) => n !== LIAR);

/** Makes node 1 append `forged(to)` to every route update it sends, and stop sending digests (they would expose it). */
function liar(forged: (to: NodeId | undefined) => WireRoute[]) {
  return (from: NodeId, to: NodeId | undefined, message: Envelope): Envelope[] => {
    if (from !== LIAR) return [message];
    const body = message.body;
    if (body?.$case === 'routeDigest') return [];
    if (body?.$case !== 'routeUpdate' || !body.value.reset) return [message];
    return [{ body: { $case: 'routeUpdate', value: { ...body.value, routes: [...body.value.routes, ...forged(to)] } } }];
  };
}

function problems(events: { output: { kind: string; code?: string } }[], code: string): number {
  return events.filter((e) => e.output.kind === 'problem' && e.output.code === code).length;
}

describe('a node lying about routes (simulated)', () => {
  it('"0 ms to everything" is refused: costs below the hop penalty floor are not routes', () => {
    const sim = simulate(graph, { seed: 5, tamper: liar(() => honest.map((dest) => ({ dest, costMs: 0, path: [LIAR, dest], recordVersion: 0 }))) }, { routeExpiryMs: 60_000 });
    sim.advance(3000);
    assert.deepEqual(wrongRoutes(sim, expectedCosts(graph, HOP)), []);
    assert.ok(problems(sim.events(), 'OVERLAY_ROUTE') > 0, 'each refusal is reported');
  });

  it('a huge table fills at most maxRoutes per neighbour and per node', () => {
    const maxRoutes = 200;
    const fake = Array.from({ length: 5000 }, (_, i) => ({ dest: 100_000 + i, costMs: HOP, path: [LIAR, 100_000 + i], recordVersion: 0 }));
    const sim = simulate(graph, { seed: 5, tamper: liar(() => fake) }, { maxRoutes, routeExpiryMs: 60_000 });
    sim.advance(3000);
    for (const node of honest) assert.ok(sim.node(node).routes().size <= maxRoutes, `node ${node} holds ${sim.node(node).routes().size} routes`);
    assert.ok(problems(sim.events(), 'OVERLAY_TABLE_FULL') > 0);
  });

  it('the cheapest valid lie attracts only the nodes it undercuts, and everything heals when the liar goes', () => {
    const sim = simulate(graph, { seed: 5, tamper: liar((to) => honest.filter((d) => d !== to).map((dest) => ({ dest, costMs: HOP, path: [LIAR, dest], recordVersion: 0 }))) }, { routeExpiryMs: 60_000 });
    sim.advance(3000);
    const truth = expectedCosts(graph, HOP);
    let attracted = 0;
    for (const node of honest) {
      for (const dest of honest) {
        if (dest === node) continue;
        const have = sim.node(node).route(dest)?.costMs as number;
        const want = truth[node - 1]![dest]!;
        const lie = truth[node - 1]![LIAR]! + HOP;
        assert.ok(have <= want, `a lie never makes a route dearer (${node} -> ${dest})`);
        assert.ok(have >= Math.min(want, lie), `nothing cheaper than the lie's floor (${node} -> ${dest}: ${have} < ${lie})`);
        if (have < want) attracted += 1;
      }
    }
    assert.ok(attracted > 0 && attracted < honest.length * (honest.length - 1), `${attracted} routes attracted`);
    sim.crash(LIAR);
    sim.advance(2000);
    assert.deepEqual(wrongRoutes(sim, expectedCosts(graph, HOP, new Set([LIAR]))), []);
  });

  it('a flood of invented link notices is cut at the liar\'s links', () => {
    let next = 0;
    let floodFromMs = Infinity;
    const flood = (from: NodeId, _to: NodeId | undefined, message: Envelope): Envelope[] => {
      // Once links are up: earlier, over 64 frames before the handshake ends close the link.
      if (from !== LIAR || message.body?.$case !== 'ping' || sim.nowMs < floodFromMs) return [message];
      const invented = Array.from({ length: 3000 }, (): Envelope => {
        next += 1;
        return { body: { $case: 'linkNotice', value: { reporter: 100_000 + next, peer: 200_000 + next, up: false, epoch: 1, seq: 1 } } };
      });
      return [message, ...invented];
    };
    const sim = simulate(graph, { seed: 5, tamper: flood });
    sim.advance(1000);
    floodFromMs = sim.nowMs;
    sim.advance(3000);
    const liarLinks = graph.edges.filter((e) => e.a === LIAR || e.b === LIAR).length;
    const perLink = 8 * 128 + 30;
    const honestFrames = sim.sent.get('linkNotice') ?? 0;
    assert.ok(next > 4 * liarLinks * perLink, `the liar invented ${next}`);
    assert.ok(honestFrames <= next + liarLinks * perLink * 2 * graph.edges.length, `${honestFrames} notice frames`);
    assert.ok(problems(sim.events(), 'OVERLAY_LIMIT') >= liarLinks, 'each cut reported once per run');
    assert.deepEqual(wrongRoutes(sim, expectedCosts(graph, HOP)), []);
  });
});
