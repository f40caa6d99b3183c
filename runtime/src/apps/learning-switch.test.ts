import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OFPFW_ALL, OFPFW_DL_DST, OFPFW_DL_SRC, OFPFW_IN_PORT, type OfpMessage } from '../openflow/index.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';
import { learningSwitch } from './learning-switch.js';

const MAC_A = '02:00:00:00:00:0a';
const MAC_B = '02:00:00:00:00:0b';

function packetIn10(inPort: number, dst: string, src: string): OfpMessage {
  const mac = (m: string): Buffer => Buffer.from(m.replaceAll(':', ''), 'hex');
  const data = Buffer.concat([mac(dst), mac(src), Buffer.from([0x08, 0x00]), Buffer.alloc(46)]);
  return { type: 'PacketIn10', version: 1, xid: 0, bufferId: 0xffffffff, totalLen: data.length, inPort, reason: 0, data };
}

describe('the learning switch on an OpenFlow 1.0 switch', () => {
  let t: TestRuntime;
  let sw: FakeSwitch;
  before(async () => {
    t = await startTestRuntime({ openflowVersions: [0x01, 0x04] });
    await t.rt.controller.use(learningSwitch());
    sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0x10n, versions: [1] });
  });
  after(async () => {
    await sw.close();
    await t.stop();
  });

  it('installs a 1.0 table-miss flow, floods the unknown and installs in_port/dl_dst flows with output actions', async () => {
    const miss = await sw.waitFor((m) => m.type === 'FlowMod10');
    assert.equal(miss.type === 'FlowMod10' && miss.match.wildcards, OFPFW_ALL);
    assert.deepEqual(miss.type === 'FlowMod10' && miss.actions, [{ type: 'output', port: 0xfffd, maxLen: 0xffff }]);

    sw.send(packetIn10(1, 'ff:ff:ff:ff:ff:ff', MAC_A));
    const flood = await sw.waitFor((m) => m.type === 'PacketOut10');
    assert.deepEqual(flood.type === 'PacketOut10' && [flood.inPort, flood.actions], [1, [{ type: 'output', port: 0xfffb, maxLen: 0 }]]);

    sw.send(packetIn10(2, MAC_A, MAC_B));
    const flow = await sw.waitFor((m) => m.type === 'FlowMod10');
    assert.ok(flow.type === 'FlowMod10');
    assert.equal(flow.match.wildcards, OFPFW_ALL & ~(OFPFW_IN_PORT | OFPFW_DL_DST | OFPFW_DL_SRC));
    assert.deepEqual([flow.match.inPort, flow.match.dlDst, flow.match.dlSrc], [2, MAC_A, MAC_B]);
    assert.deepEqual(flow.actions, [{ type: 'output', port: 1, maxLen: 0 }]);
    const out = await sw.waitFor((m) => m.type === 'PacketOut10');
    assert.deepEqual(out.type === 'PacketOut10' && out.actions, [{ type: 'output', port: 1, maxLen: 0 }]);
    assert.equal(t.rt.switches.list()[0]?.version, 1);
  });
});
