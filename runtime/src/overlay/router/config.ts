import type { NodeId } from '../types.js';
import type { PathTable } from './paths.js';

/** What the router is tuned by (times in ms); `overlayDefaults` (overlay/config.ts) fills it. */
export interface RouterConfig {
  readonly nodeId: NodeId;
  /** Added to a route's cost per hop, so that of two paths with the same RTT the shorter wins (ms). */
  readonly hopPenaltyMs: number;
  /** Longest path (nodes, this one included) a route may have: the routing TTL. */
  readonly maxPathLength: number;
  /** Most destinations kept, and most accepted from one neighbour. */
  readonly maxRoutes: number;
  /** Highest route cost accepted (ms). */
  readonly maxCostMs: number;
  /** Period of the digest sent to each neighbour (ms). */
  readonly digestIntervalMs: number;
  /** A neighbour that sends no update or digest for this long has its routes dropped (ms). */
  readonly routeExpiryMs: number;
  /** At most one resync request to, and one full table for, a neighbour per this interval (ms). */
  readonly resyncMinIntervalMs: number;
  /** Routes per RouteUpdate message; a larger change goes in several. */
  readonly maxRoutesPerUpdate: number;
  /** A link's cost is re-advertised when its RTT moves by at least max(this ms, `rttChangeShare` of it). */
  readonly rttChangeMinMs: number;
  readonly rttChangeShare: number;
  /**
   * Changes are sent at most once per this interval per node (ms): a burst of
   * updates in (a cold start, a crash) leaves as one update per neighbour, not
   * one per update received. The first change after a quiet interval goes at once.
   */
  readonly updateBatchMs: number;
  /** Random per start of this node: tells its link notices from those of its previous run. */
  readonly epoch: number;
  /** How long a link notice is kept (ms): longer than stale paths can survive. */
  readonly linkNoticeHoldMs: number;
  /** Notices accepted from one reporter at once, and one more per `linkNoticeRefillMs`; the rest are dropped and reported. */
  readonly linkNoticeBurst: number;
  readonly linkNoticeRefillMs: number;
  /**
   * Where paths are interned (paths.ts). Nodes of one process may share one:
   * the simulator does, so that 2,000 nodes fit. Default: one per router,
   * remembering 4 × `maxRoutes` paths per generation.
   */
  readonly paths?: PathTable;
}
