import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Table } from '@sdn-runtime/sdk';
// The SDK's scripted gRPC server (test code of the SDK, not part of its API).
import { FakeRuntime, type FakeConnection } from '../../../sdk-ts/dist/testing/fake-runtime.js';
import { startFirewall, type Firewall } from './firewall.js';

/** Flows of the pipeline for one inside port (pipeline.test.ts lists them). */
const PIPELINE_FLOWS = 13;

describe('firewall app (against the SDK\'s scripted runtime)', () => {
  let rt: FakeRuntime;
  let conn: FakeConnection;
  let fw: Firewall;
  let seen = 0;
  const nextCommand = () => conn.command(seen++);

  /** The delete, the pipeline's flows and a barrier for `dpid`; answers the barrier. */
  const expectPipeline = async (dpid: bigint): Promise<void> => {
    const first = await nextCommand();
    assert.ok(first.kind?.$case === 'flowMod');
    assert.deepEqual([first.dpid, first.kind.value.command, first.kind.value.tableId, first.kind.value.cookieMask], [dpid, 3, Table.ALL, 0xffffffffffffffffn]);
    const tables: number[] = [];
    for (let i = 0; i < PIPELINE_FLOWS; i++) {
      const c = await nextCommand();
      assert.ok(c.kind?.$case === 'flowMod' && c.dpid === dpid, `command ${i} is not a flow-mod for ${dpid}`);
      assert.equal(c.kind.value.cookie, fw.config.cookie);
      tables.push(c.kind.value.tableId);
    }
    assert.deepEqual(tables, [...Array<number>(7).fill(0), ...Array<number>(6).fill(1)]);
    const barrier = await nextCommand();
    assert.deepEqual([barrier.dpid, barrier.kind?.$case], [dpid, 'barrier']);
    conn.result({ correlationId: barrier.correlationId, kind: { $case: 'ok', value: {} } });
  };

  before(async () => {
    rt = await FakeRuntime.start();
    rt.switches = [{ dpid: 1n, dpidHex: '0000000000000001', version: 4, remote: '', nBuffers: 0, nTables: 254, capabilities: 0, desc: undefined, ports: [], connectedAtMs: 0n, role: 1, masterNode: '', generation: 0n }];
    const started = startFirewall({ target: rt.target, insidePorts: [1], zone: 3 });
    conn = await rt.connection(0);
    conn.subscribed(0n);
    fw = await started;
  });
  after(async () => {
    await fw?.close();
    await rt.close();
  });

  it('installs the pipeline on a switch connected before it started, and confirms it with a barrier', async () => {
    await expectPipeline(1n);
    const subscribe = await conn.subscribeMessage();
    assert.equal(subscribe.kinds.length, 3, 'switch up, down and error: no packet-ins');
    // The barrier's result is handled on a later turn of the event loop: give it a bounded number of turns.
    for (let turn = 0; turn < 1000 && !fw.installed().has(1n); turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    assert.ok(fw.installed().has(1n), 'the barrier\'s answer did not mark the switch installed');
  });

  it('installs it again on every switch up', async () => {
    conn.events([{ seq: 1n, dpid: 2n, body: { $case: 'switchUp', value: { switch: { dpid: 2n, dpidHex: '0000000000000002' } } } }]);
    await expectPipeline(2n);
  });
});
