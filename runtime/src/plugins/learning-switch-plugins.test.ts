import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OFPCML_NO_BUFFER, OFPP_CONTROLLER, OFPP_FLOOD, type OfpMessage } from '../openflow/index.js';
import { buildProject, EXAMPLES, type KitLanguage } from './testing/kits.js';
import { startPluginRig, type PluginRig } from './testing/harness.js';

// The learning-switch examples (examples/learning-switch-plugin-{ts,py,rs}), built
// with their kit's one command, loaded into an in-process runtime and driven by
// a fake switch over TCP: they must behave as os-ken's simple_switch_13.

type FlowMod = Extract<OfpMessage, { type: 'FlowMod' }>;
type PacketOut = Extract<OfpMessage, { type: 'PacketOut' }>;
const isFlowMod = (m: OfpMessage): m is FlowMod => m.type === 'FlowMod';
const isPacketOut = (m: OfpMessage): m is PacketOut => m.type === 'PacketOut';

const MAC = (n: number): string => `00:00:00:00:00:0${n}`;

function frame(src: number, dst: number | 'broadcast', ethType = 0x0800, seq = 0): Buffer {
  const f = Buffer.alloc(60);
  Buffer.from(dst === 'broadcast' ? 'ffffffffffff' : MAC(dst).replaceAll(':', ''), 'hex').copy(f, 0);
  Buffer.from(MAC(src).replaceAll(':', ''), 'hex').copy(f, 6);
  f.writeUInt16BE(ethType, 12);
  f.writeUInt32BE(seq, 14);
  return f;
}

function packetIn(inPort: number, data: Buffer, bufferId = 0xffffffff): OfpMessage {
  return { type: 'PacketIn', version: 4, xid: 0, bufferId, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: inPort }], data };
}

for (const language of ['ts', 'py', 'rs'] as KitLanguage[]) {
  describe(`learning-switch plugin (${language}) against a fake switch`, () => {
    let rig: PluginRig;
    before(async () => {
      const built = await buildProject(EXAMPLES[language], language);
      rig = await startPluginRig();
      // The example as shipped (its 100 ms deadline counts the guest's CPU time, not a loaded machine's waits).
      const status = await rig.manager.load(built.folder);
      assert.equal(status.state, 'running');
    });
    after(async () => {
      await rig.stop();
    });

    it('installs the table-miss flow when a switch comes up', async () => {
      const sw = await rig.connect(0x1n);
      const miss = (await sw.waitFor(isFlowMod)) as FlowMod;
      assert.equal(miss.priority, 0);
      assert.deepEqual(miss.match, []);
      assert.deepEqual(miss.instructions, [{ type: 'applyActions', actions: [{ type: 'output', port: OFPP_CONTROLLER, maxLen: OFPCML_NO_BUFFER }] }]);
      assert.ok(rig.logs.some((l) => l.plugin === 'learning-switch' && String(l.msg).startsWith('learning switch ready (idle timeout 60 s')), 'initialize logged its config');
    });

    it('runs handle through the hand-written glue (a 0.2.0 component)', () => {
      const loaded = rig.logs.find((l) => l.plugin === 'learning-switch' && l.msg === 'plugin loaded');
      assert.equal(loaded?.handleGlue, 'hand-written');
    });

    it('floods a packet to an unknown destination, learns its source, then installs a flow and forwards to a known one', async () => {
      const sw = await rig.connect(0x2n);
      await sw.waitFor(isFlowMod);
      sw.send(packetIn(1, frame(1, 2, 0x0800, 11)));
      const flood = (await sw.waitFor(isPacketOut)) as PacketOut;
      assert.equal(flood.inPort, 1);
      assert.deepEqual(flood.actions, [{ type: 'output', port: OFPP_FLOOD, maxLen: 0 }]);
      assert.equal(Buffer.from(flood.data).readUInt32BE(14), 11);
      assert.equal(sw.inbox.filter(isFlowMod).length, 0, 'no flow for an unknown destination');

      sw.send(packetIn(2, frame(2, 1, 0x0800, 12)));
      const flow = (await sw.waitFor(isFlowMod)) as FlowMod;
      assert.equal(flow.priority, 1);
      assert.equal(flow.idleTimeout, 60);
      assert.deepEqual(flow.match, [
        { field: 'in_port', value: 2 },
        { field: 'eth_dst', value: MAC(1) },
        { field: 'eth_src', value: MAC(2) },
      ]);
      assert.deepEqual(flow.instructions, [{ type: 'applyActions', actions: [{ type: 'output', port: 1, maxLen: 0 }] }]);
      const forward = (await sw.waitFor(isPacketOut)) as PacketOut;
      assert.deepEqual([forward.inPort, forward.actions], [2, [{ type: 'output', port: 1, maxLen: 0 }]]);
      assert.equal(Buffer.from(forward.data).readUInt32BE(14), 12);
    });

    it('sends a buffered packet with its flow, ignores LLDP, and learns per switch', async () => {
      const sw = await rig.connect(0x3n);
      await sw.waitFor(isFlowMod);
      sw.send(packetIn(5, frame(5, 'broadcast')));
      await sw.waitFor(isPacketOut);
      sw.send(packetIn(6, frame(6, 5), 77));
      const flow = (await sw.waitFor(isFlowMod)) as FlowMod;
      assert.equal(flow.bufferId, 77, 'the buffered packet goes out with the flow');
      sw.send(packetIn(6, frame(6, 'broadcast', 0x88cc, 1)));
      // Host 1 was learned on switch 2, not here: flooded. Its packet-out is the
      // next one, so neither the buffered packet nor the LLDP frame got one.
      sw.send(packetIn(6, frame(6, 1, 0x0800, 13)));
      const next = (await sw.waitFor(isPacketOut)) as PacketOut;
      assert.equal(Buffer.from(next.data).readUInt32BE(14), 13);
      assert.deepEqual(next.actions, [{ type: 'output', port: OFPP_FLOOD, maxLen: 0 }]);
      assert.deepEqual(sw.inbox.filter((m) => isFlowMod(m) || isPacketOut(m)), []);
    });
  });
}
