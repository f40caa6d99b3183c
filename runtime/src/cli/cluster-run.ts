import type { ListClusterLinksResponse, ListClusterNodesResponse, ListClusterRoutesResponse } from '../generated/sdn/runtime/v1/cluster.js';
import { table, toJson } from './format.js';
import { writeOutput } from './io.js';
import { loadRemote, type RemoteFlags } from './remote-options.js';

/** What `sdn-runtime cluster nodes|links|routes` print: a table for people, or the response as JSON (--json). */

const ms = (value: number): string => `${value.toFixed(1)} ms`;

export function nodesText(r: ListClusterNodesResponse): string {
  const note = r.overlay ? '' : 'this node runs without the overlay (serve --overlay-port / --seeds)\n';
  const rows = r.nodes.map((n) => [String(n.nodeId) + (n.self ? ' (this node)' : ''), n.aliases.join(',') || '-', n.self ? '-' : ms(n.costMs), String(n.dpids.length)]);
  return note + table(['NODE', 'ALIASES', 'COST', 'SWITCHES'], rows);
}

export function linksText(r: ListClusterLinksResponse): string {
  if (r.links.length === 0) return 'no links\n';
  return table(['FROM', 'TO', 'RTT'], r.links.map((l) => [String(l.from), String(l.to), ms(l.rttMs)]));
}

export function routesText(r: ListClusterRoutesResponse): string {
  if (r.routes.length === 0) return 'no routes\n';
  return table(['DEST', 'NEXT HOP', 'COST', 'PATH'], r.routes.map((x) => [String(x.dest), String(x.nextHop), ms(x.costMs), x.path.join(' > ')]));
}

export async function runCluster(what: 'nodes' | 'links' | 'routes', flags: RemoteFlags): Promise<void> {
  const remote = await loadRemote(flags, process.env);
  let text: string;
  if (what === 'nodes') {
    const r = await remote.cluster<object, ListClusterNodesResponse>('listNodes', {});
    text = flags.json === true ? toJson(r) : nodesText(r);
  } else if (what === 'links') {
    const r = await remote.cluster<object, ListClusterLinksResponse>('listLinks', {});
    text = flags.json === true ? toJson(r) : linksText(r);
  } else {
    const r = await remote.cluster<object, ListClusterRoutesResponse>('listRoutes', {});
    text = flags.json === true ? toJson(r) : routesText(r);
  }
  await writeOutput(Buffer.from(text), { binary: false });
}
