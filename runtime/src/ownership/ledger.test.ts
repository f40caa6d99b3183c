import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OFPFC_ADD, OFPFC_DELETE, OFPFC_DELETE_STRICT, OFPFF_SEND_FLOW_REM, OFPTT_ALL, type FlowMod, type Match } from '../openflow/index.js';
import { confineCommand } from './confine.js';
import { appCookie } from './cookie.js';
import { OwnershipError } from './errors.js';
import { FlowLedger } from './ledger.js';
import { matchBits, matchesEqual, matchKeyOf } from './match-bits.js';

const LS = { id: 1, name: 'learning-switch' };
const ACL = { id: 2, name: 'acl' };
const OF13 = 4;
type Mod = Omit<FlowMod, 'version' | 'xid'>;

const mod = (command: number, priority: number, match: Match, over: Partial<Mod> = {}): Mod => ({
  type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId: 0, command, idleTimeout: 0, hardTimeout: 0, priority,
  bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match, instructions: [], ...over,
});
const macs = (src: number, dst: number): Match => [
  { field: 'eth_dst', value: `00:00:00:00:00:0${dst}` },
  { field: 'eth_src', value: `00:00:00:00:00:0${src}` },
];
/** What the runtime does with an app's flow-mod: confine it (which may refuse it), then record it as the app wrote it. */
const send = (ledger: FlowLedger, app: typeof LS, m: Mod, version = OF13): void => {
  confineCommand(app, version, m);
  ledger.apply(app, version, m);
};
const refused = (fn: () => unknown, reason: string, detail: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof OwnershipError && err.reason === reason && detail.test(err.message), `${reason} ${detail}`);
const removedMsg = (app: typeof LS, priority: number, match: Match, tableId = 0) => ({ cookie: appCookie(app.id, 0n), tableId, priority, match });

