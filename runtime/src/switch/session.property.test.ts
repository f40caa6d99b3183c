import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { FakeSwitch } from '../testing/fake-switch.js';
import { hostileScript, playHostileSwitch } from '../testing/hostile-switch.js';
import { startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

/**
 * Whatever switches send, the process survives and well-behaved switches keep
 * being served. Each run plays a few hostile switches at once (every version
 * byte, valid Ryu vectors of every version, truncated ones, random frames,
 * unframed tails) through the real listener, session, state machine and apps,
 * then proves a good switch connected from the start still completes a
 * confirmed FLOW_MOD (barrier round trip) on the same session.
 */

const GOOD_DPID = 0x600d_0000_0000_0001n;
const RUNS = 30;
/** Bounds a hung session; a healthy run takes milliseconds. */
const SCRIPT_TIMEOUT_MS = 10_000;

describe('switch sessions under hostile input', () => {
  let t: TestRuntime;
  let good: FakeSwitch;
  const faults: unknown[] = [];
  const onFault = (err: unknown): void => {
    faults.push(err);
  };
  before(async () => {
    process.on('uncaughtException', onFault);
    process.on('unhandledRejection', onFault);
    t = await startTestRuntime({ apps: ['learning-switch'] });
    good = await FakeSwitch.connect(t.rt.openflowPort, { dpid: GOOD_DPID });
    await good.waitFor((m) => m.type === 'FlowMod');
  });
  after(async () => {
    process.off('uncaughtException', onFault);
    process.off('unhandledRejection', onFault);
    await good.close();
    await t.stop();
  });

  it('survive random message sequences from switches of every version; a good switch keeps working', async () => {
    const connectedAt = t.rt.switches.list().find((s) => s.dpid === GOOD_DPID)?.connectedAt;
    assert.notEqual(connectedAt, undefined);
    let nextDpid = 0x1000n;
    await fc.assert(
      fc.asyncProperty(fc.array(hostileScript(), { minLength: 2, maxLength: 4 }), async (scripts) => {
        await Promise.all(scripts.map((script) => playHostileSwitch(t.rt.openflowPort, script, nextDpid++, SCRIPT_TIMEOUT_MS)));
        const sw = t.rt.switches.lookup(GOOD_DPID);
        assert.ok(sw !== undefined, 'the good switch is still connected');
        await sw.sendConfirmed({ type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 7, bufferId: 0xffffffff, outPort: 0, outGroup: 0, flags: 0, match: [], instructions: [] });
        assert.equal(t.rt.switches.list().find((s) => s.dpid === GOOD_DPID)?.connectedAt, connectedAt, 'on the session it had from the start');
        assert.deepEqual(faults, []);
      }),
      { numRuns: RUNS },
    );
  });
});
