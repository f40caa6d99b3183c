import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeMessage, encodeMessage, OFP_NO_BUFFER, OFPP_ANY, OFPP_CONTROLLER, OFPG_ANY, type OfpMessage } from '../openflow/index.js';
import { CommandError_Code, type CommandResult } from '../generated/sdn/runtime/v1/events.js';
import { APP_ID_MASK, appIdOf, ownCookie, preferredAppId } from '../ownership/index.js';
import type { OxmField } from '../generated/sdn/runtime/v1/openflow.js';
import { StreamClient } from '../testing/api-client.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { metricValue, startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

const DPID = 0x5n;

function mac(field: string, value: string): OxmField {
  return { field, value: { kind: { $case: 'text', value } }, opaqueClass: 0, opaqueField: 0, opaqueHasMask: false, opaquePayload: Buffer.alloc(0) };
}

function errorOf(r: CommandResult): { code: CommandError_Code; message: string; openflow?: { type: number; code: number; description: string } | undefined } {
  assert.equal(r.kind?.$case, 'error', `expected an error result, got ${JSON.stringify(r.kind?.$case)}`);
  return (r.kind as Extract<CommandResult['kind'], { $case: 'error' }>).value;
}

const flowStats = (cookie: bigint) => ({ tableId: 0, durationSec: 1, durationNsec: 2, priority: 100, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie, packetCount: 3n, byteCount: 4n, match: [{ field: 'in_port', value: 1 }], instructions: [] });

