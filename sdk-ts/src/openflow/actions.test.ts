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
