/**
 * The values topology hands out: endpoints, links, hosts and the events about
 * them. Plain readonly data; times are milliseconds of the caller's `nowMs`
 * clock (the runner passes `Date.now()`).
 */

/** One port of one switch. */
export interface Endpoint {
  readonly dpid: bigint;
  readonly port: number;
}

/**
 * A unidirectional link: probes sent out of `src` arrive at `dst`. A cable shows
 * up as two links, one per direction, each learned from its own probes.
 */
export interface Link {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  /**
   * The last measured probe delay, in ms: the probe's timestamp to the time its
   * packet-in was handled, so controller -> src switch -> wire -> dst switch ->
   * controller. Only comparable between links probed by the same node (clocks).
   */
  readonly latencyMs: number;
  /** The 32-bit id of the runtime node that sent the probe (the node `src` is connected to). */
  readonly srcNode: number;
  /** When the first probe of this link arrived. */
  readonly upSinceMs: number;
  /** When the last probe of this link arrived. */
  readonly lastSeenMs: number;
}

/** Why a link went down. */
export type LinkDownReason = 'timeout' | 'portDown' | 'switchDown' | 'replaced';

/** A host: a MAC seen as the source of frames on an edge port. */
export interface Host {
  readonly mac: string;
  /** IPv4 and IPv6 addresses learned from its ARP and neighbour discovery, oldest first. */
  readonly ips: readonly string[];
  readonly location: Endpoint;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

/** Why a host was removed. */
export type HostRemovedReason = 'timeout' | 'portDown' | 'switchDown' | 'notEdge';

/** What a port looks like to discovery: its number, its MAC (the probe's source) and whether it can carry traffic. */
export interface PortInfo {
  readonly port: number;
  readonly hwAddr: string;
  /** Neither administratively down (OFPPC_PORT_DOWN) nor without carrier (OFPPS_LINK_DOWN). */
  readonly up: boolean;
}

/** Events about links and hosts, in the order they happened. */
export type TopologyEvent =
  | { readonly kind: 'linkUp'; readonly link: Link }
  | { readonly kind: 'linkDown'; readonly link: Link; readonly reason: LinkDownReason }
  | { readonly kind: 'hostAdded'; readonly host: Host }
  | { readonly kind: 'hostMoved'; readonly host: Host; readonly from: Endpoint }
  | { readonly kind: 'hostRemoved'; readonly host: Host; readonly reason: HostRemovedReason };

/**
 * Input topology refused or capped, for the caller to count (a metric label per
 * `what`) and log: a table full, a MAC flapping between ports.
 */
export interface TopologyLimit {
  readonly kind: 'limit';
  /**
   * `ports`: a switch has more ports than are probed; `switches`, `links`, `hosts`: table full;
   * `flapping`: a host's moves are held back; `nodes`: announcements from more nodes than are tracked.
   */
  readonly what: 'ports' | 'switches' | 'links' | 'hosts' | 'flapping' | 'nodes';
  readonly detail: string;
}

export function endpointKey(e: Endpoint): string {
  return `${e.dpid.toString(16)}/${e.port}`;
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.dpid === b.dpid && a.port === b.port;
}
