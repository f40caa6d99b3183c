import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, OFPFC_ADD, OFPFF_SEND_FLOW_REM, type FlowMod, type Match } from '../openflow/index.js';
import { encodeAdmittedFlowMod } from './admit.js';
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
