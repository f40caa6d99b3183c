import type { NodeId } from '../types.js';
import { EventHeap } from './heap.js';

/** An undirected graph with a symmetric one-way latency per edge (ms). */
export interface Graph {
  readonly nodes: readonly NodeId[];
  readonly edges: readonly { readonly a: NodeId; readonly b: NodeId; readonly latencyMs: number }[];
}

/**
 * A random geometric graph: `n` nodes (ids 1..n) at random points of a square
 * whose side is `sideMs` of one-way latency; each node linked to its `k` nearest
 * (so degree ≥ k, about k·1.3 on average), latency = distance, at least 1 ms.
 * Extra edges join components if the k-nearest graph is not connected.
 */
export function randomGeometricGraph(n: number, k: number, sideMs: number, random: () => number): Graph {
  const points = Array.from({ length: n }, () => ({ x: random() * sideMs, y: random() * sideMs }));
  const distance = (i: number, j: number): number => {
    const p = points[i] as { x: number; y: number };
    const q = points[j] as { x: number; y: number };
    return Math.max(1, Math.round(Math.hypot(p.x - q.x, p.y - q.y)));
  };
  const keys = new Set<string>();
  const edges: { a: NodeId; b: NodeId; latencyMs: number }[] = [];
  const addEdge = (i: number, j: number): void => {
    const key = i < j ? `${i}-${j}` : `${j}-${i}`;
    if (i === j || keys.has(key)) return;
    keys.add(key);
    edges.push({ a: i + 1, b: j + 1, latencyMs: distance(i, j) });
  };
  const cell = sideMs / Math.max(1, Math.floor(Math.sqrt(n / 4)));
  const grid = new Map<string, number[]>();
  points.forEach((p, i) => {
    const key = `${Math.floor(p.x / cell)},${Math.floor(p.y / cell)}`;
    grid.set(key, [...(grid.get(key) ?? []), i]);
  });
  for (let i = 0; i < n; i++) {
    const p = points[i] as { x: number; y: number };
    const cx = Math.floor(p.x / cell);
    const cy = Math.floor(p.y / cell);
    let candidates: number[] = [];
    for (let r = 1; candidates.length <= k && r <= Math.ceil(sideMs / cell) + 1; r++) {
      candidates = [];
      for (let dx = -r; dx <= r; dx++) for (let dy = -r; dy <= r; dy++) candidates.push(...(grid.get(`${cx + dx},${cy + dy}`) ?? []));
    }
    candidates
      .filter((j) => j !== i)
      .sort((a, b) => Math.hypot((points[a] as { x: number }).x - p.x, (points[a] as { y: number }).y - p.y) - Math.hypot((points[b] as { x: number }).x - p.x, (points[b] as { y: number }).y - p.y))
      .slice(0, k)
      .forEach((j) => addEdge(i, j));
  }
  connectComponents(n, edges, addEdge, distance);
  return { nodes: Array.from({ length: n }, (_, i) => i + 1), edges };
}

function connectComponents(n: number, edges: { a: NodeId; b: NodeId }[], addEdge: (i: number, j: number) => void, distance: (i: number, j: number) => number): void {
  for (;;) {
    const component = new Array<number>(n).fill(-1);
    const adjacency = adjacencyOf(n, edges);
    let count = 0;
    for (let s = 0; s < n; s++) {
      if (component[s] !== -1) continue;
      const stack = [s];
      component[s] = count;
      while (stack.length > 0) {
        const u = stack.pop() as number;
        for (const v of adjacency[u] ?? []) {
          if (component[v] !== -1) continue;
          component[v] = count;
          stack.push(v);
        }
      }
      count += 1;
    }
    if (count <= 1) return;
    let best: [number, number, number] = [Infinity, 0, 0];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (component[i] === 0 && component[j] !== 0 && distance(i, j) < best[0]) best = [distance(i, j), i, j];
    addEdge(best[1], best[2]);
  }
}

function adjacencyOf(n: number, edges: readonly { a: NodeId; b: NodeId }[]): number[][] {
  const adjacency: number[][] = Array.from({ length: n }, () => []);
  for (const { a, b } of edges) {
    adjacency[a - 1]?.push(b - 1);
    adjacency[b - 1]?.push(a - 1);
  }
  return adjacency;
}

/** Per node, its neighbours and the router's cost of each edge: RTT (twice the one-way latency) plus the hop penalty. */
export type CostAdjacency = ReadonlyMap<NodeId, readonly { readonly to: NodeId; readonly cost: number }[]>;

/** The adjacency `shortestCosts` walks; nodes in `down` are left out. */
export function costAdjacency(graph: Graph, hopPenaltyMs: number, down: ReadonlySet<NodeId> = new Set()): CostAdjacency {
  const adjacency = new Map<NodeId, { to: NodeId; cost: number }[]>();
  const add = (from: NodeId, to: NodeId, cost: number): void => {
    let list = adjacency.get(from);
    if (list === undefined) adjacency.set(from, (list = []));
    list.push({ to, cost });
  };
  for (const { a, b, latencyMs } of graph.edges) {
    if (down.has(a) || down.has(b)) continue;
    add(a, b, 2 * latencyMs + hopPenaltyMs);
    add(b, a, 2 * latencyMs + hopPenaltyMs);
  }
  return adjacency;
}

/** The cost of the cheapest path from `source` to every node it reaches (Dijkstra), source excluded. */
export function shortestCosts(adjacency: CostAdjacency, source: NodeId): Map<NodeId, number> {
  const dist = new Map<NodeId, number>([[source, 0]]);
  const done = new Set<NodeId>();
  const queue = new EventHeap<{ atMs: number; order: number; node: NodeId }>();
  let order = 0;
  queue.push({ atMs: 0, order: order++, node: source });
  for (let item = queue.pop(); item !== undefined; item = queue.pop()) {
    const u = item.node;
    if (done.has(u)) continue;
    done.add(u);
    for (const { to, cost } of adjacency.get(u) ?? []) {
      const next = item.atMs + cost;
      if (next < (dist.get(to) ?? Infinity)) {
        dist.set(to, next);
        queue.push({ atMs: next, order: order++, node: to });
      }
    }
  }
  dist.delete(source);
  return dist;
}
