/**
 * Topology: LLDP link discovery, host tracking and paths over the links, as
 * state machines without I/O (README.md has the state diagram and the probe
 * frame). The runner that sends probes and publishes events lives with the
 * services that own sockets and timers.
 */
export { DEFAULT_DISCOVERY_OPTIONS, LinkDiscovery, type DiscoveryOptions, type DiscoveryOutput } from './discovery.js';
export { ANNOUNCEMENT_VERSION, decodeAnnouncement, encodeAnnouncement, MAX_ANNOUNCED_ITEMS, MAX_ANNOUNCEMENT_BYTES, type Announcement } from './announcement.js';
export { ClusterTopology, type ClusterOptions, type ClusterOutput, type TopologyQuery } from './cluster.js';
export { TopologyFrameError, type TopologyErrorCode } from './errors.js';
export { hostFacts, type HostFacts } from './host-packet.js';
export { DEFAULT_HOST_OPTIONS, HostTracker, type HostOptions, type HostOutput } from './hosts.js';
export { decodeProbe, encodeProbe, isLldp, LLDP_NEAREST_BRIDGE, MIN_SECRET_BYTES, PROBE_OUI, type Probe, type ProbeSpec } from './lldp-probe.js';
export { shortestPath, type PathWeight } from './paths.js';
export { Topology, type PacketInVerdict, type TopologyOptions, type TopologyOutput } from './topology.js';
export type { Endpoint, Host, HostRemovedReason, Link, LinkDownReason, PortInfo, TopologyEvent, TopologyLimit } from './types.js';
