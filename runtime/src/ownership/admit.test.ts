import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, OFPFC_ADD, OFPFC_DELETE, OFPFF_SEND_FLOW_REM, type FlowMod, type Match } from '../openflow/index.js';
import { encodeAdmittedFlowMod, sendReplacingAdd } from './admit.js';
import { confineCommand } from './confine.js';
import { appCookie } from './cookie.js';
import { OwnershipError } from './errors.js';
import { FlowLedger } from './ledger.js';
import { match13 } from './testing/matches.js';

const LS = { id: 1, name: 'learning-switch' };
const ACL = { id: 2, name: 'acl' };
const OF13 = 4;
type Mod = Omit<FlowMod, 'version' | 'xid'>;

const add = (priority: number, match: Match, over: Partial<Mod> = {}): Mod => ({
  type: 'FlowMod', cookie: 5n, cookieMask: 0n, tableId: 0, command: OFPFC_ADD, idleTimeout: 60, hardTimeout: 0, priority,
  bufferId: 0xffffffff, outPort: 0, outGroup: 0, flags: 0, match, instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }], ...over,
});

describe('encodeAdmittedFlowMod', () => {
  it('encodes the confined flow-mod and records it under the key of its match (any 1.3 match)', () => {
    fc.assert(
      fc.property(match13, (match) => {
        const ledger = new FlowLedger(() => Infinity);
        const m = add(7, match, { flags: OFPFF_SEND_FLOW_REM });
        const bytes = Buffer.from(encodeAdmittedFlowMod(LS, m, ledger));
        assert.deepEqual(bytes, encodeMessage({ ...confineCommand(LS, OF13, m), version: OF13, xid: 0 } as FlowMod));
        // Found by the flow-removed the switch sends for it: the ledger keyed the flow as matchKeyOf keys its match.
        const entry = ledger.removed({ cookie: appCookie(LS.id, 5n), tableId: 0, priority: 7, match });
        assert.equal(entry?.notifyApp, true);
      }),
      { numRuns: 300 },
    );
  });

  it('records nothing and sends nothing for an add the ledger refuses', () => {
    const ledger = new FlowLedger(() => Infinity);
    const match: Match = [{ field: 'eth_dst', value: '02:00:00:00:00:01' }];
    const first = decodeMessage(Buffer.from(encodeAdmittedFlowMod(LS, add(1, match), ledger)));
    assert.equal(first.type === 'FlowMod' && first.cookie, appCookie(LS.id, 5n));
    assert.throws(() => encodeAdmittedFlowMod(ACL, add(1, match), ledger), (err: unknown) => err instanceof OwnershipError && err.reason === 'overlap');
    assert.deepEqual([ledger.count(LS.id), ledger.count(ACL.id)], [1, 0]);
  });

  it('takes an add that replaces a flow as the same flow', () => {
    const ledger = new FlowLedger(() => 1);
    const match: Match = [{ field: 'in_port', value: 1 }, { field: 'eth_dst', value: '02:00:00:00:00:01' }, { field: 'eth_src', value: '02:00:00:00:00:02' }];
    encodeAdmittedFlowMod(LS, add(1, match), ledger);
    encodeAdmittedFlowMod(LS, add(1, [match[2]!, match[1]!, match[0]!]), ledger);
    assert.equal(ledger.count(LS.id), 1);
  });
});

describe('sendReplacingAdd', () => {
  /** What sendReplacingAdd sent (a copy), or undefined when it took nothing. */
  const replacing = (app: typeof LS, message: Buffer, ledger: FlowLedger): Buffer | undefined => {
    let sent: Buffer | undefined;
    return sendReplacingAdd(app, message, ledger, (bytes) => (sent = Buffer.from(bytes))) ? sent : undefined;
  };
  const encoded = (m: Mod): Buffer => encodeMessage({ ...m, version: OF13, xid: 0 } as FlowMod);

  it('confines an add that replaces a held flow in a copy of its bytes, exactly as the decoded value would be encoded (any 1.3 match, cookie and flags)', () => {
    fc.assert(
      fc.property(match13, fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }), fc.boolean(), fc.boolean(), (match, cookie, askedFirst, askedNow) => {
        const ledger = new FlowLedger(() => Infinity);
        encodeAdmittedFlowMod(LS, add(7, match, { cookie, flags: askedFirst ? OFPFF_SEND_FLOW_REM : 0 }), ledger);
        const again = add(7, match, { cookie, flags: askedNow ? OFPFF_SEND_FLOW_REM : 0, idleTimeout: 30 });
        const fast = replacing(LS, encoded(again), ledger)!;
        assert.deepEqual(fast, Buffer.from(encodeAdmittedFlowMod(LS, again, new FlowLedger(() => Infinity))));
        assert.equal(ledger.count(LS.id), 1);
        // Whether the app asked for the removal is the replacing add's.
        assert.equal(ledger.removed({ cookie: appCookie(LS.id, cookie), tableId: 0, priority: 7, match })?.notifyApp, askedNow);
      }),
      { numRuns: 300 },
    );
  });

  it('records nothing and returns nothing for what it does not take: a new flow, another table or priority, a delete, a cookie with app-id bits, OpenFlow 1.0', () => {
    const ledger = new FlowLedger(() => Infinity);
    const match: Match = [{ field: 'in_port', value: 1 }, { field: 'eth_dst', value: '02:00:00:00:00:01' }];
    encodeAdmittedFlowMod(LS, add(7, match), ledger);
    const other: Match = [{ field: 'in_port', value: 2 }];
    const of10 = encoded(add(7, match));
    of10[0] = 1;
    for (const message of [encoded(add(7, other)), encoded(add(8, match)), encoded(add(7, match, { tableId: 1 })), encoded(add(7, match, { command: OFPFC_DELETE })), encoded(add(7, match, { cookie: 1n << 50n })), of10]) {
      assert.equal(replacing(LS, message, ledger), undefined);
    }
    // Nor another app's flow with that match: the full path decides (it refuses the overlap).
    assert.equal(replacing(ACL, encoded(add(7, match)), ledger), undefined);
    assert.deepEqual([ledger.count(LS.id), ledger.count(ACL.id)], [1, 0]);
  });

  it('leaves the ledger as it was when the switch refuses the bytes', () => {
    const ledger = new FlowLedger(() => Infinity);
    const match: Match = [{ field: 'in_port', value: 1 }];
    encodeAdmittedFlowMod(LS, add(7, match), ledger);
    assert.throws(() => sendReplacingAdd(LS, encoded(add(7, match, { flags: OFPFF_SEND_FLOW_REM })), ledger, () => {
      throw new Error('busy');
    }), /busy/);
    // Still the first add's: the app did not ask for the flow's removal.
    assert.equal(ledger.removed({ cookie: appCookie(LS.id, 5n), tableId: 0, priority: 7, match })?.notifyApp, false);
  });
});
