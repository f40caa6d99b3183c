import { formatDpid } from '../openflow/index.js';
import type { EventWatcher } from '../testing/event-watcher.js';
import { OvsHarness, waitFor, type FlowEntry } from '../testing/ovs/index.js';

/**
 * The topology every Open vSwitch end-to-end file drives: two userspace bridges
 * s1 and s2 (fail_mode=secure, so nothing forwards unless a controller's flows
 * say so) linked by a veth pair, two hosts in network namespaces on each, the
 * controller at the runtime's OpenFlow port. Needs root and
 * scripts/install-system-deps.sh.
 */

export const HOSTS = [
  { name: 'h1', bridge: 's1', ip: '10.0.0.1', mac: '00:00:00:00:00:01' },
  { name: 'h2', bridge: 's1', ip: '10.0.0.2', mac: '00:00:00:00:00:02' },
  { name: 'h3', bridge: 's2', ip: '10.0.0.3', mac: '00:00:00:00:00:03' },
  { name: 'h4', bridge: 's2', ip: '10.0.0.4', mac: '00:00:00:00:00:04' },
] as const;
export const DPIDS = { s1: 0x1n, s2: 0x2n } as const;
export type Bridge = keyof typeof DPIDS;
export const BRIDGES = Object.keys(DPIDS) as Bridge[];
/** How long a switch may take to (re)connect and its table-miss flow to appear. */
export const SWITCH_UP_MS = 15_000;

/** JSON with bigints as text, for assertion messages. */
export const show = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** A flow as one line for assertion messages: `match idle_timeout=N -> actions`. */
export const describeFlow = (f: FlowEntry): string => `priority=${f.priority} ${f.match} idle_timeout=${f.stats.idle_timeout ?? 'none'} -> ${f.actions}`;

export class Topology {
  readonly ovs: OvsHarness;

  private constructor(ovs: OvsHarness) {
    this.ovs = ovs;
  }

  /**
   * Starts a harness and builds the topology, each bridge pointed at the runtime on
   * `openflowPort` (or at each of several runtimes: mastership) and speaking
   * `protocols` (default OpenFlow 1.3 only).
   */
  static async start(openflowPort: number | readonly number[], protocols: readonly string[] = ['OpenFlow13']): Promise<Topology> {
    const ovs = await OvsHarness.start();
    const controller = (typeof openflowPort === 'number' ? [openflowPort] : openflowPort).map((port) => `tcp:127.0.0.1:${port}`);
    try {
      for (const [bridge, dpid] of Object.entries(DPIDS)) {
        await ovs.addBridge(bridge, { dpid: formatDpid(dpid), controller, maxBackoffMs: 1000, protocols });
      }
      await ovs.linkBridges('s1', 's2');
      for (const h of HOSTS) await ovs.addHost(h.name, { bridge: h.bridge, ip: `${h.ip}/24`, mac: h.mac });
    } catch (err) {
      await ovs.stop();
      throw err;
    }
    return new Topology(ovs);
  }

  /** Both switches reported up to the runtime (after `since`, an index into `watcher.events`). */
  async switchesUp(watcher: EventWatcher, since = 0): Promise<void> {
    await Promise.all(Object.values(DPIDS).map((dpid) => watcher.waitFor((e) => e.type === 'switchUp' && e.dpid === dpid, SWITCH_UP_MS, since)));
  }

  /**
   * Waits until each bridge holds the table-miss flow (priority 0, to the
   * controller). An app installs it after it hears of the switch, which is after
   * the runtime reported the switch up; a packet sent before it is there is
   * dropped (fail_mode=secure). Each look is an ovs-ofctl run.
   */
  async tableMissInstalled(): Promise<void> {
    for (const bridge of BRIDGES) {
      let flows: FlowEntry[] = [];
      await waitFor(
        `the table-miss flow on ${bridge}`,
        SWITCH_UP_MS,
        async () => ((flows = await this.ovs.dumpFlows(bridge)).some(isTableMiss) ? true : undefined),
        () => `flows: ${flows.map(describeFlow).join('; ') || 'none'}`,
      );
    }
  }

  /** Pings every host from every other one; the failures, as `from -> to: ping's last line`. */
  async pingAll(): Promise<string[]> {
    const failures: string[] = [];
    for (const from of HOSTS) {
      for (const to of HOSTS) {
        if (from === to) continue;
        const result = await this.ovs.ping(from.name, to.ip, { count: 3, timeoutSec: 2 });
        if (!result.ok) failures.push(`${from.name} -> ${to.ip}: ${result.output.trim().split('\n').pop() ?? ''}`);
      }
    }
    return failures;
  }

  /** The table-miss flow of `bridge`, if any. */
  async tableMiss(bridge: Bridge): Promise<FlowEntry | undefined> {
    return (await this.ovs.dumpFlows(bridge)).find(isTableMiss);
  }

  /** Flows a learning switch installed on `bridge` at `priority` (they match on dl_src). */
  async learnedFlows(bridge: Bridge, priority: number): Promise<FlowEntry[]> {
    return (await this.ovs.dumpFlows(bridge)).filter((f) => f.priority === priority && /dl_src=/.test(f.match));
  }

  /** Removes the learned flows (by source MAC), keeping the table-miss flow: packets reach the controller again. */
  async forgetLearned(): Promise<void> {
    for (const bridge of BRIDGES) for (const h of HOSTS) await this.ovs.delFlows(bridge, `dl_src=${h.mac}`);
  }

  /**
   * Empties both flow tables. Switches keep their flows while the controller is
   * away (fail_mode=secure): a scenario that follows another clears them, so
   * only its own app's flows count.
   */
  async clearFlows(): Promise<void> {
    for (const bridge of BRIDGES) await this.ovs.delFlows(bridge);
  }

  stop(): Promise<void> {
    return this.ovs.stop();
  }
}

function isTableMiss(f: FlowEntry): boolean {
  return f.priority === 0 && f.match === '' && /CONTROLLER/.test(f.actions);
}
