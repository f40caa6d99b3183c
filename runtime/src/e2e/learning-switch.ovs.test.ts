import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_SERVE_CONFIG, type ServeConfig } from '../serve/config.js';
import { startRuntime, type RunningRuntime } from '../serve/runtime.js';
import { EventWatcher } from '../testing/event-watcher.js';
import { OvsHarness } from '../testing/ovs/index.js';

// Real end-to-end: the runtime's learning switch drives two userspace Open vSwitch
// bridges (fail_mode=secure, so nothing forwards unless our flows say so) with
// four hosts in network namespaces. Needs root and scripts/install-system-deps.sh.

const HOSTS = [
  { name: 'h1', bridge: 's1', ip: '10.0.0.1' },
  { name: 'h2', bridge: 's1', ip: '10.0.0.2' },
  { name: 'h3', bridge: 's2', ip: '10.0.0.3' },
  { name: 'h4', bridge: 's2', ip: '10.0.0.4' },
];
const DPIDS = { s1: 0x1n, s2: 0x2n };
const SWITCH_UP_MS = 15_000;

describe('learning switch on Open vSwitch', () => {
  let ovs: OvsHarness | undefined;
  let rt: RunningRuntime | undefined;
  let watcher = new EventWatcher();
  let openflowPort = 0;
  const config = (port: number): ServeConfig => ({
    ...DEFAULT_SERVE_CONFIG,
    openflowHost: '127.0.0.1',
    openflowPort: port,
    httpHost: '127.0.0.1',
    httpPort: 0,
    grpcHost: '127.0.0.1',
    grpcPort: 0,
    apps: ['learning-switch'],
    dataDir: `/tmp/sdn-runtime-e2e-${process.pid}`,
    echoIntervalMs: 1000,
    echoTimeoutMs: 3000,
  });
  const start = async (port: number): Promise<RunningRuntime> => {
    watcher = new EventWatcher();
    const runtime = await startRuntime(config(port), pino({ level: 'warn' }));
    await runtime.controller.use(watcher);
    return runtime;
  };
  const bothUp = (since = 0): Promise<unknown> =>
    Promise.all(Object.values(DPIDS).map((dpid) => watcher.waitFor((e) => e.type === 'switchUp' && e.dpid === dpid, SWITCH_UP_MS, since)));
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

  before(async () => {
    rt = await start(0);
    openflowPort = rt.openflowPort;
    ovs = await OvsHarness.start();
    for (const [bridge, dpid] of Object.entries(DPIDS)) {
      await ovs.addBridge(bridge, { dpid: dpid.toString(16).padStart(16, '0'), controller: `tcp:127.0.0.1:${openflowPort}`, maxBackoffMs: 1000 });
    }
    await ovs.linkBridges('s1', 's2');
    for (const h of HOSTS) await ovs.addHost(h.name, { bridge: h.bridge, ip: `${h.ip}/24`, mac: `00:00:00:00:00:0${h.name[1]}` });
    await bothUp();
  });
  after(async () => {
    await ovs?.stop();
    await rt?.stop();
  });

  it('lets every host ping every other host', async () => {
    assert.deepEqual(await pingAll(), []);
  });

  it('shows the table-miss flow and the learned flows in dump-flows', async () => {
    const flows = await ovs!.dumpFlows('s1');
    const miss = flows.find((f) => f.priority === 0);
    const show = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    assert.ok(miss, `no table-miss flow in ${show(flows)}`);
    assert.match(miss.actions, /CONTROLLER:65535/);
    const learned = flows.filter((f) => f.priority === 1);
    assert.ok(learned.length >= 2, `expected learned flows, got ${show(flows)}`);
    assert.ok(learned.every((f) => /in_port=\d+/.test(f.match) && /dl_src=00:00:00:00:00:0\d/.test(f.match) && /dl_dst=/.test(f.match)), show(learned));
  });

  it('recovers when ovs-vswitchd is killed and restarted', async () => {
    const since = watcher.events.length;
    await ovs!.killSwitchDaemon();
    await Promise.all(Object.values(DPIDS).map((dpid) => watcher.waitFor((e) => e.type === 'switchDown' && e.dpid === dpid, SWITCH_UP_MS, since)));
    await ovs!.restartSwitchDaemon();
    await bothUp(since);
    assert.deepEqual(await pingAll(), []);
  });

  it('recovers when the runtime restarts', async () => {
    await rt!.stop();
    rt = await start(openflowPort);
    await bothUp();
    assert.deepEqual(await pingAll(), []);
  });

  it('declares switches that stop answering echo dead within the echo timeout', async () => {
    const pid = ovs!.switchPid;
    assert.ok(pid !== undefined);
    const since = watcher.events.length;
    const stoppedAt = performance.now();
    process.kill(pid, 'SIGSTOP');
    try {
      // Both bridges live in the stopped ovs-vswitchd: both must be declared dead.
      for (const dpid of Object.values(DPIDS)) {
        const down = await watcher.waitFor((e) => e.type === 'switchDown' && e.dpid === dpid, 10_000, since);
        assert.equal(down.type === 'switchDown' && down.reason, 'echoTimeout');
      }
      // The timeout is 3 s of silence; the tick adds at most 250 ms, a busy machine more.
      assert.ok(performance.now() - stoppedAt < 3000 + 2000, 'declared dead later than the configured timeout allows');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await bothUp(since);
  });
});
