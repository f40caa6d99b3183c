import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OFPP_FLOOD, type OfpMessage } from '../openflow/index.js';
import { buildGuest, TEST_DEADLINE_MS, writePlugin } from './testing/guests.js';
import { packetIn, startPluginRig, until, type PluginRig } from './testing/harness.js';
import { MemoryKv } from './testing/memory-kv.js';
import type { FakeSwitch } from '../testing/fake-switch.js';

const packetOutTo = (port: number) => (m: OfpMessage): boolean => m.type === 'PacketOut' && m.actions[0]?.type === 'output' && m.actions[0].port === port;

describe('hostile plugins are contained and reported while another plugin keeps serving', () => {
  let rig: PluginRig;
  let sw: FakeSwitch;
  let seq = 0;
  const kv = new MemoryKv();
  const hostile = (name: string, mode: string, extra: Record<string, unknown> = {}): Promise<unknown> =>
    buildGuest('hostile').then((bytes) =>
      rig.manager.load(writePlugin(join(rig.dir, name), { name, version: '1', capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] }, limits: { deadlineMs: TEST_DEADLINE_MS }, config: { mode }, ...extra }, bytes)),
    );
  /** Sends a packet-in and waits for the echo plugin's answer to it. */
  const echoes = async (): Promise<void> => {
    const mine = ++seq;
    sw.send(packetIn(mine));
    await sw.waitFor((m) => packetOutTo(OFPP_FLOOD)(m) && m.type === 'PacketOut' && Buffer.from(m.data).readUInt32BE(14) === mine, 10_000);
  };

  before(async () => {
    rig = await startPluginRig({ kv, policy: { backoffBaseMs: 20 } });
    const echo = await buildGuest('echo');
    await rig.manager.load(writePlugin(join(rig.dir, 'echo'), { name: 'echo', version: '1', capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] }, limits: { deadlineMs: TEST_DEADLINE_MS } }, echo));
    sw = await rig.connect(0x10n);
  });
  after(async () => {
    await rig.stop();
  });

  it('stops an endless loop at its deadline, restarts it, and disables it after repeated faults', async (t) => {
    await hostile('looper', 'loop', { limits: { deadlineMs: 100 } });
    const sentAt = Date.now();
    await echoes();
    const fault = await rig.waitForChange((c) => c.name === 'looper' && c.state === 'restarting');
    t.diagnostic(`loop stopped ${fault.atMs - sentAt} ms after its packet-in was sent (deadline 100 ms)`);
    assert.match(fault.reason, /^deadline/);
    await rig.waitForChange((c) => c.name === 'looper' && c.state === 'running' && c.reason === 'restarted after deadline');
    for (let i = 0; i < 4; i++) {
      const before = rig.changes.length;
      await echoes();
      await rig.waitForChange((c) => rig.changes.indexOf(c) >= before && c.name === 'looper' && (c.state === 'running' || c.state === 'disabled'));
    }
    assert.equal(rig.manager.status('looper').state, 'disabled');
    assert.equal(rig.manager.status('looper').counters.faults.deadline, 5);
    await echoes();
    await rig.manager.reload('looper');
    assert.equal(rig.manager.status('looper').state, 'running');
    await rig.manager.unload('looper');
  });

  it('re-instantiates a plugin that traps', async () => {
    await hostile('trapper', 'trap');
    await echoes();
    const fault = await rig.waitForChange((c) => c.name === 'trapper' && c.state === 'restarting');
    assert.match(fault.reason, /^trap/);
    await rig.waitForChange((c) => c.name === 'trapper' && c.reason === 'restarted after trap');
    assert.match(rig.manager.status('trapper').lastError?.message ?? '', /unreachable/);
    await rig.manager.unload('trapper');
  });

  it('caps the memory of a plugin that allocates without end', async () => {
    const rssBefore = process.memoryUsage().rss;
    await hostile('bomb', 'bomb', { limits: { memoryMiB: 32, deadlineMs: TEST_DEADLINE_MS } });
    await echoes();
    await rig.waitForChange((c) => c.name === 'bomb' && c.state === 'restarting');
    assert.equal(rig.manager.status('bomb').counters.faults.trap, 1);
    const grown = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    assert.ok(grown < 256, `the process grew by ${grown.toFixed(0)} MiB`);
    await rig.manager.unload('bomb');
  });

  it('cuts a flood of commands at maxCommandsPerBatch and counts the rest', async () => {
    await hostile('flooder', 'flood', { limits: { maxCommandsPerBatch: 100, deadlineMs: TEST_DEADLINE_MS } });
    await echoes();
    await until('the flood is cut', () => rig.manager.status('flooder').counters.commandsCut === 9900);
    assert.equal(rig.manager.status('flooder').counters.commands, 100);
    assert.match(await rig.rt.metrics.registry.metrics(), /sdn_runtime_plugin_commands_rejected_total\{plugin="flooder",reason="overLimit"\} 9900/);
    await rig.manager.unload('flooder');
  });

  it('refuses and counts calls to capabilities the manifest does not grant', async () => {
    await hostile('sneaky', 'ungranted', { capabilities: [] });
    await echoes();
    await until('the denied calls are counted', () => rig.manager.status('sneaky').counters.denied['openflow'] === 1);
    const { denied } = rig.manager.status('sneaky').counters;
    assert.deepEqual(denied, { openflow: 1, pubsub: 1, 'kv-read': 0, 'kv-write': 1, log: 0, clock: 0 });
    assert.ok(rig.logs.some((l) => l.plugin === 'sneaky' && l.msg === 'denied: denied,denied,denied'), 'the guest saw host-error.denied');
    assert.match(await rig.rt.metrics.registry.metrics(), /sdn_runtime_plugin_denied_calls_total\{plugin="sneaky",capability="pubsub"\} 1/);
    await rig.manager.unload('sneaky');
  });

  it('counts and reports invalid commands, and still sends the valid ones', async () => {
    await hostile('sloppy', 'invalid');
    await echoes();
    await sw.waitFor(packetOutTo(7));
    const status = rig.manager.status('sloppy');
    assert.equal(status.counters.commandsInvalid, 4);
    assert.equal(status.counters.commands, 1);
    assert.equal(status.state, 'running');
    assert.equal(status.lastError?.cause, 'invalidCommand');
    assert.match(status.lastError?.message ?? '', /handle\[0\]\.dpid: "not-a-dpid" is not 16 lowercase hex digits/);
    await rig.manager.unload('sloppy');
  });

  it('serves kv get/put synchronously to the guest from the runtime store', async () => {
    await hostile('counter', 'kv', { capabilities: ['openflow', 'kv-read', 'kv-write'] });
    // Forget the flood's packet-outs to port 1.
    sw.inbox.splice(0);
    await echoes();
    await sw.waitFor(packetOutTo(1));
    const stored = await kv.get(new TextEncoder().encode('plugins/kv/count'));
    assert.equal(Buffer.from(stored!.value).toString(), '1');
    await rig.manager.unload('counter');
  });

  it('sends no command a plugin returns from handle without the openflow capability', async () => {
    sw.inbox.splice(0);
    await hostile('mute', 'flood', { capabilities: [], limits: { maxCommandsPerBatch: 100, deadlineMs: TEST_DEADLINE_MS } });
    await echoes();
    await until('the refused commands are counted', () => rig.manager.status('mute').counters.denied['openflow'] === 100);
    // The echo plugin's answer comes after anything sent for the same packet-in.
    await echoes();
    assert.equal(sw.inbox.filter(packetOutTo(1)).length, 0, 'a returned command reached the switch');
    assert.equal(rig.manager.status('mute').counters.commands, 0);
    assert.match(await rig.rt.metrics.registry.metrics(), /sdn_runtime_plugin_commands_rejected_total\{plugin="mute",reason="denied"\} 100/);
    assert.equal(rig.logs.filter((l) => l.plugin === 'mute' && l.cause === 'denied:openflow').length, 1, 'logged once');
    await rig.manager.unload('mute');
  });

  it('sends commands only to the switches its manifest lists', async () => {
    sw.inbox.splice(0);
    await hostile('fenced', 'flood', { switches: ['11'], limits: { maxCommandsPerBatch: 100, deadlineMs: TEST_DEADLINE_MS } });
    await echoes();
    await until('the refused commands are counted', () => rig.manager.status('fenced').counters.denied['openflow'] === 100);
    await echoes();
    assert.equal(sw.inbox.filter(packetOutTo(1)).length, 0, 'a command reached a switch the manifest does not list');
    assert.equal(rig.logs.filter((l) => l.plugin === 'fenced' && l.cause === 'denied:switch').length, 1, 'logged once');
    await rig.manager.unload('fenced');
  });

  it('refuses kv calls outside the kvPrefixes its manifest states', async () => {
    await hostile('boxed', 'kv-scope', { capabilities: ['kv-write'], kvPrefixes: ['plugins/boxed/'] });
    await echoes();
    await until('the refused put is counted', () => rig.manager.status('boxed').counters.denied['kv-write'] === 1);
    assert.ok(rig.logs.some((l) => l.plugin === 'boxed' && l.msg === 'kv outside: denied'), 'the guest saw host-error.denied');
    assert.equal(await kv.get(new TextEncoder().encode('elsewhere/x')), undefined);
    assert.equal(Buffer.from((await kv.get(new TextEncoder().encode('plugins/boxed/x')))!.value).toString(), '1');
    await rig.manager.unload('boxed');
  });
});
