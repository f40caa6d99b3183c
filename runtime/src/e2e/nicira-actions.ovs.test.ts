import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Command } from '../core/index.js';
import { type Action, formatDpid, type Instruction, OFPG_ANY, OFPP_ANY, OFPTT_ALL, type OfpMessage } from '../openflow/index.js';
import { DEFAULT_SERVE_CONFIG } from '../serve/config.js';
import { type RunningRuntime, startRuntime } from '../serve/runtime.js';
import { EventWatcher } from '../testing/event-watcher.js';
import { OvsHarness } from '../testing/ovs/index.js';
import { show, SWITCH_UP_MS } from './topology.js';

// Real end-to-end: flows with Nicira actions go to Open vSwitch and come back in
// flow stats decoded to the same typed values; ovs-ofctl shows the actions it
// understood. One bridge, no hosts: this is about the codec against OVS.

const DPID = 0x5n;

/** Actions Open vSwitch keeps as they were sent in OpenFlow 1.3, one flow each (cookie = index + 1). */
const ACTIONS: readonly (readonly [Action[], RegExp])[] = [
  [[{ type: 'nxResubmitTable', inPort: 0xfff8, tableId: 3 }], /resubmit\(,3\)/],
  [[{ type: 'nxCtClear' }], /ct_clear/],
  [
    [
      {
        type: 'nxCt', flags: 1, zoneSrc: '', zoneOfsNbits: 7, recircTable: 255, alg: 0,
        actions: [{ type: 'nxNat', flags: 1, rangeIpv4Min: '10.1.12.0', rangeIpv4Max: '10.1.13.255', rangeProtoMin: 1, rangeProtoMax: 1023 }],
      },
    ],
    /ct\(commit,zone=7,nat\(src=10\.1\.12\.0-10\.1\.13\.255:1-1023\)\)/,
  ],
  [[{ type: 'nxCt', flags: 0, zoneSrc: 'reg0', zoneOfsNbits: 15, recircTable: 4, alg: 0, actions: [] }], /ct\(table=4,zone=NXM_NX_REG0\[0\.\.15\]\)/],
  [[{ type: 'nxRegMove', nBits: 6, srcOfs: 10, dstOfs: 0, srcField: 'reg0', dstField: 'reg1' }], /move:NXM_NX_REG0\[10\.\.15\]->NXM_NX_REG1\[0\.\.5\]/],
  [[{ type: 'nxNote', note: Buffer.from('040506070000', 'hex') }], /note:04\.05\.06\.07/],
  [
    [
      {
        type: 'nxLearn', idleTimeout: 0, hardTimeout: 300, priority: 1, cookie: 0n, flags: 0, tableId: 99, finIdleTimeout: 0, finHardTimeout: 0,
        specs: [
          { type: 'match', src: { field: 'eth_src_nxm', ofs: 0 }, dst: { field: 'eth_dst_nxm', ofs: 0 }, nBits: 48 },
          { type: 'output', src: { field: 'in_port_nxm', ofs: 0 }, nBits: 16 },
        ],
      },
    ],
    /learn\(table=99,hard_timeout=300,priority=1,NXM_OF_ETH_DST\[\]=NXM_OF_ETH_SRC\[\],output:NXM_OF_IN_PORT\[\]\)/,
  ],
  [[{ type: 'nxDecTtlCntIds', cntIds: [1, 2, 3] }], /dec_ttl\(1,2,3\)/],
  [[{ type: 'nxFinTimeout', finIdleTimeout: 30, finHardTimeout: 60 }], /fin_timeout\(idle_timeout=30,hard_timeout=60\)/],
  [[{ type: 'nxSample', probability: 3, collectorSetId: 1, obsDomainId: 2, obsPointId: 3 }], /sample\(probability=3,collector_set_id=1,obs_domain_id=2,obs_point_id=3\)/],
  [[{ type: 'nxConjunction', clause: 0, nClauses: 2, id: 11 }], /conjunction\(11,1\/2\)/],
];

function flowMod(cookie: bigint, actions: Action[]): Command {
  return {
    type: 'FlowMod', cookie, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 100 + Number(cookie),
    bufferId: 0xffffffff, outPort: OFPP_ANY, outGroup: OFPG_ANY, flags: 0,
    // Each flow its own match, so none replaces another; TCP over IPv4 meets every action's prerequisites (fin_timeout's is TCP).
    match: [{ field: 'eth_type', value: 0x0800 }, { field: 'ip_proto', value: 6 }, { field: 'ip_dscp', value: Number(cookie) }],
    instructions: [{ type: 'applyActions', actions }],
  } as Command;
}

describe('Nicira actions on Open vSwitch', () => {
  let ovs: OvsHarness | undefined;
  let rt: RunningRuntime | undefined;
  const watcher = new EventWatcher();

  before(async () => {
    rt = await startRuntime(
      { ...DEFAULT_SERVE_CONFIG, openflowHost: '127.0.0.1', openflowPort: 0, httpHost: '127.0.0.1', httpPort: 0, grpcHost: '127.0.0.1', grpcPort: 0, apps: [], dataDir: `/tmp/sdn-runtime-e2e-nx-${process.pid}` },
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
  });

  it('installs each flow, reads it back as the same typed actions, and ovs-ofctl shows them', async () => {
    const sw = rt!.switches.lookup(DPID)!;
    for (const [i, [actions]] of ACTIONS.entries()) {
      await sw.sendConfirmed(flowMod(BigInt(i + 1), actions)).catch((err: unknown) => assert.fail(`OVS refused ${show(actions)}: ${String(err)}`));
    }
    const parts = await sw.request({
      type: 'MultipartRequest', flags: 0,
      body: { type: 'flow', tableId: OFPTT_ALL, outPort: OFPP_ANY, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match: [] },
    } as Command);
    const stats = parts.flatMap((m: OfpMessage) => (m.type === 'MultipartReply' && m.body.type === 'flow' ? m.body.stats : []));
    const dump = await ovs!.dumpFlows('s1');
    for (const [i, [actions, text]] of ACTIONS.entries()) {
      const cookie = BigInt(i + 1);
      const flow = stats.find((f) => f.cookie === cookie);
      assert.ok(flow !== undefined, `flow ${cookie} (${show(actions)}) is not in the switch's flow stats`);
      assert.deepEqual(flow.instructions, [{ type: 'applyActions', actions }] satisfies Instruction[], `flow ${cookie}`);
      const line = dump.find((f) => f.cookie === cookie);
      assert.match(line?.actions ?? '', text, `ovs-ofctl: ${line?.actions ?? 'no such flow'}`);
    }
  });
});
