import type { ClusterSource } from '../api/index.js';
import type { SwitchRoleView, SwitchView } from '../core/index.js';
import type { FlowStats, PortStats } from '../openflow/index.js';
import { appIdOf, RUNTIME_APP_ID } from '../ownership/index.js';
import type { PluginStatus } from '../plugins/index.js';
import type { Host, Link } from '../topology/index.js';

/**
 * The JSON documents of the web view, built from the runtime's values. Pure:
 * values in, plain objects out (bigints are written by sse-resume.ts's
 * jsonReplacer). Every list is capped; a capped list says so in `truncated`.
 */

/** The most entries of each list in one document. */
export const LIST_CAPS = { nodes: 1_000, overlayLinks: 10_000, switches: 10_000, links: 20_000, hosts: 20_000, plugins: 1_000, ports: 2_048, flows: 1_000, apps: 1_000 } as const;

/** The node serving the page. */
export interface NodeInfo {
  /** The 32-bit node id (core/node.ts). */
  readonly id: number;
  readonly name: string;
  readonly version: string;
  readonly startedAtMs: number;
}

/** What the stats sampler last learned of one switch. */
export interface SwitchStats {
  /** Flows per app: the app whose id is in the flow's cookie (flowGroup). */
  readonly flowsByApp: Readonly<Record<string, number>>;
  readonly flowCount: number;
  /** Packet-ins per second over the last sample interval. */
  readonly packetInPerSec: number;
  readonly sampledAtMs: number;
}

/** Names what a list left out: the full count of each capped list. */
type Truncated = Record<string, number>;

function capped<T>(name: string, items: readonly T[], cap: number, truncated: Truncated): readonly T[] {
  if (items.length <= cap) return items;
  truncated[name] = items.length;
  return items.slice(0, cap);
}

export function nodeJson(node: NodeInfo, nowMs: number) {
  return { id: node.id, idHex: node.id.toString(16).padStart(8, '0'), name: node.name, self: true, version: node.version, uptimeSec: Math.round((nowMs - node.startedAtMs) / 1000) };
}

/** The overlay's picture (the Cluster service's source), as far as the page draws it. */
export type ClusterSnapshot = ReturnType<ClusterSource['snapshot']>;

/**
 * The runtime nodes: this one, and with the overlay every node it knows (named
 * by its first alias, else its id in hex), with the links between them and
 * their RTT.
 */
export function clusterJson(self: NodeInfo, nowMs: number, cluster: ClusterSnapshot | undefined) {
  const nodes: { id: number; idHex: string; name: string; self: boolean; switches?: number; costMs?: number; version?: string; uptimeSec?: number }[] = [nodeJson(self, nowMs)];
  for (const n of cluster?.nodes ?? []) {
    if (n.node === self.id) continue;
    const idHex = n.node.toString(16).padStart(8, '0');
    nodes.push({ id: n.node, idHex, name: n.aliases[0] ?? idHex, self: false, switches: n.dpids.length, costMs: n.costMs });
  }
  return { nodes, overlayLinks: (cluster?.links ?? []).map((l) => ({ from: l.from, to: l.to, rttMs: l.rttMs })) };
}

/** The app names of app ids (core/ownership.ts's ids), for flow groups. */
export type AppNameOf = (appId: number) => string | undefined;

/**
 * One switch in a list: who it is, the node it is connected to, this node's
 * role for it and the name of its master node (`masterNode` under mastership;
 * this node when it is master or there is no mastership), and its last stats.
 */
export function switchJson(view: SwitchView, role: SwitchRoleView | undefined, nodeName: string, stats: SwitchStats | undefined) {
  return {
    dpid: view.dpid,
    node: view.node,
    role: role?.role,
    master: role === undefined || role.role !== 'slave' ? nodeName : role.masterNode,
    version: view.version,
    remote: view.remote,
    connectedAtMs: view.connectedAt,
    ports: view.ports.size,
    flowCount: stats?.flowCount,
    flowsByApp: stats?.flowsByApp,
    packetInPerSec: stats?.packetInPerSec,
  };
}

export function linkJson(l: Link) {
  return { src: l.src, dst: l.dst, latencyMs: l.latencyMs, srcNode: l.srcNode };
}

export function hostJson(h: Host) {
  return { mac: h.mac, ips: h.ips, dpid: h.location.dpid, port: h.location.port };
}

export function pluginJson(p: PluginStatus) {
  return { name: p.name, version: p.version, state: p.state, subscriptions: p.subscriptions, lastError: p.lastError?.message };
}

