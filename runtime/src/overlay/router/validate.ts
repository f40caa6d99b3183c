import type { Route as WireRoute } from '../../generated/sdn/overlay/v1/overlay.js';
import type { NodeId } from '../types.js';
import type { RouterConfig } from './config.js';

/**
 * Why a route advertised by neighbour `from` cannot be used, or undefined when
 * it can. The rules bound what a confused or lying neighbour can do: its paths
 * start with itself, end at their destination, visit no node twice, never pass
 * through us (loop freedom), stay within the path length bound, and cost at
 * least the hop penalty per hop — so "0 ms to everything" is refused.
 */
export function checkAdvert(config: RouterConfig, from: NodeId, route: WireRoute): string | undefined {
  const { path, dest, costMs } = route;
  if (path.length === 0) return `route to ${dest}: empty path`;
  if (path.length > config.maxPathLength) return `route to ${dest}: path of ${path.length} nodes, over ${config.maxPathLength}`;
  if (path[0] !== from) return `route to ${dest}: path starts at ${path[0]}, not at the sender ${from}`;
  if (path[path.length - 1] !== dest) return `route to ${dest}: path ends at ${path[path.length - 1]}`;
  if (dest === 0) return 'route to node 0';
  if (repeats(path)) return `route to ${dest}: path visits a node twice`;
  if (path.includes(config.nodeId)) return `route to ${dest}: path passes through this node (split horizon broken)`;
  const floor = (path.length - 1) * config.hopPenaltyMs;
  if (costMs < floor) return `route to ${dest}: cost ${costMs} ms is below ${floor} ms, the hop penalty of its ${path.length - 1} hop(s)`;
  if (costMs > config.maxCostMs) return `route to ${dest}: cost ${costMs} ms is over ${config.maxCostMs} ms`;
  return undefined;
}

/**
 * Whether a node appears twice. Pairwise rather than through a Set: paths are
 * short (at most `maxPathLength`) and every received route is checked, so not
 * allocating matters more than the quadratic bound.
 */
function repeats(path: readonly NodeId[]): boolean {
  for (let i = 1; i < path.length; i++) for (let j = 0; j < i; j++) if (path[i] === path[j]) return true;
  return false;
}
