import { MinHeap, Outbox } from './min-heap.js';
import { hostFacts } from './host-packet.js';
import { endpointKey, sameEndpoint, type Endpoint, type Host, type HostRemovedReason, type TopologyEvent, type TopologyLimit } from './types.js';

/** Knobs of host tracking; `DEFAULT_HOST_OPTIONS` has the defaults. */
export interface HostOptions {
  /** A host not heard from for this long is removed, in ms. */
  readonly hostTimeoutMs: number;
  readonly maxHosts: number;
  /** Addresses kept per host; the oldest goes first. */
  readonly maxIpsPerHost: number;
  /** A host may move at most `maxMovesPerWindow` times per `flapWindowMs`; further moves are held back and counted. */
  readonly flapWindowMs: number;
  readonly maxMovesPerWindow: number;
}

export const DEFAULT_HOST_OPTIONS: HostOptions = { hostTimeoutMs: 300_000, maxHosts: 100_000, maxIpsPerHost: 8, flapWindowMs: 10_000, maxMovesPerWindow: 3 };

export type HostOutput = Extract<TopologyEvent, { kind: 'hostAdded' | 'hostMoved' | 'hostRemoved' }> | TopologyLimit;

interface HostState {
  /** As last published; its `lastSeenMs` is refreshed only when the host changes (see `lastSeenMs`). */
  host: Host;
  /** Updated by every frame without a new object (the PACKET_IN path). */
  lastSeenMs: number;
  readonly id: number;
  windowStartMs: number;
  movesInWindow: number;
  /** The flapping limit was reported in this window (once per window per host). */
  flapReported: boolean;
}

/**
 * Host tracking as a state machine without I/O: packet-ins seen on edge ports go
 * in with `nowMs`, host events come out of `popOutput`; `tick(nowMs)` at
 * `nextDueMs()` expires hosts. `isEdge` says whether a port is an edge port (no
 * link on it): frames arriving on links were sent by hosts elsewhere.
 * Memory is bounded by `maxHosts` × `maxIpsPerHost` and a timer queue of at most
 * twice the hosts. Not thread-safe.
 */
export class HostTracker {
  private readonly options: HostOptions;
  private readonly hosts = new Map<string, HostState>();
  /** Endpoint key -> MACs attached there. */
  private readonly byLocation = new Map<string, Set<string>>();
  private readonly timers = new MinHeap<{ readonly mac: string; readonly id: number }>();
  private readonly outputs = new Outbox<HostOutput>();
  private nextId = 1;

  constructor(
    private readonly isEdge: (dpid: bigint, port: number) => boolean,
    options: Partial<HostOptions> = {},
  ) {
    this.options = { ...DEFAULT_HOST_OPTIONS, ...options };
  }

  /**
   * A frame came in on `inPort` of `dpid`. Learns its source on an edge port;
   * ignores it elsewhere. Throws TopologyFrameError PACKET_MALFORMED for a
   * truncated header (nothing is learned).
   */
  packetIn(dpid: bigint, inPort: number, frame: Uint8Array, nowMs: number): void {
    if (!this.isEdge(dpid, inPort)) return;
    const facts = hostFacts(frame);
    if (facts === undefined) return;
    const location = { dpid, port: inPort };
    const state = this.hosts.get(facts.mac);
    if (state === undefined) {
      this.add(facts.mac, facts.ips, location, nowMs);
      return;
    }
    state.lastSeenMs = nowMs;
    const ips = this.mergeIps(state.host.ips, facts.ips);
    if (sameEndpoint(state.host.location, location)) {
      if (ips !== state.host.ips) state.host = { ...state.host, ips, lastSeenMs: nowMs };
      return;
    }
    if (nowMs - state.windowStartMs >= this.options.flapWindowMs) {
      state.windowStartMs = nowMs;
      state.movesInWindow = 0;
      state.flapReported = false;
    }
    if (state.movesInWindow >= this.options.maxMovesPerWindow) {
      if (!state.flapReported) {
        state.flapReported = true;
        this.outputs.push({ kind: 'limit', what: 'flapping', detail: `host ${facts.mac} moved ${state.movesInWindow} times in ${this.options.flapWindowMs} ms; stays at ${endpointKey(state.host.location)}, not ${endpointKey(location)}` });
      }
      return;
    }
    state.movesInWindow++;
    const from = state.host.location;
    this.unindex(facts.mac, from);
    state.host = { ...state.host, ips, location, lastSeenMs: nowMs };
    this.index(facts.mac, location);
    this.outputs.push({ kind: 'hostMoved', host: state.host, from });
  }

