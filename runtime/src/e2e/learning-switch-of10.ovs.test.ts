import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { OFPG_ANY, OFPP_ANY, OFPTT_ALL } from '../openflow/index.js';
import { DEFAULT_SERVE_CONFIG } from '../serve/config.js';
import { startRuntime, type RunningRuntime } from '../serve/runtime.js';
import { EventWatcher } from '../testing/event-watcher.js';
import { describeFlow, DPIDS, show, Topology } from './topology.js';

// Real end-to-end on OpenFlow 1.0: the shared topology (topology.ts) with both
// bridges set to protocols=OpenFlow10, driven by the built-in learning switch,
// which builds 1.3 values that the session maps to 1.0 flow-mods.

describe('learning switch on Open vSwitch speaking OpenFlow 1.0', () => {
  let topo: Topology | undefined;
  let rt: RunningRuntime | undefined;
  const watcher = new EventWatcher();

  before(async () => {
    rt = await startRuntime(
      {
        ...DEFAULT_SERVE_CONFIG,
        openflowHost: '127.0.0.1',
        openflowPort: 0,
        openflowVersions: [0x01, 0x04],
        httpHost: '127.0.0.1',
        httpPort: 0,
        grpcHost: '127.0.0.1',
        grpcPort: 0,
        apps: ['learning-switch'],
        dataDir: `/tmp/sdn-runtime-e2e-of10-${process.pid}`,
      },
      pino({ level: 'warn' }),
    );
    await rt.controller.use(watcher);
    topo = await Topology.start(rt.openflowPort, ['OpenFlow10']);
    await topo.switchesUp(watcher);
    await topo.tableMissInstalled();
  });
  after(async () => {
    await topo?.stop();
    await rt?.stop();
  });

  it('negotiates OpenFlow 1.0 with both bridges and reads their ports from FEATURES_REPLY', () => {
    const switches = rt!.switches.list();
    assert.deepEqual(switches.map((s) => s.version), [1, 1]);
    for (const s of switches) assert.ok(s.ports.size >= 3, `ports of ${s.dpid}: ${show([...s.ports.values()])}`);
  });

  it('lets every host ping every other host', async () => {
    assert.deepEqual(await topo!.pingAll(), []);
  });

  it('installed 1.0 flows: table-miss to the controller, learned in_port/dl_src/dl_dst -> output', async () => {
    const miss = await topo!.tableMiss('s1');
    assert.ok(miss, `no table-miss flow in ${show(await topo!.ovs.dumpFlows('s1'))}`);
    assert.match(miss.actions, /CONTROLLER:65535/);
    const learned = await topo!.learnedFlows('s1', 1);
    assert.ok(learned.length >= 2, `expected learned flows, got ${show(await topo!.ovs.dumpFlows('s1'))}`);
    assert.ok(learned.every((f) => /in_port=\d+/.test(f.match) && /dl_dst=/.test(f.match) && /^output:\d+$/.test(f.actions)), learned.map(describeFlow).join('\n'));
  });

  it('answers a 1.3-model flow stats request (what Switches.DumpFlows asks) with the learned flows in the 1.3 model', async () => {
    const handle = rt!.switches.lookup(DPIDS.s1);
    assert.ok(handle);
    const body = { type: 'flow' as const, tableId: OFPTT_ALL, outPort: OFPP_ANY, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match: [] };
    const parts = await handle.request({ type: 'MultipartRequest', flags: 0, body });
    const stats = parts.flatMap((m) => (m.type === 'MultipartReply' && m.body.type === 'flow' ? m.body.stats : []));
    const learned = stats.filter((s) => s.priority === 1);
    assert.ok(learned.length >= 2, show(parts));
    for (const s of learned) {
      assert.deepEqual(s.match.map((f) => f.field), ['in_port', 'eth_dst', 'eth_src'], show(s));
      assert.deepEqual(s.instructions.map((i) => i.type === 'applyActions' && i.actions.map((a) => a.type)), [['output']], show(s));
    }
  });
});
