import { OFPP_MAX } from '../openflow/index.js';
import { MinHeap, Outbox } from './min-heap.js';
import { TopologyFrameError } from './errors.js';
import { checkSecret, decodeProbe, encodeProbe } from './lldp-probe.js';
import { endpointKey, sameEndpoint, type Endpoint, type Link, type LinkDownReason, type PortInfo, type TopologyEvent, type TopologyLimit } from './types.js';

/** Knobs of link discovery; `DEFAULT_DISCOVERY_OPTIONS` has the defaults. */
export interface DiscoveryOptions {
  /** This runtime node's 32-bit id (core/node.ts), carried in every probe. */
  readonly node: number;
  /** The cluster secret keying the probe HMAC (at least 16 bytes). */
  readonly secret: Uint8Array;
  /** Time between two probes of one port, in ms. */
  readonly probeIntervalMs: number;
  /** Each wait is the interval times a factor drawn from [1 - jitter, 1 + jitter), so ports do not probe in lockstep. */
  readonly jitter: number;
  /** A number in [0, 1): Math.random in production, a seeded source in tests. */
  readonly random: () => number;
  /** A link with no probe for this many intervals is down. */
  readonly timeoutIntervals: number;
  /** Probes are sent out of at most this many ports of one switch (the first by number); the rest are counted. */
  readonly maxPortsPerSwitch: number;
  readonly maxSwitches: number;
  readonly maxLinks: number;
}

export const DEFAULT_DISCOVERY_OPTIONS = {
  probeIntervalMs: 2000,
  jitter: 0.2,
  random: Math.random,
  timeoutIntervals: 3,
  maxPortsPerSwitch: 2048,
  maxSwitches: 10_000,
  maxLinks: 100_000,
} as const satisfies Partial<DiscoveryOptions>;

export type DiscoveryOutput =
  /** Send `frame` out of `port` of `dpid` (a PACKET_OUT). */
  | { readonly kind: 'probe'; readonly dpid: bigint; readonly port: number; readonly frame: Buffer }
  | Extract<TopologyEvent, { kind: 'linkUp' | 'linkDown' }>
  | TopologyLimit;

interface PortState {
  info: PortInfo;
  /** New (from one counter of the instance) when the port comes up or is probed early: a queued probe of another generation is dropped. */
  generation: number;
  /** When the last probe left this port, in ms; undefined before the first. */
  lastProbeMs: number | undefined;
}

interface LinkState {
  link: Link;
  readonly id: number;
}

type Timer = { readonly kind: 'probe'; readonly dpid: bigint; readonly port: number; readonly generation: number } | { readonly kind: 'linkCheck'; readonly dstKey: string; readonly id: number };

/**
 * Link discovery as a state machine without I/O: switch and port changes and
 * received probes go in with `nowMs`, probes to send and link events come out of
 * `popOutput`. The runner calls `tick(nowMs)` at `nextDueMs()` (or later).
 *
 * Links are keyed by their destination port: a port hears one neighbour, and a
 * probe from a new source replaces the old link (`replaced`), as does a source
 * heard on a new destination. Memory is bounded by `maxSwitches`,
 * `maxPortsPerSwitch` and `maxLinks`, plus a timer queue compacted to about twice
 * the live ports and links. Not thread-safe; one instance per runtime node.
 */
export class LinkDiscovery {
  private readonly options: DiscoveryOptions;
  private readonly switches = new Map<bigint, Map<number, PortState>>();
  private readonly links = new Map<string, LinkState>();
  /** Source endpoint key -> destination endpoint key of its link. */
  private readonly bySrc = new Map<string, string>();
  /** dpid -> port -> how many links end there: `isLinkEndpoint` runs for every packet-in, without building a key. */
  private readonly endpoints = new Map<bigint, Map<number, number>>();
  private readonly timers = new MinHeap<Timer>();
  private readonly outputs = new Outbox<DiscoveryOutput>();
  private nextLinkId = 1;
  private nextGeneration = 1;
  private livePorts = 0;

