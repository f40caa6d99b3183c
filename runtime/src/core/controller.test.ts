import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { learningSwitch } from '../apps/learning-switch.js';
import { OFPP_FLOOD, type OfpMessage } from '../openflow/index.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { metricValue, startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';
import type { App } from './app-types.js';

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
    assert.equal(t.rt.controller.switches().length, 1, 'the switch stays connected');
    assert.equal(await metricValue(t.rt, 'sdn_runtime_switch_connections_closed_total'), 0);
  });
});
