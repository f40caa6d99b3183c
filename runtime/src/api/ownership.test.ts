import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OFPFC_DELETE, OFPR_ACTION, OFPR_NO_MATCH, type OfpMessage } from '../openflow/index.js';
import { APP_ID_MASK, appCookie } from '../ownership/index.js';
import { StreamClient } from '../testing/api-client.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

// API clients are apps (docs/apps-sharing-a-switch.md): a packet-in caused by a
// client's flow goes to that client only, with the cookie it wrote; a table
// miss to every client; a client's flows go once its last stream has been gone
// for the grace period (0 here).

const DPID = 0x31n;

function packetIn(seq: number, reason: number, cookie: bigint): OfpMessage {
  const data = Buffer.alloc(64);
  data.writeUInt32BE(seq, 14);
  return { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: data.length, reason, tableId: 0, cookie, match: [{ field: 'in_port', value: 1 }], data };
}
const seqs = (c: StreamClient): number[] => c.events.flatMap((e) => (e.body?.$case === 'packetIn' ? [Buffer.from(e.body.value.data).readUInt32BE(14)] : []));

describe('API clients own their flows', () => {
  let t: TestRuntime;
  let sw: FakeSwitch;
  let a: StreamClient;
  let b: StreamClient;
  let aId = 0;
  let bId = 0;
  before(async () => {
    t = await startTestRuntime({ appFlowGraceMs: 0 });
    a = new StreamClient(t.rt.grpcPort);
    b = new StreamClient(t.rt.grpcPort);
    aId = (await a.subscribe({ appName: 'client-a' })).appId;
    bId = (await b.subscribe({ appName: 'client-b' })).appId;
    sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: DPID });
    await Promise.all([a, b].map((c) => c.event((e) => e.body?.$case === 'switchUp', 'switch up')));
  });
  after(async () => {
    b.close();
    await sw.close();
    await t.stop();
  });

  it('gives each client its app id, and a packet-in of its flow to it alone with its own cookie; a table miss to both', async () => {
    assert.ok(aId > 0 && bId > 0 && aId !== bId, `${aId} ${bId}`);
    sw.send(packetIn(1, OFPR_ACTION, appCookie(aId, 0x11n)));
    sw.send(packetIn(2, OFPR_NO_MATCH, appCookie(bId, 0n)));
    await Promise.all([a, b].map((c) => c.until(() => seqs(c).includes(2), 'the table miss')));
    assert.deepEqual([seqs(a), seqs(b)], [[1, 2], [2]]);
    const own = a.events.find((e) => e.body?.$case === 'packetIn' && Buffer.from(e.body.value.data).readUInt32BE(14) === 1);
    assert.equal(own?.body?.$case === 'packetIn' && own.body.value.cookie, 0x11n);
  });

  it('deletes a client\'s flows once its stream has been gone for the grace period', async () => {
    a.close();
    const del = await sw.waitFor((m) => m.type === 'FlowMod' && m.command === OFPFC_DELETE, 10_000);
    assert.ok(del.type === 'FlowMod');
    assert.deepEqual([del.cookie, del.cookieMask & APP_ID_MASK], [appCookie(aId, 0n), APP_ID_MASK]);
  });
});