  constructor(options: Partial<DiscoveryOptions> & Pick<DiscoveryOptions, 'node' | 'secret'>) {
    this.options = { ...DEFAULT_DISCOVERY_OPTIONS, ...options };
    checkSecret(this.options.secret);
    const { probeIntervalMs, jitter, timeoutIntervals } = this.options;
    if (!(probeIntervalMs > 0) || !(jitter >= 0 && jitter < 1) || !(timeoutIntervals >= 1)) {
      throw new RangeError(`probe interval ${probeIntervalMs} ms, jitter ${jitter}, timeout ${timeoutIntervals} intervals: need > 0, [0, 1), >= 1`);
    }
  }

  /** How long a link lives without a probe, in ms; also the oldest probe accepted. */
  get linkTimeoutMs(): number {
    return this.options.probeIntervalMs * this.options.timeoutIntervals;
  }

  /** A switch connected (or reconnected) with these ports; ports it no longer lists go down. */
  switchUp(dpid: bigint, ports: readonly PortInfo[], nowMs: number): void {
    let known = this.switches.get(dpid);
    if (known === undefined) {
      if (this.switches.size >= this.options.maxSwitches) {
        this.limit('switches', `switch ${dpid.toString(16)} not probed: ${this.options.maxSwitches} switches already tracked`);
        return;
      }
      this.switches.set(dpid, (known = new Map()));
    }
    const listed = new Set(ports.map((p) => p.port));
    for (const port of [...known.keys()]) if (!listed.has(port)) this.portRemoved(dpid, port, nowMs);
    for (const info of ports) this.portChanged(dpid, info, nowMs);
  }

  /** A port was added or modified (PORT_STATUS add/modify, or a port description). */
  portChanged(dpid: bigint, info: PortInfo, nowMs: number): void {
    const ports = this.switches.get(dpid);
    if (ports === undefined || info.port > OFPP_MAX) return;
    let state = ports.get(info.port);
    if (state === undefined) {
      if (ports.size >= this.options.maxPortsPerSwitch) {
        this.limit('ports', `port ${info.port} of switch ${dpid.toString(16)} not probed: ${this.options.maxPortsPerSwitch} ports already probed`);
        return;
      }
      ports.set(info.port, (state = { info, generation: this.nextGeneration++, lastProbeMs: undefined }));
      this.livePorts++;
      if (info.up) this.scheduleProbe(dpid, state, nowMs, true);
      return;
    }
    const wasUp = state.info.up;
    state.info = info;
    if (wasUp && !info.up) {
      this.linksDownAt({ dpid, port: info.port }, 'portDown');
    } else if (!wasUp && info.up) {
      state.generation = this.nextGeneration++;
      this.scheduleProbe(dpid, state, nowMs, true);
    }
  }

  /** A port was deleted (PORT_STATUS delete). */
  portRemoved(dpid: bigint, port: number, _nowMs: number): void {
    const ports = this.switches.get(dpid);
    if (ports?.delete(port) !== true) return;
    this.livePorts--;
    this.linksDownAt({ dpid, port }, 'portDown');
  }

  /** The switch disconnected: every link from or to it goes down. */
  switchDown(dpid: bigint, _nowMs: number): void {
    const ports = this.switches.get(dpid);
    if (ports === undefined) return;
    this.switches.delete(dpid);
    this.livePorts -= ports.size;
    for (const state of [...this.links.values()]) {
      if (state.link.src.dpid === dpid || state.link.dst.dpid === dpid) this.linkDown(state, 'switchDown');
    }
  }

