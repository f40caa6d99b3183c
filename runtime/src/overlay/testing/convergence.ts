import type { OverlayConfig } from '../config.js';
import type { NodeId } from '../types.js';
import { type Graph, costAdjacency, shortestCosts } from './graphs.js';
import { Simulator, type SimulatorOptions } from './simulator.js';

/**
 * A simulator holding `graph`: every edge a link (the lower id dials the
 * higher), every edge's one-way latency in the matrix.
 */
export function simulate(graph: Graph, options: SimulatorOptions = {}, config: Partial<OverlayConfig> = {}): Simulator {
  const sim = new Simulator({ ...options, config: { ...options.config, ...config } });
  const seeds = new Map<NodeId, NodeId[]>();
  for (const { a, b, latencyMs } of graph.edges) {
    const [low, high] = a < b ? [a, b] : [b, a];
    seeds.set(low, [...(seeds.get(low) ?? []), high]);
    sim.setLatency(a, b, latencyMs);
  }
  for (const node of graph.nodes) sim.addNode(node, seeds.get(node) ?? []);
  return sim;
}

/** Dijkstra's cost from every node to every node (ids 1..n), `NaN` where unreachable; nodes in `down` left out. */
export function expectedCosts(graph: Graph, hopPenaltyMs: number, down: ReadonlySet<NodeId> = new Set()): Float64Array[] {
  const n = graph.nodes.length;
  const adjacency = costAdjacency(graph, hopPenaltyMs, down);
  return graph.nodes.map((source) => {
    const costs = new Float64Array(n + 1).fill(NaN);
    if (down.has(source)) return costs;
    for (const [dest, cost] of shortestCosts(adjacency, source)) costs[dest] = cost;
    return costs;
  });
}

/** A route that differs from Dijkstra's: missing, extra, or costlier. */
export interface WrongRoute {
  readonly node: NodeId;
  readonly dest: NodeId;
  readonly haveMs: number | undefined;
  readonly wantMs: number | undefined;
}

/** Every running node's routes against `expected` (from `expectedCosts`); at most `limit` listed. */
export function wrongRoutes(sim: Simulator, expected: readonly Float64Array[], limit = Infinity): WrongRoute[] {
  const wrong: WrongRoute[] = [];
  for (const node of sim.running()) {
    const want = expected[node - 1] as Float64Array;
    const routes = sim.node(node).routes();
    for (let dest = 1; dest < want.length; dest++) {
      if (dest === node) continue;
      const wantMs = want[dest] as number;
      const haveMs = routes.get(dest)?.costMs;
      const ok = Number.isNaN(wantMs) ? haveMs === undefined : haveMs === wantMs;
      if (!ok) wrong.push({ node, dest, haveMs, wantMs: Number.isNaN(wantMs) ? undefined : wantMs });
      if (wrong.length >= limit) return wrong;
    }
    for (const dest of routes.keys()) {
      if (dest >= want.length) wrong.push({ node, dest, haveMs: routes.get(dest)?.costMs, wantMs: undefined });
    }
  }
  return wrong;
}

/**
 * Advances `sim` in steps of `stepMs` until every route is right or `limitMs`
 * has passed; returns the simulated ms it took, or undefined if it never got there.
 */
export function advanceUntilConverged(sim: Simulator, expected: readonly Float64Array[], stepMs: number, limitMs: number): number | undefined {
  const start = sim.nowMs;
  while (sim.nowMs - start < limitMs) {
    if (wrongRoutes(sim, expected, 1).length === 0) return sim.nowMs - start;
    sim.advance(stepMs);
  }
  return wrongRoutes(sim, expected, 1).length === 0 ? sim.nowMs - start : undefined;
}