  /** Removes the hosts attached to a port that went down or became a link endpoint. */
  portGone(endpoint: Endpoint, reason: 'portDown' | 'notEdge'): void {
    for (const mac of [...(this.byLocation.get(endpointKey(endpoint)) ?? [])]) this.remove(mac, reason);
  }

  /** Removes the hosts attached to a switch that disconnected. */
  switchGone(dpid: bigint): void {
    for (const state of [...this.hosts.values()]) if (state.host.location.dpid === dpid) this.remove(state.host.mac, 'switchDown');
  }

  /** Expires hosts not heard from within the timeout. */
  tick(nowMs: number): void {
    for (let timer = this.timers.popAtMost(nowMs); timer !== undefined; timer = this.timers.popAtMost(nowMs)) {
      const state = this.hosts.get(timer.mac);
      if (state === undefined || state.id !== timer.id) continue;
      const expiresMs = state.lastSeenMs + this.options.hostTimeoutMs;
      if (expiresMs <= nowMs) this.remove(timer.mac, 'timeout');
      else this.timers.push(expiresMs, timer);
    }
    if (this.timers.size > 2 * this.hosts.size + 1024) this.timers.retain((t) => this.hosts.get(t.mac)?.id === t.id);
  }

  nextDueMs(): number | undefined {
    return this.timers.peekKey();
  }

  popOutput(): HostOutput | undefined {
    return this.outputs.pop();
  }

  currentHosts(): Host[] {
    return [...this.hosts.values()].map((s) => (s.host.lastSeenMs === s.lastSeenMs ? s.host : { ...s.host, lastSeenMs: s.lastSeenMs }));
  }

  private add(mac: string, ips: readonly string[], location: Endpoint, nowMs: number): void {
    if (this.hosts.size >= this.options.maxHosts) {
      this.outputs.push({ kind: 'limit', what: 'hosts', detail: `host ${mac} at ${endpointKey(location)} not tracked: ${this.options.maxHosts} hosts already tracked` });
      return;
    }
    const host: Host = { mac, ips: this.mergeIps([], ips), location, firstSeenMs: nowMs, lastSeenMs: nowMs };
    const id = this.nextId++;
    this.hosts.set(mac, { host, lastSeenMs: nowMs, id, windowStartMs: nowMs, movesInWindow: 0, flapReported: false });
    this.index(mac, location);
    this.timers.push(nowMs + this.options.hostTimeoutMs, { mac, id });
    this.outputs.push({ kind: 'hostAdded', host });
  }

  private remove(mac: string, reason: HostRemovedReason): void {
    const state = this.hosts.get(mac);
    if (state === undefined) return;
    this.hosts.delete(mac);
    this.unindex(mac, state.host.location);
    this.outputs.push({ kind: 'hostRemoved', host: { ...state.host, lastSeenMs: state.lastSeenMs }, reason });
  }

  private mergeIps(known: readonly string[], seen: readonly string[]): readonly string[] {
    const fresh = seen.filter((ip) => !known.includes(ip));
    if (fresh.length === 0) return known;
    return [...known, ...fresh].slice(-this.options.maxIpsPerHost);
  }

  private index(mac: string, at: Endpoint): void {
    const key = endpointKey(at);
    let macs = this.byLocation.get(key);
    if (macs === undefined) this.byLocation.set(key, (macs = new Set()));
    macs.add(mac);
  }

  private unindex(mac: string, at: Endpoint): void {
    const key = endpointKey(at);
    const macs = this.byLocation.get(key);
    macs?.delete(mac);
    if (macs?.size === 0) this.byLocation.delete(key);
  }
}
