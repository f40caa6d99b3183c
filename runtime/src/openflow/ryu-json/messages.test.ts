import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OfpMessage } from '../messages.js';
import type { Match } from '../structs.js';
import { fromRyuJson, parseRyuJson, type RyuJson, type RyuJsonObject, stringifyRyuJson, toRyuJson } from './index.js';

/**
 * Hand-built values of every message type through toRyuJson, JSON text and
 * fromRyuJson: the value must come back unchanged, and the JSON must have
 * Ryu's class names and derived fields. (The vector suite in
 * ../conformance.test.ts checks the same against Ryu's own files.)
 */

const h = { version: 4, xid: 0x12345678 };
const bytes = (s: string): Buffer => Buffer.from(s, 'hex');

/** Value -> Ryu JSON -> text -> Ryu JSON -> value; returns the class body. */
function roundTrip(msg: OfpMessage, cls: string): RyuJsonObject {
  const json = toRyuJson(msg);
  const back = fromRyuJson(parseRyuJson(stringifyRyuJson(json)), { version: msg.version, xid: msg.xid });
  assert.deepStrictEqual(back, msg);
  assert.deepEqual(Object.keys(json as RyuJsonObject), [cls]);
  return (json as RyuJsonObject)[cls] as RyuJsonObject;
}

const match: Match = [
  { field: 'in_port', value: 6 },
  { field: 'metadata', value: 0xfedcba9876543210n, mask: 0xffffffff00000000n },
  { field: 'eth_dst', value: 'f2:0b:a4:7d:f8:ea' },
  { field: 'ipv6_src', value: 'fe80::1', mask: 'ffff:ffff::' },
  { field: 'pbb_uca', value: 1 },
  { field: 'ct_label', value: (1n << 127n) | 5n },
  { field: 'opaque', oxmClass: 0xffff, oxmField: 9, hasMask: true, payload: bytes('00abcdef0102a0b0') },
];

