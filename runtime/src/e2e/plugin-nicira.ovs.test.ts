import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { formatDpid } from '../openflow/index.js';
import { buildGuest, writePlugin } from '../plugins/testing/guests.js';
import { DEFAULT_SERVE_CONFIG } from '../serve/config.js';
import { type RunningRuntime, startRuntime } from '../serve/runtime.js';
import { EventWatcher } from '../testing/event-watcher.js';
import { OvsHarness } from '../testing/ovs/index.js';
import { SWITCH_UP_MS } from './topology.js';

// A plugin of world sdn:plugin@0.2.0 returns a flow-mod with Nicira actions
// (runtime/src/plugins/testing/guests/topology.js: ct(commit, zone 5, nat) and
// resubmit) and Open vSwitch installs exactly those actions.

const DPID = 0x6n;
const FLOW_MS = 30_000;

describe('a plugin\'s Nicira actions on Open vSwitch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdn-e2e-plugin-nicira-'));
  let ovs: OvsHarness | undefined;
  let rt: RunningRuntime | undefined;
  const watcher = new EventWatcher();

  before(async () => {
    rt = await startRuntime(
      { ...DEFAULT_SERVE_CONFIG, openflowHost: '127.0.0.1', openflowPort: 0, httpHost: '127.0.0.1', httpPort: 0, grpcHost: '127.0.0.1', grpcPort: 0, apps: [], topology: false, dataDir: join(dir, 'data'), pluginsDir: join(dir, 'plugins'), pluginLoadDirs: [dir] },
      pino({ level: 'warn' }),
    );
    await rt.controller.use(watcher);
    ovs = await OvsHarness.start();
    await ovs.addBridge('s1', { dpid: formatDpid(DPID), controller: `tcp:127.0.0.1:${rt.openflowPort}`, maxBackoffMs: 1000 });
    await watcher.waitFor((e) => e.type === 'switchUp' && e.dpid === DPID, SWITCH_UP_MS);
  });
  after(async () => {
    await ovs?.stop();
    await rt?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs ct(commit, zone=5, nat) and resubmit from the flow-mod the plugin returned', async () => {
    const folder = writePlugin(join(dir, 'nicira-guest'), { name: 'nicira-guest', version: '1.0.0', capabilities: ['openflow'], subscriptions: { kinds: ['switch-up'] } }, await buildGuest('topology'));
    await rt!.plugins.load(folder);
    // Polled, bounded: the flow-mod is on its way from the plugin's worker through the connection.
    let actions = '';
    const deadline = Date.now() + FLOW_MS;
    while (Date.now() < deadline) {
      const flow = (await ovs!.dumpFlows('s1')).find((f) => f.priority === 10);
      if (flow !== undefined) {
        actions = flow.actions;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match(actions, /^ct\(commit,zone=5,nat\(src=10\.0\.0\.9:1024\)\),resubmit\(,1\)$/, `ovs-ofctl: ${actions || 'no flow of priority 10'}; plugin: ${JSON.stringify(rt!.plugins.status('nicira-guest'))}; flows: ${JSON.stringify((await ovs!.dumpFlows('s1')).map((f) => [f.priority, f.match, f.actions]))}`);
  });
});