  /**
   * A probe came in on `inPort` of `dpid`: returns the link it proves, or
   * undefined when the receiving switch is not tracked (or the table is full,
   * reported as a limit). Throws TopologyFrameError (LLDP_MALFORMED,
   * LLDP_FOREIGN, LLDP_FORGED, LLDP_STALE) for a frame that proves nothing.
   */
  probeReceived(dpid: bigint, inPort: number, frame: Uint8Array, nowMs: number): Link | undefined {
    const probe = decodeProbe(frame, this.options.secret);
    const ageMs = nowMs - probe.sentAtMs;
    if (ageMs > this.linkTimeoutMs || ageMs < -this.linkTimeoutMs) {
      throw new TopologyFrameError('LLDP_STALE', `probe from ${probe.node} sent ${ageMs} ms ago, accepted within ${this.linkTimeoutMs} ms`);
    }
    if (!this.switches.has(dpid) || !this.mayCarry(dpid, inPort, false) || !this.mayCarry(probe.src.dpid, probe.src.port, true)) return undefined;
    const dst = { dpid, port: inPort };
    if (sameEndpoint(probe.src, dst)) return undefined;
    const dstKey = endpointKey(dst);
    const srcKey = endpointKey(probe.src);
    const latencyMs = Math.max(0, ageMs);
    const existing = this.links.get(dstKey);
    if (existing !== undefined && sameEndpoint(existing.link.src, probe.src)) {
      existing.link = { ...existing.link, latencyMs, srcNode: probe.node, lastSeenMs: nowMs };
      return existing.link;
    }
    if (existing !== undefined) this.linkDown(existing, 'replaced');
    const previousDst = this.bySrc.get(srcKey);
    const previous = previousDst === undefined ? undefined : this.links.get(previousDst);
    if (previous !== undefined) this.linkDown(previous, 'replaced');
    if (this.links.size >= this.options.maxLinks) {
      this.limit('links', `link ${srcKey} -> ${dstKey} not tracked: ${this.options.maxLinks} links already tracked`);
      return undefined;
    }
    const link: Link = { src: probe.src, dst, latencyMs, srcNode: probe.node, upSinceMs: nowMs, lastSeenMs: nowMs };
    const state = { link, id: this.nextLinkId++ };
    this.links.set(dstKey, state);
    this.bySrc.set(srcKey, dstKey);
    this.countEndpoint(probe.src, 1);
    this.countEndpoint(dst, 1);
    this.timers.push(nowMs + this.linkTimeoutMs, { kind: 'linkCheck', dstKey, id: state.id });
    this.outputs.push({ kind: 'linkUp', link });
    if (!this.bySrc.has(dstKey)) this.probeBackSoon(dpid, inPort, probe.sentAtMs, nowMs);
    return link;
  }

  /** Runs the timers due at `nowMs`: probes to send, links that timed out. */
  tick(nowMs: number): void {
    for (let timer = this.timers.popAtMost(nowMs); timer !== undefined; timer = this.timers.popAtMost(nowMs)) {
      if (timer.kind === 'probe') this.probeDue(timer, nowMs);
      else this.linkCheckDue(timer, nowMs);
    }
  }

  /** When `tick` has work next (ms), or undefined when nothing is scheduled. */
  nextDueMs(): number | undefined {
    return this.timers.peekKey();
  }

  /** The next output, oldest first; undefined when there is none. */
  popOutput(): DiscoveryOutput | undefined {
    return this.outputs.pop();
  }

  /** The links known now. */
  currentLinks(): Link[] {
    return [...this.links.values()].map((s) => s.link);
  }

  /** True when the port is either end of a known link (so not an edge port where hosts attach). */
  isLinkEndpoint(dpid: bigint, port: number): boolean {
    return this.endpoints.get(dpid)?.has(port) === true;
  }

  private countEndpoint(e: Endpoint, delta: 1 | -1): void {
    let ports = this.endpoints.get(e.dpid);
    if (ports === undefined) this.endpoints.set(e.dpid, (ports = new Map()));
    const n = (ports.get(e.port) ?? 0) + delta;
    if (n > 0) ports.set(e.port, n);
    else ports.delete(e.port);
    if (ports.size === 0) this.endpoints.delete(e.dpid);
  }

  /**
   * False for a port we know is down, and for a source port gone from a switch we
   * track: a probe still in flight when the port went must not bring its link back.
   * A source switch we do not track is another node's and is taken on trust of the HMAC.
   */
  private mayCarry(dpid: bigint, port: number, isSrc: boolean): boolean {
    const ports = this.switches.get(dpid);
    if (ports === undefined) return isSrc;
    const state = ports.get(port);
    if (state === undefined) return !isSrc;
    return state.info.up;
  }