export interface TopologyInput {
  readonly node: NodeInfo;
  readonly nowMs: number;
  /** The id of the newest event this document includes (sse-resume.ts): the page's SSE stream starts after it. */
  readonly eventId: string;
  readonly switches: readonly SwitchView[];
  readonly roleOf: (dpid: bigint) => SwitchRoleView | undefined;
  readonly stats: ReadonlyMap<bigint, SwitchStats>;
  /** Undefined when topology is off (`--no-topology`). */
  readonly links: readonly Link[] | undefined;
  readonly hosts: readonly Host[] | undefined;
  readonly plugins: readonly PluginStatus[];
  readonly apps: readonly string[];
  /** The overlay's picture; undefined without the overlay. */
  readonly cluster: ClusterSnapshot | undefined;
}

/** The whole picture: what `/api/v1/topology` answers and the page draws first. */
export function topologyJson(t: TopologyInput) {
  const truncated: Truncated = {};
  const { nodes, overlayLinks } = clusterJson(t.node, t.nowMs, t.cluster);
  return {
    eventId: t.eventId,
    nodes: capped('nodes', nodes, LIST_CAPS.nodes, truncated),
    overlayLinks: capped('overlayLinks', overlayLinks, LIST_CAPS.overlayLinks, truncated),
    topology: t.links !== undefined,
    switches: capped('switches', t.switches, LIST_CAPS.switches, truncated).map((v) => switchJson(v, t.roleOf(v.dpid), t.node.name, t.stats.get(v.dpid))),
    links: capped('links', t.links ?? [], LIST_CAPS.links, truncated).map(linkJson),
    hosts: capped('hosts', t.hosts ?? [], LIST_CAPS.hosts, truncated).map(hostJson),
    plugins: capped('plugins', t.plugins, LIST_CAPS.plugins, truncated).map(pluginJson),
    apps: capped('apps', t.apps, LIST_CAPS.apps, truncated),
    truncated,
  };
}

/**
 * The group a flow counts in: the app whose id its cookie carries
 * (docs/apps-sharing-a-switch.md), `runtime` for the runtime's own, `app <id>`
 * for an id this node has not named (an app of another node, or of an earlier run).
 */
export function flowGroup(cookie: bigint, appName: AppNameOf): string {
  const id = appIdOf(cookie);
  if (id === RUNTIME_APP_ID) return 'runtime';
  return appName(id) ?? `app ${id}`;
}

export function flowsByApp(flows: readonly FlowStats[], appName: AppNameOf): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of flows) {
    const group = flowGroup(f.cookie, appName);
    out[group] = (out[group] ?? 0) + 1;
  }
  return out;
}

/** One switch in detail: `/api/v1/switches/<dpid>` and the page's side panel. */
export interface SwitchDetailInput {
  readonly view: SwitchView;
  readonly role: SwitchRoleView | undefined;
  readonly nodeName: string;
  readonly stats: SwitchStats | undefined;
  readonly flows: readonly FlowStats[];
  readonly ports: readonly PortStats[];
  readonly appName: AppNameOf;
}

export function switchDetailJson({ view, role, nodeName, stats, flows, ports, appName }: SwitchDetailInput) {
  const truncated: Truncated = {};
  const listed = capped('flows', flows, LIST_CAPS.flows, truncated);
  const byApp: Record<string, unknown[]> = {};
  for (const f of listed) (byApp[flowGroup(f.cookie, appName)] ??= []).push({ tableId: f.tableId, priority: f.priority, cookie: f.cookie, packets: f.packetCount, bytes: f.byteCount, durationSec: f.durationSec, idleTimeout: f.idleTimeout, hardTimeout: f.hardTimeout, match: f.match, instructions: f.instructions });
  const counters = new Map(ports.map((p) => [p.portNo, p]));
  return {
    ...switchJson(view, role, nodeName, stats),
    flowCount: flows.length,
    flowsByApp: flowsByApp(flows, appName),
    description: view.desc,
    ports: capped('ports', [...view.ports.values()], LIST_CAPS.ports, truncated).map((p) => {
      const c = counters.get(p.portNo);
      return { port: p.portNo, name: p.name, hwAddr: p.hwAddr, config: p.config, state: p.state, counters: c === undefined ? undefined : { rxPackets: c.rxPackets, txPackets: c.txPackets, rxBytes: c.rxBytes, txBytes: c.txBytes, rxDropped: c.rxDropped, txDropped: c.txDropped, rxErrors: c.rxErrors, txErrors: c.txErrors } };
    }),
    flows: byApp,
    truncated,
  };
}
