import { MinHeap } from './min-heap.js';
import type { Link } from './types.js';

/** What a path's length counts: links, or their measured latency in ms. */
export type PathWeight = 'hops' | 'latency';

/**
 * The shortest path from switch `from` to switch `to` over `links` (Dijkstra),
 * as the links to follow in order: [] when from === to, undefined when `to`
 * cannot be reached. Ties go to the path found first (the order of `links`).
 * O((switches + links) log links); pure.
 */
export function shortestPath(links: readonly Link[], from: bigint, to: bigint, weight: PathWeight = 'hops'): Link[] | undefined {
  if (from === to) return [];
  const outgoing = new Map<bigint, Link[]>();
  for (const link of links) {
    let list = outgoing.get(link.src.dpid);
    if (list === undefined) outgoing.set(link.src.dpid, (list = []));
    list.push(link);
  }
  const distance = new Map<bigint, number>([[from, 0]]);
  const via = new Map<bigint, Link>();
  const done = new Set<bigint>();
  const frontier = new MinHeap<bigint>();
  frontier.push(0, from);
  for (let dpid = frontier.popAtMost(Infinity); dpid !== undefined; dpid = frontier.popAtMost(Infinity)) {
    if (done.has(dpid)) continue;
    if (dpid === to) break;
    done.add(dpid);
    const here = distance.get(dpid)!;
    for (const link of outgoing.get(dpid) ?? []) {
      const next = link.dst.dpid;
      const d = here + (weight === 'hops' ? 1 : link.latencyMs);
      if (done.has(next) || d >= (distance.get(next) ?? Infinity)) continue;
      distance.set(next, d);
      via.set(next, link);
      frontier.push(d, next);
    }
  }
  if (!via.has(to)) return undefined;
  const path: Link[] = [];
  for (let at = to; at !== from; ) {
    const link = via.get(at)!;
    path.push(link);
    at = link.src.dpid;
  }
  return path.reverse();
}