describe('Events.Connect commands against a fake switch', () => {
  let t: TestRuntime;
  let sw: FakeSwitch;
  let app: StreamClient;
  before(async () => {
    t = await startTestRuntime();
    app = new StreamClient(t.rt.grpcPort);
    await app.subscribe({ appName: 'commander' });
    sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: DPID });
    await app.event((e) => e.body?.$case === 'switchUp', 'switch up');
    // Scripted answers: FLOW_MODs with cookie 0xbad are refused; flow stats come in three parts (flows of the asking app); role requests are granted.
    // The switch sees the app's id in the top 16 bits of each cookie (docs/apps-sharing-a-switch.md).
    sw.responder = (m, s) => {
      if (m.type === 'FlowMod' && ownCookie(m.cookie) === 0xbadn) {
        s.send({ type: 'Error', version: 4, xid: m.xid, errorType: 4, code: 9, data: encodeMessage(m).subarray(0, 64) });
        return true;
      }
      if (m.type === 'MultipartRequest' && m.body.type === 'flow') {
        [1n, 2n, 3n].forEach((cookie, i) => s.send({ type: 'MultipartReply', version: 4, xid: m.xid, flags: i < 2 ? 1 : 0, body: { type: 'flow', stats: [flowStats((m.body.type === 'flow' ? m.body.cookie & APP_ID_MASK : 0n) | cookie)] } }));
        return true;
      }
      if (m.type === 'RoleRequest') {
        s.send({ type: 'RoleReply', version: 4, xid: m.xid, role: m.role, generationId: m.generationId });
        return true;
      }
      return false;
    };
  });
  after(async () => {
    app.close();
    await sw.close();
    await t.stop();
  });

  it('a confirmed FLOW_MOD succeeds once the barrier proves it, with the documented defaults', async () => {
    const r = await app.command({ dpid: DPID, confirm: true, kind: { $case: 'flowMod', value: { cookie: 1n, priority: 7, match: { fields: [mac('eth_dst', '02:00:00:00:00:01')] }, instructions: [{ kind: { $case: 'applyActions', value: { actions: [{ kind: { $case: 'output', value: { port: 2, maxLen: 0 } } }] } } }] } } });
    assert.deepEqual(r.kind, { $case: 'ok', value: {} });
    const fm = await sw.waitFor((m) => m.type === 'FlowMod' && ownCookie(m.cookie) === 1n);
    assert.ok(fm.type === 'FlowMod');
    assert.equal(appIdOf(fm.cookie), preferredAppId('commander'), 'the app id of the stream\'s app is in the cookie');
    assert.deepEqual([fm.priority, fm.bufferId, fm.outPort, fm.outGroup], [7, OFP_NO_BUFFER, OFPP_ANY, OFPG_ANY]);
    assert.deepEqual(fm.match, [{ field: 'eth_dst', value: '02:00:00:00:00:01' }]);
    assert.deepEqual(fm.instructions, [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }]);
  });

  it('a FLOW_MOD the switch refuses with OFPT_ERROR gives CODE_SWITCH_ERROR with the decoded error', async () => {
    const error = errorOf(await app.command({ dpid: DPID, confirm: true, kind: { $case: 'flowMod', value: { cookie: 0xbadn } } }));
    assert.equal(error.code, CommandError_Code.CODE_SWITCH_ERROR);
    assert.deepEqual([error.openflow?.type, error.openflow?.code, error.openflow?.description], [4, 9, 'OFPET_BAD_MATCH/OFPBMC_BAD_PREREQ']);
    assert.match(error.message, /OFPET_BAD_MATCH\/OFPBMC_BAD_PREREQ/);
  });

  it('without a correlation id a refused FLOW_MOD comes back as a SWITCH_ERROR event', async () => {
    app.send({ kind: { $case: 'command', value: { correlationId: '', dpid: DPID, confirm: true, kind: { $case: 'flowMod', value: { cookie: 0xbadn, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 0, flags: 0, match: undefined, instructions: [] } }, expectReply: false } } });
    const event = await app.event((e) => e.body?.$case === 'switchError', 'a switch error event');
    assert.equal(event.body?.$case === 'switchError' && event.body.value.description, 'OFPET_BAD_MATCH/OFPBMC_BAD_PREREQ');
    assert.ok(event.seq > 0n, 'switch errors are lifecycle events with a seq');
  });

  it('reassembles a flow-stats reply the switch split into parts', async () => {
    const r = await app.command({ dpid: DPID, kind: { $case: 'stats', value: { kind: { $case: 'flow', value: {} } } } });
    assert.equal(r.kind?.$case, 'stats');
    const stats = r.kind?.$case === 'stats' && r.kind.value.kind?.$case === 'flow' ? r.kind.value.kind.value.stats : [];
    assert.deepEqual(stats.map((s) => s.cookie), [1n, 2n, 3n]);
    assert.deepEqual(stats[0]?.match?.fields.map((f) => [f.field, f.value?.kind]), [['in_port', { $case: 'uint', value: 1n }]]);
  });

  it('answers ROLE_REQUEST with the switch\'s role reply', async () => {
    const r = await app.command({ dpid: DPID, kind: { $case: 'role', value: { role: 2, generationId: 42n } } });
    assert.deepEqual(r.kind, { $case: 'role', value: { role: 2, generationId: 42n } });
  });

  it('sends a raw message and returns every part of the reply as bytes', async () => {
    const request = encodeMessage({ type: 'BarrierRequest', version: 4, xid: 0 });
    const r = await app.command({ dpid: DPID, expectReply: true, kind: { $case: 'raw', value: { message: request } } });
    const messages = r.kind?.$case === 'raw' ? r.kind.value.messages : [];
    assert.deepEqual(messages.map((b) => decodeMessage(b).type), ['BarrierReply']);
    const bad = errorOf(await app.command({ dpid: DPID, kind: { $case: 'raw', value: { message: Buffer.from([4, 14, 0, 9, 0, 0, 0, 0]) } } }));
    assert.equal(bad.code, CommandError_Code.CODE_INVALID);
    assert.match(bad.message, /^command\.raw\.message: the header's length is 9 but the message has 8 bytes/);
  });

  it('a PACKET_OUT without in_port and buffer_id goes out as from the controller, unbuffered', async () => {
    const r = await app.command({ dpid: DPID, confirm: true, kind: { $case: 'packetOut', value: { actions: [{ kind: { $case: 'output', value: { port: 1, maxLen: 0 } } }], data: Buffer.alloc(60, 1) } } });
    assert.deepEqual(r.kind, { $case: 'ok', value: {} });
    const po = (await sw.waitFor((m) => m.type === 'PacketOut')) as Extract<OfpMessage, { type: 'PacketOut' }>;
    assert.deepEqual([po.inPort, po.bufferId, po.data.length], [OFPP_CONTROLLER, OFP_NO_BUFFER, 60]);
  });

  it('an unknown dpid gives CODE_UNKNOWN_SWITCH', async () => {
    const error = errorOf(await app.command({ dpid: 0x99n, kind: { $case: 'barrier', value: {} } }));
    assert.equal(error.code, CommandError_Code.CODE_UNKNOWN_SWITCH);
    assert.match(error.message, /no switch with dpid 0000000000000099 is connected/);
  });

  it('an invalid command gives CODE_INVALID naming the field, and nothing reaches the switch', async () => {
    const error = errorOf(await app.command({ dpid: DPID, confirm: true, kind: { $case: 'flowMod', value: { cookie: 0x77n, match: { fields: [mac('eth_src', 'zz:00:00:00:00:01')] } } } }));
    assert.equal(error.code, CommandError_Code.CODE_INVALID);
    assert.match(error.message, /^command\.flow_mod\.match\.fields\[0\]\.value: zz:00:00:00:00:01 is not a MAC address/);
    await app.command({ dpid: DPID, confirm: true, kind: { $case: 'flowMod', value: { cookie: 0x78n } } });
    assert.equal(sw.inbox.some((m) => m.type === 'FlowMod' && ownCookie(m.cookie) === 0x77n), false);
  });

  it('fire-and-forget failures are counted and logged once per code', async () => {
    const before = await metricValue(t.rt, 'sdn_runtime_api_command_errors_total', { app: 'commander', code: 'CODE_UNKNOWN_SWITCH' });
    for (let i = 0; i < 3; i++) app.send({ kind: { $case: 'command', value: { correlationId: '', dpid: 0x98n, confirm: false, kind: { $case: 'barrier', value: {} }, expectReply: false } } });
    // Commands run in order; once this one is answered, the three before it have failed.
    await app.command({ dpid: DPID, kind: { $case: 'barrier', value: {} } });
    assert.equal(await metricValue(t.rt, 'sdn_runtime_api_command_errors_total', { app: 'commander', code: 'CODE_UNKNOWN_SWITCH' }), before + 3);
    assert.equal(t.logs.filter((l) => l.code === 'CODE_UNKNOWN_SWITCH' && String(l.msg).includes('without correlation_id')).length, 1);
  });

  it('runs the commands of a CommandBatch in order, each answered by its correlation id', async () => {
    const flowMod = (cookie: bigint) => ({ correlationId: `batch-${cookie}`, dpid: DPID, confirm: true, expectReply: false, kind: { $case: 'flowMod' as const, value: { cookie, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 0, flags: 0, match: undefined, instructions: [] } } });
    app.send({ kind: { $case: 'commands', value: { commands: [flowMod(0x101n), flowMod(0x102n)] } } });
    await app.until(() => app.results.has('batch-258'), 'the result of the second batched command');
    assert.equal(app.results.get('batch-257')?.kind?.$case, 'ok');
    assert.equal(app.results.get('batch-258')?.kind?.$case, 'ok');
    assert.deepEqual(sw.inbox.filter((m) => m.type === 'FlowMod' && ownCookie(m.cookie) >= 0x101n).map((m) => m.type === 'FlowMod' && ownCookie(m.cookie)), [0x101n, 0x102n]);
  });

  it('publish and kv_txn on the stream reach the runtime\'s bus and KV store', async () => {
    const pub = await app.command({ kind: { $case: 'publish', value: { message: { subject: 'a.b', payload: Buffer.from('x'), headers: {} } } } });
    assert.equal(pub.kind?.$case, 'publish');
    const key = Buffer.from('stream/txn');
    const put = await app.command({ kind: { $case: 'kvTxn', value: { compares: [], success: [{ kind: { $case: 'put', value: { key, value: Buffer.from('v') } } }], failure: [] } } });
    assert.equal(put.kind?.$case === 'kvTxn' && put.kind.value.succeeded, true);
    const get = await app.command({ kind: { $case: 'kvTxn', value: { compares: [], success: [{ kind: { $case: 'get', value: { key } } }], failure: [] } } });
    const result = get.kind?.$case === 'kvTxn' ? get.kind.value.results[0]?.kind : undefined;
    assert.equal(result?.$case === 'get' && result.value.kv?.value.toString(), 'v');
  });
});
