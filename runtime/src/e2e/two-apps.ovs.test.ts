import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { learningSwitch } from '../apps/learning-switch.js';
import type { App } from '../core/app-types.js';
import { appIdOf, ownCookie, preferredAppId } from '../ownership/index.js';
import { DEFAULT_SERVE_CONFIG } from '../serve/config.js';
import { startRuntime, type RunningRuntime } from '../serve/runtime.js';
import { EventWatcher } from '../testing/event-watcher.js';
import { waitFor, type FlowEntry } from '../testing/ovs/index.js';
import { ClientProcess } from './client-process.js';
import { BRIDGES, describeFlow, SWITCH_UP_MS, Topology, type Bridge } from './topology.js';

// Two apps share the bridges of the shared topology (topology.ts): the
// runtime's learning switch, in process, forwards; examples/acl-ts, its own
// process over gRPC, blocks h1 <-> h3 with drop flows. The ACL deletes "all
// flows" when it starts and when it stops, as a careless app does: the
// runtime confines those deletes to the ACL's flows (docs/apps-sharing-a-switch.md),
// so the learning switch's table-miss and learned flows survive them. A third
// app, the built-in topology service, keeps its LLDP flow there too.

const BLOCKED = { from: 'h1', to: 'h3', ips: ['10.0.0.1', '10.0.0.3'] } as const;
const ACL_NAME = 'acl-ts';
const LS_NAME = 'learning-switch';
/** examples/acl-ts's default cookie ("acl") and priority. */
const ACL_COOKIE = 0x61636cn;
const ACL_PRIORITY = 1000;
/** Drop flows per bridge: one per direction of the one pair. */
const ACL_FLOWS = 2;
/** The topology service's LLDP-to-controller flow (apps/topology-service.ts). */
const TOPOLOGY_NAME = 'topology';
const LLDP_PRIORITY = 65535;

