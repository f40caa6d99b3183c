import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OFPFC_ADD, OFPFC_DELETE, OFPFC_DELETE_STRICT, OFPFF_SEND_FLOW_REM, OFPTT_ALL, type FlowMod, type Match } from '../openflow/index.js';
import { appCookie } from './cookie.js';
import { OwnershipError } from './errors.js';
import { FlowIndex } from './flow-index.js';
import { FlowLedger } from './ledger.js';
import { matchBits, matchCovers, matchesEqual, matchesOverlap, matchKeyOf, type MatchBits, type MatchKey } from './match-bits.js';
import { carried10, keyText, match13, nearbyMatch } from './testing/matches.js';

/**
 * The ledger's typed-array index (FlowIndex) against a Map, and the ledger
 * built on it against a list of flows compared with matchesEqual /
 * matchesOverlap / matchCovers, under random sequences of adds (new and
 * replacing), overlapping adds of other apps, strict and non-strict deletes
 * and FLOW_REMOVED reports, on OpenFlow 1.3 and 1.0 matches.
 */

type Mod = Omit<FlowMod, 'version' | 'xid'>;
const OF10 = 1;
const OF13 = 4;

describe('FlowIndex', () => {
  /**
   * The key of at most two small numbers: each number n as 1 + 40n bytes of n (one-to-one; keys of
   * 41 bytes and more do not fit in a record and go to the arena, which grows and compacts), hashed
   * into only two hashes (equal keys alike, as matchKeyOf's contract says): long probe runs, which
   * removals must keep reachable.
   */
  const key = (numbers: readonly number[]): MatchKey => {
    const bytes = Buffer.from(numbers.flatMap((n) => new Array<number>(1 + 40 * n).fill(n)));
    return { bytes, start: 0, length: bytes.length, hash: numbers.reduce((a, n) => a + n, numbers.length) % 2 };
  };
  const op = fc.record({
    remove: fc.boolean(),
    slot: fc.integer({ min: 0, max: 1 }),
    appId: fc.integer({ min: 1, max: 2 }),
    bytes: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
    mark: fc.integer({ min: 0, max: 255 }),
  });

  it('finds, inserts and removes as a Map keyed by (slot, app, key bytes) does, through colliding hashes, growth and arena compaction', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300, size: 'max' }), (ops) => {
        const index = new FlowIndex();
        const model = new Map<string, number>();
        const marks = new Map<string, number>();
        for (const o of ops) {
          const k = key(o.bytes);
          const name = `${o.slot}/${o.appId}/${o.bytes.join(',')}`;
          const id = index.find(o.slot, o.appId, k);
          assert.equal(id, model.get(name) ?? -1, `find ${name}`);
          if (o.remove && id >= 0) {
            index.remove(id);
            model.delete(name);
          } else if (!o.remove && id < 0) {
            const given = index.insert(o.slot, o.appId, k);
            assert.ok(![...model.values()].includes(given), 'a new id is not one held');
            index.setMark(given, o.mark);
            marks.set(name, o.mark);
            model.set(name, given);
          }
          assert.equal(index.size, model.size);
        }
        for (const [name, id] of model) {
          const [slot, appId, bytes] = name.split('/') as [string, string, string];
          const b = bytes === '' ? [] : bytes.split(',').map(Number);
          assert.equal(index.find(Number(slot), Number(appId), key(b)), id, `still found: ${name}`);
          assert.equal(index.mark(id), marks.get(name), `its mark: ${name}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** A flow as the model holds it. */
interface ModelFlow {
  readonly appId: number;
  readonly tableId: number;
  readonly priority: number;
  readonly bits: MatchBits;
  readonly key: string;
  notify: boolean;
}

type Op =
  | { readonly kind: 'add'; readonly appId: number; readonly tableId: number; readonly priority: number; readonly match: number; readonly notify: boolean }
  | { readonly kind: 'deleteStrict' | 'delete'; readonly appId: number; readonly tableId: number; readonly priority: number; readonly match: number }
  | { readonly kind: 'removed'; readonly appId: number; readonly tableId: number; readonly priority: number; readonly match: number };

const opOf = (matches: number): fc.Arbitrary<Op> =>
  fc.record({
    kind: fc.constantFrom('add', 'add', 'add', 'deleteStrict', 'delete', 'removed'),
    appId: fc.integer({ min: 1, max: 3 }),
    tableId: fc.constantFrom(0, 1, 0, 1, OFPTT_ALL),
    priority: fc.integer({ min: 0, max: 1 }),
    match: fc.integer({ min: 0, max: matches - 1 }),
    notify: fc.boolean(),
  }).map((o) => (o.kind === 'add' || o.kind === 'removed' ? { ...o, tableId: o.tableId === OFPTT_ALL ? 0 : o.tableId } : o) as Op);

const flowMod = (command: number, o: Op, match: Match): Mod => ({
  type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId: o.tableId, command, idleTimeout: 0, hardTimeout: 0, priority: o.priority,
  bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: o.kind === 'add' && o.notify ? OFPFF_SEND_FLOW_REM : 0, match, instructions: [],
});

const app = (appId: number) => ({ id: appId, name: `app${appId}` });
const inTable = (f: ModelFlow, tableId: number): boolean => tableId === OFPTT_ALL || f.tableId === tableId;

/** Runs `ops` on a ledger and on the model; after each, every app's count and flows (with notifyApp) agree. */
function agrees(version: number, matches: readonly Match[], ops: readonly Op[]): void {
  const ledger = new FlowLedger(() => Infinity);
  let model: ModelFlow[] = [];
  for (const o of ops) {
    const match = matches[o.match]!;
    const bits = matchBits(match);
    const key = keyText(matchKeyOf(match));
    const same = (f: ModelFlow): boolean => f.tableId === o.tableId && f.priority === o.priority && matchesEqual(f.bits, bits);
    if (o.kind === 'add') {
      const clash = model.some((f) => f.appId !== o.appId && f.tableId === o.tableId && f.priority === o.priority && matchesOverlap(f.bits, bits));
      const act = () => ledger.apply(app(o.appId), version, flowMod(OFPFC_ADD, o, match));
      if (clash) {
        assert.throws(act, (err: unknown) => err instanceof OwnershipError && err.reason === 'overlap');
        continue;
      }
      act();
      const own = model.find((f) => f.appId === o.appId && same(f));
      if (own !== undefined) own.notify = o.notify;
      else model.push({ appId: o.appId, tableId: o.tableId, priority: o.priority, bits, key, notify: o.notify });
    } else if (o.kind === 'deleteStrict') {
      const act = () => ledger.apply(app(o.appId), version, flowMod(OFPFC_DELETE_STRICT, o, match));
      // OpenFlow 1.0 cannot confine a strict delete by cookie: only one of the app's own flows may be named.
      if (version === OF10 && !model.some((f) => f.appId === o.appId && same(f))) {
        assert.throws(act, (err: unknown) => err instanceof OwnershipError && err.reason === 'unconfinable');
        continue;
      }
      act();
      model = model.filter((f) => !(f.appId === o.appId && inTable(f, o.tableId) && f.priority === o.priority && matchesEqual(f.bits, bits)));
    } else if (o.kind === 'delete') {
      ledger.apply(app(o.appId), version, flowMod(OFPFC_DELETE, o, match));
      model = model.filter((f) => !(f.appId === o.appId && inTable(f, o.tableId) && matchCovers(bits, f.bits)));
    } else {
      const gone = ledger.removed({ cookie: appCookie(o.appId, 0n), tableId: o.tableId, priority: o.priority, match });
      const held = model.find((f) => f.appId === o.appId && same(f));
      assert.equal(gone?.notifyApp, held?.notify, 'removed: the entry the model holds, with its notifyApp');
      model = model.filter((f) => f !== held);
    }
    for (const appId of [1, 2, 3]) {
      const mine = model.filter((f) => f.appId === appId);
      assert.equal(ledger.count(appId), mine.length, `count of app ${appId}`);
      const seen = ledger.entries(appId).map((e) => `${e.tableId}/${e.priority}/${e.notifyApp}/${keyText(matchKeyOf(e.match))}`).sort();
      assert.deepEqual(seen, mine.map((f) => `${f.tableId}/${f.priority}/${f.notify}/${f.key}`).sort(), `flows of app ${appId}`);
    }
  }
}

describe('the flow ledger on its index, against a list of flows', () => {
  const run = (version: number, match: fc.Arbitrary<Match>) =>
    fc.assert(
      fc.property(
        fc.array(match, { minLength: 1, maxLength: 6 }).chain((matches) => fc.tuple(fc.constant(matches), fc.array(opOf(matches.length), { maxLength: 60, size: 'max' }))),
        ([matches, ops]) => agrees(version, matches, ops),
      ),
      { numRuns: 100 },
    );

  it('OpenFlow 1.3, matches that often overlap and cover each other', () => run(OF13, nearbyMatch));
  it('OpenFlow 1.3, any match the codec encodes', () => run(OF13, match13));
  it('OpenFlow 1.0, matches as 1.0 carries them', () => run(OF10, carried10));
});