  private probeDue(timer: Extract<Timer, { kind: 'probe' }>, nowMs: number): void {
    const state = this.switches.get(timer.dpid)?.get(timer.port);
    if (state === undefined || state.generation !== timer.generation || !state.info.up) return;
    const frame = encodeProbe({ dpid: timer.dpid, port: timer.port, hwAddr: state.info.hwAddr, node: this.options.node, nowMs }, this.options.secret);
    this.outputs.push({ kind: 'probe', dpid: timer.dpid, port: timer.port, frame });
    state.lastProbeMs = nowMs;
    this.scheduleProbe(timer.dpid, state, nowMs, false);
  }

  /**
   * A link came up whose reverse is not known: probe back out of its destination
   * port now rather than at the port's next turn (up to 1 + jitter intervals
   * away), unless this port probed after the far end sent its probe (that probe
   * found the far end up and is on its way). A switch that connects after its
   * neighbours' last probes then has both directions of its links in one probe
   * round trip, not one interval. Ryu does the same (`ports.move_front`).
   */
  private probeBackSoon(dpid: bigint, port: number, farSentAtMs: number, nowMs: number): void {
    const state = this.switches.get(dpid)?.get(port);
    if (state === undefined || !state.info.up || (state.lastProbeMs !== undefined && state.lastProbeMs >= farSentAtMs)) return;
    state.generation = this.nextGeneration++;
    this.queueProbe(dpid, state, nowMs);
  }

  private linkCheckDue(timer: Extract<Timer, { kind: 'linkCheck' }>, nowMs: number): void {
    const state = this.links.get(timer.dstKey);
    if (state === undefined || state.id !== timer.id) return;
    const expiresMs = state.link.lastSeenMs + this.linkTimeoutMs;
    if (expiresMs <= nowMs) this.linkDown(state, 'timeout');
    else this.timers.push(expiresMs, timer);
  }

  /** The first probe of a port goes out within `jitter` intervals; later ones one jittered interval apart. */
  private scheduleProbe(dpid: bigint, state: PortState, nowMs: number, first: boolean): void {
    const { probeIntervalMs, jitter, random } = this.options;
    const delayMs = first ? probeIntervalMs * jitter * random() : probeIntervalMs * (1 - jitter + 2 * jitter * random());
    this.queueProbe(dpid, state, nowMs + delayMs);
  }

  private queueProbe(dpid: bigint, state: PortState, atMs: number): void {
    this.timers.push(atMs, { kind: 'probe', dpid, port: state.info.port, generation: state.generation });
    // A flapping port (or an early probe) leaves a dead entry behind; drop them before they outnumber the live ones.
    if (this.timers.size > 2 * (this.livePorts + this.links.size) + 1024) this.timers.retain((t) => this.isLive(t));
  }

  private linksDownAt(endpoint: Endpoint, reason: LinkDownReason): void {
    const key = endpointKey(endpoint);
    const inbound = this.links.get(key);
    if (inbound !== undefined) this.linkDown(inbound, reason);
    const outboundDst = this.bySrc.get(key);
    const outbound = outboundDst === undefined ? undefined : this.links.get(outboundDst);
    if (outbound !== undefined) this.linkDown(outbound, reason);
  }

  private linkDown(state: LinkState, reason: LinkDownReason): void {
    const dstKey = endpointKey(state.link.dst);
    const srcKey = endpointKey(state.link.src);
    this.links.delete(dstKey);
    if (this.bySrc.get(srcKey) === dstKey) this.bySrc.delete(srcKey);
    this.countEndpoint(state.link.src, -1);
    this.countEndpoint(state.link.dst, -1);
    this.outputs.push({ kind: 'linkDown', link: state.link, reason });
  }

  private isLive(timer: Timer): boolean {
    if (timer.kind === 'linkCheck') return this.links.get(timer.dstKey)?.id === timer.id;
    const state = this.switches.get(timer.dpid)?.get(timer.port);
    return state !== undefined && state.generation === timer.generation && state.info.up;
  }

  private limit(what: TopologyLimit['what'], detail: string): void {
    this.outputs.push({ kind: 'limit', what, detail });
  }
}
