import type { SwitchDirectory } from '../core/index.js';
import { OFPG_ANY, OFPP_ANY, OFPTT_ALL, type FlowStats, type OfpMessage, type PortStats } from '../openflow/index.js';
import { flowsByApp, LIST_CAPS, type AppNameOf, type SwitchStats } from './views.js';

/** Switches asked for their flows at once by the sampler: the rest wait their turn. */
const SAMPLE_CONCURRENCY = 4;

function replyStats<T extends 'flow' | 'portStats'>(parts: readonly OfpMessage[], type: T): (T extends 'flow' ? FlowStats : PortStats)[] {
  const out: (FlowStats | PortStats)[] = [];
  for (const m of parts) if (m.type === 'MultipartReply' && m.body.type === type) out.push(...(m.body as { stats: readonly (FlowStats | PortStats)[] }).stats);
  return out as (T extends 'flow' ? FlowStats : PortStats)[];
}

/**
 * The flow table of one switch (every table). Bounded by the switch session:
 * a reply is at most its message size limit per part, and the request times out.
 * @throws what the session's `request` throws (the switch is gone, timed out, refused).
 */
export async function readFlows(switches: SwitchDirectory, dpid: bigint): Promise<FlowStats[]> {
  const handle = switches.lookup(dpid);
  if (handle === undefined) return [];
  const parts = await handle.request({ type: 'MultipartRequest', flags: 0, body: { type: 'flow', tableId: OFPTT_ALL, outPort: OFPP_ANY, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match: [] } });
  return replyStats(parts, 'flow');
}

/** The counters of every port of one switch. @throws as readFlows. */
export async function readPortCounters(switches: SwitchDirectory, dpid: bigint): Promise<PortStats[]> {
  const handle = switches.lookup(dpid);
  if (handle === undefined) return [];
  const parts = await handle.request({ type: 'MultipartRequest', flags: 0, body: { type: 'portStats', portNo: OFPP_ANY } });
  return replyStats(parts, 'portStats');
}

/**
 * Per-switch flow counts by app and packet-in rates, refreshed by `sample()`
 * (the web view calls it on a timer while a page is watching, so nobody pays
 * for it otherwise). Packet-ins are counted as they are published (`count`),
 * while the web view subscribes to them: while a page is watching.
 * Main thread only.
 */
export class SwitchStatsSampler {
  private readonly packetIns = new Map<bigint, { n: number }>();
  private readonly previous = new Map<bigint, { readonly packetIns: number; readonly atMs: number }>();
  private readonly latest = new Map<bigint, SwitchStats>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly switches: () => SwitchDirectory | undefined,
    private readonly now: () => number,
    private readonly appName: AppNameOf,
  ) {}

  /** One packet-in from `dpid` (an app-visible one: topology keeps LLDP to itself). */
  count(dpid: bigint): void {
    // One map lookup per packet-in (a bigint key costs a hash each time): the count is a field of its own object.
    const counter = this.packetIns.get(dpid);
    if (counter === undefined) this.packetIns.set(dpid, { n: 1 });
    else counter.n++;
  }

  /** Forgets a switch that went away. */
  forget(dpid: bigint): void {
    this.packetIns.delete(dpid);
    this.previous.delete(dpid);
    this.latest.delete(dpid);
  }

  get stats(): ReadonlyMap<bigint, SwitchStats> {
    return this.latest;
  }

  /** Refreshes every switch's stats (at most LIST_CAPS.switches); a second call while one runs joins it. */
  sample(): Promise<void> {
    this.running ??= this.sampleAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sampleAll(): Promise<void> {
    const directory = this.switches();
    if (directory === undefined) return;
    const dpids = directory
      .list()
      .slice(0, LIST_CAPS.switches)
      .map((v) => v.dpid);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < dpids.length) {
        const dpid = dpids[next++]!;
        const flows = await readFlows(directory, dpid).catch(() => undefined);
        this.record(dpid, flows);
      }
    };
    await Promise.all(Array.from({ length: SAMPLE_CONCURRENCY }, worker));
  }

  private record(dpid: bigint, flows: readonly FlowStats[] | undefined): void {
    const atMs = this.now();
    const count = this.packetIns.get(dpid)?.n ?? 0;
    const before = this.previous.get(dpid);
    this.previous.set(dpid, { packetIns: count, atMs });
    const seconds = before === undefined ? 0 : (atMs - before.atMs) / 1000;
    const packetInPerSec = seconds > 0 ? Math.round(((count - before!.packetIns) / seconds) * 10) / 10 : 0;
    const old = this.latest.get(dpid);
    // A switch that did not answer keeps its last flow counts; its rate is still current.
    const byApp = flows === undefined ? (old?.flowsByApp ?? {}) : flowsByApp(flows, this.appName);
    this.latest.set(dpid, { flowsByApp: byApp, flowCount: flows === undefined ? (old?.flowCount ?? 0) : flows.length, packetInPerSec, sampledAtMs: atMs });
  }
}
