import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MultipartReply, MultipartRequest } from '../messages.js';
import type { MultipartReplyBody, MultipartRequestBody, TableFeatures } from '../multipart-types.js';
import fc from 'fast-check';
import { normalize } from '../testing/arbitraries.js';
import { tableFeatures } from '../testing/arbitraries-multipart.js';
import { fromRyuJson, OfpJsonError, parseRyuJson, type RyuJson, type RyuJsonObject, stringifyRyuJson, toRyuJson } from './index.js';

/**
 * Every multipart request and reply body, built by hand, through toRyuJson and
 * back: Ryu's class per type, `type` number, `flags`, and `body` as a list or a
 * single object where Ryu has one.
 */

const h = { version: 4, xid: 9 };
const bytes = (s: string): Buffer => Buffer.from(s, 'hex');

function roundTrip(msg: MultipartRequest | MultipartReply): { cls: string; body: RyuJsonObject } {
  const json = toRyuJson(msg) as RyuJsonObject;
  assert.deepStrictEqual(fromRyuJson(parseRyuJson(stringifyRyuJson(json)), h), msg);
  const cls = Object.keys(json)[0]!;
  return { cls, body: json[cls] as RyuJsonObject };
}

function request(body: MultipartRequestBody): { cls: string; body: RyuJsonObject } {
  return roundTrip({ type: 'MultipartRequest', ...h, flags: 1, body });
}

function reply(body: MultipartReplyBody): { cls: string; body: RyuJsonObject } {
  return roundTrip({ type: 'MultipartReply', ...h, flags: 0, body });
}

const flowRequestBody = { tableId: 255, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0xffffffffffffffffn, match: [{ field: 'eth_type', value: 0x0806 }] };

const table: TableFeatures = {
  tableId: 0, name: '私のテーブル', metadataMatch: 0xffffffffffffffffn, metadataWrite: 0n, config: 0, maxEntries: 16777216,
  properties: [
    { type: 'instructions', instructionIds: [{ type: 1 }, { type: 0xffff, data: bytes('00002320') }] },
    { type: 'nextTablesMiss', tableIds: [1, 2, 3] },
    { type: 'applyActions', actionIds: [{ type: 0 }, { type: 22 }] },
    { type: 'match', oxmIds: [{ oxmClass: 0x8000, oxmField: 3, hasMask: true, length: 6 }, { oxmClass: 1, oxmField: 0, hasMask: false, length: 4 }] },
    { type: 'wildcards', oxmIds: [{ oxmClass: 0xffff, oxmField: 5, hasMask: false, length: 4, experimenter: 0x4f4e4600 }] },
    { type: 'experimenterMiss', experimenter: 101, expType: 2, data: [1, 2] },
  ],
};

describe('multipart requests', () => {
  it('maps each request type to its Ryu class and type number', () => {
    const cases: [MultipartRequestBody, string, number][] = [
      [{ type: 'desc' }, 'OFPDescStatsRequest', 0],
      [{ type: 'flow', ...flowRequestBody }, 'OFPFlowStatsRequest', 1],
      [{ type: 'aggregate', ...flowRequestBody }, 'OFPAggregateStatsRequest', 2],
      [{ type: 'table' }, 'OFPTableStatsRequest', 3],
      [{ type: 'portStats', portNo: 7 }, 'OFPPortStatsRequest', 4],
      [{ type: 'queue', portNo: 7, queueId: 1 }, 'OFPQueueStatsRequest', 5],
      [{ type: 'group', groupId: 0xfffffffc }, 'OFPGroupStatsRequest', 6],
      [{ type: 'groupDesc' }, 'OFPGroupDescStatsRequest', 7],
      [{ type: 'groupFeatures' }, 'OFPGroupFeaturesStatsRequest', 8],
      [{ type: 'meter', meterId: 0xffffffff }, 'OFPMeterStatsRequest', 9],
      [{ type: 'meterConfig', meterId: 1 }, 'OFPMeterConfigStatsRequest', 10],
      [{ type: 'meterFeatures' }, 'OFPMeterFeaturesStatsRequest', 11],
      [{ type: 'tableFeatures', tables: [] }, 'OFPTableFeaturesStatsRequest', 12],
      [{ type: 'portDesc' }, 'OFPPortDescStatsRequest', 13],
      [{ type: 'experimenter', experimenter: 0xdeadbeaf, expType: 0xcafe8888, data: bytes('686f6765') }, 'OFPExperimenterStatsRequest', 0xffff],
      [{ type: 'unknown', multipartType: 99, data: bytes('01') }, 'OFPMultipartRequestUnknown', 99],
    ];
    for (const [body, cls, number] of cases) {
      const got = request(body);
      assert.equal(got.cls, cls);
      assert.equal(got.body['type'], number, cls);
      assert.equal(got.body['flags'], 1, cls);
    }
  });

  it('writes the flow request fields and the table-features list as body', () => {
    const { body } = request({ type: 'flow', ...flowRequestBody });
    assert.equal(body['cookie_mask'], 18446744073709551615n);
    assert.equal(body['out_port'], 0xffffffff);
    assert.equal(request({ type: 'tableFeatures', tables: [table] }).body['body'] instanceof Array, true);
  });
});

