import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actions, type Action } from '../openflow/actions.js';
import { actionFromProto, actionToProto } from './openflow.js';

describe('Nicira actions through the API protobuf', () => {
  it('round-trip', () => {
    const list: Action[] = [
      actions.nxCt({ flags: 1, zoneSrc: 'reg0', zoneOfsNbits: 15, recircTable: 4, actions: [actions.nxNat(2, { rangeIpv6Min: '2001:db8::1', rangeProtoMax: 9 }), actions.setField('ct_mark', 3)] }),
      actions.nxCtClear(),
      actions.nxResubmit(1),
      actions.nxResubmitTable(3),
      actions.nxLearn({ tableId: 9 }, [
        { type: 'load', src: 0x1234n, dst: { field: 'reg1', ofs: 0 }, nBits: 16 },
        { type: 'match', src: { field: 0x00010104, ofs: 2 }, dst: { field: 'reg2', ofs: 0 }, nBits: 3 },
        { type: 'output', src: { field: 'in_port', ofs: 0 }, nBits: 32 },
      ]),
      actions.nxRegLoad('reg0', 7n, 0, 8),
      actions.nxRegMove('reg0', 'reg1', 6),
      actions.nxConjunction(1, 1, 2),
      actions.nxNote(Buffer.from([4, 5, 6, 7, 0, 0])),
    ];
    for (const a of list) assert.deepEqual(actionFromProto(actionToProto(a)), a);
  });
});
