import type { Topology, TopologyOutput } from '../topology.js';
import { endpointKey, type Endpoint, type PortInfo, type TopologyEvent } from '../types.js';

/** Port `port` of `dpid` as discovery sees it: up, with a MAC derived from both. */
export function portInfo(dpid: bigint, port: number, up = true): PortInfo {
  const mac = ((dpid & 0xffffn) << 32n) | BigInt(port);
  return { port, hwAddr: mac.toString(16).padStart(12, '0').replace(/(..)(?!$)/g, '$1:'), up };
}

/**
 * Switches joined by wires, in one process and on a simulated clock: a probe
 * sent out of one end of a wire arrives at the other end `latencyMs` later as a
 * packet-in. `run` advances the clock to each next timer or delivery, in order,
 * so a test reads time in probe intervals, not in wall-clock sleeps.
 */
export class SimNetwork {
  nowMs = 1_000_000;
  readonly events: TopologyEvent[] = [];
  readonly probes: { atMs: number; dpid: bigint; port: number }[] = [];
  readonly others: TopologyOutput[] = [];
  private readonly peer = new Map<string, Endpoint>();
  private deliveries: { atMs: number; to: Endpoint; frame: Buffer }[] = [];

  constructor(
    readonly topology: Topology,
    readonly latencyMs = 1,
  ) {}

  wire(a: Endpoint, b: Endpoint): void {
    this.peer.set(endpointKey(a), b);
    this.peer.set(endpointKey(b), a);
  }

  /** Removes the wire at `a` without telling anyone (a cut fibre behind a live transceiver). */
  cut(a: Endpoint): void {
    const b = this.peer.get(endpointKey(a));
    this.peer.delete(endpointKey(a));
    if (b !== undefined) this.peer.delete(endpointKey(b));
  }

  /** Processes everything due until `untilMs` (at most `maxSteps` steps, as a guard against a runaway schedule). */
  run(untilMs: number, maxSteps = 1_000_000): void {
    this.drain();
    for (let step = 0; step < maxSteps; step++) {
      const timer = this.topology.nextDueMs() ?? Infinity;
      const delivery = this.deliveries.reduce((min, d) => Math.min(min, d.atMs), Infinity);
      const next = Math.min(timer, delivery);
      if (next > untilMs) {
        this.nowMs = untilMs;
        return;
      }
      this.nowMs = Math.max(this.nowMs, next);
      const due = this.deliveries.filter((d) => d.atMs <= this.nowMs);
      this.deliveries = this.deliveries.filter((d) => d.atMs > this.nowMs);
      for (const d of due) this.topology.packetIn(d.to.dpid, d.to.port, d.frame, this.nowMs);
      this.topology.tick(this.nowMs);
      this.drain();
    }
    throw new Error(`simulation did not reach ${untilMs} in ${maxSteps} steps`);
  }

  private drain(): void {
    for (let out = this.topology.popOutput(); out !== undefined; out = this.topology.popOutput()) {
      if (out.kind === 'probe') {
        this.probes.push({ atMs: this.nowMs, dpid: out.dpid, port: out.port });
        const to = this.peer.get(endpointKey(out));
        if (to !== undefined) this.deliveries.push({ atMs: this.nowMs + this.latencyMs, to, frame: out.frame });
      } else if (out.kind === 'limit') {
        this.others.push(out);
      } else {
        this.events.push(out);
      }
    }
  }
}
