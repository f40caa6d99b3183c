import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppEvent } from './app-types.js';
import type { AppIdentity, Command, SwitchHandle, SwitchView } from './switch-directory.js';
import { decodeMessage, encodeMessage, OFPFC_ADD, OFPFC_DELETE, OFPFC_DELETE_STRICT, OFPFF_SEND_FLOW_REM, OFPR_ACTION, OFPR_NO_MATCH, OFPTT_ALL, type FlowMod, type FlowRemoved, type Match, type OfpMessage, type PacketIn } from '../openflow/index.js';
import { APP_ID_MASK, appCookie, confineCommand, OwnershipError } from '../ownership/index.js';
import { delivers, Ownership } from './ownership.js';

type Mod = Omit<FlowMod, 'version' | 'xid'>;

/**
 * A switch handle that records what reaches the switch (values in `sent`, copies of encoded messages in `encoded`:
 * the caller may reuse its buffer; both in `reached`, in order, the encoded ones decoded) and answers requests with `reply`.
 */
function fakeSwitch(dpid: bigint, version = 4, reply: OfpMessage[] = []): SwitchHandle & { sent: Command[]; encoded: Buffer[]; reached: Command[] } {
  const sent: Command[] = [];
  const encoded: Buffer[] = [];
  const reached: Command[] = [];
  const value = (c: Command): void => void (sent.push(c), reached.push(c));
  return {
    dpid,
    node: 0,
    version,
    sent,
    encoded,
    reached,
    send: value,
    sendEncoded: (m) => void (encoded.push(Buffer.from(m)), reached.push(decodeMessage(Buffer.from(m)))),
    sendConfirmed: (c) => (value(c), Promise.resolve()),
    request: (c) => (value(c), Promise.resolve(reply)),
    barrier: () => Promise.resolve(),
  };
}
const add = (priority: number, match: Match, over: Partial<Mod> = {}): Mod => ({
  type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId: 0, command: OFPFC_ADD, idleTimeout: 0, hardTimeout: 0, priority,
  bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match, instructions: [], ...over,
});
/** `c` as a plugin's worker hands it over: an OpenFlow 1.3 message, xid 0. */
const encoded = (c: Command): Buffer => encodeMessage({ ...c, version: 4, xid: 0 } as OfpMessage);
const deleteAll: Mod = { ...add(0, []), command: OFPFC_DELETE, tableId: OFPTT_ALL };
const up = (dpid: bigint): AppEvent => ({ type: 'switchUp', node: 0, dpid, view: { dpid } as SwitchView });
const packetIn = (reason: number, cookie: bigint): AppEvent => ({ type: 'packetIn', node: 0, dpid: 1n, message: { type: 'PacketIn', reason, cookie } as PacketIn });
const flowRemoved = (cookie: bigint, priority: number, match: Match): AppEvent => ({ type: 'flowRemoved', node: 0, dpid: 1n, message: { type: 'FlowRemoved', cookie, priority, tableId: 0, match } as unknown as FlowRemoved });
const ipPair = (src: string, dst: string): Match => [
  { field: 'eth_type', value: 0x0800 },
  { field: 'ipv4_src', value: src },
  { field: 'ipv4_dst', value: dst },
];