describe('toRyuJson / fromRyuJson: symmetric and config messages', () => {
  it('HELLO with a version bitmap and an element Ryu would skip', () => {
    const body = roundTrip(
      { type: 'Hello', ...h, elements: [{ type: 'versionBitmap', versions: [1, 4, 40], bitmapWords: 2 }, { type: 'opaque', elementType: 9, data: bytes('0102') }] },
      'OFPHello',
    );
    assert.deepEqual(body['elements'], [
      { OFPHelloElemVersionBitmap: { length: 12, type: 1, versions: [1, 4, 40] } },
      { OFPHelloElemUnknown: { data: 'AQI=', length: 6, type: 9 } },
    ]);
  });

  it('OpenFlow 1.0 HELLO has no elements key, as in Ryu', () => {
    assert.deepEqual(toRyuJson({ type: 'Hello', version: 1, xid: 1, elements: [] }), { OFPHello: {} });
    roundTrip({ type: 'Hello', version: 1, xid: 1, elements: [] }, 'OFPHello');
  });

  it('ERROR and experimenter ERROR share OFPErrorMsg', () => {
    assert.deepEqual(roundTrip({ type: 'Error', ...h, errorType: 2, code: 11, data: bytes('0401') }, 'OFPErrorMsg'), { code: 11, data: 'BAE=', type: 2 });
    assert.deepEqual(roundTrip({ type: 'ErrorExperimenter', ...h, expType: 60000, experimenter: 999999, data: bytes('') }, 'OFPErrorMsg'), {
      code: null, data: '', exp_type: 60000, experimenter: 999999, type: 65535,
    });
  });

  it('ECHO, EXPERIMENTER and header-only messages', () => {
    roundTrip({ type: 'EchoRequest', ...h, data: bytes('686f6765') }, 'OFPEchoRequest');
    roundTrip({ type: 'EchoReply', ...h, data: bytes('') }, 'OFPEchoReply');
    roundTrip({ type: 'Experimenter', ...h, experimenter: 98765432, expType: 123456789, data: bytes('6e617a6f') }, 'OFPExperimenter');
    for (const [type, cls] of [
      ['FeaturesRequest', 'OFPFeaturesRequest'], ['GetConfigRequest', 'OFPGetConfigRequest'], ['BarrierRequest', 'OFPBarrierRequest'],
      ['BarrierReply', 'OFPBarrierReply'], ['GetAsyncRequest', 'OFPGetAsyncRequest'],
    ] as const) {
      assert.deepEqual(roundTrip({ type, ...h }, cls), {});
    }
  });

  it('FEATURES_REPLY: 1.3 drops reserved only when 0; 1.0 has actions and ports keyed by number', () => {
    const f13 = { type: 'FeaturesReply', ...h, datapathId: 0xffffffffffffffffn, nBuffers: 256, nTables: 254, auxiliaryId: 1, capabilities: 0x4f } as const;
    assert.equal(roundTrip({ ...f13, reserved: 0 }, 'OFPSwitchFeatures')['reserved'], undefined);
    const body = roundTrip({ ...f13, reserved: 7 }, 'OFPSwitchFeatures');
    assert.equal(body['reserved'], 7);
    assert.equal(body['datapath_id'], 0xffffffffffffffffn);
    const port = { portNo: 6, hwAddr: 'f2:0b:a4:7d:f8:ea', name: 'Port6', config: 0, state: 2, curr: 648, advertised: 640, supported: 648, peer: 648 };
    const f10 = roundTrip(
      { type: 'FeaturesReply', version: 1, xid: 2, datapathId: 1n, nBuffers: 0, nTables: 255, auxiliaryId: 0, capabilities: 169, reserved: 0, actions: 2115, ports: [port] },
      'OFPSwitchFeatures',
    );
    assert.deepEqual(Object.keys(f10['ports'] as RyuJsonObject), ['6']);
    assert.equal(f10['auxiliary_id'], undefined);
  });

  it('switch config, role and async config', () => {
    assert.deepEqual(roundTrip({ type: 'GetConfigReply', ...h, flags: 1, missSendLen: 128 }, 'OFPGetConfigReply'), { flags: 1, miss_send_len: 128 });
    roundTrip({ type: 'SetConfig', ...h, flags: 0, missSendLen: 0xffff }, 'OFPSetConfig');
    assert.equal(roundTrip({ type: 'RoleRequest', ...h, role: 2, generationId: 17294086455919964160n }, 'OFPRoleRequest')['generation_id'], 17294086455919964160n);
    roundTrip({ type: 'RoleReply', ...h, role: 3, generationId: 0n }, 'OFPRoleReply');
    const masks = { packetInMask: [5, 1], portStatusMask: [7, 3], flowRemovedMask: [15, 3] } as const;
    assert.deepEqual(roundTrip({ type: 'GetAsyncReply', ...h, ...masks }, 'OFPGetAsyncReply'), { flow_removed_mask: [15, 3], packet_in_mask: [5, 1], port_status_mask: [7, 3] });
    roundTrip({ type: 'SetAsync', ...h, ...masks }, 'OFPSetAsync');
  });

  it('an Unknown message is OFPMessageUnknown', () => {
    assert.deepEqual(roundTrip({ type: 'Unknown', version: 5, xid: 3, msgType: 33, body: bytes('0001') }, 'OFPMessageUnknown'), { data: 'AAE=', msg_type: 33 });
  });
});