describe('multipart replies', () => {
  it('desc, aggregate, group features and experimenter replies have one body object', () => {
    assert.deepEqual(reply({ type: 'desc', mfrDesc: 'mfr', hwDesc: 'hw', swDesc: 'sw', serialNum: 'serial', dpDesc: 'dp' }).body['body'], {
      OFPDescStats: { dp_desc: 'dp', hw_desc: 'hw', mfr_desc: 'mfr', serial_num: 'serial', sw_desc: 'sw' },
    });
    assert.deepEqual(reply({ type: 'aggregate', packetCount: 7n, byteCount: 574n, flowCount: 6 }).body['body'], {
      OFPAggregateStats: { byte_count: 574, flow_count: 6, packet_count: 7 },
    });
    const features = reply({ type: 'groupFeatures', types: 15, capabilities: 5, maxGroups: [1, 2, 3, 4], actions: [5, 6, 7, 8] });
    assert.equal(features.cls, 'OFPGroupFeaturesStatsReply');
    assert.deepEqual((features.body['body'] as RyuJsonObject)['OFPGroupFeaturesStats'], { actions: [5, 6, 7, 8], capabilities: 5, max_groups: [1, 2, 3, 4], types: 15 });
    assert.deepEqual(reply({ type: 'experimenter', experimenter: 1, expType: 2, data: bytes('74') }).body['body'], {
      OFPExperimenterMultipart: { data: 'dA==', exp_type: 2, experimenter: 1 },
    });
  });

  it('list replies compute each record length', () => {
    const flow = reply({
      type: 'flow',
      stats: [{
        tableId: 0, durationSec: 358, durationNsec: 115055000, priority: 65534, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: 0n,
        packetCount: 0n, byteCount: 0n, match: [{ field: 'eth_type', value: 2054 }],
        instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 0xfffffffa, maxLen: 0 }] }],
      }],
    });
    assert.equal(((flow.body['body'] as RyuJsonObject[])[0]!['OFPFlowStats'] as RyuJsonObject)['length'], 88);
    const group = reply({
      type: 'group',
      stats: [{ groupId: 1, refCount: 2, packetCount: 123n, byteCount: 12345n, durationSec: 9, durationNsec: 609036000, bucketStats: [{ packetCount: 234n, byteCount: 2345n }] }],
    });
    assert.equal(((group.body['body'] as RyuJsonObject[])[0]!['OFPGroupStats'] as RyuJsonObject)['length'], 56);
    const desc = reply({ type: 'groupDesc', stats: [{ groupType: 0, groupId: 1, buckets: [{ weight: 1, watchPort: 1, watchGroup: 1, actions: [{ type: 'output', port: 2, maxLen: 0xffff }] }] }] });
    const groupDesc = (desc.body['body'] as RyuJsonObject[])[0]!['OFPGroupDescStats'] as RyuJsonObject;
    assert.deepEqual([groupDesc['length'], groupDesc['type']], [40, 0]);
    const meter = reply({
      type: 'meter',
      stats: [{ meterId: 100, flowCount: 0, packetInCount: 0n, byteInCount: 0n, durationSec: 0, durationNsec: 480000, bandStats: [{ packetBandCount: 0n, byteBandCount: 0n }] }],
    });
    assert.equal(((meter.body['body'] as RyuJsonObject[])[0]!['OFPMeterStats'] as RyuJsonObject)['len'], 56);
    const config = reply({ type: 'meterConfig', stats: [{ flags: 14, meterId: 100, bands: [{ type: 'drop', rate: 1000, burstSize: 10 }] }] });
    assert.equal(((config.body['body'] as RyuJsonObject[])[0]!['OFPMeterConfigStats'] as RyuJsonObject)['length'], 24);
  });

  it('table, port, queue, meter-features and port-desc replies', () => {
    assert.equal(reply({ type: 'table', stats: [{ tableId: 0, activeCount: 4, lookupCount: 4n, matchedCount: 4n }] }).cls, 'OFPTableStatsReply');
    const port = {
      portNo: 7, rxPackets: 0n, txPackets: 4n, rxBytes: 0n, txBytes: 336n, rxDropped: 0n, txDropped: 0n, rxErrors: 0n, txErrors: 0n,
      rxFrameErr: 0n, rxOverErr: 0n, rxCrcErr: 0n, collisions: 0n, durationSec: 0, durationNsec: 0,
    };
    assert.equal(reply({ type: 'portStats', stats: [port] }).cls, 'OFPPortStatsReply');
    assert.equal(reply({ type: 'queue', stats: [{ portNo: 7, queueId: 1, txBytes: 0n, txPackets: 0n, txErrors: 0n, durationSec: 0, durationNsec: 0 }] }).cls, 'OFPQueueStatsReply');
    assert.equal(reply({ type: 'meterFeatures', stats: [{ maxMeter: 16777216, bandTypes: 2147483654, capabilities: 15, maxBands: 255, maxColor: 0 }] }).cls, 'OFPMeterFeaturesStatsReply');
    const ports = reply({
      type: 'portDesc',
      ports: [{ portNo: 7, hwAddr: 'f2:0b:a4:d0:3f:70', name: 'Port7', config: 0, state: 4, curr: 10248, advertised: 10240, supported: 10248, peer: 10248, currSpeed: 5000, maxSpeed: 5000 }],
    });
    assert.equal(Object.keys((ports.body['body'] as RyuJsonObject[])[0]!)[0], 'OFPPort');
    assert.equal(reply({ type: 'unknown', multipartType: 40, data: bytes('') }).cls, 'OFPMultipartReplyUnknown');
  });

  it('table features: every property kind, lengths, ids with experimenter bodies', () => {
    const { body } = reply({ type: 'tableFeatures', tables: [table] });
    const t = (body['body'] as RyuJsonObject[])[0]!['OFPTableFeaturesStats'] as RyuJsonObject;
    const props = t['properties'] as RyuJsonObject[];
    assert.deepEqual(props.map((p) => Object.keys(p)[0]), [
      'OFPTableFeaturePropInstructions', 'OFPTableFeaturePropNextTables', 'OFPTableFeaturePropActions',
      'OFPTableFeaturePropOxm', 'OFPTableFeaturePropOxm', 'OFPTableFeaturePropExperimenter',
    ]);
    assert.deepEqual(props[0], {
      OFPTableFeaturePropInstructions: {
        instruction_ids: [{ OFPInstructionId: { len: 4, type: 1 } }, { OFPInstructionId: { data: 'AAAjIA==', len: 8, type: 65535 } }],
        length: 16,
        type: 0,
      },
    });
    assert.deepEqual((props[3]!['OFPTableFeaturePropOxm'] as RyuJsonObject)['oxm_ids'], [
      { OFPOxmId: { hasmask: 1, length: 6, type: 'eth_dst' } },
      { OFPOxmId: { hasmask: 0, length: 4, type: 'reg0' } },
    ]);
    assert.deepEqual((props[4]!['OFPTableFeaturePropOxm'] as RyuJsonObject)['oxm_ids'], [
      { OFPExperimenterOxmId: { exp_id: 0x4f4e4600, hasmask: 0, length: 4, type: `field_${(0xffff << 7) | 5}` } },
    ]);
    assert.deepEqual(props[5], { OFPTableFeaturePropExperimenter: { data: [1, 2], exp_type: 2, experimenter: 101, length: 20, type: 65535 } });
    // 64 + each property's length (16, 7, 12, 12, 12, 20) padded to 8.
    assert.equal(t['length'], 64 + 16 + 8 + 16 + 16 + 16 + 24);
  });

  it('table features: a property type the codec does not model is OFPTableFeaturePropUnknown with its bytes', () => {
    const unknown: TableFeatures = { ...table, properties: [{ type: 'unknown', propertyType: 16, data: bytes('010203') }] };
    const { body } = reply({ type: 'tableFeatures', tables: [unknown] });
    const t = (body['body'] as RyuJsonObject[])[0]!['OFPTableFeaturesStats'] as RyuJsonObject;
    assert.deepEqual(t['properties'], [{ OFPTableFeaturePropUnknown: { data: 'AQID', length: 7, type: 16 } }]);
    assert.equal(t['length'], 64 + 8);
  });

  it('table features: every property the arbitraries make survives toRyuJson and back', () => {
    fc.assert(
      // normalize: fast-check's records have a null prototype, and bytes come back as Buffers.
      fc.property(tableFeatures, (t) => void reply({ type: 'tableFeatures', tables: [normalize(t) as TableFeatures] })),
      { numRuns: 200 },
    );
  });

  it('table features: refuses OFPTableFeaturePropUnknown for a modelled type, and an unmodelled type in another class', () => {
    const withProperty = (property: RyuJson): RyuJson => ({
      OFPTableFeaturesStatsReply: {
        flags: 0,
        type: 12,
        body: [
          {
            OFPTableFeaturesStats: {
              table_id: 0, name: 't', metadata_match: 0, metadata_write: 0, config: 0, max_entries: 1, properties: [property],
            },
          },
        ],
      },
    });
    const path = '$.OFPTableFeaturesStatsReply.body[0].OFPTableFeaturesStats.properties[0]';
    const rejects = (property: RyuJson, where: string, detail: RegExp): void =>
      assert.throws(
        () => fromRyuJson(withProperty(property), h),
        (err: unknown) => err instanceof OfpJsonError && err.path === where && detail.test(err.message),
      );
    rejects({ OFPTableFeaturePropUnknown: { type: 10, data: '' } }, `${path}.OFPTableFeaturePropUnknown.type`, /has its own class/);
    rejects({ OFPTableFeaturePropNextTables: { type: 16, table_ids: [] } }, `${path}.OFPTableFeaturePropNextTables.type`, /OFPTableFeaturePropUnknown/);
  });
});
