import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMessage, OFP_NO_BUFFER, OFPG_ANY, OFPP_ANY, OFPP_CONTROLLER, OFPTT_ALL, type Action, type OfpMessage, type OxmField } from '../../openflow/index.js';
import { FlowMod, FlowMod_Command, MeterBand_Type, type OxmField as PbOxmField } from '../../generated/sdn/runtime/v1/openflow.js';
import type { Compare_Target } from '../../generated/sdn/runtime/v1/kv.js';
import { ApiInputError } from '../errors.js';
import {
  describeOpenFlowError,
  fromAction,
  fromErrorMessage,
  fromOxmField,
  fromStatsReply,
  toAction,
  toFlowMod,
  toMeterMod,
  toOxmField,
  toPacketOut,
  toRawMessage,
  toStatsRequest,
  toTxn,
  UnexpectedReplyError,
} from './index.js';

const text = (field: string, value: string): PbOxmField => ({ field, value: { kind: { $case: 'text', value } }, opaqueClass: 0, opaqueField: 0, opaqueHasMask: false, opaquePayload: Buffer.alloc(0) });
const uint = (field: string, value: bigint): PbOxmField => ({ field, value: { kind: { $case: 'uint', value } }, opaqueClass: 0, opaqueField: 0, opaqueHasMask: false, opaquePayload: Buffer.alloc(0) });

function invalid(fn: () => unknown, path: string, detail: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ApiInputError, `expected ApiInputError, got ${String(err)}`);
    assert.equal(err.code, 'API_INVALID');
    assert.equal(err.path, path);
    assert.match(err.message, detail);
    return true;
  });
}

