import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { buildProject, EXAMPLES } from '../plugins/testing/kits.js';
import { DEFAULT_SERVE_CONFIG } from '../serve/config.js';
import { startRuntime, type RunningRuntime } from '../serve/runtime.js';
import { EventWatcher } from '../testing/event-watcher.js';
import { OvsHarness } from '../testing/ovs/index.js';

// Real end-to-end with no built-in app: the learning switch is a Wasm plugin
// (examples/learning-switch-plugin-ts, then -py, built with their kits) driving
// two userspace Open vSwitch bridges (fail_mode=secure: nothing forwards unless
// the plugin's flows say so) with four hosts in network namespaces. Needs root
// and scripts/install-system-deps.sh.

const HOSTS = [
  { name: 'h1', bridge: 's1', ip: '10.0.0.1' },
  { name: 'h2', bridge: 's1', ip: '10.0.0.2' },
  { name: 'h3', bridge: 's2', ip: '10.0.0.3' },
  { name: 'h4', bridge: 's2', ip: '10.0.0.4' },
];
const DPIDS = { s1: 0x1n, s2: 0x2n };
const SWITCH_UP_MS = 15_000;
const show = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

describe('learning-switch plugins on Open vSwitch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-e2e-plugins-'));
  const built = { ts: '', py: '' };
  let ovs: OvsHarness | undefined;
  let rt: RunningRuntime | undefined;
  let watcher = new EventWatcher();

  /** A runtime with no built-in app whose plugins folder holds only `plugin`. */
  const start = async (plugin: 'ts' | 'py', port: number): Promise<RunningRuntime> => {
    const pluginsDir = join(dir, `plugins-${plugin}`);
    cpSync(built[plugin], join(pluginsDir, 'learning-switch'), { recursive: true });
    watcher = new EventWatcher();
    const runtime = await startRuntime(
      { ...DEFAULT_SERVE_CONFIG, openflowHost: '127.0.0.1', openflowPort: port, httpHost: '127.0.0.1', httpPort: 0, grpcHost: '127.0.0.1', grpcPort: 0, apps: [], dataDir: join(dir, 'data'), pluginsDir, echoIntervalMs: 1000, echoTimeoutMs: 3000 },
      pino({ level: 'warn' }),
    );
    await runtime.controller.use(watcher);
    assert.equal(runtime.plugins.status('learning-switch').state, 'running', 'the plugin found at start is running before switches connect');
    return runtime;
  };
  /**
   * Both switches up and their table-miss flow installed: the plugin answers
   * switch-up in its worker, after the runtime reported the switch up, and a
   * packet sent before the flow is there is dropped (fail_mode=secure).
   */
  const bothUp = async (): Promise<void> => {
    await Promise.all(Object.values(DPIDS).map((dpid) => watcher.waitFor((e) => e.type === 'switchUp' && e.dpid === dpid, SWITCH_UP_MS)));
    const deadline = Date.now() + SWITCH_UP_MS;
    for (const bridge of Object.keys(DPIDS)) {
      // Each look is an ovs-ofctl run (a few ms): that paces the loop.
      for (let flows = await ovs!.dumpFlows(bridge); !flows.some((f) => f.priority === 0 && /CONTROLLER/.test(f.actions)); flows = await ovs!.dumpFlows(bridge)) {
        if (Date.now() > deadline) throw new Error(`no table-miss flow on ${bridge} within ${SWITCH_UP_MS} ms: ${show(flows)}`);
      }
    }
  };
  const pingAll = async (): Promise<string[]> => {
    const failures: string[] = [];
    for (const from of HOSTS) {
      for (const to of HOSTS) {
        if (from === to) continue;
        const result = await ovs!.ping(from.name, to.ip, { count: 3, timeoutSec: 2 });
        if (!result.ok) failures.push(`${from.name} -> ${to.ip}: ${result.output.trim().split('\n').pop() ?? ''}`);
      }
    }
    return failures;
  };
  /** Flows the plugin learned (they match on dl_src), by priority. */
  const learnedFlows = async (bridge: string, priority: number): Promise<string[]> =>
    (await ovs!.dumpFlows(bridge)).filter((f) => f.priority === priority && /dl_src=/.test(f.match)).map((f) => `${f.match} idle_timeout=${f.stats.idle_timeout ?? 'none'} -> ${f.actions}`);
  /** Removes the learned flows (non-strict by source MAC), keeping the table-miss flow: packets reach the controller again. */
  const forgetLearned = async (): Promise<void> => {
    for (const bridge of Object.keys(DPIDS)) for (const h of HOSTS) await ovs!.delFlows(bridge, `dl_src=00:00:00:00:00:0${h.name[1]}`);
  };

  before(async () => {
    [built.ts, built.py] = (await Promise.all([buildProject(EXAMPLES.ts, 'ts'), buildProject(EXAMPLES.py, 'py')])).map((b) => b.folder) as [string, string];
    rt = await start('ts', 0);
    ovs = await OvsHarness.start();
    for (const [bridge, dpid] of Object.entries(DPIDS)) {
      await ovs.addBridge(bridge, { dpid: dpid.toString(16).padStart(16, '0'), controller: `tcp:127.0.0.1:${rt.openflowPort}`, maxBackoffMs: 1000 });
    }
    await ovs.linkBridges('s1', 's2');
    for (const h of HOSTS) await ovs.addHost(h.name, { bridge: h.bridge, ip: `${h.ip}/24`, mac: `00:00:00:00:00:0${h.name[1]}` });
    await bothUp();
  });
  after(async () => {
    await ovs?.stop();
    await rt?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('TypeScript plugin: every host pings every other, through the flows it installed', async () => {
    assert.deepEqual(await pingAll(), []);
    const miss = (await ovs!.dumpFlows('s1')).find((f) => f.priority === 0);
    assert.ok(miss !== undefined && /CONTROLLER:65535/.test(miss.actions), `no table-miss flow on s1: ${show(await ovs!.dumpFlows('s1'))}`);
    const learned = await learnedFlows('s1', 1);
    assert.ok(learned.length >= 2 && learned.every((f) => /in_port=\d+/.test(f) && /dl_dst=/.test(f) && /idle_timeout=60/.test(f)), show(learned));
  });

  it('TypeScript plugin: a new version swapped in while pings flow keeps them flowing', async (t) => {
    // Version 2 installs its flows at priority 2, so the flows it makes are told apart.
    const v2 = join(dir, 'learning-switch-v2');
    cpSync(built.ts, v2, { recursive: true });
    writeFileSync(
      join(v2, 'plugin.json'),
      JSON.stringify({ name: 'learning-switch', version: '2.0.0', component: 'plugin.wasm', capabilities: ['openflow'], subscriptions: { kinds: ['switch-up', 'switch-down', 'packet-in'] }, config: { idleTimeout: 60, priority: 2 } }),
    );
    const pinging = ovs!.ping('h1', '10.0.0.4', { count: 30, timeoutSec: 2 });
    const swapStarted = performance.now();
    const status = await rt!.plugins.load(v2);
    t.diagnostic(`swap while pinging: ${(performance.now() - swapStarted).toFixed(0)} ms`);
    assert.deepEqual([status.version, status.state], ['2.0.0', 'running']);
    // The learned flows go: the next packets reach the new version, which learns again.
    await forgetLearned();
    const result = await pinging;
    assert.ok(result.ok, `pings lost across the swap: ${result.output}`);
    const relearned = [...(await learnedFlows('s1', 2)), ...(await learnedFlows('s2', 2))];
    assert.ok(relearned.some((f) => /dl_src=00:00:00:00:00:01/.test(f)) && relearned.some((f) => /dl_src=00:00:00:00:00:04/.test(f)), `version 2 installed no flows for h1 <-> h4: ${show(relearned)}`);
    assert.deepEqual(await pingAll(), []);
  });

  it('Python plugin: after a runtime restart with it instead, every host pings every other', async () => {
    const port = rt!.openflowPort;
    await rt!.stop();
    rt = undefined;
    // Switches keep their flows while the controller is away (fail_mode=secure): clear them so only the Python plugin's count.
    for (const bridge of Object.keys(DPIDS)) await ovs!.delFlows(bridge);
    rt = await start('py', port);
    await bothUp();
    assert.deepEqual(await pingAll(), []);
    const miss = (await ovs!.dumpFlows('s2')).find((f) => f.priority === 0);
    assert.ok(miss !== undefined && /CONTROLLER:65535/.test(miss.actions), `no table-miss flow on s2: ${show(await ovs!.dumpFlows('s2'))}`);
    assert.ok((await learnedFlows('s2', 1)).length >= 2, show(await ovs!.dumpFlows('s2')));
  });
});
