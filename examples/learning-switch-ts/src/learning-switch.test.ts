import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { packet, Port } from '@sdn-runtime/sdk';
// The SDK's scripted gRPC server (test code of the SDK, not part of its API).
import { FakeRuntime, type FakeConnection } from '../../../sdk-ts/dist/testing/fake-runtime.js';
import { startLearningSwitch, type LearningSwitch } from './learning-switch.js';

const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
const frame = (src: string, dst: string, ethType = 0x0800): Uint8Array => packet.buildFrame({ ethernet: { src, dst, ethType }, payload: new Uint8Array(46) });
const packetIn = (dpid: bigint, inPort: number, data: Uint8Array, bufferId = 0xffffffff) => ({ dpid, body: { $case: 'packetIn' as const, value: { inPort, bufferId, data: Buffer.from(data) } } });

describe('learning switch (against the SDK\'s scripted runtime)', () => {
  let rt: FakeRuntime;
  let conn: FakeConnection;
  let ls: LearningSwitch;
  let seen = 0;
  /** The next command the app sends. */
  const nextCommand = () => conn.command(seen++);

  before(async () => {
    rt = await FakeRuntime.start();
    const started = startLearningSwitch({ target: rt.target, idleTimeoutSec: 30 });
    conn = await rt.connection(0);
    conn.subscribed(1n);
    ls = await started;
    // The runtime's snapshot: dpid 1 was connected before the app subscribed.
    conn.events([{ seq: 1n, dpid: 1n, body: { $case: 'switchUp', value: { switch: { dpid: 1n, dpidHex: '0000000000000001' }, snapshot: true } } }]);
  });
  after(async () => {
    await ls?.close();
    await rt.close();
  });

  it('installs the table-miss flow on switches already connected and on each switch up', async () => {
    const first = await nextCommand();
    assert.deepEqual([first.dpid, first.kind?.$case, first.correlationId], [1n, 'flowMod', '']);
    assert.ok(first.kind?.$case === 'flowMod');
    assert.deepEqual([first.kind.value.priority, first.kind.value.match?.fields, first.kind.value.instructions[0]?.kind], [0, [], { $case: 'applyActions', value: { actions: [{ kind: { $case: 'output', value: { port: Port.CONTROLLER, maxLen: 0xffff } } }] } }]);
    conn.events([{ seq: 2n, dpid: 2n, body: { $case: 'switchUp', value: { switch: { dpid: 2n, dpidHex: '0000000000000002' } } } }]);
    const second = await nextCommand();
    assert.deepEqual([second.dpid, second.kind?.$case === 'flowMod' && second.kind.value.priority], [2n, 0]);
  });

  it('floods an unknown destination and learns the source', async () => {
    conn.events([packetIn(1n, 1, frame(A, B))]);
    const out = await nextCommand();
    assert.equal(out.kind?.$case, 'packetOut');
    assert.deepEqual([out.kind.value.inPort, out.kind.value.actions[0]?.kind], [1, { $case: 'output', value: { port: Port.FLOOD, maxLen: 0 } }]);
    assert.deepEqual([...out.kind.value.data], [...frame(A, B)]);
    assert.equal(ls.learned(1n).get(A), 1);
  });

  it('installs a flow (in_port, eth_dst, eth_src, idle timeout) and forwards to a known destination', async () => {
    conn.events([packetIn(1n, 2, frame(B, A))]);
    const flow = await nextCommand();
    assert.equal(flow.kind?.$case, 'flowMod');
    const fm = flow.kind.value;
    assert.deepEqual(
      fm.match?.fields.map((f) => [f.field, f.value?.kind?.value]),
      [
        ['in_port', 2n],
        ['eth_dst', A],
        ['eth_src', B],
      ],
    );
    assert.deepEqual([fm.priority, fm.idleTimeout, fm.bufferId], [1, 30, undefined]);
    const out = await nextCommand();
    assert.deepEqual(out.kind?.$case === 'packetOut' && out.kind.value.actions[0]?.kind, { $case: 'output', value: { port: 1, maxLen: 0 } });
  });

  it('lets the flow-mod release a buffered packet, and ignores LLDP', async () => {
    conn.events([packetIn(1n, 3, frame(A, B, 0x88cc)), packetIn(1n, 2, frame(B, A), 77)]);
    const flow = await nextCommand();
    assert.deepEqual(flow.kind?.$case === 'flowMod' && [flow.kind.value.bufferId, flow.kind.value.match?.fields[0]?.value?.kind?.value], [77, 2n]);
    assert.equal(ls.learned(1n).get(A), 1, 'the LLDP frame taught nothing');
    conn.events([packetIn(1n, 1, frame(A, '02:00:00:00:00:0c'))]);
    const flood = await nextCommand();
    assert.equal(flood.kind?.$case, 'packetOut', 'no packet-out followed the buffered flow-mod');
  });

  it('forgets a switch that goes down', async () => {
    conn.events([{ seq: 2n, dpid: 1n, body: { $case: 'switchDown', value: { reason: 'peerClosed' } } }, { seq: 3n, dpid: 1n, body: { $case: 'switchUp', value: { switch: { dpid: 1n } } } }]);
    const miss = await nextCommand();
    assert.deepEqual([miss.dpid, miss.kind?.$case === 'flowMod' && miss.kind.value.priority], [1n, 0]);
    assert.equal(ls.learned(1n).size, 0);
  });
});
