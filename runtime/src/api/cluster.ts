import type { Logger } from 'pino';
import type { ClusterServer } from '../generated/sdn/runtime/v1/cluster.js';
import type { Authenticator } from './auth.js';
import { unary } from './switches.js';

/**
 * What the Cluster service reads: the overlay node's pure queries (overlay/
 * OverlayNode has this shape). Read on the event loop thread, per call.
 */
export interface ClusterSource {
  readonly nodeId: number;
  snapshot(): {
    readonly nodes: readonly { readonly node: number; readonly aliases: readonly string[]; readonly dpids: readonly bigint[]; readonly costMs: number }[];
    readonly links: readonly { readonly from: number; readonly to: number; readonly rttMs: number }[];
  };
  routes(): ReadonlyMap<number, { readonly costMs: number; readonly nextHop: number; readonly path: readonly number[] }>;
}

export interface ClusterContext {
  readonly auth: Authenticator;
  readonly log: Logger;
  /** This node's overlay id (also without the overlay). */
  readonly nodeId: number;
  /** undefined: the node runs without the overlay. */
  readonly overlay: ClusterSource | undefined;
}

/** The Cluster service: ListNodes, ListLinks, ListRoutes (scope events:read, like Switches: it reads, never changes). */
export function clusterService(ctx: ClusterContext): ClusterServer {
  const call = <Req, Res>(what: string, body: (req: Req) => Res) => unary(ctx.auth, ctx.log, 'events:read', what, body);
  return {
    listNodes: call('Cluster.ListNodes', () => {
      if (ctx.overlay === undefined) return { self: ctx.nodeId, overlay: false, nodes: [{ nodeId: ctx.nodeId, aliases: [], dpids: [], costMs: 0, self: true }] };
      const nodes = ctx.overlay.snapshot().nodes.map((n) => ({ nodeId: n.node, aliases: [...n.aliases], dpids: [...n.dpids], costMs: n.costMs, self: n.node === ctx.nodeId }));
      return { self: ctx.nodeId, overlay: true, nodes };
    }),
    listLinks: call('Cluster.ListLinks', () => ({ links: ctx.overlay === undefined ? [] : ctx.overlay.snapshot().links.map((l) => ({ from: l.from, to: l.to, rttMs: l.rttMs })) })),
    listRoutes: call('Cluster.ListRoutes', () => ({
      routes:
        ctx.overlay === undefined
          ? []
          : [...ctx.overlay.routes()].sort(([a], [b]) => a - b).map(([dest, r]) => ({ dest, nextHop: r.nextHop, costMs: r.costMs, path: [...r.path] })),
    })),
  };
}