describe('toRyuJson / fromRyuJson: flows, packets, groups, meters, ports, queues', () => {
  it('FLOW_MOD with every instruction and action kind', () => {
    const body = roundTrip(
      {
        type: 'FlowMod', ...h, cookie: 1311768467463790320n, cookieMask: 0xffffffffffffffffn, tableId: 1, command: 0, idleTimeout: 10,
        hardTimeout: 20, priority: 123, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 1, match,
        instructions: [
          { type: 'gotoTable', tableId: 2 },
          { type: 'writeMetadata', metadata: 1n, metadataMask: 0xffn },
          { type: 'meter', meterId: 7 },
          { type: 'clearActions' },
          { type: 'experimenter', experimenter: 0x00002320, data: bytes('0000000000000000') },
          {
            type: 'applyActions',
            actions: [
              { type: 'output', port: 6, maxLen: 0xffe5 }, { type: 'copyTtlOut' }, { type: 'copyTtlIn' }, { type: 'setMplsTtl', mplsTtl: 9 },
              { type: 'decMplsTtl' }, { type: 'pushVlan', ethertype: 0x8100 }, { type: 'popVlan' }, { type: 'pushMpls', ethertype: 0x8847 },
              { type: 'popMpls', ethertype: 0x0800 }, { type: 'setQueue', queueId: 3 }, { type: 'group', groupId: 99 }, { type: 'setNwTtl', nwTtl: 1 },
              { type: 'decNwTtl' }, { type: 'pushPbb', ethertype: 0x88e7 }, { type: 'popPbb' },
              { type: 'setField', field: { field: 'vlan_vid', value: 0x1000 | 5 } },
              { type: 'experimenter', experimenter: 101, data: bytes('0001020304050607') },
              { type: 'experimenter', experimenter: 0x2320, data: bytes('00257061796c6f61') },
            ],
          },
          { type: 'writeActions', actions: [] },
        ],
      },
      'OFPFlowMod',
    );
    assert.equal(body['cookie_mask'], 0xffffffffffffffffn);
    assert.deepEqual((body['match'] as RyuJsonObject)['OFPMatch'], {
      length: 4 + 8 + 20 + 10 + 36 + 11 + 20 + 12,
      oxm_fields: [
        { OXMTlv: { field: 'in_port', mask: null, value: 6 } },
        { OXMTlv: { field: 'metadata', mask: 18446744069414584320n, value: 18364758544493064720n } },
        { OXMTlv: { field: 'eth_dst', mask: null, value: 'f2:0b:a4:7d:f8:ea' } },
        { OXMTlv: { field: 'ipv6_src', mask: 'ffff:ffff::', value: 'fe80::1' } },
        { OXMTlv: { field: 'pbb_uca', mask: null, value: 1 } },
        { OXMTlv: { field: 'ct_label', mask: null, value: (1n << 127n) | 5n } },
        // Class 0xffff: the experimenter id stays with the value, the rest splits in half.
        { OXMTlv: { field: `field_${(0xffff << 7) | 9}`, mask: bytes('a0b0').toString('base64'), value: bytes('00abcdef0102').toString('base64') } },
      ],
      type: 1,
    });
    const instructions = body['instructions'] as RyuJsonObject[];
    assert.deepEqual(instructions.map((i) => Object.keys(i)[0]), [
      'OFPInstructionGotoTable', 'OFPInstructionWriteMetadata', 'OFPInstructionMeter', 'OFPInstructionActions',
      'OFPInstructionExperimenterUnknown', 'OFPInstructionActions', 'OFPInstructionActions',
    ]);
    const apply = instructions[5]!['OFPInstructionActions'] as RyuJsonObject;
    assert.equal(apply['len'], 8 + 16 + 14 * 8 + 16 + 16 + 16);
    const actions = apply['actions'] as RyuJsonObject[];
    assert.deepEqual(actions[16], { OFPActionExperimenterUnknown: { data: 'AAECAwQFBgc=', experimenter: 101, len: 16, type: 65535 } });
    assert.deepEqual(actions[17], { NXActionUnknown: { data: 'cGF5bG9h', experimenter: 8992, len: 16, subtype: 37, type: 65535 } });
  });

  it('PACKET_IN, PACKET_OUT (actions_len), FLOW_REMOVED, PORT_STATUS', () => {
    roundTrip({ type: 'PacketIn', ...h, bufferId: 2, totalLen: 42, reason: 1, tableId: 1, cookie: 283686884868096n, match, data: bytes('ffffffffffff') }, 'OFPPacketIn');
    const out = roundTrip(
      { type: 'PacketOut', ...h, bufferId: 0xffffffff, inPort: 0xfffffffd, actions: [{ type: 'output', port: 0xfffffffc, maxLen: 0xffff }], data: bytes('00') },
      'OFPPacketOut',
    );
    assert.equal(out['actions_len'], 16);
    roundTrip(
      { type: 'FlowRemoved', ...h, cookie: 0n, priority: 65535, reason: 0, tableId: 0, durationSec: 3, durationNsec: 48825000, idleTimeout: 3, hardTimeout: 0, packetCount: 1n, byteCount: 86n, match: [] },
      'OFPFlowRemoved',
    );
    const desc = { portNo: 7, hwAddr: 'f2:0b:a4:d0:3f:70', name: '私のポート', config: 0, state: 4, curr: 10248, advertised: 10240, supported: 10248, peer: 10248, currSpeed: 5000, maxSpeed: 5000 };
    assert.equal(((roundTrip({ type: 'PortStatus', ...h, reason: 0, desc }, 'OFPPortStatus')['desc'] as RyuJsonObject)['OFPPort'] as RyuJsonObject)['name'], '私のポート');
  });

  it('GROUP_MOD, PORT_MOD, TABLE_MOD, METER_MOD', () => {
    const group = roundTrip(
      { type: 'GroupMod', ...h, command: 0, groupType: 1, groupId: 1, buckets: [{ weight: 1, watchPort: 1, watchGroup: 1, actions: [{ type: 'output', port: 2, maxLen: 0xffff }] }] },
      'OFPGroupMod',
    );
    assert.equal(group['type'], 1);
    assert.deepEqual(group['buckets'], [{ OFPBucket: { actions: [{ OFPActionOutput: { len: 16, max_len: 65535, port: 2, type: 0 } }], len: 32, watch_group: 1, watch_port: 1, weight: 1 } }]);
    roundTrip({ type: 'PortMod', ...h, portNo: 1, hwAddr: '00:11:00:00:11:11', config: 0, mask: 0, advertise: 4096 }, 'OFPPortMod');
    roundTrip({ type: 'TableMod', ...h, tableId: 255, config: 3 }, 'OFPTableMod');
    const meter = roundTrip(
      {
        type: 'MeterMod', ...h, command: 0, flags: 14, meterId: 100,
        bands: [
          { type: 'drop', rate: 1000, burstSize: 10 },
          { type: 'dscpRemark', rate: 1000, burstSize: 10, precLevel: 1 },
          { type: 'experimenter', rate: 1000, burstSize: 10, experimenter: 999, data: bytes('') },
          { type: 'experimenter', rate: 1, burstSize: 2, experimenter: 3, data: bytes('0102030405060708') },
        ],
      },
      'OFPMeterMod',
    );
    const bands = meter['bands'] as RyuJsonObject[];
    assert.deepEqual(bands[2], { OFPMeterBandExperimenter: { burst_size: 10, experimenter: 999, len: 16, rate: 1000, type: 65535 } });
    assert.deepEqual((bands[3]!['OFPMeterBandExperimenter'] as RyuJsonObject)['data'], 'AQIDBAUGBwg=');
  });

  it('QUEUE_GET_CONFIG request and reply, with unpadded experimenter properties', () => {
    roundTrip({ type: 'QueueGetConfigRequest', ...h, port: 0xffffffff }, 'OFPQueueGetConfigRequest');
    const reply = roundTrip(
      {
        type: 'QueueGetConfigReply', ...h, port: 0xffffffff,
        queues: [{ queueId: 88, port: 77, properties: [{ type: 'minRate', rate: 100 }, { type: 'maxRate', rate: 200 }, { type: 'experimenter', experimenter: 999, data: bytes('01') }] }],
      },
      'OFPQueueGetConfigReply',
    );
    const queue = (reply['queues'] as RyuJsonObject[])[0]!['OFPPacketQueue'] as RyuJsonObject;
    assert.equal(queue['len'], 65);
    assert.deepEqual((queue['properties'] as RyuJson[])[2], { OFPQueuePropExperimenter: { data: [1], experimenter: 999, len: 17, property: 65535 } });
  });
});
