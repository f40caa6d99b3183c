import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_SERVE_CONFIG } from '../serve/config.js';
import { startRuntime, type RunningRuntime } from '../serve/runtime.js';
import { EventWatcher } from '../testing/event-watcher.js';
import { ClientProcess } from './client-process.js';
import { BRIDGES, describeFlow, HOSTS, show, Topology } from './topology.js';

// Real end-to-end for the external apps: a runtime with no built-in app and no
// plugin, the shared Open vSwitch topology (topology.ts: two bridges,
// fail_mode=secure, four hosts), and the learning switch as a separate process
// talking gRPC, run as a user runs it: examples/learning-switch-ts through its
// CLI, then examples/learning-switch-py as a script with the SDK's venv. Each
// client gets its own idle timeout, so the learned flows show whose they are.
// Once with the bridges on OpenFlow 1.3, once on 1.0: the clients see the same
// 1.3 model either way, and the session maps their commands to the bridge's version.

const VERSIONS = [
  { name: 'OpenFlow 1.3', protocols: ['OpenFlow13'], openflowVersions: [0x04] },
  { name: 'OpenFlow 1.0', protocols: ['OpenFlow10'], openflowVersions: [0x01, 0x04] },
] as const;

for (const version of VERSIONS) describe(`learning-switch clients (TypeScript, Python) over gRPC on Open vSwitch, ${version.name}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-e2e-clients-'));
  const watcher = new EventWatcher();
  const running = new Set<ClientProcess>();
  let topo: Topology | undefined;
  let rt: RunningRuntime | undefined;

  before(async () => {
    rt = await startRuntime(
      { ...DEFAULT_SERVE_CONFIG, openflowVersions: version.openflowVersions, openflowHost: '127.0.0.1', openflowPort: 0, httpHost: '127.0.0.1', httpPort: 0, grpcHost: '127.0.0.1', grpcPort: 0, apps: [], dataDir: join(dir, 'data'), pluginsDir: join(dir, 'plugins'), echoIntervalMs: 1000, echoTimeoutMs: 3000 },
      pino({ level: 'warn' }),
    );
    await rt.controller.use(watcher);
    topo = await Topology.start(rt.openflowPort, version.protocols);
    await topo.switchesUp(watcher);
    assert.deepEqual(
      rt.switches.list().map((s) => s.version),
      BRIDGES.map(() => version.openflowVersions[0]),
      `the bridges negotiated another version than ${version.name}`,
    );
  });
  after(async () => {
    for (const client of running) await client.stop();
    await topo?.stop();
    await rt?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Both bridges hold the table-miss flow and, for every host's MAC, a flow the client learned with its idle timeout. */
  const assertFlowsOf = async (client: ClientProcess, idleTimeoutSec: number): Promise<void> => {
    for (const bridge of BRIDGES) {
      const miss = await topo!.tableMiss(bridge);
      assert.ok(miss !== undefined && /CONTROLLER:65535/.test(miss.actions), `no table-miss flow on ${bridge}: ${show(await topo!.ovs.dumpFlows(bridge))}`);
      const learned = await topo!.learnedFlows(bridge, 1);
      const lines = learned.map(describeFlow).join('\n');
      assert.ok(
        learned.every((f) => /in_port=\d+/.test(f.match) && /dl_dst=/.test(f.match) && f.stats.idle_timeout === String(idleTimeoutSec) && /^output:\d+$/.test(f.actions)),
        `${bridge} holds learned flows ${client.name} did not install (idle_timeout ${idleTimeoutSec}):\n${lines}`,
      );
      const sources = HOSTS.filter((h) => !learned.some((f) => f.match.includes(`dl_src=${h.mac}`)));
      assert.deepEqual(sources.map((h) => h.name), [], `${bridge} has no learned flow from these hosts:\n${lines}`);
    }
  };

  /**
   * The scenario each client must pass: started after both switches are up (it
   * gets them as snapshot switch-ups), it installs the table-miss flow on each and every host
   * pings every other; when ovs-vswitchd restarts (flows lost), it hears the
   * switches come up again and the hosts ping again. Then it stops cleanly on
   * SIGINT and the flow tables are emptied for the next client.
   */
  const prove = async (t: TestContext, client: ClientProcess, idleTimeoutSec: number): Promise<void> => {
    running.add(client);
    const started = performance.now();
    await client.whileRunning(topo!.tableMissInstalled());
    t.diagnostic(`${client.name}: table-miss flows on both switches ${(performance.now() - started).toFixed(0)} ms after start`);
    assert.deepEqual(await client.whileRunning(topo!.pingAll()), [], client.log);
    await assertFlowsOf(client, idleTimeoutSec);

    const since = watcher.events.length;
    await topo!.ovs.restartSwitchDaemon();
    await topo!.switchesUp(watcher, since);
    await client.whileRunning(topo!.tableMissInstalled());
    assert.deepEqual(await client.whileRunning(topo!.pingAll()), [], client.log);
    await assertFlowsOf(client, idleTimeoutSec);

    const exit = await client.stop();
    running.delete(client);
    assert.deepEqual(exit, { code: 0, signal: null }, `${client.name} did not exit cleanly on SIGINT:\n${client.log}`);
    await topo!.clearFlows();
    for (const bridge of BRIDGES) assert.deepEqual(await topo!.ovs.dumpFlows(bridge), [], `flows left on ${bridge}`);
  };

  it('TypeScript client (node examples/learning-switch-ts/dist/main.js): every host pings every other through its flows', async (t) => {
    await prove(t, ClientProcess.typescriptLearningSwitch(`127.0.0.1:${rt!.grpcPort}`, 45), 45);
  });

  it('Python client (examples/learning-switch-py/learning_switch.py): every host pings every other through its flows', async (t) => {
    await prove(t, ClientProcess.pythonLearningSwitch(`127.0.0.1:${rt!.grpcPort}`, 50), 50);
  });
});