describe('commands: proto -> codec', () => {
  it('fills the spec\'s "none" values for absent optional fields of FLOW_MOD and PACKET_OUT', () => {
    const fm = toFlowMod(FlowMod.fromPartial({ priority: 10, match: { fields: [uint('in_port', 1n)] } }), 'command.flow_mod');
    assert.deepEqual(fm, { type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 10, bufferId: OFP_NO_BUFFER, outPort: OFPP_ANY, outGroup: OFPG_ANY, flags: 0, match: [{ field: 'in_port', value: 1 }], instructions: [] });
    const explicit = toFlowMod(FlowMod.fromPartial({ bufferId: 7, outPort: 0, outGroup: 3, command: FlowMod_Command.COMMAND_DELETE }), 'f');
    assert.deepEqual([explicit.type === 'FlowMod' && explicit.bufferId, explicit.type === 'FlowMod' && explicit.outPort, explicit.type === 'FlowMod' && explicit.outGroup], [7, 0, 3]);
    const po = toPacketOut({ actions: [], data: Buffer.from([1, 2]) }, 'p');
    assert.deepEqual([po.type === 'PacketOut' && po.bufferId, po.type === 'PacketOut' && po.inPort], [OFP_NO_BUFFER, OFPP_CONTROLLER]);
  });

  it('names the field path of a bad MAC, an out-of-range number, an unknown field and a wrong value case', () => {
    const match = (fields: PbOxmField[]) => FlowMod.fromPartial({ match: { fields } });
    invalid(() => toFlowMod(match([uint('in_port', 1n), text('eth_dst', 'zz:00:00:00:00:01')]), 'command.flow_mod'), 'command.flow_mod.match.fields[1].value', /zz:00:00:00:00:01 is not a MAC address/);
    invalid(() => toFlowMod(match([text('ipv4_dst', '10.0.0.256')]), 'c'), 'c.match.fields[0].value', /not an IPv4 address/);
    invalid(() => toFlowMod(match([uint('eth_type', 0x10000n)]), 'c'), 'c.match.fields[0].value', /does not fit in 16 bits/);
    invalid(() => toFlowMod(match([text('eth_type', '0x800')]), 'c'), 'c.match.fields[0].value', /takes "uint", not "text"/);
    invalid(() => toFlowMod(match([uint('eth_nope', 1n)]), 'c'), 'c.match.fields[0].field', /"eth_nope" is not an OXM field/);
    invalid(() => toFlowMod(match([{ ...text('ipv6_src', '2001:db8::1'), mask: { kind: { $case: 'text', value: 'ffff::g' } } }]), 'c'), 'c.match.fields[0].mask', /not an IPv6 address/);
    invalid(() => toFlowMod(FlowMod.fromPartial({ tableId: 300 }), 'c'), 'c.table_id', /does not fit in 8 bits/);
    invalid(() => toFlowMod(FlowMod.fromPartial({ command: 9 as FlowMod_Command }), 'c'), 'c.command', /9 is not a known value/);
    invalid(() => toFlowMod(FlowMod.fromPartial({ instructions: [{ kind: { $case: 'applyActions', value: { actions: [{ kind: { $case: 'output', value: { port: 1, maxLen: 70000 } } }] } } }] }), 'c'), 'c.instructions[0].apply_actions.actions[0].output.max_len', /16 bits/);
    invalid(() => toMeterMod({ command: 0, flags: 1, meterId: 1, bands: [{ type: MeterBand_Type.TYPE_UNSPECIFIED, rate: 1, burstSize: 0, precLevel: 0, experimenter: undefined }] }, 'c'), 'c.bands[0].type', /not a meter band type/);
  });

  it('round-trips OXM fields of every value kind, masks and opaque TLVs', () => {
    const fields: OxmField[] = [
      { field: 'in_port', value: 3 },
      { field: 'metadata', value: 0xfedcba9876543210n, mask: 0xffff0000ffff0000n },
      { field: 'eth_src', value: '02:00:00:00:00:0a', mask: 'ff:ff:ff:00:00:00' },
      { field: 'ipv4_dst', value: '10.0.0.0', mask: '255.0.0.0' },
      { field: 'ipv6_src', value: '2001:db8::1' },
      { field: 'pbb_isid', value: 0xabcdef },
      { field: 'ct_label', value: (1n << 127n) | 5n },
      { field: 'opaque', oxmClass: 0x1234, oxmField: 5, hasMask: false, payload: Buffer.from([1, 2, 3, 4]) },
    ];
    for (const f of fields) assert.deepEqual(toOxmField(fromOxmField(f), 'f'), f);
    assert.equal(fromOxmField({ field: 'ct_label', value: 1n }).value?.kind?.$case, 'wide');
    assert.deepEqual(toOxmField(uint('ct_label', 7n), 'f'), { field: 'ct_label', value: 7n });
  });

  it('round-trips actions', () => {
    const actions: Action[] = [
      { type: 'output', port: OFPP_CONTROLLER, maxLen: 0xffff },
      { type: 'pushVlan', ethertype: 0x8100 },
      { type: 'popVlan' },
      { type: 'setField', field: { field: 'vlan_vid', value: 0x1005 } },
      { type: 'setQueue', queueId: 2 },
      { type: 'group', groupId: 9 },
      { type: 'setNwTtl', nwTtl: 64 },
      { type: 'experimenter', experimenter: 0x2320, data: Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]) },
    ];
    for (const a of actions) assert.deepEqual(toAction(fromAction(a), 'a'), a);
  });

  it('hands a Nicira action the proto has no case for to apps as the experimenter bytes a switch sends', () => {
    const tunnel: Action = { type: 'nxSetTunnel', tunId: 0x01020304 };
    // NXAST_SET_TUNNEL (2), pad 2, tun_id.
    const data = Buffer.from('0002000001020304', 'hex');
    assert.deepEqual(fromAction(tunnel), { kind: { $case: 'experimenter', value: { experimenter: 0x2320, data } } });
    assert.deepEqual(toAction(fromAction(tunnel), 'a'), { type: 'experimenter', experimenter: 0x2320, data });
  });

  it('round-trips the Nicira actions the proto carries', () => {
    const actions: Action[] = [
      {
        type: 'nxCt', flags: 1, zoneSrc: '', zoneOfsNbits: 7, recircTable: 255, alg: 0,
        actions: [{ type: 'nxNat', flags: 1, rangeIpv4Min: '10.0.0.1', rangeIpv4Max: '10.0.0.9', rangeProtoMin: 1024 }, { type: 'setField', field: { field: 'ct_mark', value: 5 } }],
      },
      { type: 'nxCt', flags: 0, zoneSrc: 'reg0', zoneOfsNbits: 15, recircTable: 4, alg: 21, actions: [] },
      { type: 'nxCtClear' },
      { type: 'nxResubmit', inPort: 0xfff8 },
      { type: 'nxResubmitTable', inPort: 0xfff8, tableId: 3 },
      {
        type: 'nxLearn', idleTimeout: 0, hardTimeout: 300, priority: 1, cookie: 0n, flags: 0, tableId: 99, finIdleTimeout: 0, finHardTimeout: 0,
        specs: [
          { type: 'match', src: { field: 'vlan_vid', ofs: 0 }, dst: { field: 'vlan_vid', ofs: 0 }, nBits: 12 },
          { type: 'load', src: 0x1234n, dst: { field: 'reg1', ofs: 0 }, nBits: 16 },
          { type: 'output', src: { field: 'in_port', ofs: 0 }, nBits: 32 },
        ],
      },
      { type: 'nxRegLoad', ofsNbits: 31, dst: 'reg0', value: 0xdeadbeefn },
      { type: 'nxRegLoad', ofsNbits: 31, dst: 0x00010104, value: 1n },
      { type: 'nxRegMove', nBits: 6, srcOfs: 10, dstOfs: 0, srcField: 'reg0', dstField: 'reg1' },
      { type: 'nxConjunction', clause: 0, nClauses: 2, id: 7 },
      { type: 'nxNote', note: Buffer.from('040506070000', 'hex') },
    ];
    for (const a of actions) assert.deepEqual(toAction(fromAction(a), 'a'), a);
  });

  it('refuses Nicira actions the wire cannot carry, naming the proto path', () => {
    const nat = { kind: { $case: 'nxNat' as const, value: { flags: 0, rangeIpv4Min: '10.0.0.300', rangeIpv4Max: undefined, rangeIpv6Min: undefined, rangeIpv6Max: undefined, rangeProtoMin: undefined, rangeProtoMax: undefined } } };
    invalid(() => toAction(nat, 'a'), 'a.nx_nat', /10\.0\.0\.300/);
    const load = { kind: { $case: 'nxRegLoad' as const, value: { ofsNbits: 31, dst: { kind: { $case: 'name' as const, value: 'no_such_field' } }, value: 1n } } };
    invalid(() => toAction(load, 'a'), 'a.nx_reg_load', /no_such_field/);
    const spec = { type: 1, nBits: 8, src: { $case: 'srcValue' as const, value: Buffer.from('010203', 'hex') }, dst: { field: { kind: undefined }, ofs: 0 } };
    const learn = { kind: { $case: 'nxLearn' as const, value: { idleTimeout: 0, hardTimeout: 0, priority: 0, cookie: 0n, flags: 0, tableId: 0, finIdleTimeout: 0, finHardTimeout: 0, specs: [spec] } } };
    invalid(() => toAction(learn, 'a'), 'a.nx_learn.specs[0].src_value', /3 bytes exceed the 2 of 8 bits/);
  });

  it('statistics requests default to "all" and raw messages take the session\'s version', () => {
    const flow = toStatsRequest({ kind: { $case: 'flow', value: { cookie: 0n, cookieMask: 0n, match: undefined } } }, 's');
    assert.deepEqual(flow, { type: 'MultipartRequest', flags: 0, body: { type: 'flow', tableId: OFPTT_ALL, outPort: OFPP_ANY, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match: [] } });
    const barrier = encodeMessage({ type: 'BarrierRequest', version: 4, xid: 99 });
    barrier[0] = 0x63; // whatever the client wrote, the session's version counts
    assert.deepEqual(toRawMessage(barrier, 4, 'raw'), { type: 'BarrierRequest' });
    invalid(() => toRawMessage(barrier.subarray(0, 6), 4, 'raw'), 'raw', /shorter than the 8-byte OpenFlow header/);
    invalid(() => toRawMessage(Buffer.concat([barrier, Buffer.alloc(1)]), 4, 'raw'), 'raw', /header's length is 8 but the message has 9 bytes/);
    invalid(() => toRawMessage(encodeMessage({ type: 'Hello', version: 4, xid: 1, elements: [] }), 4, 'raw'), 'raw', /HELLO/);
  });

  it('KV compares with unknown enums are refused by path', () => {
    invalid(() => toTxn({ compares: [{ key: Buffer.from('k'), target: 7 as Compare_Target, result: 0, value: Buffer.alloc(0), number: 0n }], success: [], failure: [] }, 'command.kv_txn'), 'command.kv_txn.compares[0].target', /not a compare target/);
  });
});

