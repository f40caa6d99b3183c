import type { Endpoint as PbEndpoint, Host as PbHost, Link as PbLink } from '../../generated/sdn/runtime/v1/topology.js';
import type { Endpoint, Host, Link } from '../../topology/index.js';

/** Topology values (topology/types.ts) to their proto form (topology.proto). */

export function fromEndpoint(e: Endpoint): PbEndpoint {
  return { dpid: e.dpid, port: e.port };
}

/** Latency in whole ms, as the proto says (the simulated clock of tests has fractions). */
export function fromLink(l: Link): PbLink {
  return { src: fromEndpoint(l.src), dst: fromEndpoint(l.dst), latencyMs: Math.round(l.latencyMs), srcNode: l.srcNode, upSinceMs: BigInt(Math.floor(l.upSinceMs)), lastSeenMs: BigInt(Math.floor(l.lastSeenMs)) };
}

export function fromHost(h: Host): PbHost {
  return { mac: h.mac, ips: [...h.ips], location: fromEndpoint(h.location), firstSeenMs: BigInt(Math.floor(h.firstSeenMs)), lastSeenMs: BigInt(Math.floor(h.lastSeenMs)) };
}
