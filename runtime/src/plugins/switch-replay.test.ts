import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OfpMessage } from '../openflow/index.js';
import type { FakeSwitch } from '../testing/fake-switch.js';
import { buildGuest, writePlugin } from './testing/guests.js';
import { packetIn, startPluginRig, type PluginRig } from './testing/harness.js';

// A plugin loaded while switches are connected gets a switch-up for each of them
// (from the controller's registry), before any other event of that switch; a
// version swapped in does not get them again; a fresh instance after a fault does.

type PacketOut = Extract<OfpMessage, { type: 'PacketOut' }>;
const isPacketOut = (m: OfpMessage): m is PacketOut => m.type === 'PacketOut';
const portOf = (m: PacketOut): number => (m.actions[0]?.type === 'output' ? m.actions[0].port : -1);
/** Packet-ins are answered out of port 2; switch-ups out of port `upPort` (the version's mark). */
const OUT_PORT = 2;

const manifest = (version: string, upPort: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'lifecycle',
  version,
  capabilities: ['openflow'],
  subscriptions: { kinds: ['switch-up', 'packet-in'] },
  limits: { deadlineMs: 2000 },
  config: { upPort, outPort: OUT_PORT },
  ...extra,
});

/**
 * Sends a packet-in carrying `seq` and collects the ports of every packet-out
 * the switch gets until the answer to it: what the plugin sent that switch
 * before handling that packet-in, in order.
 */
async function portsUntilAnswer(sw: FakeSwitch, seq: number): Promise<number[]> {
  sw.send(packetIn(seq));
  const ports: number[] = [];
  for (;;) {
    const m = await sw.waitFor(isPacketOut, 20_000);
    if (!isPacketOut(m)) continue;
    ports.push(portOf(m));
    if (portOf(m) === OUT_PORT && Buffer.from(m.data).readUInt32BE(14) === seq) return ports;
  }
}

describe('switch-up for switches connected before a plugin loads', () => {
  let rig: PluginRig;
  let guest: Uint8Array;
  let sw1: FakeSwitch;
  let sw2: FakeSwitch;
  before(async () => {
    guest = await buildGuest('lifecycle');
    rig = await startPluginRig();
    sw1 = await rig.connect(0x1n);
    sw2 = await rig.connect(0x2n);
  });
  after(async () => {
    await rig.stop();
  });

  it('a newly loaded plugin gets one switch-up per connected switch, before any other event of it', async () => {
    // Packet-ins keep arriving from switch 1 while the plugin loads: none may overtake its switch-up.
    let seq = 1000;
    const pump = setInterval(() => sw1.send(packetIn(seq++)), 1);
    try {
      await rig.manager.load(writePlugin(join(rig.dir, 'lifecycle-v1'), manifest('1', 11), guest));
    } finally {
      clearInterval(pump);
    }
    const first = await sw1.waitFor(isPacketOut, 20_000);
    assert.ok(isPacketOut(first));
    assert.equal(portOf(first), 11, 'the first thing the plugin sends switch 1 answers its switch-up');
    const rest1 = await portsUntilAnswer(sw1, 1);
    assert.ok(!rest1.includes(11), `one switch-up for switch 1, got more: ${JSON.stringify([11, ...rest1])}`);
    assert.deepEqual(await portsUntilAnswer(sw2, 2), [11, OUT_PORT], 'switch 2: its switch-up, then the packet-in');

    const sw3 = await rig.connect(0x3n);
    assert.deepEqual(await portsUntilAnswer(sw3, 3), [11, OUT_PORT], 'a switch connecting later: its own switch-up, once');
  });

  it('a version swapped in gets no switch-up again', async () => {
    const status = await rig.manager.load(writePlugin(join(rig.dir, 'lifecycle-v2'), manifest('2', 12), guest));
    assert.equal(status.version, '2');
    for (const [sw, seq] of [[sw1, 4], [sw2, 5]] as const) assert.deepEqual(await portsUntilAnswer(sw, seq), [OUT_PORT], `switch ${sw.options.dpid}: no switch-up from version 2`);
  });

  it('a plugin unloaded and loaded again is new: it gets them again, only for the switches it subscribes to', async () => {
    await rig.manager.unload('lifecycle');
    await rig.manager.load(writePlugin(join(rig.dir, 'lifecycle-v3'), manifest('3', 13, { subscriptions: { kinds: ['switch-up', 'packet-in'], dpids: ['2'] } }), guest));
    assert.deepEqual(await portsUntilAnswer(sw2, 6), [13, OUT_PORT]);
    sw1.send(packetIn(7));
    // Switch 1 is not subscribed: a packet-in from switch 2 answered after it proves nothing went to switch 1.
    assert.deepEqual(await portsUntilAnswer(sw2, 8), [OUT_PORT]);
    assert.deepEqual(sw1.inbox.filter(isPacketOut), []);
  });

  it('a fresh instance after a fault gets one switch-up per connected switch again: it lost what it knew', async () => {
    await rig.manager.unload('lifecycle');
    await rig.manager.load(writePlugin(join(rig.dir, 'lifecycle-v4'), manifest('4', 14, { config: { upPort: 14, outPort: OUT_PORT, trapSeq: 99 } }), guest));
    assert.deepEqual(await portsUntilAnswer(sw1, 9), [14, OUT_PORT]);
    assert.deepEqual(await portsUntilAnswer(sw2, 10), [14, OUT_PORT]);
    const before = rig.changes.length;
    sw1.send(packetIn(99));
    await rig.waitForChange((c) => rig.changes.indexOf(c) >= before && c.name === 'lifecycle' && c.reason === 'restarted after trap');
    assert.deepEqual(await portsUntilAnswer(sw1, 11), [14, OUT_PORT]);
    assert.deepEqual(await portsUntilAnswer(sw2, 12), [14, OUT_PORT]);
  });
});
