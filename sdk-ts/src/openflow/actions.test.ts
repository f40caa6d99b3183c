import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, SdnClientError } from '../errors.js';
import { actions, checkAction, type Action } from './actions.js';
import { Port } from './constants.js';
import { checkInstructions, instructions } from './instructions.js';

function invalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof SdnClientError && err.code === ErrorCode.INVALID && pattern.test(err.message));
}

describe('actions', () => {
  it('output defaults max_len to the whole packet for CONTROLLER only', () => {
    assert.deepEqual(actions.output(Port.CONTROLLER), { type: 'output', port: Port.CONTROLLER, maxLen: 0xffff });
    assert.deepEqual(actions.output(3), { type: 'output', port: 3, maxLen: 0 });
    assert.deepEqual(actions.output(Port.FLOOD, 128), { type: 'output', port: Port.FLOOD, maxLen: 128 });
  });

  it('refuses ports nothing can be sent to', () => {
    invalid(() => actions.output(0), /is not a port to send to/);
    invalid(() => actions.output(Port.ANY), /is not a port to send to/);
    invalid(() => actions.output(0xffffff01), /is not a port to send to/);
    invalid(() => actions.output(2 ** 32), /an integer 0\.\.4294967295/);
    invalid(() => actions.output(1, 0x10000), /maxLen/);
  });

  it('set_field is typed and checked per field', () => {
    assert.deepEqual(actions.setField('eth_dst', '02:00:00:00:00:0A'), { type: 'setField', field: 'eth_dst', value: '02:00:00:00:00:0a' });
    assert.deepEqual(actions.setField('vlan_vid', 0x1000 | 5), { type: 'setField', field: 'vlan_vid', value: 0x1005 });
    invalid(() => actions.setField('vlan_vid', 5), /needs OFPVID_PRESENT/);
    invalid(() => actions.setField('ipv4_src', 'nope'), /ipv4_src takes an IPv4 address/);
    invalid(() => actions.setField('tcp_dst', 70000), /tcp_dst takes an integer 0\.\.65535/);
  });

  it('push actions take only the ethertypes the spec allows', () => {
    assert.deepEqual(actions.pushVlan(), { type: 'pushVlan', ethertype: 0x8100 });
    assert.deepEqual(actions.pushVlan(0x88a8), { type: 'pushVlan', ethertype: 0x88a8 });
    invalid(() => actions.pushVlan(0x0800), /ethertype must be 0x8100 or 0x88a8/);
    invalid(() => actions.pushMpls(0x8100), /0x8847 or 0x8848/);
    assert.deepEqual(actions.popMpls(0x0800), { type: 'popMpls', ethertype: 0x0800 });
    invalid(() => actions.setNwTtl(256), /ttl/);
  });

  it('checkAction refuses hand-written actions that lie', () => {
    invalid(() => checkAction({ type: 'nope' } as unknown as Action, 'a'), /unknown action "nope"/);
    invalid(() => checkAction({ type: 'group', groupId: -1 }, 'a'), /groupId/);
    invalid(() => checkAction({ type: 'experimenter', experimenter: 1, data: 'x' as unknown as Uint8Array }, 'a'), /bytes \(Uint8Array\) are needed/);
  });
});

describe('instructions', () => {
  it('builds apply/write/clear/goto/metadata/meter', () => {
    assert.deepEqual(instructions.apply(actions.output(1)), { type: 'applyActions', actions: [{ type: 'output', port: 1, maxLen: 0 }] });
    assert.deepEqual(instructions.write(), { type: 'writeActions', actions: [] });
    assert.deepEqual(instructions.gotoTable(1), { type: 'gotoTable', tableId: 1 });
    assert.deepEqual(instructions.writeMetadata(5n), { type: 'writeMetadata', metadata: 5n, mask: 0xffff_ffff_ffff_ffffn });
    invalid(() => instructions.gotoTable(255), /a table id is 0\.\.254/);
    invalid(() => instructions.meter(-1), /meterId/);
  });

  it('a flow has each instruction once and goes forward only', () => {
    invalid(() => checkInstructions([instructions.apply(), instructions.apply()], 0, 'flow'), /applyActions appears twice/);
    invalid(() => checkInstructions([instructions.gotoTable(1)], 1, 'flow'), /goto_table 1 must go forward from table 1/);
    assert.equal(checkInstructions([instructions.meter(1), instructions.apply(), instructions.gotoTable(3)], 2, 'flow').length, 3);
  });
});

describe('Nicira actions', () => {
  it('builders give the runtime codec values, with Open vSwitch defaults', () => {
    assert.deepEqual(actions.nxResubmitTable(3), { type: 'nxResubmitTable', inPort: 0xfff8, tableId: 3 });
    assert.deepEqual(actions.nxResubmit(), { type: 'nxResubmit', inPort: 0xfff8 });
    assert.deepEqual(actions.nxRegLoad('reg0', 0xdeadbeef, 0, 32), { type: 'nxRegLoad', ofsNbits: 31, dst: 'reg0', value: 0xdeadbeefn });
    assert.deepEqual(actions.nxRegLoad('reg1', 1, 4, 4), { type: 'nxRegLoad', ofsNbits: (4 << 6) | 3, dst: 'reg1', value: 1n });
    assert.deepEqual(actions.nxRegMove('reg0', 'reg1', 6, 10), { type: 'nxRegMove', nBits: 6, srcOfs: 10, dstOfs: 0, srcField: 'reg0', dstField: 'reg1' });
    assert.deepEqual(actions.nxConjunction(7, 0, 2), { type: 'nxConjunction', clause: 0, nClauses: 2, id: 7 });
    assert.deepEqual(actions.nxCtClear(), { type: 'nxCtClear' });
    assert.deepEqual(actions.nxCt({ flags: 1, zoneOfsNbits: 5, actions: [actions.nxNat(1, { rangeIpv4Min: '10.0.0.1', rangeProtoMin: 1024 })] }), {
      type: 'nxCt', flags: 1, zoneSrc: '', zoneOfsNbits: 5, recircTable: 255, alg: 0,
      actions: [{ type: 'nxNat', flags: 1, rangeIpv4Min: '10.0.0.1', rangeProtoMin: 1024 }],
    });
    const learn = actions.nxLearn({ tableId: 99, hardTimeout: 300 }, [
      { type: 'match', src: { field: 'vlan_vid', ofs: 0 }, dst: { field: 'vlan_vid', ofs: 0 }, nBits: 12 },
      { type: 'output', src: { field: 'in_port', ofs: 0 }, nBits: 32 },
    ]);
    assert.equal(learn.type === 'nxLearn' && learn.priority, 0x8000);
  });

  it('refuses values the wire cannot carry', () => {
    invalid(() => actions.nxResubmitTable(256), /tableId/);
    invalid(() => actions.nxRegLoad('reg0', 1, 0, 0), /not a field's bits/);
    invalid(() => actions.nxNat(0, { rangeIpv4Min: '10.0.0.300' }), /rangeIpv4Min/);
    invalid(() => actions.nxLearn({ tableId: 1 }, [{ type: 'match', src: { field: 'reg0', ofs: 0 }, dst: { field: 'reg0', ofs: 0 }, nBits: 0 }]), /1\.\.1023/);
    invalid(() => actions.nxCt({ actions: [{ type: 'bogus' } as unknown as Action] }), /unknown action/);
  });
});