describe('the flow ledger of a switch', () => {
  it('refuses an add that overlaps another app\'s flow at the same table and priority, and says where', () => {
    const ledger = new FlowLedger(() => Infinity);
    send(ledger, LS, mod(OFPFC_ADD, 0, []));
    refused(() => send(ledger, ACL, mod(OFPFC_ADD, 0, [{ field: 'in_port', value: 1 }])), 'overlap', /table 0 priority 0: the match overlaps a flow of app id 1/);
    refused(() => send(ledger, ACL, mod(OFPFC_ADD, 0, [])), 'overlap', /same priority/);
    assert.equal(ledger.count(ACL.id), 0, 'nothing recorded for a refused add');
  });

  it('allows the same match at another priority or table, a disjoint match, and an app\'s overlap with itself', () => {
    const ledger = new FlowLedger(() => Infinity);
    send(ledger, LS, mod(OFPFC_ADD, 1, macs(1, 2)));
    send(ledger, ACL, mod(OFPFC_ADD, 1000, macs(1, 2)));
    send(ledger, ACL, mod(OFPFC_ADD, 1, macs(3, 4)));
    send(ledger, ACL, mod(OFPFC_ADD, 1, macs(1, 2), { tableId: 1 }));
    send(ledger, LS, mod(OFPFC_ADD, 1, [{ field: 'eth_src', value: '00:00:00:00:00:01' }]));
    assert.deepEqual([ledger.count(LS.id), ledger.count(ACL.id)], [2, 3]);
  });

  it('counts an add that replaces the app\'s own flow (same table, priority, match) once', () => {
    const ledger = new FlowLedger(() => Infinity);
    send(ledger, LS, mod(OFPFC_ADD, 1, macs(1, 2)));
    send(ledger, LS, mod(OFPFC_ADD, 1, macs(1, 2), { idleTimeout: 5 }));
    assert.equal(ledger.count(LS.id), 1);
  });

  it('refuses an add over the app\'s quota with the OWNERSHIP_QUOTA code; a delete or a removal makes room', () => {
    const ledger = new FlowLedger((id) => (id === ACL.id ? 2 : Infinity));
    send(ledger, ACL, mod(OFPFC_ADD, 10, macs(1, 2)));
    send(ledger, ACL, mod(OFPFC_ADD, 10, macs(2, 1)));
    assert.throws(() => send(ledger, ACL, mod(OFPFC_ADD, 10, macs(3, 4))), (err: unknown) => err instanceof OwnershipError && err.code === 'OWNERSHIP_QUOTA' && /already holds 2 flows on this switch, its quota/.test(err.message));
    send(ledger, ACL, mod(OFPFC_DELETE_STRICT, 10, macs(1, 2)));
    send(ledger, ACL, mod(OFPFC_ADD, 10, macs(3, 4)));
    assert.equal(ledger.removed(removedMsg(ACL, 10, macs(2, 1)))?.appId, ACL.id);
    assert.equal(ledger.count(ACL.id), 1);
  });

  it('drops on a delete of all flows only the deleting app\'s entries', () => {
    const ledger = new FlowLedger(() => Infinity);
    send(ledger, LS, mod(OFPFC_ADD, 0, []));
    send(ledger, LS, mod(OFPFC_ADD, 1, macs(1, 2)));
    send(ledger, ACL, mod(OFPFC_ADD, 100, macs(1, 3)));
    send(ledger, ACL, mod(OFPFC_DELETE, 0, [], { tableId: OFPTT_ALL }));
    assert.deepEqual([ledger.count(LS.id), ledger.count(ACL.id)], [2, 0]);
  });

  it('tells whether the owner asked for the flow-removed event (the runtime always asks the switch)', () => {
    const ledger = new FlowLedger(() => Infinity);
    send(ledger, LS, mod(OFPFC_ADD, 1, macs(1, 2), { idleTimeout: 1 }));
    send(ledger, ACL, mod(OFPFC_ADD, 1, macs(3, 4), { idleTimeout: 1, flags: OFPFF_SEND_FLOW_REM }));
    assert.equal(ledger.removed(removedMsg(LS, 1, macs(1, 2)))?.notifyApp, false);
    assert.equal(ledger.removed(removedMsg(ACL, 1, macs(3, 4)))?.notifyApp, true);
    assert.equal(ledger.removed(removedMsg(ACL, 1, macs(3, 4))), undefined, 'reported once');
  });

  it('on OpenFlow 1.0 lets an app strictly delete its own flow, not another app\'s', () => {
    const ledger = new FlowLedger(() => Infinity);
    send(ledger, LS, mod(OFPFC_ADD, 1, macs(1, 2)), 1);
    refused(() => send(ledger, ACL, mod(OFPFC_DELETE_STRICT, 1, macs(1, 2)), 1), 'unconfinable', /holds no flow of this app/);
    send(ledger, LS, mod(OFPFC_DELETE_STRICT, 1, macs(1, 2)), 1);
    assert.equal(ledger.count(LS.id), 0);
  });

  it('keeps the count equal to a model of the flow table through any adds, deletes and removals', () => {
    const op = fc.record({ kind: fc.constantFrom('add', 'deleteStrict', 'deleteAll', 'removed'), app: fc.constantFrom(LS, ACL), src: fc.integer({ min: 1, max: 4 }), dst: fc.integer({ min: 1, max: 4 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const ledger = new FlowLedger(() => Infinity);
        /** The model: `${app}/${src}/${dst}` of each flow on the switch (every flow at priority = app id, so apps never overlap). */
        const table = new Set<string>();
        for (const o of ops) {
          const key = `${o.app.id}/${o.src}/${o.dst}`;
          if (o.kind === 'add') {
            send(ledger, o.app, mod(OFPFC_ADD, o.app.id, macs(o.src, o.dst)));
            table.add(key);
          } else if (o.kind === 'deleteStrict') {
            send(ledger, o.app, mod(OFPFC_DELETE_STRICT, o.app.id, macs(o.src, o.dst)));
            table.delete(key);
          } else if (o.kind === 'deleteAll') {
            send(ledger, o.app, mod(OFPFC_DELETE, 0, [], { tableId: OFPTT_ALL }));
            for (const k of [...table]) if (k.startsWith(`${o.app.id}/`)) table.delete(k);
          } else {
            const entry = ledger.removed(removedMsg(o.app, o.app.id, macs(o.src, o.dst)));
            assert.equal(entry !== undefined, table.delete(key), 'a removal finds exactly the flows the model holds');
          }
        }
        for (const app of [LS, ACL]) assert.equal(ledger.count(app.id), [...table].filter((k) => k.startsWith(`${app.id}/`)).length);
      }),
    );
  });
  it('keeps no object of an app\'s flow-mod: it hands a flow\'s match out in its canonical form, made from its key', () => {
    const ledger = new FlowLedger(() => Infinity);
    const match: Match = [{ field: 'in_port', value: 1 }, ...macs(1, 2)];
    send(ledger, LS, mod(OFPFC_ADD, 1, match));
    const [entry] = ledger.entries(LS.id);
    assert.deepEqual(entry!.match, match);
    assert.ok(entry!.match !== match && entry!.match.every((f, i) => f !== match[i]), 'no object of the app\'s flow-mod is kept');
    const opaque: Match = [{ field: 'opaque', oxmClass: 0xffff, oxmField: 1, hasMask: false, payload: Uint8Array.of(0, 0, 0x23, 0x20, 1, 2) }];
    send(ledger, LS, mod(OFPFC_ADD, 2, opaque));
    const kept = ledger.entries(LS.id).find((e) => e.priority === 2)!.match[0]! as { payload: Uint8Array };
    assert.deepEqual({ ...kept, payload: [...kept.payload] }, { ...opaque[0]!, payload: [0, 0, 0x23, 0x20, 1, 2] });
    assert.ok(kept !== opaque[0] && kept.payload !== (opaque[0] as { payload: Uint8Array }).payload);
    // Out of order and masked as the app wrote it; handed out by OXM type, the value cut to its mask, an all-ones mask dropped.
    const loose: Match = [
      { field: 'eth_src', value: '02:00:00:00:00:07', mask: 'ff:ff:ff:ff:ff:ff' },
      { field: 'eth_dst', value: '02:00:00:00:00:ff', mask: 'ff:ff:ff:ff:ff:00' },
    ];
    send(ledger, LS, mod(OFPFC_ADD, 3, loose));
    const canonical = ledger.entries(LS.id).find((e) => e.priority === 3)!;
    assert.deepEqual(canonical.match, [
      { field: 'eth_dst', value: '02:00:00:00:00:00', mask: 'ff:ff:ff:ff:ff:00' },
      { field: 'eth_src', value: '02:00:00:00:00:07' },
    ]);
    assert.ok(matchesEqual(matchBits(canonical.match), matchBits(loose)));
  });

  it('hands out and compares a flow whose field does not decode as its model: it comes back opaque, as its bytes', () => {
    const ledger = new FlowLedger(() => Infinity);
    // OXM_OF_IN_PORT (class 0x8000, field 0) with 2 bytes where the model has 4: the switch refuses it, the ledger has it.
    const odd: Match = [{ field: 'opaque', oxmClass: 0x8000, oxmField: 0, hasMask: false, payload: Uint8Array.of(0, 1) }];
    send(ledger, LS, mod(OFPFC_ADD, 4, odd));
    const [entry] = ledger.entries(LS.id);
    const kept = entry!.match[0] as { field: string; oxmClass: number; oxmField: number; hasMask: boolean; payload: Uint8Array };
    assert.deepEqual({ ...kept, payload: [...kept.payload] }, { field: 'opaque', oxmClass: 0x8000, oxmField: 0, hasMask: false, payload: [0, 1] });
    // Another app's add in that slot compares against it; a non-strict delete of the app's flows covers it.
    assert.doesNotThrow(() => send(ledger, ACL, mod(OFPFC_ADD, 4, [{ field: 'in_port', value: 7 }])));
    send(ledger, LS, mod(OFPFC_DELETE, 4, [], { tableId: OFPTT_ALL }));
    assert.equal(ledger.count(LS.id), 0);
  });

  it('tells apart flows whose match keys have the same hash', () => {
    // Two in_port values whose keys hash alike: 30-bit hashes of values spread over the u32 range meet within about 2^15 of them.
    const seen = new Map<number, number>();
    let pair: [number, number] | undefined;
    for (let i = 1; pair === undefined && i < 1 << 20; i++) {
      const port = Math.imul(i, 0x9e3779b1) >>> 0;
      const hash = matchKeyOf([{ field: 'in_port', value: port }]).hash;
      const other = seen.get(hash);
      if (other !== undefined) pair = [other, port];
      else seen.set(hash, port);
    }
    assert.ok(pair !== undefined, 'two in_port values with one key hash among 2^20');
    const [a, b] = pair.map((port): Match => [{ field: 'in_port', value: port }]) as [Match, Match];
    // Added a then b, b heads the chain: the first removal takes the end of a chain, the second its head.
    for (const [gone, stays] of [[a, b], [b, a]] as const) {
      const ledger = new FlowLedger(() => Infinity);
      for (const m of [a, b, a, b]) send(ledger, LS, mod(OFPFC_ADD, 1, m));
      assert.equal(ledger.count(LS.id), 2, 'each add after the first two replaces its own flow');
      assert.deepEqual(ledger.removed(removedMsg(LS, 1, gone))?.match, gone);
      assert.equal(ledger.removed(removedMsg(LS, 1, gone)), undefined, 'removed once');
      assert.equal(ledger.count(LS.id), 1);
      send(ledger, LS, mod(OFPFC_DELETE_STRICT, 1, stays), 1);
      assert.equal(ledger.count(LS.id), 0);
      assert.equal(ledger.removed(removedMsg(LS, 1, stays)), undefined);
    }
    const ledger = new FlowLedger(() => Infinity);
    for (const m of [a, b]) send(ledger, LS, mod(OFPFC_ADD, 1, m));
    send(ledger, LS, mod(OFPFC_DELETE, 0, [], { tableId: OFPTT_ALL }));
    assert.equal(ledger.count(LS.id), 0, 'a delete of all flows walks the whole chain');
    assert.deepEqual(ledger.entries(LS.id), []);
  });
});
