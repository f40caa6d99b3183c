import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OFPFC_ADD, OFPFC_DELETE, OFPG_ANY, OFPP_ANY, OFPTT_ALL, type FlowMod, type MessageBody } from '../openflow/index.js';
import { APP_ID_MASK, appIdOf, ownCookie, preferredAppId } from '../ownership/index.js';
import { StreamClient } from '../testing/api-client.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { eventually, metricValue, startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';
import type { AppContext } from './index.js';

// Ownership as the runtime wires it (serve/runtime.ts): an in-process app's
// context confines what it sends, quotas come from the config, refusals are
// counted and logged once, and an API client cannot take an in-process app's name.

const DPID = 0x77n;
const add = (priority: number, cookie = 0n): MessageBody => ({
  type: 'FlowMod', cookie, cookieMask: 0n, tableId: 0, command: OFPFC_ADD, idleTimeout: 0, hardTimeout: 0, priority,
  bufferId: 0xffffffff, outPort: 0, outGroup: 0, flags: 0, match: [{ field: 'in_port', value: priority }], instructions: [],
});

describe('ownership wired into the runtime', () => {
  let t: TestRuntime;
  let sw: FakeSwitch;
  let ctx: AppContext | undefined;
  before(async () => {
    t = await startTestRuntime({ appFlowQuota: 2 });
    await t.rt.controller.use({ name: 'acl', start: (c) => void (ctx = c) });
    sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: DPID });
    await eventually(() => ctx!.switches.lookup(DPID) !== undefined, 'the switch in the directory');
  });
  after(async () => {
    await sw.close();
    await t.stop();
  });

  it('gives an in-process app its id and a directory whose commands carry it', async () => {
    assert.equal(ctx!.apps.own.id, preferredAppId('acl'));
    const handle = ctx!.switches.lookup(DPID)!;
    handle.send(add(10, 0x5n));
    const fm = (await sw.waitFor((m) => m.type === 'FlowMod' && m.priority === 10)) as FlowMod;
    assert.deepEqual([appIdOf(fm.cookie), ownCookie(fm.cookie)], [preferredAppId('acl'), 0x5n]);
    await handle.sendConfirmed({ ...(add(0) as FlowMod), command: OFPFC_DELETE, tableId: OFPTT_ALL, outPort: OFPP_ANY, outGroup: OFPG_ANY, match: [] });
    const del = (await sw.waitFor((m) => m.type === 'FlowMod' && m.command === OFPFC_DELETE)) as FlowMod;
    assert.equal(del.cookieMask & APP_ID_MASK, APP_ID_MASK, 'a delete of all flows selects the app\'s flows only');
  });

  it('refuses an add over the configured quota: thrown to the app, counted, logged once, never sent', async () => {
    const handle = ctx!.switches.lookup(DPID)!;
    await handle.sendConfirmed(add(20));
    await handle.sendConfirmed(add(21));
    for (const priority of [22, 23]) assert.throws(() => handle.send(add(priority)), (err: unknown) => err instanceof Error && 'code' in err && err.code === 'OWNERSHIP_QUOTA');
    await handle.barrier();
    assert.equal(sw.inbox.some((m) => m.type === 'FlowMod' && m.priority >= 22), false);
    assert.equal(await metricValue(t.rt, 'sdn_runtime_ownership_refusals_total', { app: 'acl', reason: 'quota' }), 2);
    assert.equal(t.logs.filter((l) => l.app === 'acl' && l.reason === 'quota').length, 1);
  });

  it('ends the stream of an API client that gives itself an in-process app\'s name', async () => {
    const client = new StreamClient(t.rt.grpcPort);
    try {
      client.send({ kind: { $case: 'subscribe', value: { appName: 'acl', kinds: [], dpids: [], topics: [], kvWatches: [], tables: [], initialCredit: 0, maxBatch: 0, packetIn: undefined, resumeAfterSeq: undefined } } });
      const status = await client.status;
      assert.match(status.details, /app acl: the name belongs to an app inside the runtime: choose another app name/);
    } finally {
      client.close();
    }
  });
});
