import type { Command } from 'commander';
import { remoteOptions, type RemoteFlags } from './remote-options.js';

/**
 * `sdn-runtime cluster nodes | links | routes`: the overlay of runtime nodes as
 * a running runtime sees it, asked over gRPC (the Cluster service). The calls
 * and their output live in cluster-run.ts, loaded only when one runs.
 */
export function registerClusterCommands(program: Command): void {
  const cluster = program.command('cluster').description('the overlay of runtime nodes as a running runtime sees it');
  const what = {
    nodes: 'this node and every node it has a route to: id, names, route cost, switches',
    links: 'links between nodes, with their RTT',
    routes: "this node's best route to each node: next hop, cost, path",
  } as const;
  for (const [name, description] of Object.entries(what) as [keyof typeof what, string][]) {
    remoteOptions(cluster.command(name).description(description)).action(async (flags: RemoteFlags) => (await import('./cluster-run.js')).runCluster(name, flags));
  }
}
