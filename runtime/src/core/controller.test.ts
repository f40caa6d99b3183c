import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { learningSwitch } from '../apps/learning-switch.js';
import { OFPP_FLOOD, type OfpMessage } from '../openflow/index.js';
import { fakePort, FakeSwitch } from '../testing/fake-switch.js';
import { eventually, metricValue, startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';
import { SWITCH_EVENT_TYPES, SwitchRegistry, type App, type AppEvent } from './index.js';

function packetIn(inPort: number, src: number): OfpMessage {
  const data = Buffer.concat([Buffer.from('ffffffffffff', 'hex'), Buffer.from([2, 0, 0, 0, 0, src]), Buffer.from([0x08, 0x00]), Buffer.alloc(46)]);
  return { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: inPort }], data };
}

/** An app whose handler fails on every packet-in: by throwing, or (async) by rejecting. */
function faultyApp(name: string, how: 'throw' | 'reject'): App {
  return {
    name,
    start(ctx) {
      ctx.subscribe(
        ['packetIn'],
        how === 'throw'
          ? (event) => {
              if (event.type === 'packetIn') throw new TypeError(`${name} is broken`);
            }
          : async (event) => {
              await Promise.resolve();
              if (event.type === 'packetIn') throw new TypeError(`${name} is broken`);
            },
      );
    },
  };
}

const faultLogs = (t: TestRuntime, app: string): Record<string, unknown>[] => t.logs.filter((l) => l.app === app && String(l.msg).startsWith('app event handler failed'));

describe('in-process apps whose handlers fail', () => {
  let t: TestRuntime;
  let sw: FakeSwitch;
  before(async () => {
    t = await startTestRuntime();
    // The faulty apps subscribe first: the learning switch, after them, must still see every event.
    await t.rt.controller.use(faultyApp('thrower', 'throw'));
    await t.rt.controller.use(faultyApp('rejecter', 'reject'));
    await t.rt.controller.use(learningSwitch());
    sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0x31n });
  });
  after(async () => {
    await sw.close();
    await t.stop();
  });

  it('are contained: counted per app, logged once, the event skipped for them only; the switch and the other apps carry on', async () => {
    await sw.waitFor((m) => m.type === 'FlowMod');
    for (let i = 1; i <= 3; i++) {
      sw.send(packetIn(1, i));
      const out = await sw.waitFor((m) => m.type === 'PacketOut');
      assert.deepEqual(out.type === 'PacketOut' && out.actions, [{ type: 'output', port: OFPP_FLOOD, maxLen: 0 }], 'the learning switch still answers');
    }
    // Each rejection settled long before the switch got the PACKET_OUT that follows it.
    assert.equal(faultLogs(t, 'rejecter').length, 1);
    assert.equal(await metricValue(t.rt, 'sdn_runtime_app_handler_errors_total', { app: 'thrower' }), 3);
    assert.equal(await metricValue(t.rt, 'sdn_runtime_app_handler_errors_total', { app: 'rejecter' }), 3);
    assert.equal(await metricValue(t.rt, 'sdn_runtime_errors_total', { cause: 'appHandler' }), 6);
    assert.equal(faultLogs(t, 'thrower').length, 1, 'one log line per app, not one per event');
    assert.match(String((faultLogs(t, 'thrower')[0]!.err as { message: string }).message), /thrower is broken/);
    assert.equal(t.rt.switches.list().length, 1, 'the switch stays connected');
    assert.equal(await metricValue(t.rt, 'sdn_runtime_switch_connections_closed_total'), 0);
  });

  it('an app that fires commands and ignores their promises does not end the process when they fail', async () => {
    const sw2 = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0x32n });
    try {
      sw2.responder = (m, s) => {
        if (m.type !== 'FlowMod' || m.priority !== 9) return false;
        s.send({ type: 'Error', version: 4, xid: m.xid, errorType: 5, code: 0, data: Buffer.alloc(0) });
        return true;
      };
      await eventually(() => t.rt.switches.lookup(0x32n) !== undefined, 'switch 0x32 up');
      const handle = t.rt.switches.lookup(0x32n)!;
      const flowMod = { type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 9, bufferId: 0xffffffff, outPort: 0, outGroup: 0, flags: 0, match: [], instructions: [] } as const;
      // Fired and forgotten, as a careless app would: the switch refuses it, and an unencodable request.
      void handle.sendConfirmed(flowMod);
      void handle.request({ type: 'FlowMod', tableId: 300 } as never);
      // The switch handles messages in order: once this barrier is back, the refusal above has arrived too.
      await handle.barrier();
      await assert.rejects(handle.sendConfirmed(flowMod), { code: 'SWITCH_ERROR' }, 'an app that awaits still sees the failure');
    } finally {
      await sw2.close();
    }
  });
});

describe('a fault in the runtime while it handles one switch', () => {
  let t: TestRuntime;
  before(async () => {
    t = await startTestRuntime();
  });
  after(async () => {
    await t.stop();
  });

  it('closes that switch only: switch-down with internalError, counted, one error line with the stack', async () => {
    const events: AppEvent[] = [];
    await t.rt.controller.use({ name: 'recorder', start: (ctx) => void ctx.subscribe(SWITCH_EVENT_TYPES, (e) => events.push(e)) });
    const victim = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0x41n });
    const bystander = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0x42n });
    try {
      await eventually(() => t.rt.switches.list().length === 2, 'both switches up');
      // Fault injection: a bug in the registry's handling of one switch's messages.
      const registry = t.rt.switches;
      assert.ok(registry instanceof SwitchRegistry);
      const original = registry.onMessage.bind(registry);
      registry.onMessage = (session, message) => {
        if (session.dpid === 0x41n) throw new TypeError('a bug in the controller');
        original(session, message);
      };
      victim.send({ type: 'PortStatus', version: 4, xid: 0, reason: 2, desc: fakePort(1) });
      await eventually(() => victim.socket.closed, 'the runtime closed the faulty switch', 10_000);
      await eventually(() => events.some((e) => e.type === 'switchDown'), 'the switch-down event');
      assert.deepEqual(
        events.filter((e) => e.type === 'switchDown').map((e) => e.type === 'switchDown' && [e.dpid, e.reason]),
        [[0x41n, 'internalError']],
      );
      assert.equal(await metricValue(t.rt, 'sdn_runtime_errors_total', { cause: 'internalError' }), 1);
      const lines = t.logs.filter((l) => l.msg === 'switch session failed inside the runtime: its connection is closed, other switches carry on');
      assert.equal(lines.length, 1);
      assert.match(String((lines[0]!.err as { stack: string }).stack), /TypeError: a bug in the controller/);
      assert.deepEqual(t.rt.switches.list().map((s) => s.dpid), [0x42n]);
      await t.rt.switches.lookup(0x42n)!.barrier();
    } finally {
      await victim.close();
      await bystander.close();
    }
  });
});
