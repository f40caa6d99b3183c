import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TOPOLOGY_EVENT_TYPES, type App, type AppEvent } from '../core/index.js';
import { OFPP_CONTROLLER, OFPP_FLOOD, type OfpMessage } from '../openflow/index.js';
import { PluginLoadError } from './errors.js';
import { buildGuest, TEST_DEADLINE_MS, writePlugin } from './testing/guests.js';
import { packetIn, startPluginRig, until, type PluginRig } from './testing/harness.js';
import { worldVersion } from './world-version.js';

// The host runs components of sdn:plugin@0.2.0 and adapts those of 0.1.0
// (docs/plugins.md, "Versions"): the 0.1.0 fixture is a plugin built before the
// world changed (runtime/test-data/plugins/v0.1.0/README.md).

const FIXTURE = fileURLToPath(new URL('../../test-data/plugins/v0.1.0/hub/', import.meta.url));
/** A Rust guest's first call is quick; this bounds a failing test on a loaded 2-core machine. */
const ANSWER_MS = 20_000;
const LLDP = 0x88cc;

type PacketOut = Extract<OfpMessage, { type: 'PacketOut' }>;
/** Packet-outs of the plugin: topology's LLDP probes go to every switch too. */
const isFlood = (m: OfpMessage): m is PacketOut => m.type === 'PacketOut' && Buffer.from(m.data).readUInt16BE(12) !== LLDP;
const isFlowMod = (m: OfpMessage): m is Extract<OfpMessage, { type: 'FlowMod' }> => m.type === 'FlowMod';

/** Records the topology events the bus publishes, so the test knows one went by. */
class TopologyWatcher implements App {
  readonly name = 'test-topology-watcher';
  readonly events: AppEvent[] = [];
  start(ctx: Parameters<App['start']>[0]): void {
    ctx.subscribe(TOPOLOGY_EVENT_TYPES, (e) => this.events.push(e));
  }
}

describe('world-version: the world a component was built for', () => {
  it('reads 0.1.0 from the fixture and 0.2.0 from a guest built with wit/plugin.wit', async () => {
    assert.deepEqual(worldVersion(readFileSync(join(FIXTURE, 'plugin.wasm'))), { ok: true, version: '0.1.0' });
    assert.deepEqual(worldVersion(await buildGuest('echo')), { ok: true, version: '0.2.0' });
  });

  it('says why for bytes it cannot read, a component of no version and one of a version the host does not run', () => {
    const preamble = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
    const name = (s: string): number[] => [s.length, ...Buffer.from(s)];
    const imports = (n: string): Uint8Array => {
      const body = [1, 0x00, ...name(n), 0x05, 0x00];
      return new Uint8Array([...preamble, 0x0a, body.length, ...body]);
    };
    assert.deepEqual(worldVersion(imports('sdn:plugin/types@0.3.0')), { ok: false, reason: 'it is built for sdn:plugin@0.3.0; this host runs 0.1.0 and 0.2.0' });
    assert.deepEqual(worldVersion(imports('sdn:plugin/types')), { ok: false, reason: 'it imports no sdn:plugin/ interface with a version (imports: sdn:plugin/types)' });
    assert.equal(worldVersion(new Uint8Array([...preamble, 0x0a, 0x40, 1])).ok, false);
    assert.equal(worldVersion(new Uint8Array([...preamble, 0x0a, 3, 1, 0x00, 0x7f])).ok, false);
  });
});

