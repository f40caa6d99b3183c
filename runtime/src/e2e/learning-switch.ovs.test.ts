import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_SERVE_CONFIG, type ServeConfig } from '../serve/config.js';
import { startRuntime, type RunningRuntime } from '../serve/runtime.js';
import { EventWatcher } from '../testing/event-watcher.js';
import { DPIDS, describeFlow, show, SWITCH_UP_MS, Topology } from './topology.js';

// Real end-to-end: the runtime's built-in learning switch drives the shared
// Open vSwitch topology (topology.ts: two bridges, fail_mode=secure, four hosts).

describe('learning switch on Open vSwitch', () => {
  let topo: Topology | undefined;
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

  before(async () => {
    rt = await start(0);
    openflowPort = rt.openflowPort;
    topo = await Topology.start(openflowPort);
    await topo.switchesUp(watcher);
    await topo.tableMissInstalled();
  });
  after(async () => {
    await topo?.stop();
    await rt?.stop();
  });

  it('lets every host ping every other host', async () => {
    assert.deepEqual(await topo!.pingAll(), []);
  });

  it('shows the table-miss flow and the learned flows in dump-flows', async () => {
    const miss = await topo!.tableMiss('s1');
    assert.ok(miss, `no table-miss flow in ${show(await topo!.ovs.dumpFlows('s1'))}`);
    assert.match(miss.actions, /CONTROLLER:65535/);
    const learned = await topo!.learnedFlows('s1', 1);
    assert.ok(learned.length >= 2, `expected learned flows, got ${show(await topo!.ovs.dumpFlows('s1'))}`);
    assert.ok(learned.every((f) => /in_port=\d+/.test(f.match) && /dl_src=00:00:00:00:00:0\d/.test(f.match) && /dl_dst=/.test(f.match)), learned.map(describeFlow).join('\n'));
  });

  it('recovers when ovs-vswitchd is killed and restarted', async () => {
    const since = watcher.events.length;
    await topo!.ovs.killSwitchDaemon();
    await Promise.all(Object.values(DPIDS).map((dpid) => watcher.waitFor((e) => e.type === 'switchDown' && e.dpid === dpid, SWITCH_UP_MS, since)));
    await topo!.ovs.restartSwitchDaemon();
    await topo!.switchesUp(watcher, since);
    await topo!.tableMissInstalled();
    assert.deepEqual(await topo!.pingAll(), []);
  });

  it('recovers when the runtime restarts', async () => {
    await rt!.stop();
    rt = await start(openflowPort);
    await topo!.switchesUp(watcher);
    assert.deepEqual(await topo!.pingAll(), []);
  });

  it('declares switches that stop answering echo dead within the echo timeout', async () => {
    const pid = topo!.ovs.switchPid;
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
    await topo!.switchesUp(watcher, since);
  });
});
