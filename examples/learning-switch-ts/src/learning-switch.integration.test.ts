import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, packet, Port } from '@sdn-runtime/sdk';
// The SDK's harness for a real `sdn-runtime serve` and the runtime's fake switch.
import { FakeSwitch, fakePort, startRuntime, type RuntimeProcess } from '../../../sdk-ts/dist/testing/real-runtime.js';
import { startLearningSwitch, type LearningSwitch } from './learning-switch.js';

const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
const frame = (src: string, dst: string): Uint8Array => packet.buildFrame({ ethernet: { src, dst }, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, icmp: { type: 8 }, payload: new Uint8Array(32) });
const packetIn = (inPort: number, data: Uint8Array): Parameters<FakeSwitch['send']>[0] => ({ type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: inPort }], data });

describe('learning switch against a real runtime and a fake switch', () => {
  let rt: RuntimeProcess;
  let ls: LearningSwitch;
  let sw: FakeSwitch;
  let later: FakeSwitch | undefined;

  before(async () => {
    rt = await startRuntime();
    // Connected before the app starts: the app learns of it from the runtime's snapshot.
    sw = await FakeSwitch.connect(rt.openflowPort, { dpid: 0x42n, ports: [fakePort(1), fakePort(2)] });
    const watcher = await connect({ target: rt.target, name: 'watcher', subscribe: { kinds: ['switchUp'] } });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the runtime announced no switch-up within 10 s')), 10_000);
      watcher.onSwitchUp(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    await watcher.close();
    ls = await startLearningSwitch({ target: rt.target, idleTimeoutSec: 45 });
  });
  after(async () => {
    await later?.close();
    await sw?.close();
    await ls?.close();
    await rt?.stop();
  });

  it('installs the table-miss flow on a switch connected before it started, and on one that comes up later', async () => {
    const miss = await sw.waitFor((m) => m.type === 'FlowMod' && m.priority === 0);
    assert.deepEqual(miss.type === 'FlowMod' && [miss.match, miss.instructions], [[], [{ type: 'applyActions', actions: [{ type: 'output', port: Port.CONTROLLER, maxLen: 0xffff }] }]]);
    later = await FakeSwitch.connect(rt.openflowPort, { dpid: 0x43n, ports: [fakePort(1)] });
    await later.waitFor((m) => m.type === 'FlowMod' && m.priority === 0);
  });

  it('floods the first packet, then installs a flow and forwards the reply', async () => {
    sw.send(packetIn(1, frame(A, B)));
    const flood = await sw.waitFor((m) => m.type === 'PacketOut');
    assert.deepEqual(flood.type === 'PacketOut' && [flood.inPort, flood.actions], [1, [{ type: 'output', port: Port.FLOOD, maxLen: 0 }]]);
    sw.send(packetIn(2, frame(B, A)));
    const flow = await sw.waitFor((m) => m.type === 'FlowMod' && m.priority === 1);
    assert.deepEqual(flow.type === 'FlowMod' && [flow.idleTimeout, flow.match], [
      45,
      [
        { field: 'in_port', value: 2 },
        { field: 'eth_dst', value: A },
        { field: 'eth_src', value: B },
      ],
    ]);
    const out = await sw.waitFor((m) => m.type === 'PacketOut');
    assert.deepEqual(out.type === 'PacketOut' && [out.actions, [...out.data]], [[{ type: 'output', port: 1, maxLen: 0 }], [...frame(B, A)]]);
  });
});