describe('two apps on one switch: the learning switch and an ACL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-e2e-two-apps-'));
  const watcher = new EventWatcher();
  let topo: Topology | undefined;
  let rt: RunningRuntime | undefined;
  let acl: ClientProcess | undefined;
  let ls: App | undefined;

  before(async () => {
    rt = await startRuntime(
      { ...DEFAULT_SERVE_CONFIG, openflowHost: '127.0.0.1', openflowPort: 0, httpHost: '127.0.0.1', httpPort: 0, grpcHost: '127.0.0.1', grpcPort: 0, apps: [], dataDir: join(dir, 'data'), pluginsDir: join(dir, 'plugins'), echoIntervalMs: 1000, echoTimeoutMs: 3000 },
      pino({ level: 'warn' }),
    );
    await rt.controller.use(watcher);
    ls = learningSwitch();
    await rt.controller.use(ls);
    topo = await Topology.start(rt.openflowPort);
    await topo.switchesUp(watcher);
    await topo.tableMissInstalled();
    acl = ClientProcess.typescriptAcl(`127.0.0.1:${rt.grpcPort}`, [BLOCKED.ips.join(',')]);
  });
  after(async () => {
    await acl?.stop();
    await topo?.stop();
    await rt?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const flows = (bridge: Bridge): Promise<FlowEntry[]> => topo!.ovs.dumpFlows(bridge);
  const aclFlows = (fs: readonly FlowEntry[]): FlowEntry[] => fs.filter((f) => f.priority === ACL_PRIORITY);
  const lsFlows = (fs: readonly FlowEntry[]): FlowEntry[] => fs.filter((f) => f.priority !== ACL_PRIORITY && f.priority !== LLDP_PRIORITY);
  const topologyFlows = (fs: readonly FlowEntry[]): FlowEntry[] => fs.filter((f) => f.priority === LLDP_PRIORITY);
  const show = (fs: readonly FlowEntry[]): string => fs.map((f) => `cookie=0x${f.cookie.toString(16)} ${describeFlow(f)}`).join('\n') || 'no flows';
  /** The learning switch's flows on every bridge, one line each without counters: what must not change. */
  const lsSnapshot = async (): Promise<string[]> => {
    const lines: string[] = [];
    for (const bridge of BRIDGES) for (const f of lsFlows(await flows(bridge))) lines.push(`${bridge} cookie=0x${f.cookie.toString(16)} priority=${f.priority} ${f.match} -> ${f.actions}`);
    return lines.sort();
  };
  /** Waits until every bridge has the ACL's drop flows and the learning switch's table-miss flow. */
  const aclInstalled = async (): Promise<void> => {
    for (const bridge of BRIDGES) {
      let last: FlowEntry[] = [];
      await acl!.whileRunning(
        waitFor(
          `the ACL's drop flows and the table-miss flow on ${bridge}`,
          SWITCH_UP_MS,
          async () => {
            last = await flows(bridge);
            return aclFlows(last).length === ACL_FLOWS && (await topo!.tableMiss(bridge)) !== undefined ? true : undefined;
          },
          () => `${show(last)}\nacl-ts:\n${acl!.log}`,
        ),
      );
    }
  };
  /** pingAll's failures of the blocked pair, both directions. */
  const blockedFailures = [`${BLOCKED.from} -> ${BLOCKED.ips[1]}`, `${BLOCKED.to} -> ${BLOCKED.ips[0]}`];
  const onlyBlockedFail = async (): Promise<void> => {
    const failures = await topo!.pingAll();
    assert.deepEqual(failures.map((f) => f.split(':')[0]), blockedFailures, failures.join('\n'));
  };

  it('installs the ACL\'s drop flows, and its delete of "all flows" leaves the learning switch\'s table-miss flow', async () => {
    await aclInstalled();
    for (const bridge of BRIDGES) {
      const drops = aclFlows(await flows(bridge));
      assert.ok(drops.every((f) => f.actions === 'drop' && /^ip,nw_src=10\.0\.0\.[13],nw_dst=10\.0\.0\.[13]$/.test(f.match)), show(drops));
    }
  });

  it('lets every pair of hosts ping, except the blocked pair', async () => {
    await onlyBlockedFail();
  });

  it('shows each app\'s cookie in dump-flows: its app id in the top 16 bits, its own cookie below', async () => {
    for (const bridge of BRIDGES) {
      const all = await flows(bridge);
      const aclIds = new Set(aclFlows(all).map((f) => appIdOf(f.cookie)));
      const lsIds = new Set(lsFlows(all).map((f) => appIdOf(f.cookie)));
      assert.deepEqual([...aclIds], [preferredAppId(ACL_NAME)], show(all));
      assert.deepEqual([...lsIds], [preferredAppId(LS_NAME)], show(all));
      assert.deepEqual(topologyFlows(all).map((f) => appIdOf(f.cookie)), [preferredAppId(TOPOLOGY_NAME)], show(all));
      assert.ok(aclFlows(all).every((f) => ownCookie(f.cookie) === ACL_COOKIE), show(all));
      assert.ok(lsFlows(all).length >= 2, `the table-miss flow and learned flows: ${show(all)}`);
    }
  });

  it('restarting the learning switch does not touch the ACL\'s flows', async () => {
    const before = await Promise.all(BRIDGES.map(async (b) => show(aclFlows(await flows(b)))));
    await ls!.stop?.();
    ls = learningSwitch();
    await rt!.controller.use(ls);
    await onlyBlockedFail();
    const afterRestart = await Promise.all(BRIDGES.map(async (b) => show(aclFlows(await flows(b)))));
    assert.deepEqual(afterRestart.map(withoutCounters), before.map(withoutCounters));
  });

  it('stopping the ACL removes exactly its flows: the learning switch\'s stay, and the blocked pair pings again', async () => {
    const lsBefore = await lsSnapshot();
    const exit = await acl!.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, acl!.log);
    for (const bridge of BRIDGES) assert.deepEqual(aclFlows(await flows(bridge)), [], `${bridge}: ${show(await flows(bridge))}`);
    assert.deepEqual(await lsSnapshot(), lsBefore);
    assert.deepEqual(await topo!.pingAll(), []);
  });
});

/** A show() line without what changes as packets pass. */
function withoutCounters(text: string): string {
  return text.replace(/idle_timeout=\S+/g, '');
}