describe('a 0.2.0 host with a 0.1.0 plugin and a 0.2.0 plugin', () => {
  let rig: PluginRig;
  const topology = new TopologyWatcher();
  before(async () => {
    rig = await startPluginRig({}, { topology: true });
    await rig.rt.controller.use(topology);
  });
  after(async () => {
    await rig.stop();
  });

  /** The fixture in a folder of the rig (plugins load only from allowed folders), with TEST_DEADLINE_MS and its manifest changed by `changes`. */
  function copyFixture(folderName: string, changes: Record<string, unknown>): string {
    const folder = join(rig.dir, folderName);
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(FIXTURE, 'plugin.wasm'), join(folder, 'plugin.wasm'));
    const manifest = JSON.parse(readFileSync(join(FIXTURE, 'plugin.json'), 'utf8')) as { limits: Record<string, unknown> };
    writeFileSync(join(folder, 'plugin.json'), JSON.stringify({ ...manifest, limits: { ...manifest.limits, deadlineMs: TEST_DEADLINE_MS }, ...changes }));
    return folder;
  }

  it('runs the 0.1.0 fixture: table-miss on switch-up, flood on packet-in, undisturbed by the topology events that go by', async () => {
    const status = await rig.manager.load(copyFixture('hub', {}));
    assert.equal(status.state, 'running');
    assert.ok(rig.logs.some((l) => l.msg === 'plugin loaded' && l.world === '0.1.0'), 'the load log line names the world');
    const sw = await rig.connect(0x31n);
    const miss = await sw.waitFor(isFlowMod, ANSWER_MS);
    assert.ok(miss.type === 'FlowMod' && miss.instructions[0]?.type === 'applyActions');
    assert.deepEqual(miss.instructions[0].actions, [{ type: 'output', port: OFPP_CONTROLLER, maxLen: 0xffff }]);
    // A frame from a host on an edge port: host tracking publishes host-added, which the plugin's world has no case for.
    sw.send(packetIn(1, 1));
    const out = (await sw.waitFor(isFlood, ANSWER_MS)) as PacketOut;
    assert.deepEqual([out.inPort, out.actions], [1, [{ type: 'output', port: OFPP_FLOOD, maxLen: 0 }]]);
    await until('a topology event was published', () => topology.events.some((e) => e.type === 'hostAdded' && e.dpid === 0x31n), ANSWER_MS);
    sw.send(packetIn(2, 2));
    const next = (await sw.waitFor(isFlood, ANSWER_MS)) as PacketOut;
    assert.equal(next.inPort, 2);
    const after = rig.manager.status('hub');
    assert.equal(after.state, 'running');
    assert.equal(after.counters.faults.trap + after.counters.faults.crash, 0, JSON.stringify(after.counters));
    await rig.manager.unload('hub');
  });

  it('refuses a 0.1.0 plugin whose manifest subscribes to a kind of 0.2.0, naming the kind and the fix', async () => {
    const folder = copyFixture('hub-wants-links', { name: 'hub-wants-links', subscriptions: { kinds: ['switch-up', 'link-up'] } });
    await assert.rejects(
      rig.manager.load(folder),
      (err: unknown) => err instanceof PluginLoadError && err.reason === 'wrongWorld' && /names link-up, which components built for sdn:plugin@0\.1\.0 cannot receive; rebuild/.test(err.message),
    );
  });

  it('gives a 0.2.0 plugin the topology kinds it subscribes to, and sends its Nicira actions to the switch', async () => {
    const folder = writePlugin(join(rig.dir, 'topology-guest'), { name: 'topology-guest', version: '1.0.0', capabilities: ['openflow'], subscriptions: { kinds: ['switch-up', 'host-added'] }, limits: { deadlineMs: TEST_DEADLINE_MS } }, await buildGuest('topology'));
    await rig.manager.load(folder);
    const sw = await rig.connect(0x32n);
    // Not topology's LLDP flow: the plugin's.
    const flow = await sw.waitFor((m) => isFlowMod(m) && m.priority === 10, ANSWER_MS);
    assert.ok(flow.type === 'FlowMod' && flow.instructions[0]?.type === 'applyActions');
    assert.deepEqual(flow.instructions[0].actions, [
      { type: 'nxCt', flags: 1, zoneSrc: '', zoneOfsNbits: 5, recircTable: 255, alg: 0, actions: [{ type: 'nxNat', flags: 1, rangeIpv4Min: '10.0.0.9', rangeProtoMin: 1024 }] },
      { type: 'nxResubmitTable', inPort: 0xfff8, tableId: 1 },
    ]);
    // A MAC the first test's switch has not seen (that would be a host-moved).
    const frame = packetIn(3, 2);
    assert.ok(frame.type === 'PacketIn');
    Buffer.from('020000000032', 'hex').copy(frame.data as Buffer, 6);
    sw.send(frame);
    const line = 'host-added 02:00:00:00:00:32 at 0000000000000032/2 first seen in epoch ms';
    await until('the plugin logged the host-added event', () => rig.logs.some((l) => l.plugin === 'topology-guest' && l.msg === line), ANSWER_MS);
    await rig.manager.unload('topology-guest');
  });
});
