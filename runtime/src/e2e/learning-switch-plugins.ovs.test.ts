import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { buildProject, EXAMPLES, type KitLanguage } from '../plugins/testing/kits.js';
import { DEFAULT_SERVE_CONFIG } from '../serve/config.js';
import { startRuntime, type RunningRuntime } from '../serve/runtime.js';
import { EventWatcher } from '../testing/event-watcher.js';
import { describeFlow, show, Topology } from './topology.js';

// Real end-to-end with no built-in app: the learning switch is a Wasm plugin
// (examples/learning-switch-plugin-ts, then -py, then -rs, built with their kits) driving
// the shared Open vSwitch topology (topology.ts: two bridges, fail_mode=secure,
// four hosts).

describe('learning-switch plugins on Open vSwitch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-e2e-plugins-'));
  const built = { ts: '', py: '', rs: '' };
  let topo: Topology | undefined;
  let rt: RunningRuntime | undefined;
  let watcher = new EventWatcher();

  /** A runtime with no built-in app whose plugins folder holds only `plugin`. */
  const start = async (plugin: KitLanguage, port: number): Promise<RunningRuntime> => {
    const pluginsDir = join(dir, `plugins-${plugin}`);
    cpSync(built[plugin], join(pluginsDir, 'learning-switch'), { recursive: true });
    watcher = new EventWatcher();
    const runtime = await startRuntime(
      { ...DEFAULT_SERVE_CONFIG, openflowHost: '127.0.0.1', openflowPort: port, httpHost: '127.0.0.1', httpPort: 0, grpcHost: '127.0.0.1', grpcPort: 0, apps: [], dataDir: join(dir, 'data'), pluginsDir, pluginLoadDirs: [dir], echoIntervalMs: 1000, echoTimeoutMs: 3000 },
      pino({ level: 'warn' }),
    );
    await runtime.controller.use(watcher);
    assert.equal(runtime.plugins.status('learning-switch').state, 'running', 'the plugin found at start is running before switches connect');
    return runtime;
  };
  /** Both switches up and the plugin's table-miss flow on each (it answers switch-up in its worker, after the runtime's event). */
  const bothUp = async (): Promise<void> => {
    await topo!.switchesUp(watcher);
    await topo!.tableMissInstalled();
  };
  /** The plugin's learned flows on `bridge` at `priority`, one line each. */
  const learnedFlows = async (bridge: 's1' | 's2', priority: number): Promise<string[]> => (await topo!.learnedFlows(bridge, priority)).map(describeFlow);
  /** The running runtime stopped, the flows cleared, and a new one started with `plugin` on the same port. */
  const restartWith = async (plugin: KitLanguage): Promise<void> => {
    const port = rt!.openflowPort;
    await rt!.stop();
    rt = undefined;
    await topo!.clearFlows();
    rt = await start(plugin, port);
    await bothUp();
  };
  /**
   * Version 2 of `plugin` (its flows at priority 2, so they are told apart) is
   * swapped in while h1 pings h4 and the learned flows are removed: the ping
   * must lose nothing (an event lost across the swap loses a packet, one
   * doubled shows as a DUP! reply), and version 2 learns h1 <-> h4 again.
   */
  const swapWhilePinging = async (plugin: KitLanguage, t: TestContext): Promise<void> => {
    const v2 = join(dir, `learning-switch-v2-${plugin}`);
    cpSync(built[plugin], v2, { recursive: true });
    writeFileSync(
      join(v2, 'plugin.json'),
      JSON.stringify({ name: 'learning-switch', version: '2.0.0', component: 'plugin.wasm', capabilities: ['openflow'], subscriptions: { kinds: ['switch-up', 'switch-down', 'packet-in'] }, config: { idleTimeout: 60, priority: 2 } }),
    );
    const pinging = topo!.ovs.ping('h1', '10.0.0.4', { count: 30, timeoutSec: 2 });
    const swapStarted = performance.now();
    const status = await rt!.plugins.load(v2);
    t.diagnostic(`swap while pinging: ${(performance.now() - swapStarted).toFixed(0)} ms`);
    assert.deepEqual([status.version, status.state], ['2.0.0', 'running']);
    // The learned flows go: the next packets reach the new version, which learns again.
    await topo!.forgetLearned();
    const result = await pinging;
    assert.ok(result.ok, `pings lost across the swap: ${result.output}`);
    assert.doesNotMatch(result.output, /DUP!/, `packets doubled across the swap: ${result.output}`);
    const relearned = [...(await learnedFlows('s1', 2)), ...(await learnedFlows('s2', 2))];
    assert.ok(relearned.some((f) => /dl_src=00:00:00:00:00:01/.test(f)) && relearned.some((f) => /dl_src=00:00:00:00:00:04/.test(f)), `version 2 installed no flows for h1 <-> h4: ${show(relearned)}`);
    assert.deepEqual(await topo!.pingAll(), []);
  };

  before(async () => {
    [built.ts, built.py, built.rs] = (await Promise.all([buildProject(EXAMPLES.ts, 'ts'), buildProject(EXAMPLES.py, 'py'), buildProject(EXAMPLES.rs, 'rs')])).map((b) => b.folder) as [string, string, string];
    rt = await start('ts', 0);
    topo = await Topology.start(rt.openflowPort);
    await bothUp();
  });
  after(async () => {
    await topo?.stop();
    await rt?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('TypeScript plugin: every host pings every other, through the flows it installed', async () => {
    assert.deepEqual(await topo!.pingAll(), []);
    const miss = await topo!.tableMiss('s1');
    assert.ok(miss !== undefined && /CONTROLLER:65535/.test(miss.actions), `no table-miss flow on s1: ${show(await topo!.ovs.dumpFlows('s1'))}`);
    const learned = await learnedFlows('s1', 1);
    assert.ok(learned.length >= 2 && learned.every((f) => /in_port=\d+/.test(f) && /dl_dst=/.test(f) && /idle_timeout=60/.test(f)), show(learned));
  });

  it('TypeScript plugin: a new version swapped in while pings flow keeps them flowing', async (t) => {
    await swapWhilePinging('ts', t);
  });

  it('Python plugin: after a runtime restart with it instead, every host pings every other', async () => {
    await restartWith('py');
    assert.deepEqual(await topo!.pingAll(), []);
    const miss = await topo!.tableMiss('s2');
    assert.ok(miss !== undefined && /CONTROLLER:65535/.test(miss.actions), `no table-miss flow on s2: ${show(await topo!.ovs.dumpFlows('s2'))}`);
    assert.ok((await learnedFlows('s2', 1)).length >= 2, show(await topo!.ovs.dumpFlows('s2')));
  });

  it('Rust plugin: after a runtime restart with it instead, every host pings every other, through the flows it installed', async () => {
    await restartWith('rs');
    assert.deepEqual(await topo!.pingAll(), []);
    const miss = await topo!.tableMiss('s1');
    assert.ok(miss !== undefined && /CONTROLLER:65535/.test(miss.actions), `no table-miss flow on s1: ${show(await topo!.ovs.dumpFlows('s1'))}`);
    const learned = [...(await learnedFlows('s1', 1)), ...(await learnedFlows('s2', 1))];
    assert.ok(learned.length >= 4 && learned.every((f) => /in_port=\d+/.test(f) && /dl_dst=/.test(f) && /dl_src=/.test(f) && /idle_timeout=60/.test(f)), show(learned));
  });

  it('Rust plugin: a new version swapped in while pings flow keeps them flowing', async (t) => {
    await swapWhilePinging('rs', t);
  });
});