describe('ownership in the runtime (the hub the wiring uses)', () => {
  it('confines what an app sends: its cookie, and a delete of all flows that selects its flows only', () => {
    const own = new Ownership({ defaultQuota: Infinity });
    const acl = own.app('acl');
    const sw = fakeSwitch(1n);
    own.route(up(1n));
    const handle = own.confine(acl, sw);
    handle.send(add(1000, ipPair('10.0.0.1', '10.0.0.3'), { cookie: 0x61636cn }));
    handle.send(deleteAll);
    const [sentAdd, sentDelete] = sw.reached as Mod[];
    assert.equal(sentAdd!.cookie, appCookie(acl.id, 0x61636cn));
    assert.deepEqual([sentDelete!.cookie, sentDelete!.cookieMask], [appCookie(acl.id, 0n), APP_ID_MASK]);
  });

  it('sends an encoded packet-out as its bytes, and decodes an encoded flow-mod to confine it, count it, check its quota and send it encoded once', () => {
    const refusals: string[] = [];
    const own = new Ownership({ defaultQuota: Infinity, quotas: new Map([['acl', 1]]), onRefused: (err) => refusals.push(`${err.app} ${err.reason}`) });
    const acl = own.app('acl');
    const sw = fakeSwitch(1n);
    own.route(up(1n));
    const handle = own.confine(acl, sw);
    const packetOut = encoded({ type: 'PacketOut', bufferId: 0xffffffff, inPort: 1, actions: [{ type: 'output', port: 2, maxLen: 0 }], data: Buffer.from([1, 2, 3]) });
    const mod = add(1000, ipPair('10.0.0.1', '10.0.0.3'), { cookie: 7n, idleTimeout: 60, instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }] });
    handle.sendEncoded(packetOut);
    handle.sendEncoded(encoded(mod));
    assert.throws(() => handle.sendEncoded(encoded(add(1000, ipPair('10.0.0.3', '10.0.0.1')))), (err: unknown) => err instanceof OwnershipError && err.reason === 'quota');
    assert.deepEqual([sw.sent, sw.encoded], [[], [packetOut, encoded(confineCommand(acl, 4, mod))]]);
    assert.equal(own.flowCount(acl.id, 1n), 1);
    assert.deepEqual(refusals, ['acl quota']);
    // The same add again replaces the flow: confined from its bytes, within the quota.
    handle.sendEncoded(encoded(mod));
    assert.deepEqual(sw.encoded.slice(2), [encoded(confineCommand(acl, 4, mod))]);
    assert.equal(own.flowCount(acl.id, 1n), 1);
  });

  it('sends an app\'s flow-mod to an OpenFlow 1.3 switch as bytes, encoded once and confined; to a 1.0 switch as the confined value', () => {
    const own = new Ownership({ defaultQuota: Infinity });
    const acl = own.app('acl');
    const of13 = fakeSwitch(1n);
    const of10 = fakeSwitch(2n, 1);
    own.route(up(1n));
    own.route(up(2n));
    const mod = add(1000, ipPair('10.0.0.1', '10.0.0.3'), { cookie: 7n, idleTimeout: 60, instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }] });
    own.confine(acl, of13).send(mod);
    own.confine(acl, of10).send(add(7, [{ field: 'in_port', value: 1 }]));
    assert.deepEqual([of13.sent, of13.encoded], [[], [encoded(confineCommand(acl, 4, mod))]]);
    assert.deepEqual([of10.sent.length, of10.encoded.length], [1, 0]);
    assert.deepEqual([own.flowCount(acl.id, 1n), own.flowCount(acl.id, 2n)], [1, 1]);
  });

  it('hands a local switch\'s connection the confined flow-mod to encode once, and records it from those bytes; a refusal is counted and nothing is written', () => {
    const refusals: string[] = [];
    const own = new Ownership({ defaultQuota: Infinity, quotas: new Map([['acl', 1]]), onRefused: (err) => refusals.push(`${err.app} ${err.reason}`) });
    const acl = own.app('acl');
    const written: Buffer[] = [];
    // As SwitchConnection.sendAdmitted: encoded where it is sent from, written only when admit returns.
    const sw = {
      ...fakeSwitch(1n),
      sendAdmitted: (c: Command, admit: (bytes: Buffer, start: number, end: number) => void) => {
        const bytes = Buffer.concat([Buffer.alloc(5), encoded(c)]);
        admit(bytes, 5, bytes.length);
        written.push(bytes.subarray(5));
      },
    };
    own.route(up(1n));
    const handle = own.confine(acl, sw);
    const mod = add(1000, ipPair('10.0.0.1', '10.0.0.3'), { cookie: 7n, idleTimeout: 60, instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }] });
    handle.send(mod);
    handle.send(mod);
    assert.throws(() => handle.send(add(1000, ipPair('10.0.0.3', '10.0.0.1'))), (err: unknown) => err instanceof OwnershipError && err.reason === 'quota');
    assert.deepEqual(written, [encoded(confineCommand(acl, 4, mod)), encoded(confineCommand(acl, 4, mod))]);
    assert.deepEqual([sw.sent.length, sw.encoded.length], [0, 0]);
    assert.equal(own.flowCount(acl.id, 1n), 1, 'the second add replaces the first');
    assert.deepEqual(refusals, ['acl quota']);
    // Found by the flow-removed the switch sends for it: keyed from the bytes as matchKeyOf keys the match.
    own.route({ type: 'flowRemoved', node: 0, dpid: 1n, message: { type: 'FlowRemoved', cookie: appCookie(acl.id, 7n), priority: 1000, tableId: 0, match: ipPair('10.0.0.1', '10.0.0.3') } as unknown as FlowRemoved });
    assert.equal(own.flowCount(acl.id, 1n), 0);
  });

  it('records a handle\'s flow-mods in the switch\'s ledger of the moment: a switch down and up again (a role change keeps the handle) starts afresh', () => {
    const own = new Ownership({ defaultQuota: Infinity });
    const acl = own.app('acl');
    own.route(up(1n));
    const handle = own.confine(acl, fakeSwitch(1n));
    handle.send(add(5, ipPair('10.0.0.1', '10.0.0.2')));
    own.route({ type: 'switchDown', node: 0, dpid: 1n, reason: 'notMaster', detail: '' });
    own.route(up(1n));
    assert.equal(own.flowCount(acl.id, 1n), 0);
    handle.send(add(5, ipPair('10.0.0.1', '10.0.0.2')));
    assert.equal(own.flowCount(acl.id, 1n), 1);
  });

  it('decodes an encoded command of another version than the switch\'s, so the connection can write it in its own', () => {
    const own = new Ownership({ defaultQuota: Infinity });
    const sw = fakeSwitch(1n, 1);
    own.route(up(1n));
    own.confine(own.app('acl'), sw).sendEncoded(encoded({ type: 'PacketOut', bufferId: 0xffffffff, inPort: 1, actions: [], data: Buffer.alloc(0) }));
    assert.deepEqual([sw.encoded.length, sw.sent.map((c) => c.type)], [0, ['PacketOut']]);
  });

  it('refuses an overlap and a quota overrun: thrown by send, rejected by sendConfirmed, reported once each, nothing sent', async () => {
    const refusals: string[] = [];
    const own = new Ownership({ defaultQuota: Infinity, quotas: new Map([['acl', 1]]), onRefused: (err) => refusals.push(`${err.app} ${err.reason}`) });
    const ls = own.confine(own.app('learning-switch'), fakeSwitch(1n));
    const sw = fakeSwitch(1n);
    const acl = own.confine(own.app('acl'), sw);
    ls.send(add(0, []));
    assert.throws(() => acl.send(add(0, [{ field: 'in_port', value: 1 }])), (err: unknown) => err instanceof OwnershipError && err.reason === 'overlap');
    acl.send(add(1000, ipPair('10.0.0.1', '10.0.0.3')));
    await assert.rejects(acl.sendConfirmed(add(1000, ipPair('10.0.0.3', '10.0.0.1'))), (err: unknown) => err instanceof OwnershipError && err.code === 'OWNERSHIP_QUOTA');
    assert.deepEqual(refusals, ['acl overlap', 'acl quota']);
    assert.equal(sw.reached.length, 1);
    assert.equal(own.flowCount(own.app('acl').id, 1n), 1);
  });

  it('marks a packet-in caused by an app\'s flow with that app and its own cookie; a table miss goes to those who take table misses', () => {
    const own = new Ownership({ defaultQuota: Infinity });
    const ls = own.app('learning-switch');
    const acl = own.app('acl');
    const mine = own.route(packetIn(OFPR_ACTION, appCookie(acl.id, 7n)))!;
    assert.ok(mine.type === 'packetIn');
    assert.deepEqual([mine.owner, mine.message.cookie], [acl.id, 7n]);
    assert.deepEqual([delivers(mine, { appId: acl.id, tableMiss: true }), delivers(mine, { appId: ls.id, tableMiss: true })], [true, false]);
    const miss = own.route(packetIn(OFPR_NO_MATCH, appCookie(ls.id, 0n)))!;
    assert.deepEqual([delivers(miss, { appId: acl.id, tableMiss: true }), delivers(miss, { appId: ls.id, tableMiss: false })], [true, false]);
    assert.ok(delivers(own.route(up(1n))!, { appId: acl.id, tableMiss: false }), 'switch events go to every app');
  });

  it('routes a flow-removed to its owner only when it asked for it, and counts the flow gone either way', () => {
    const own = new Ownership({ defaultQuota: Infinity });
    const acl = own.app('acl');
    own.route(up(1n));
    const handle = own.confine(acl, fakeSwitch(1n));
    handle.send(add(5, ipPair('10.0.0.1', '10.0.0.2'), { idleTimeout: 1 }));
    handle.send(add(5, ipPair('10.0.0.1', '10.0.0.4'), { idleTimeout: 1, flags: OFPFF_SEND_FLOW_REM, cookie: 9n }));
    assert.equal(own.route(flowRemoved(appCookie(acl.id, 0n), 5, ipPair('10.0.0.1', '10.0.0.2'))), undefined);
    const asked = own.route(flowRemoved(appCookie(acl.id, 9n), 5, ipPair('10.0.0.1', '10.0.0.4')))!;
    assert.ok(asked.type === 'flowRemoved');
    assert.deepEqual([asked.owner, asked.message.cookie], [acl.id, 9n]);
    assert.ok(!delivers(asked, { appId: acl.id + 1, tableMiss: true }));
    assert.equal(own.flowCount(acl.id, 1n), 0);
  });

  it('gives each app one scope whose directory confines, and removes the app\'s flows from every switch it lists', async () => {
    const own = new Ownership({ defaultQuota: Infinity });
    const sw = fakeSwitch(1n);
    const directory = { lookup: (dpid: bigint) => (dpid === 1n ? sw : undefined), view: () => undefined, list: () => [{ dpid: 1n } as SwitchView], role: () => undefined };
    const scope = own.scope('acl', directory);
    assert.equal(own.scope('acl', directory), scope);
    assert.equal(scope.switches.lookup(1n), scope.switches.lookup(1n), 'one handle per switch, not one per lookup');
    scope.switches.lookup(1n)!.send(add(1000, []));
    assert.equal((sw.reached[0] as Mod).cookie, appCookie(scope.id, 0n));
    assert.deepEqual(await scope.removeFlows(), []);
    assert.equal((sw.reached[1] as Mod).command, OFPFC_DELETE);
  });

  it('leaves a switch whose node confines (forApp) to that node: the app\'s commands go as written, named as the app, and so does removing its flows', async () => {
    const own = new Ownership({ defaultQuota: Infinity });
    const sw = fakeSwitch(1n);
    const asApp: AppIdentity[] = [];
    let removed = 0;
    const remote: SwitchHandle = { ...sw, forApp: (app) => (asApp.push(app), { ...sw, removeFlows: () => (removed++, Promise.resolve()) }) };
    const directory = { lookup: (dpid: bigint) => (dpid === 1n ? remote : undefined), view: () => undefined, list: () => [{ dpid: 1n } as SwitchView], role: () => undefined };
    const scope = own.scope('acl', directory, 'client');
    scope.switches.lookup(1n)!.send(add(1000, [], { cookie: 7n }));
    assert.deepEqual([(sw.sent[0] as Mod).cookie, (sw.sent[0] as Mod).flags], [7n, 0]);
    assert.equal(own.flowCount(scope.id, 1n), 0, 'the switch\'s node counts it');
    assert.deepEqual(await scope.removeFlows(), []);
    assert.equal(removed, 1);
    assert.deepEqual(asApp, [{ id: scope.id, name: 'acl', kind: 'client' }, { id: scope.id, name: 'acl', kind: 'client' }]);
  });

  it('takes another node\'s app in the scope of its namesake here, and refuses it when this node gives the name another id', () => {
    const refused: OwnershipError[] = [];
    const own = new Ownership({ defaultQuota: Infinity, onRefused: (err) => void refused.push(err) });
    const directory = { lookup: () => undefined, view: () => undefined, list: () => [], role: () => undefined };
    const acl = own.scope('acl', directory, 'client');
    assert.equal(own.senderScope({ id: acl.id, name: 'acl', kind: 'client' }, directory), acl);
    assert.throws(() => own.senderScope({ id: acl.id + 1, name: 'acl', kind: 'client' }, directory), (err: unknown) => err instanceof OwnershipError && err.reason === 'appIds' && /appIds config/.test(err.message));
    assert.throws(() => own.senderScope({ id: acl.id, name: 'acl', kind: 'plugin' }, directory), (err: unknown) => err instanceof OwnershipError && err.reason === 'appIds');
    assert.deepEqual(refused.map((e) => e.reason), ['appIds', 'appIds']);
  });

  it('gives an app back its own flow stats only', async () => {
    const own = new Ownership({ defaultQuota: Infinity });
    const acl = own.app('acl');
    const entry = (cookie: bigint) => ({ cookie, tableId: 0, priority: 1, match: [] });
    const reply = { type: 'MultipartReply', version: 4, xid: 1, flags: 0, body: { type: 'flow', stats: [entry(appCookie(acl.id, 3n)), entry(appCookie(acl.id + 1, 3n))] } } as unknown as OfpMessage;
    const handle = own.confine(acl, fakeSwitch(1n, 4, [reply]));
    const stats = { type: 'MultipartRequest', flags: 0, body: { type: 'flow', tableId: OFPTT_ALL, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] } } as const;
    const [part] = await handle.request(stats);
    assert.ok(part?.type === 'MultipartReply' && part.body.type === 'flow');
    assert.deepEqual(part.body.stats.map((s) => s.cookie), [3n]);
  });

  it('removes an app\'s flows: one confined delete per switch (strict deletes from the ledger on OpenFlow 1.0)', async () => {
    const own = new Ownership({ defaultQuota: Infinity });
    const acl = own.app('acl');
    const of13 = fakeSwitch(1n);
    const of10 = fakeSwitch(2n, 1);
    own.confine(acl, of10).send(add(7, [{ field: 'in_port', value: 1 }]));
    assert.deepEqual(await own.removeFlows({ ...acl, kind: 'process' }, [of13, of10]), []);
    const [del] = of13.sent as Mod[];
    assert.deepEqual([del!.command, del!.tableId, del!.cookieMask & APP_ID_MASK], [OFPFC_DELETE, OFPTT_ALL, APP_ID_MASK]);
    const strict = of10.sent[1] as Mod;
    assert.deepEqual([strict.command, strict.priority, strict.match], [OFPFC_DELETE_STRICT, 7, [{ field: 'in_port', value: 1 }]]);
    assert.deepEqual([own.flowCount(acl.id, 1n), own.flowCount(acl.id, 2n)], [0, 0]);
  });

  it('gives named tables ids across apps, keeps them stable, and refuses a declaration that would move one', () => {
    const refusals: string[] = [];
    const own = new Ownership({ defaultQuota: Infinity, onRefused: (err) => refusals.push(`${err.app} ${err.reason}`) });
    assert.deepEqual([...own.declareTables('acl', [{ name: 'acl' }])], [['acl', 0]]);
    assert.deepEqual([...own.declareTables('learning-switch', [{ name: 'l2', after: ['acl'] }])], [['acl', 0], ['l2', 1]]);
    assert.deepEqual([...own.declareTables('acl', [{ name: 'acl' }])], [['acl', 0], ['l2', 1]], 'declaring again (a reconnect) changes nothing');
    assert.throws(() => own.declareTables('monitor', [{ name: 'l2' }]), /table "l2" is already declared by app learning-switch/);
    assert.throws(() => own.declareTables('acl', [{ name: 'pre' }, { name: 'acl', after: ['pre'] }]), /would move table "acl" from id 0 to 1/);
    assert.deepEqual(refusals, ['monitor tables', 'acl tables']);
    assert.deepEqual([...own.declareTables('monitor', [{ name: 'tap', after: ['l2'] }])], [['acl', 0], ['l2', 1], ['tap', 2]]);
  });

  it('takes a plugin\'s manifest quota (limitFlows), unless the config names the app; 0 is the runtime\'s quota', () => {
    const own = new Ownership({ defaultQuota: 3, quotas: new Map([['pinned', 1]]) });
    const sw = fakeSwitch(1n);
    const directory = { lookup: () => sw, view: () => undefined, list: () => [], role: () => undefined };
    /** Adds flows (each app at its own priorities: no overlap) until one is refused; how many went out. */
    const fill = (name: string, base: number): number => {
      const handle = own.scope(name, directory, 'plugin').switches.lookup(1n)!;
      let sent = 0;
      for (let p = 0; p < 10; p++) {
        try {
          handle.send(add(base + p, [{ field: 'in_port', value: p + 1 }]));
          sent++;
        } catch {
          break;
        }
      }
      return sent;
    };
    own.scope('small', directory, 'plugin').limitFlows(2);
    own.scope('pinned', directory, 'plugin').limitFlows(5);
    own.scope('default', directory, 'plugin').limitFlows(0);
    assert.deepEqual([fill('small', 100), fill('pinned', 200), fill('default', 300)], [2, 1, 3]);
  });
});
