import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { AppEvent, AppScope, SwitchDirectory } from '../core/index.js';
import { MergedDirectory, Ownership } from '../core/index.js';
import { OFPFC_ADD, OFPFC_DELETE, OFPFF_SEND_FLOW_REM, OFPR_ACTION, OFPRR_IDLE_TIMEOUT, OFPTT_ALL, type FlowMod, type FlowRemoved, type Match, type PacketIn } from '../openflow/index.js';
import { parseSeeds } from '../overlay/index.js';
import { appCookie, appIdOf, OwnershipError, preferredAppId } from '../ownership/index.js';
import { eventually } from '../testing/test-runtime.js';
import { OverlayRunner } from './overlay-runner.js';
import { RemoteSwitchMetrics } from './remote-switch-metrics.js';
import { SwitchOwner } from './remote-switch-owner.js';
import { RemoteSwitches } from './remote-switches.js';
import { FlowTableSwitch, switchView } from './testing/flow-table-switch.js';

const DPID = 0xabn;
const silent = pino({ level: 'silent' });
const running: OverlayRunner[] = [];

after(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

type Mod = Omit<FlowMod, 'version' | 'xid'>;
const add = (priority: number, match: Match, cookie = 0n): Mod => ({
  type: 'FlowMod', cookie, cookieMask: 0n, tableId: 0, command: OFPFC_ADD, idleTimeout: 0, hardTimeout: 0, priority,
  bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match, instructions: [],
});
const deleteAll: Mod = { ...add(0, []), command: OFPFC_DELETE, tableId: OFPTT_ALL };

async function runner(id: number, seeds = ''): Promise<OverlayRunner> {
  const r = new OverlayRunner({ nodeId: id, host: '127.0.0.1', port: 0, seeds: parseSeeds(seeds, id), aliases: [], tls: undefined, log: silent, registry: new Registry(), tickMs: 20, overrides: { backoffInitialMs: 50, backoffMaxMs: 200, recordMinIntervalMs: 20 } });
  await r.start();
  running.push(r);
  return r;
}

/** A node whose apps reach node 1's switch through the overlay: its flow ownership, and the events its bus routed. */
interface AppNode {
  readonly runner: OverlayRunner;
  readonly ownership: Ownership;
  readonly directory: SwitchDirectory;
  readonly routed: AppEvent[];
  scope(name: string): AppScope;
}

/**
 * Node 1 owns the switch (a flow table); nodes 2 and 3 run apps that write to
 * it. `ownerConfines` false: node 1 is of an earlier build (it runs commands as
 * they come and does not say it confines). `pinned`: app ids pinned on every node;
 * `view`: the switch's.
 */
async function cluster(ownerConfines = true, pinned = new Map<string, number>(), view = switchView(DPID, 1)) {
  const ownerRefusals: OwnershipError[] = [];
  const ownerOwnership = new Ownership({ defaultQuota: Infinity, pinnedIds: pinned, onRefused: (err) => void ownerRefusals.push(err) });
  const a = await runner(1);
  const table = new FlowTableSwitch(view);
  const owner = new SwitchOwner(a, table, silent, new RemoteSwitchMetrics(new Registry()), ownerConfines ? { ownership: ownerOwnership, directory: table } : undefined);
  const up: AppEvent = { type: 'switchUp', node: 1, dpid: DPID, view: table.theView };
  owner.onLocalEvent(up);
  ownerOwnership.route(up);
  const appNode = async (id: number): Promise<AppNode> => {
    const r = await runner(id, `1@127.0.0.1:${a.port}`);
    const ownership = new Ownership({ defaultQuota: Infinity, pinnedIds: pinned });
    const routed: AppEvent[] = [];
    const remote = new RemoteSwitches(r, { publish: (e) => void routed.push(ownership.route(e) ?? e) }, silent, new RemoteSwitchMetrics(new Registry()));
    const none: SwitchDirectory = { lookup: () => undefined, view: () => undefined, list: () => [], role: () => undefined };
    const directory = new MergedDirectory(none, remote);
    await eventually(() => directory.lookup(DPID) !== undefined, `node ${id} learns node 1's switch`);
    return { runner: r, ownership, directory, routed, scope: (name) => ownership.scope(name, directory, 'client') };
  };
  const [b, c] = [await appNode(2), await appNode(3)];
  return { a, owner, ownerOwnership, ownerRefusals, table, b, c };
}

const overlapOf = (app: string) => (err: unknown): boolean => err instanceof OwnershipError && err.reason === 'overlap' && err.app === app;

describe('apps on two nodes writing one switch of a third: confined by the switch\'s owner', () => {
  it('an add overlapping another node\'s app\'s flow (same table and priority) is refused on the sender with overlap; a send of one is counted on the owner', async () => {
    const { a, owner, ownerRefusals, ownerOwnership, table, b, c } = await cluster();
    const x = c.scope('acl');
    const y = b.scope('learning');
    await x.switches.lookup(DPID)!.sendConfirmed(add(100, [{ field: 'in_port', value: 1 }], 5n));
    const ySwitch = y.switches.lookup(DPID)!;
    await assert.rejects(ySwitch.sendConfirmed(add(100, [{ field: 'eth_dst', value: '02:00:00:00:00:02' }])), overlapOf('learning'));
    ySwitch.send(add(100, [{ field: 'in_port', value: 1 }, { field: 'eth_dst', value: '02:00:00:00:00:03' }]));
    // Commands to one owner stay in order: once this barrier is back, the send was refused or taken.
    await ySwitch.barrier();
    assert.deepEqual(ownerRefusals.map((e) => [e.app, e.reason]), [['learning', 'overlap'], ['learning', 'overlap']]);
    assert.deepEqual(table.flows.map((f) => [appIdOf(f.cookie), f.priority]), [[x.id, 100]]);
    assert.equal(ownerOwnership.flowCount(x.id, DPID), 1);
    // Another priority layers: taken.
    await ySwitch.sendConfirmed(add(1, [{ field: 'eth_dst', value: '02:00:00:00:00:02' }]));
    assert.equal(table.flows.length, 2);
    // A packet-in of x's flow reaches node 3 for x: routing goes by the cookie's app id, the owner's, which is the sender's.
    c.runner.control((node) => node.setSwitchInterests([{ kind: 'packetIn', dpids: [], packed: true }]));
    await eventually(() => a.node.record(3)?.switchInterests.length === 1, 'node 1 learns that node 3 wants packet-ins');
    const message: PacketIn = { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: 1, reason: OFPR_ACTION, tableId: 0, cookie: table.flows[0]!.cookie, match: [{ field: 'in_port', value: 1 }], data: Buffer.from([1]) };
    owner.onLocalEvent({ type: 'packetIn', node: 1, dpid: DPID, message });
    await eventually(() => c.routed.some((e) => e.type === 'packetIn'), 'the packet-in reaches node 3');
    const routed = c.routed.find((e) => e.type === 'packetIn');
    assert.deepEqual(routed?.type === 'packetIn' && [routed.owner, routed.message.cookie], [x.id, 5n]);
  });

  it('a flow-removed of another node\'s app\'s flow goes to that node only when the app asked for it (OFPFF_SEND_FLOW_REM): the owner\'s ledger says', async () => {
    const { owner, ownerOwnership, a, table, c } = await cluster();
    const x = c.scope('acl');
    await x.switches.lookup(DPID)!.sendConfirmed(add(100, [{ field: 'in_port', value: 1 }]));
    await x.switches.lookup(DPID)!.sendConfirmed({ ...add(100, [{ field: 'in_port', value: 2 }]), flags: OFPFF_SEND_FLOW_REM });
    c.runner.control((node) => node.setSwitchInterests([{ kind: 'flowRemoved', dpids: [], packed: true }]));
    await eventually(() => a.node.record(3)?.switchInterests.length === 1, 'node 1 learns that node 3 wants flow-removed');
    // As the switch reports them: the unasked one first; per-switch order means the second one's arrival shows the first was not sent.
    for (const flow of [...table.flows]) {
      const message: FlowRemoved = { type: 'FlowRemoved', version: 4, xid: 0, cookie: flow.cookie, priority: flow.priority, reason: OFPRR_IDLE_TIMEOUT, tableId: flow.tableId, durationSec: 1, durationNsec: 0, idleTimeout: 10, hardTimeout: 0, packetCount: 0n, byteCount: 0n, match: flow.match };
      const event: AppEvent = { type: 'flowRemoved', node: 1, dpid: DPID, message };
      owner.onLocalEvent(event);
      ownerOwnership.route(event);
    }
    await eventually(() => c.routed.some((e) => e.type === 'flowRemoved'), 'the asked-for flow-removed reaches node 3');
    const removed = c.routed.filter((e) => e.type === 'flowRemoved');
    assert.deepEqual(removed.map((e) => e.type === 'flowRemoved' && [e.owner, e.message.match]), [[x.id, [{ field: 'in_port', value: 2 }]]]);
    assert.equal(ownerOwnership.flowCount(x.id, DPID), 0);
  });

  it('a delete of all flows by one node\'s app deletes its own flows only, on the switch and in the owner\'s ledger; so does removing its flows', async () => {
    const { ownerOwnership, table, b, c } = await cluster();
    const x = c.scope('acl');
    const y = b.scope('learning');
    await x.switches.lookup(DPID)!.sendConfirmed(add(100, [{ field: 'in_port', value: 1 }]));
    await x.switches.lookup(DPID)!.sendConfirmed(add(100, [{ field: 'in_port', value: 2 }]));
    await y.switches.lookup(DPID)!.sendConfirmed(add(1, []));
    await y.switches.lookup(DPID)!.sendConfirmed(deleteAll);
    assert.deepEqual(table.flows.map((f) => appIdOf(f.cookie)), [x.id, x.id]);
    assert.equal(ownerOwnership.flowCount(y.id, DPID), 0);
    assert.equal(ownerOwnership.flowCount(x.id, DPID), 2);
    await y.switches.lookup(DPID)!.sendConfirmed(add(1, []));
    assert.deepEqual(await y.removeFlows(), []);
    assert.deepEqual(table.flows.map((f) => appIdOf(f.cookie)), [x.id, x.id]);
    assert.equal(ownerOwnership.flowCount(y.id, DPID), 0);
  });

  it('an app that the sender\'s node gives another id than the owner does is refused with appIds, and cannot delete the flows of the app holding that id', async () => {
    // Two names with one hash: node 3 gives it to app-428, node 2 to app-207 (each was first there).
    assert.equal(preferredAppId('app-207'), preferredAppId('app-428'));
    const { ownerRefusals, table, b, c } = await cluster();
    const x = c.scope('app-428');
    const y = b.scope('app-207');
    assert.equal(x.id, y.id);
    await x.switches.lookup(DPID)!.sendConfirmed(add(100, [{ field: 'in_port', value: 1 }]));
    const refused = (err: unknown): boolean => err instanceof OwnershipError && err.reason === 'appIds' && err.app === 'app-207' && /pin the app's id in every node's appIds config/.test(err.message);
    await assert.rejects(y.switches.lookup(DPID)!.sendConfirmed(deleteAll), refused);
    await assert.rejects(y.switches.lookup(DPID)!.sendConfirmed(add(7, [])), refused);
    assert.deepEqual(table.flows.map((f) => [appIdOf(f.cookie), f.priority]), [[x.id, 100]]);
    assert.deepEqual(ownerRefusals.map((e) => e.reason), ['appIds', 'appIds']);
  });

  it('an app id pinned on every node: the colliding name writes under its pinned id', async () => {
    const { table, b, c } = await cluster(true, new Map([['app-207', 9]]));
    const x = c.scope('app-428');
    const y = b.scope('app-207');
    await x.switches.lookup(DPID)!.sendConfirmed(add(100, [{ field: 'in_port', value: 1 }]));
    await y.switches.lookup(DPID)!.sendConfirmed(add(7, []));
    await y.switches.lookup(DPID)!.sendConfirmed(deleteAll);
    assert.deepEqual(table.flows.map((f) => appIdOf(f.cookie)), [preferredAppId('app-428')]);
  });

  it('an app removing its flows from an OpenFlow 1.0 switch of another node: the owner deletes them one by one from its ledger (1.0 has no cookie mask)', async () => {
    const of13 = switchView(DPID, 1);
    const of10 = { ...of13, version: 1, features: { ...of13.features, version: 1, actions: 0, ports: [] } };
    const { ownerOwnership, table, b, c } = await cluster(true, new Map(), of10);
    const x = c.scope('acl');
    const y = b.scope('learning');
    await x.switches.lookup(DPID)!.sendConfirmed(add(100, [{ field: 'in_port', value: 1 }]));
    await y.switches.lookup(DPID)!.sendConfirmed(add(1, [{ field: 'in_port', value: 2 }]));
    await y.switches.lookup(DPID)!.sendConfirmed(add(1, [{ field: 'in_port', value: 3 }]));
    await assert.rejects(y.switches.lookup(DPID)!.sendConfirmed(deleteAll), (err: unknown) => err instanceof OwnershipError && err.reason === 'unconfinable');
    assert.deepEqual(await y.removeFlows(), []);
    assert.deepEqual(table.flows.map((f) => appIdOf(f.cookie)), [x.id]);
    assert.equal(ownerOwnership.flowCount(y.id, DPID), 0);
  });

  it('an owner of an earlier build (it does not say it confines): the sender confines, as before', async () => {
    const { table, b } = await cluster(false);
    const y = b.scope('learning');
    assert.equal(b.directory.lookup(DPID)?.forApp, undefined);
    await y.switches.lookup(DPID)!.sendConfirmed(add(1, [], 5n));
    assert.deepEqual(table.flows.map((f) => [f.cookie, (f.flags & OFPFF_SEND_FLOW_REM) !== 0]), [[appCookie(y.id, 5n), true]]);
    // The sender's ledger is the one that counts it.
    assert.equal(b.ownership.flowCount(y.id, DPID), 1);
    await assert.rejects(y.switches.lookup(DPID)!.sendConfirmed(add(2, [], 1n << 60n)), (err: unknown) => err instanceof OwnershipError && err.reason === 'cookieBits');
  });
});
