import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeMessage, OFPFC_ADD, OFPFC_DELETE, OFPFC_DELETE_STRICT, OFPFC_MODIFY, OFPFF_SEND_FLOW_REM, OFPTT_ALL, type FlowMod, type FlowStats, type MultipartRequest, type PacketIn } from '../openflow/index.js';
import { APP_COOKIE_MASK, APP_ID_MASK, appCookie } from './cookie.js';
import { appAskedFlowRemoved, asOwnerSees, confineCommand, confineEncodedFlowMod, ownedFlowStats } from './confine.js';
import { OwnershipError } from './errors.js';

const ACL = { id: 0x0a, name: 'acl' };
const OF13 = 4;
const OF10 = 1;
type Mod = Omit<FlowMod, 'version' | 'xid'>;
type Stats = Omit<MultipartRequest, 'version' | 'xid'>;

const mod = (command: number, over: Partial<Mod> = {}): Mod => ({
  type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId: 0, command, idleTimeout: 0, hardTimeout: 0, priority: 100,
  bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match: [], instructions: [], ...over,
});
const flowStats = (type: 'flow' | 'aggregate', cookie = 0n, cookieMask = 0n): Stats => ({
  type: 'MultipartRequest', flags: 0, body: { type, tableId: OFPTT_ALL, outPort: 0xffffffff, outGroup: 0xffffffff, cookie, cookieMask, match: [] },
});
const refused = (fn: () => unknown, reason: string, detail: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof OwnershipError && err.reason === reason && err.app === 'acl' && detail.test(err.message), `${reason} ${detail}`);

