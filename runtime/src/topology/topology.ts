import { LinkDiscovery, type DiscoveryOptions } from './discovery.js';
import { TopologyFrameError } from './errors.js';
import { HostTracker, type HostOptions } from './hosts.js';
import { isLldp } from './lldp-probe.js';
import { shortestPath, type PathWeight } from './paths.js';
import type { Host, Link, PortInfo, TopologyEvent, TopologyLimit } from './types.js';

export type TopologyOptions = {
  readonly discovery: Partial<DiscoveryOptions> & Pick<DiscoveryOptions, 'node' | 'secret'>;
  readonly hosts?: Partial<HostOptions>;
};

/** Everything a runner acts on: a probe to send, an event to publish, a limit to count. */
export type TopologyOutput = { readonly kind: 'probe'; readonly dpid: bigint; readonly port: number; readonly frame: Buffer } | TopologyEvent | TopologyLimit;

/**
 * What a packet-in meant to topology. `consumed`: the frame is LLDP and is
 * topology's alone (never handed to apps as a packet-in), whether or not it
 * proved a link. `error`: the frame was refused, for the caller to count by
 * `error.code` and log.
 */
export interface PacketInVerdict {
  readonly consumed: boolean;
  readonly error?: TopologyFrameError;
}

/** The verdicts without an error, shared: one per packet-in would be garbage on the PACKET_IN path. */
const CONSUMED: PacketInVerdict = Object.freeze({ consumed: true });
const PASSED: PacketInVerdict = Object.freeze({ consumed: false });

/**
 * Link discovery and host tracking together, without I/O: the runner feeds
 * switch, port and packet-in changes with `nowMs`, calls `tick(nowMs)` at
 * `nextDueMs()`, and drains `popOutput()` after each call. A link coming up
 * removes the hosts learned on its ports (they were not edge ports after all);
 * a port or switch going down removes its links and hosts. Not thread-safe.
 */
export class Topology {
  private readonly discovery: LinkDiscovery;
  private readonly hosts: HostTracker;

  constructor(options: TopologyOptions) {
    this.discovery = new LinkDiscovery(options.discovery);
    this.hosts = new HostTracker((dpid, port) => !this.discovery.isLinkEndpoint(dpid, port), options.hosts);
  }

  /** How long a link lives without a probe, in ms. */
  get linkTimeoutMs(): number {
    return this.discovery.linkTimeoutMs;
  }

  switchUp(dpid: bigint, ports: readonly PortInfo[], nowMs: number): void {
    this.discovery.switchUp(dpid, ports, nowMs);
    for (const p of ports) if (!p.up) this.hosts.portGone({ dpid, port: p.port }, 'portDown');
  }

  portChanged(dpid: bigint, info: PortInfo, nowMs: number): void {
    this.discovery.portChanged(dpid, info, nowMs);
    if (!info.up) this.hosts.portGone({ dpid, port: info.port }, 'portDown');
  }

  portRemoved(dpid: bigint, port: number, nowMs: number): void {
    this.discovery.portRemoved(dpid, port, nowMs);
    this.hosts.portGone({ dpid, port }, 'portDown');
  }

  switchDown(dpid: bigint, nowMs: number): void {
    this.discovery.switchDown(dpid, nowMs);
    this.hosts.switchGone(dpid);
  }

  /** A PACKET_IN's frame, received on `inPort` of `dpid`. Never throws for bad input: see PacketInVerdict. */
  packetIn(dpid: bigint, inPort: number, frame: Uint8Array, nowMs: number): PacketInVerdict {
    const lldp = isLldp(frame);
    try {
      if (lldp) this.discovery.probeReceived(dpid, inPort, frame, nowMs);
      else this.hosts.packetIn(dpid, inPort, frame, nowMs);
      return lldp ? CONSUMED : PASSED;
    } catch (err) {
      if (!(err instanceof TopologyFrameError)) throw err;
      return { consumed: lldp, error: err };
    }
  }

  tick(nowMs: number): void {
    this.discovery.tick(nowMs);
    this.hosts.tick(nowMs);
  }

  /** When `tick` has work next, in ms; undefined when nothing is scheduled. */
  nextDueMs(): number | undefined {
    const a = this.discovery.nextDueMs();
    const b = this.hosts.nextDueMs();
    return a === undefined ? b : b === undefined ? a : Math.min(a, b);
  }

  /** The next output, oldest first; undefined when there is none. */
  popOutput(): TopologyOutput | undefined {
    const fromDiscovery = this.discovery.popOutput();
    if (fromDiscovery === undefined) return this.hosts.popOutput();
    if (fromDiscovery.kind === 'linkUp') {
      this.hosts.portGone(fromDiscovery.link.src, 'notEdge');
      this.hosts.portGone(fromDiscovery.link.dst, 'notEdge');
    }
    return fromDiscovery;
  }

  links(): Link[] {
    return this.discovery.currentLinks();
  }

  hostList(): Host[] {
    return this.hosts.currentHosts();
  }

  /** The links from switch `from` to switch `to` over the current links; see `shortestPath`. */
  path(from: bigint, to: bigint, weight: PathWeight = 'hops'): Link[] | undefined {
    return shortestPath(this.links(), from, to, weight);
  }
}