describe('replies and errors: codec -> proto', () => {
  it('renders OFPT_ERROR types and codes by their spec names', () => {
    assert.equal(describeOpenFlowError(4, 9), 'OFPET_BAD_MATCH/OFPBMC_BAD_PREREQ');
    assert.equal(describeOpenFlowError(5, 1), 'OFPET_FLOW_MOD_FAILED/OFPFMFC_TABLE_FULL');
    assert.equal(describeOpenFlowError(1, 99), 'OFPET_BAD_REQUEST/code 99');
    assert.equal(describeOpenFlowError(42, 1), 'error type 42 code 1');
    const exp = fromErrorMessage({ type: 'ErrorExperimenter', version: 4, xid: 1, experimenter: 0x2320, expType: 5, data: Buffer.alloc(0) });
    assert.deepEqual([exp.type, exp.experimenter, exp.description], [0xffff, 0x2320, 'OFPET_EXPERIMENTER experimenter 0x00002320 exp_type 5']);
  });

  it('concatenates the parts of a multipart reply and refuses a part of another type', () => {
    const part = (cookie: bigint, more: boolean): OfpMessage => ({
      type: 'MultipartReply',
      version: 4,
      xid: 1,
      flags: more ? 1 : 0,
      body: { type: 'flow', stats: [{ tableId: 0, durationSec: 1, durationNsec: 0, priority: 1, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie, packetCount: 0n, byteCount: 0n, match: [], instructions: [] }] },
    });
    const reply = fromStatsReply('flow', [part(1n, true), part(2n, true), part(3n, false)]);
    assert.deepEqual(reply.kind?.$case === 'flow' && reply.kind.value.stats.map((s) => s.cookie), [1n, 2n, 3n]);
    assert.throws(() => fromStatsReply('table', [part(1n, false)]), UnexpectedReplyError);
  });
});
