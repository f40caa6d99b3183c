import type { Logger } from 'pino';
import { formatDpid } from '../openflow/index.js';
import { PathRequest_Weight, type PathRequest, type TopologyServer } from '../generated/sdn/runtime/v1/topology.js';
import type { TopologyQuery } from '../topology/index.js';
import type { Authenticator } from './auth.js';
import { fromHost, fromLink } from './convert/index.js';
import { ApiFeatureOffError, ApiInputError, ApiNotFoundError } from './errors.js';
import { unary } from './switches.js';

/** What the Topology service reads; serve/runtime.ts provides it. */
export interface TopologyContext {
  readonly auth: Authenticator;
  readonly log: Logger;
  /** Undefined on a node started with topology off: every call is FAILED_PRECONDITION. */
  readonly topology: TopologyQuery | undefined;
}

const endpointOrder = (a: { dpid: bigint; port: number }, b: { dpid: bigint; port: number }): number => (a.dpid === b.dpid ? a.port - b.port : a.dpid < b.dpid ? -1 : 1);

/** The Topology service: Get (links and hosts), Path (scope events:read). */
export function topologyGrpcService(ctx: TopologyContext): TopologyServer {
  const known = (what: string): TopologyQuery => {
    if (ctx.topology === undefined) throw new ApiFeatureOffError(`${what}: this node runs without topology (--no-topology)`);
    return ctx.topology;
  };
  return {
    get: unary(ctx.auth, ctx.log, 'events:read', 'Topology.Get', () => {
      const t = known('Topology.Get');
      const links = t.links().sort((a, b) => endpointOrder(a.src, b.src) || endpointOrder(a.dst, b.dst));
      const hosts = t.hostList().sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0));
      return { links: links.map(fromLink), hosts: hosts.map(fromHost) };
    }),
    path: unary(ctx.auth, ctx.log, 'events:read', 'Topology.Path', (req: PathRequest) => {
      const t = known('Topology.Path');
      if (req.weight !== PathRequest_Weight.WEIGHT_HOPS && req.weight !== PathRequest_Weight.WEIGHT_LATENCY) throw new ApiInputError('weight', `${req.weight} is not a Weight`);
      const path = t.path(req.srcDpid, req.dstDpid, req.weight === PathRequest_Weight.WEIGHT_LATENCY ? 'latency' : 'hops');
      if (path === undefined) throw new ApiNotFoundError(`no known links lead from ${formatDpid(req.srcDpid)} to ${formatDpid(req.dstDpid)}`);
      return { links: path.map(fromLink) };
    }),
  };
}
