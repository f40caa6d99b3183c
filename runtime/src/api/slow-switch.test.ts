import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OfpMessage } from '../openflow/index.js';
import { CommandError_Code, type Command, type DeepPartial } from '../generated/sdn/runtime/v1/events.js';
import { StreamClient } from '../testing/api-client.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { eventually, metricValue, startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

// A client that sends commands faster than a switch takes them: here the switch
// stops reading its socket altogether. The stated policy (events.proto, Command):
// the runtime holds at most `switchSendQueueBytes` for a switch; commands beyond
// that are refused with CODE_UNAVAILABLE, never queued.

const STUCK = 0x5n;
const HEALTHY = 0x6n;
const BOUND = 64 * 1024;
const BATCH = 100;
const PAYLOAD = 1400;
/** One batch of packet-outs as OpenFlow bytes, at most (header, action, data). */
const BATCH_BYTES = BATCH * (PAYLOAD + 64);

const packetOut = (dpid: bigint, correlationId = ''): DeepPartial<Command> => ({
  correlationId,
  dpid,
  kind: { $case: 'packetOut', value: { actions: [{ kind: { $case: 'output', value: { port: 1, maxLen: 0 } } }], data: Buffer.alloc(PAYLOAD, 7) } },
});
/** Each app at its own priority: two apps' match-all flows at one priority would overlap (docs/apps-sharing-a-switch.md). */
const confirmedFlowMod = (dpid: bigint, cookie: bigint, priority = 3): DeepPartial<Command> => ({ dpid, confirm: true, kind: { $case: 'flowMod', value: { cookie, priority } } });
const packetIn = (data: Buffer): OfpMessage => ({ type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1 }], data });

describe('Events.Connect: a client that sends commands faster than the switch takes them', () => {
  let t: TestRuntime;
  let flooder: StreamClient;
  let other: StreamClient;
  let stuck: FakeSwitch;
  let healthy: FakeSwitch;
  const queued = (): Promise<number> => metricValue(t.rt, 'sdn_runtime_switch_send_queue_bytes');
  const refused = (): Promise<number> => metricValue(t.rt, 'sdn_runtime_api_command_errors_total', { app: 'flooder', code: 'CODE_UNAVAILABLE' });

  before(async () => {
    // No echo during the test: the stuck switch reads nothing, so it would never answer one.
    t = await startTestRuntime({ switchSendQueueBytes: BOUND, echoIntervalMs: 60_000, echoTimeoutMs: 120_000 });
    flooder = new StreamClient(t.rt.grpcPort);
    other = new StreamClient(t.rt.grpcPort);
    await flooder.subscribe({ appName: 'flooder' });
    await other.subscribe({ appName: 'other' });
    stuck = await FakeSwitch.connect(t.rt.openflowPort, { dpid: STUCK });
    healthy = await FakeSwitch.connect(t.rt.openflowPort, { dpid: HEALTHY });
    for (const dpid of [STUCK, HEALTHY]) await other.event((e) => e.body?.$case === 'switchUp' && e.dpid === dpid, `switch ${dpid} up`);
  });
  after(async () => {
    flooder.close();
    other.close();
    await stuck.close();
    await healthy.close();
    await t.stop();
  });

  it('refuses what the switch cannot take with CODE_UNAVAILABLE, holds at most the bound, and the runtime, the client and others carry on', async (tc) => {
    stuck.socket.pause();
    const refusedBefore = await refused();
    let sent = 0;
    let busy: string | undefined;
    // Batches of fire-and-forget packet-outs, each followed by one with a correlation id
    // whose answer says whether the switch still takes commands. The kernel's socket
    // buffers fill first (a few MB on loopback), then the runtime's own queue.
    for (let round = 0; round < 400 && busy === undefined; round++) {
      flooder.send({ kind: { $case: 'commands', value: { commands: Array.from({ length: BATCH }, () => packetOut(STUCK) as Command) } } });
      const probe = await flooder.command(packetOut(STUCK, `probe-${round}`));
      sent += BATCH + 1;
      if (probe.kind?.$case === 'error') {
        assert.equal(probe.kind.value.code, CommandError_Code.CODE_UNAVAILABLE, probe.kind.value.message);
        busy = probe.kind.value.message;
      }
    }
    assert.ok(busy !== undefined, `no command was refused after ${sent} packet-outs to a switch that reads nothing`);
    assert.match(busy, /^switch 0000000000000005 is busy: \d+ bytes wait to be sent to the switch \(bound 65536\).*nothing was sent/);
    const held = await queued();
    tc.diagnostic(`first refusal after ${sent} packet-outs (${((sent * PAYLOAD) / 1e6).toFixed(1)} MB); the runtime holds ${held} bytes`);
    assert.ok(held >= BOUND && held <= BOUND + BATCH_BYTES, `the runtime holds ${held} bytes for the stuck switch; the bound is ${BOUND} plus one batch`);

    // Keep flooding: every command is refused, nothing more is held.
    for (let round = 0; round < 20; round++) {
      flooder.send({ kind: { $case: 'commands', value: { commands: Array.from({ length: BATCH }, () => packetOut(STUCK) as Command) } } });
      const probe = await flooder.command(packetOut(STUCK, `more-${round}`));
      sent += BATCH + 1;
      assert.equal(probe.kind?.$case === 'error' && probe.kind.value.code, CommandError_Code.CODE_UNAVAILABLE);
    }
    assert.equal(await queued(), held, 'refused commands were queued after all');
    const refusedCount = (await refused()) - refusedBefore;
    assert.ok(refusedCount >= 20 * (BATCH + 1), `only ${refusedCount} refusals counted`);
    assert.ok((await metricValue(t.rt, 'sdn_runtime_errors_total', { cause: 'switchBusy' })) >= refusedCount);
    // Fire-and-forget refusals are counted, and logged once per stream and code; the switch's state once.
    assert.equal(t.logs.filter((l) => l.app === 'flooder' && l.code === 'CODE_UNAVAILABLE').length, 1);
    assert.equal(t.logs.filter((l) => l.cause === 'switchBusy').length, 1);

    // The same client and another one still drive the healthy switch and get its events.
    assert.deepEqual((await flooder.command(confirmedFlowMod(HEALTHY, 0x61n))).kind, { $case: 'ok', value: {} });
    assert.deepEqual((await other.command(confirmedFlowMod(HEALTHY, 0x62n, 4))).kind, { $case: 'ok', value: {} });
    healthy.send(packetIn(Buffer.alloc(60, 9)));
    for (const client of [flooder, other]) await client.event((e) => e.body?.$case === 'packetIn' && e.dpid === HEALTHY, 'the healthy switch\'s packet-in');

    // Once the switch reads again it gets exactly the commands that were accepted, and takes new ones.
    stuck.socket.resume();
    const accepted = sent - refusedCount;
    const packetOuts = (): number => stuck.inbox.filter((m) => m.type === 'PacketOut').length;
    await eventually(() => packetOuts() >= accepted, `the ${accepted} accepted packet-outs reach the switch (got ${packetOuts()})`, 15_000);
    assert.equal(packetOuts(), accepted, 'a refused command reached the switch');
    assert.deepEqual((await flooder.command(confirmedFlowMod(STUCK, 0x51n))).kind, { $case: 'ok', value: {} });
    assert.equal(await queued(), 0);
  });
});