describe('confining an app\'s commands', () => {
  it('puts the app id in the cookie of every flow it adds, and asks the switch to report the flow\'s removal', () => {
    const out = confineCommand(ACL, OF13, mod(OFPFC_ADD, { cookie: 0x77n, idleTimeout: 10 })) as Mod;
    assert.equal(out.cookie, 0x000a_0000_0000_0077n);
    assert.equal(out.flags & OFPFF_SEND_FLOW_REM, OFPFF_SEND_FLOW_REM);
    assert.equal(appAskedFlowRemoved(mod(OFPFC_ADD)), false, 'the app did not ask: its flow-removed events are not delivered');
  });

  it('turns a delete of all flows (table ALL, empty match, no cookie mask) into a delete of the app\'s flows', () => {
    const out = confineCommand(ACL, OF13, mod(OFPFC_DELETE, { tableId: OFPTT_ALL })) as Mod;
    assert.deepEqual([out.cookie, out.cookieMask], [appCookie(ACL.id, 0n), APP_ID_MASK]);
  });

  it('keeps the app\'s own cookie selection inside its flows (modify, delete, any mask)', () => {
    fc.assert(
      fc.property(fc.constantFrom(OFPFC_MODIFY, OFPFC_DELETE, OFPFC_DELETE_STRICT), fc.bigInt({ min: 0n, max: APP_COOKIE_MASK }), fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }), (command, cookie, cookieMask) => {
        const out = confineCommand(ACL, OF13, mod(command, { cookie, cookieMask })) as Mod;
        assert.equal(out.cookieMask & APP_ID_MASK, APP_ID_MASK, 'the mask always covers the app id');
        assert.equal(out.cookie & APP_ID_MASK, appCookie(ACL.id, 0n), 'and selects this app\'s id');
        assert.equal(out.cookieMask & APP_COOKIE_MASK, cookieMask & APP_COOKIE_MASK, 'the app\'s own mask bits are kept');
        assert.equal(out.cookie & APP_COOKIE_MASK, cookie & cookieMask);
      }),
    );
  });

  it('refuses a cookie that sets app-id bits, naming the limit', () => {
    refused(() => confineCommand(ACL, OF13, mod(OFPFC_ADD, { cookie: 0x6669726577616c6cn })), 'cookieBits', /cookie 0x6669726577616c6c sets bits of the app-id field.*fit in 0xffffffffffff/);
    refused(() => confineCommand(ACL, OF13, mod(OFPFC_DELETE, { cookie: 1n << 48n })), 'cookieBits', /app-id field/);
    refused(() => confineCommand(ACL, OF13, flowStats('flow', 1n << 63n)), 'cookieBits', /flow stats cookie/);
  });

  it('confines flow and aggregate stats requests the same way', () => {
    for (const type of ['flow', 'aggregate'] as const) {
      const out = confineCommand(ACL, OF13, flowStats(type, 3n, 0xfn)) as Stats;
      assert.ok(out.body.type === type);
      assert.deepEqual([out.body.cookie, out.body.cookieMask], [appCookie(ACL.id, 3n), APP_ID_MASK | 0xfn]);
    }
  });

  it('on OpenFlow 1.0 (no cookie mask) refuses what would reach other apps\' flows', () => {
    refused(() => confineCommand(ACL, OF10, mod(OFPFC_DELETE)), 'unconfinable', /OpenFlow 1.0 has no cookie mask.*strict form/);
    refused(() => confineCommand(ACL, OF10, flowStats('aggregate')), 'unconfinable', /ask for flow stats/);
    assert.equal((confineCommand(ACL, OF10, mod(OFPFC_ADD, { cookie: 1n })) as Mod).cookie, appCookie(ACL.id, 1n));
    assert.deepEqual(confineCommand(ACL, OF10, flowStats('flow')), flowStats('flow'), 'filtered on the way back instead');
  });

  it('refuses raw messages that would bypass the cookie space: OpenFlow 1.0 flow-mods and flow stats, Nicira flow-mods', () => {
    const flowMod10 = { type: 'FlowMod10', match: {}, cookie: 0n, command: 3, idleTimeout: 0, hardTimeout: 0, priority: 0, bufferId: 0, outPort: 0xffff, flags: 0, actions: [] };
    refused(() => confineCommand(ACL, OF10, flowMod10 as never), 'unconfinable', /raw OpenFlow 1.0 flow-mod/);
    const stats10 = { type: 'StatsRequest', flags: 0, body: { type: 'flow', match: {}, tableId: 0xff, outPort: 0xffff } };
    refused(() => confineCommand(ACL, OF10, stats10 as never), 'unconfinable', /raw OpenFlow 1.0 flow stats request/);
    refused(() => confineCommand(ACL, OF13, { type: 'Experimenter', experimenter: 0x2320, expType: 13, data: Buffer.alloc(0) }), 'unconfinable', /NXT_FLOW_MOD/);
    refused(() => confineCommand(ACL, OF10, { type: 'Vendor', vendor: 0x2320, data: Buffer.from([0, 0, 0, 13]) } as never), 'unconfinable', /NXT_FLOW_MOD/);
    const otherNicira = { type: 'Experimenter', experimenter: 0x2320, expType: 12, data: Buffer.alloc(0) } as const;
    assert.equal(confineCommand(ACL, OF13, otherNicira), otherNicira);
  });

  it('confines an OpenFlow 1.3 flow-mod in its encoded bytes exactly as confineCommand confines its value, and refuses the same cookies', () => {
    const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    fc.assert(
      fc.property(
        fc.record({
          command: fc.integer({ min: 0, max: 4 }),
          cookie: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: APP_COOKIE_MASK }), u64),
          cookieMask: fc.oneof(fc.constant(0n), u64),
          flags: fc.integer({ min: 0, max: 0xffff }),
          appId: fc.integer({ min: 1, max: 0xfffe }),
        }),
        ({ command, cookie, cookieMask, flags, appId }) => {
          const app = { id: appId, name: 'acl' };
          const m = mod(command, { cookie, cookieMask, flags, match: [{ field: 'in_port', value: 1 }] });
          const bytes = Buffer.concat([Buffer.alloc(3), encodeMessage({ ...m, version: OF13, xid: 0 } as FlowMod)]);
          let expected: Buffer;
          try {
            expected = encodeMessage({ ...confineCommand(app, OF13, m), version: OF13, xid: 0 } as FlowMod);
          } catch (err) {
            assert.ok(err instanceof OwnershipError && err.reason === 'cookieBits');
            const before = Buffer.from(bytes);
            assert.throws(() => confineEncodedFlowMod(app, m, bytes, 3), (e: unknown) => e instanceof OwnershipError && e.reason === 'cookieBits');
            assert.deepEqual(bytes, before);
            return;
          }
          confineEncodedFlowMod(app, m, bytes, 3);
          assert.deepEqual(bytes.subarray(3), expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('passes other commands unchanged', () => {
    const out = { type: 'PacketOut', bufferId: 0xffffffff, inPort: 1, actions: [], data: Buffer.alloc(0) } as const;
    assert.equal(confineCommand(ACL, OF13, out), out);
  });

  it('gives an app back its flow stats only, with the cookies it wrote', () => {
    const entry = (cookie: bigint) => ({ cookie, tableId: 0 }) as unknown as FlowStats;
    const mine = ownedFlowStats(ACL.id, [entry(appCookie(ACL.id, 5n)), entry(appCookie(3, 5n)), entry(0n)]);
    assert.deepEqual(mine.map((e) => e.cookie), [5n]);
    assert.equal(asOwnerSees({ type: 'PacketIn', cookie: appCookie(ACL.id, 9n) } as unknown as PacketIn).cookie, 9n);
  });
});
