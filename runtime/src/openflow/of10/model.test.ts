import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OfpEncodeError } from '../errors.js';
import type { FlowMod, MessageBody } from '../messages.js';
import type { Match } from '../structs.js';
import { OFPFW_ALL, OFPFW_DL_TYPE, OFPFW_IN_PORT, OFPFW_NW_SRC_MASK, OFPFW_NW_SRC_SHIFT } from './constants.js';
import { bodyDown, matchDown, matchUp, messageUp, portUp } from './model.js';

const FLOW_MOD: Omit<FlowMod, 'version' | 'xid'> = {
  type: 'FlowMod', cookie: 7n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 10, hardTimeout: 0, priority: 5,
  bufferId: 0xffffffff, outPort: 0, outGroup: 0, flags: 1, match: [], instructions: [],
};

function refusedWith(body: MessageBody, field: string, pattern: RegExp): void {
  assert.throws(() => bodyDown(body), (err: unknown) => {
    assert.ok(err instanceof OfpEncodeError, String(err));
    assert.equal(err.field, field);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('OpenFlow 1.0 <-> the 1.3 model', () => {
  it('maps reserved ports by offset: FLOOD, CONTROLLER, NONE <-> ANY', () => {
    assert.deepEqual([0xfffb, 0xfffd, 0xffff, 7].map(portUp), [0xfffffffb, 0xfffffffd, 0xffffffff, 7]);
  });

  it('a match of the fields 1.0 has goes down and comes back up the same', () => {
    const match: Match = [
      { field: 'in_port', value: 3 },
      { field: 'eth_dst', value: '02:00:00:00:00:02' },
      { field: 'eth_src', value: '02:00:00:00:00:01' },
      { field: 'eth_type', value: 0x0800 },
      { field: 'vlan_vid', value: 0x1000 | 10 },
      { field: 'vlan_pcp', value: 3 },
      { field: 'ip_dscp', value: 10 },
      { field: 'ip_proto', value: 6 },
      { field: 'ipv4_src', value: '10.0.0.0', mask: '255.255.255.0' },
      { field: 'ipv4_dst', value: '10.0.0.9' },
      { field: 'tcp_src', value: 80 },
      { field: 'tcp_dst', value: 8080 },
    ];
    const down = matchDown(match, 'FlowMod');
    assert.equal(down.wildcards, 8 << OFPFW_NW_SRC_SHIFT);
    assert.equal(down.nwTos, 40);
    assert.deepEqual(matchUp(down), match);
  });

  it('an empty match is all wildcards; wildcarded fields do not come up', () => {
    const down = matchDown([], 'FlowMod');
    assert.equal(down.wildcards, OFPFW_ALL);
    assert.deepEqual(matchUp({ ...down, wildcards: OFPFW_ALL & ~(OFPFW_IN_PORT | OFPFW_DL_TYPE), inPort: 0xfffe, dlType: 0x806 }), [
      { field: 'in_port', value: 0xfffffffe },
      { field: 'eth_type', value: 0x806 },
    ]);
    assert.equal((OFPFW_ALL & OFPFW_NW_SRC_MASK) >>> OFPFW_NW_SRC_SHIFT, 63);
  });

  it('a flow-mod goes down to FlowMod10 with one action list', () => {
    const down = bodyDown({
      ...FLOW_MOD,
      match: [{ field: 'in_port', value: 1 }],
      instructions: [{ type: 'applyActions', actions: [{ type: 'setField', field: { field: 'eth_dst', value: '02:00:00:00:00:09' } }, { type: 'popVlan' }, { type: 'output', port: 0xfffffffb, maxLen: 0 }] }],
    });
    assert.equal(down.type, 'FlowMod10');
    assert.deepEqual(down.type === 'FlowMod10' && [down.cookie, down.priority, down.flags, down.match.inPort, down.actions], [
      7n, 5, 1, 1,
      [{ type: 'setDlDst', dlAddr: '02:00:00:00:00:09' }, { type: 'stripVlan' }, { type: 'output', port: 0xfffb, maxLen: 0 }],
    ]);
  });

  it('refuses what 1.0 cannot express, naming the field', () => {
    refusedWith({ ...FLOW_MOD, tableId: 1 }, 'table_id', /no table id/);
    refusedWith({ ...FLOW_MOD, cookieMask: 1n }, 'cookie_mask', /no cookie mask/);
    refusedWith({ ...FLOW_MOD, outGroup: 3 }, 'out_group', /no groups/);
    refusedWith({ ...FLOW_MOD, flags: 4 }, 'flags', /SEND_FLOW_REM and CHECK_OVERLAP/);
    refusedWith({ ...FLOW_MOD, instructions: [{ type: 'meter', meterId: 1 }] }, 'instructions', /meter instruction is OpenFlow 1\.3 only/);
    refusedWith(
      { ...FLOW_MOD, instructions: [{ type: 'applyActions', actions: [] }, { type: 'applyActions', actions: [{ type: 'output', port: 1, maxLen: 0 }] }] },
      'instructions',
      /one action list/,
    );
    refusedWith({ ...FLOW_MOD, instructions: [{ type: 'applyActions', actions: [{ type: 'group', groupId: 1 }] }] }, 'action.type', /group action is OpenFlow 1\.3 only/);
    refusedWith({ ...FLOW_MOD, match: [{ field: 'ipv6_src', value: '::1' }] }, 'match.ipv6_src', /cannot be matched on OpenFlow 1\.0/);
    refusedWith({ ...FLOW_MOD, match: [{ field: 'eth_dst', value: '02:00:00:00:00:00', mask: 'ff:ff:ff:00:00:00' }] }, 'match.eth_dst', /masked eth_dst/);
    refusedWith({ ...FLOW_MOD, match: [{ field: 'ipv4_src', value: '10.0.0.0', mask: '255.0.255.0' }] }, 'match.ipv4_src', /not a prefix/);
    refusedWith({ type: 'PacketOut', bufferId: 0, inPort: 0x10000, actions: [], data: Buffer.alloc(0) }, 'in_port', /16-bit port numbers/);
  });

  it('an app value of the wrong shape is an OfpEncodeError too, not a TypeError', () => {
    refusedWith({ ...FLOW_MOD, instructions: undefined } as unknown as MessageBody, 'instructions', /not a list/);
    refusedWith({ ...FLOW_MOD, match: [null] } as unknown as MessageBody, 'match.oxm', /null is not an object/);
    refusedWith({ type: 'PacketOut', bufferId: 0, inPort: 1, actions: 'output', data: Buffer.alloc(0) } as unknown as MessageBody, 'actions', /not a list/);
    refusedWith(
      { ...FLOW_MOD, instructions: [{ type: 'applyActions', actions: [{ type: 'setField', field: null }] }] } as unknown as MessageBody,
      'action.type',
      /without an OXM field/,
    );
  });

  it('a 1.0 PACKET_IN comes up as a PacketIn with in_port in its match', () => {
    const up = messageUp({ type: 'PacketIn10', version: 1, xid: 4, bufferId: 9, totalLen: 60, inPort: 0xfffe, reason: 1, data: Buffer.alloc(2) });
    assert.deepEqual(up, { type: 'PacketIn', version: 1, xid: 4, bufferId: 9, totalLen: 60, reason: 1, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 0xfffffffe }], data: Buffer.alloc(2) });
  });

  it('stats: a 1.3 multipart request 1.0 has goes down, the 1.0 reply comes up as the multipart reply asked for', () => {
    const down = bodyDown({
      type: 'MultipartRequest', flags: 0,
      body: { type: 'flow', tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [{ field: 'in_port', value: 2 }] },
    });
    assert.equal(down.type === 'StatsRequest' && down.body.type === 'flow' && `${down.body.outPort} ${down.body.match.inPort}`, `${0xffff} 2`);
    refusedWith({ type: 'MultipartRequest', flags: 0, body: { type: 'portDesc' } }, 'body.type', /portDesc multipart request has no OpenFlow 1\.0 stats type/);
    refusedWith({ type: 'MultipartRequest', flags: 0, body: { type: 'group', groupId: 1 } }, 'body.type', /group multipart request/);
    const match = matchDown([{ field: 'in_port', value: 2 }], 'FlowMod');
    const up = messageUp({
      type: 'StatsReply', version: 1, xid: 3, flags: 1,
      body: {
        type: 'flow',
        stats: [{
          tableId: 0, match, durationSec: 1, durationNsec: 2, priority: 3, idleTimeout: 4, hardTimeout: 5, cookie: 6n, packetCount: 7n, byteCount: 8n,
          actions: [{ type: 'stripVlan' }, { type: 'output', port: 0xfffb, maxLen: 0 }],
        }],
      },
    });
    assert.deepEqual(up, {
      type: 'MultipartReply', version: 1, xid: 3, flags: 1,
      body: {
        type: 'flow',
        stats: [{
          tableId: 0, durationSec: 1, durationNsec: 2, priority: 3, idleTimeout: 4, hardTimeout: 5, flags: 0, cookie: 6n, packetCount: 7n, byteCount: 8n,
          match: [{ field: 'in_port', value: 2 }],
          instructions: [{ type: 'applyActions', actions: [{ type: 'popVlan' }, { type: 'output', port: 0xfffffffb, maxLen: 0 }] }],
        }],
      },
    });
  });
});
