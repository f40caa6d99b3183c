import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFails, encodeFails, reply, request, roundTrip, truncated, withU16 } from '../testing/codec-assert.js';
import { encodeMessage } from './codec.js';
import { OFPMPF_REPLY_MORE, OFPMPF_REQ_MORE, OFPP_ANY, OFPG_ANY } from './constants.js';
import {
  OFP_BUCKET_COUNTER_SIZE,
  OFP_GROUP_DESC_STATS_SIZE,
  OFP_GROUP_FEATURES_SIZE,
  OFP_GROUP_STATS_REQUEST_SIZE,
  OFP_GROUP_STATS_SIZE,
  OFP_METER_BAND_STATS_SIZE,
  OFP_METER_CONFIG_SIZE,
  OFP_METER_FEATURES_SIZE,
  OFP_METER_MULTIPART_REQUEST_SIZE,
  OFP_METER_STATS_SIZE,
} from './group-meter-stats.js';
import { OFPMP_DESC, OFP_EXPERIMENTER_MULTIPART_HEADER_SIZE, OFP_MULTIPART_REPLY_SIZE, OFP_MULTIPART_REQUEST_SIZE } from './multipart.js';
import {
  OFP_AGGREGATE_STATS_REPLY_SIZE,
  OFP_AGGREGATE_STATS_REQUEST_SIZE,
  OFP_DESC_SIZE,
  OFP_FLOW_STATS_REQUEST_SIZE,
  OFP_FLOW_STATS_SIZE,
  OFP_PORT_STATS_REQUEST_SIZE,
  OFP_PORT_STATS_SIZE,
  OFP_QUEUE_STATS_REQUEST_SIZE,
  OFP_QUEUE_STATS_SIZE,
  OFP_TABLE_STATS_SIZE,
} from './multipart-stats.js';
import type { FlowStats, MultipartReplyBody, MultipartRequestBody } from './multipart-types.js';
import { OFP_PORT_SIZE } from './port.js';

/** Hand-built request and reply bodies of every multipart type, and the ways their bytes can lie. */

const HEAD = OFP_MULTIPART_REQUEST_SIZE;
const BIG = 0xfedcba9876543210n;
/** An empty ofp_match takes 8 bytes on the wire (4 of header, 4 of padding). */
const EMPTY_MATCH = 8;

const flowRequest = { tableId: 0xff, outPort: OFPP_ANY, outGroup: OFPG_ANY, cookie: BIG, cookieMask: 0xffffffffffffffffn, match: [] };

const emptyFlow: FlowStats = {
  tableId: 0, durationSec: 1, durationNsec: 2, priority: 3, idleTimeout: 4, hardTimeout: 5, flags: 6,
  cookie: 7n, packetCount: 8n, byteCount: 9n, match: [], instructions: [],
};

const richFlow: FlowStats = {
  tableId: 7, durationSec: 0xffffffff, durationNsec: 999999999, priority: 0x8000, idleTimeout: 60, hardTimeout: 300, flags: 1,
  cookie: BIG, packetCount: 1n << 40n, byteCount: 0xffffffffffffffffn,
  // in_port (8) + masked eth_dst (16) + header (4) = 28, padded to 32.
  match: [{ field: 'in_port', value: 3 }, { field: 'eth_dst', value: '00:11:22:33:44:55', mask: 'ff:ff:ff:00:00:00' }],
  // goto_table 8 + apply_actions (8 + output 16) 24 + write_metadata 24 = 56.
  instructions: [
    { type: 'gotoTable', tableId: 9 },
    { type: 'applyActions', actions: [{ type: 'output', port: 1, maxLen: 0xffe5 }] },
    { type: 'writeMetadata', metadata: 0xabn, metadataMask: 0xffn },
  ],
};

describe('multipart requests round-trip', () => {
  const cases: [string, Parameters<typeof request>[0], number][] = [
    ['desc', { type: 'desc' }, HEAD],
    ['flow, empty match', { type: 'flow', ...flowRequest }, HEAD + OFP_FLOW_STATS_REQUEST_SIZE],
    ['flow, two fields', { type: 'flow', ...flowRequest, match: richFlow.match }, HEAD + OFP_FLOW_STATS_REQUEST_SIZE - EMPTY_MATCH + 32],
    ['aggregate', { type: 'aggregate', ...flowRequest }, HEAD + OFP_AGGREGATE_STATS_REQUEST_SIZE],
    ['table', { type: 'table' }, HEAD],
    ['portStats', { type: 'portStats', portNo: OFPP_ANY }, HEAD + OFP_PORT_STATS_REQUEST_SIZE],
    ['queue', { type: 'queue', portNo: 7, queueId: 0xffffffff }, HEAD + OFP_QUEUE_STATS_REQUEST_SIZE],
    ['group', { type: 'group', groupId: 0xfffffffc }, HEAD + OFP_GROUP_STATS_REQUEST_SIZE],
    ['groupDesc', { type: 'groupDesc' }, HEAD],
    ['groupFeatures', { type: 'groupFeatures' }, HEAD],
    ['meter', { type: 'meter', meterId: 100 }, HEAD + OFP_METER_MULTIPART_REQUEST_SIZE],
    ['meterConfig', { type: 'meterConfig', meterId: 0xffffffff }, HEAD + OFP_METER_MULTIPART_REQUEST_SIZE],
    ['meterFeatures', { type: 'meterFeatures' }, HEAD],
    ['tableFeatures, asking', { type: 'tableFeatures', tables: [] }, HEAD],
    ['portDesc', { type: 'portDesc' }, HEAD],
    ['experimenter', { type: 'experimenter', experimenter: 0x2320, expType: 5, data: Buffer.from('abc') }, HEAD + OFP_EXPERIMENTER_MULTIPART_HEADER_SIZE + 3],
    ['unknown type', { type: 'unknown', multipartType: 0x1234, data: Buffer.from([1, 2, 3, 4, 5]) }, HEAD + 5],
  ];
  for (const [name, body, length] of cases) {
    it(name, () => {
      roundTrip(request(body, OFPMPF_REQ_MORE), length);
    });
  }

  it('puts the multipart type and flags where the spec says', () => {
    const bytes = encodeMessage(request({ type: 'meter', meterId: 0x0a0b0c0d }, OFPMPF_REQ_MORE));
    assert.equal(bytes.toString('hex'), '04120018010203040009000100000000' + '0a0b0c0d00000000');
  });
});

describe('multipart replies round-trip', () => {
  const portStats = {
    portNo: 6, rxPackets: 1n, txPackets: 2n, rxBytes: 3n, txBytes: 4n, rxDropped: 5n, txDropped: 6n, rxErrors: 7n,
    txErrors: 8n, rxFrameErr: 9n, rxOverErr: 10n, rxCrcErr: 11n, collisions: BIG, durationSec: 12, durationNsec: 13,
  };
  const cases: [string, MultipartReplyBody, number][] = [
    ['desc', { type: 'desc', mfrDesc: 'Nicira, Inc.', hwDesc: 'Open vSwitch', swDesc: '3.1.0', serialNum: 'None', dpDesc: 'br0' }, HEAD + OFP_DESC_SIZE],
    ['flow, empty', { type: 'flow', stats: [] }, HEAD],
    ['flow, two entries', { type: 'flow', stats: [emptyFlow, richFlow] }, HEAD + OFP_FLOW_STATS_SIZE + (OFP_FLOW_STATS_SIZE - EMPTY_MATCH + 32 + 56)],
    ['aggregate', { type: 'aggregate', packetCount: BIG, byteCount: 2n, flowCount: 3 }, HEAD + OFP_AGGREGATE_STATS_REPLY_SIZE],
    [
      'table',
      { type: 'table', stats: [{ tableId: 0, activeCount: 4, lookupCount: BIG, matchedCount: 5n }, { tableId: 254, activeCount: 0, lookupCount: 0n, matchedCount: 0n }] },
      HEAD + 2 * OFP_TABLE_STATS_SIZE,
    ],
    ['portStats', { type: 'portStats', stats: [portStats] }, HEAD + OFP_PORT_STATS_SIZE],
    [
      'queue',
      { type: 'queue', stats: [{ portNo: 7, queueId: 1, txBytes: BIG, txPackets: 2n, txErrors: 3n, durationSec: 4, durationNsec: 5 }] },
      HEAD + OFP_QUEUE_STATS_SIZE,
    ],
    [
      'group',
      {
        type: 'group',
        stats: [{
          groupId: 1, refCount: 2, packetCount: 3n, byteCount: BIG, durationSec: 4, durationNsec: 5,
          bucketStats: [{ packetCount: 6n, byteCount: 7n }, { packetCount: 8n, byteCount: 9n }],
        }],
      },
      HEAD + OFP_GROUP_STATS_SIZE + 2 * OFP_BUCKET_COUNTER_SIZE,
    ],
    [
      'groupDesc',
      {
        type: 'groupDesc',
        stats: [{ groupType: 1, groupId: 5, buckets: [{ weight: 10, watchPort: OFPP_ANY, watchGroup: OFPG_ANY, actions: [{ type: 'output', port: 2, maxLen: 0 }] }] }],
      },
      HEAD + OFP_GROUP_DESC_STATS_SIZE + 16 + 16,
    ],
    [
      'groupFeatures',
      { type: 'groupFeatures', types: 15, capabilities: 5, maxGroups: [1, 2, 3, 4], actions: [0x03ff9801, 5, 6, 0xffffffff] },
      HEAD + OFP_GROUP_FEATURES_SIZE,
    ],
    [
      'meter',
      {
        type: 'meter',
        stats: [{ meterId: 100, flowCount: 2, packetInCount: 3n, byteInCount: BIG, durationSec: 4, durationNsec: 5, bandStats: [{ packetBandCount: 6n, byteBandCount: 7n }] }],
      },
      HEAD + OFP_METER_STATS_SIZE + OFP_METER_BAND_STATS_SIZE,
    ],
    [
      'meterConfig',
      {
        type: 'meterConfig',
        stats: [{ flags: 14, meterId: 100, bands: [{ type: 'drop', rate: 1000, burstSize: 10 }, { type: 'dscpRemark', rate: 5, burstSize: 6, precLevel: 2 }] }],
      },
      HEAD + OFP_METER_CONFIG_SIZE + 2 * 16,
    ],
    [
      'meterFeatures',
      { type: 'meterFeatures', stats: [{ maxMeter: 0x1000000, bandTypes: 0x80000006, capabilities: 15, maxBands: 255, maxColor: 7 }] },
      HEAD + OFP_METER_FEATURES_SIZE,
    ],
    [
      'portDesc',
      {
        type: 'portDesc',
        ports: [{
          portNo: 1, hwAddr: 'f2:0b:a4:d0:3f:70', name: 'eth1', config: 0, state: 4, curr: 0x2808, advertised: 0,
          supported: 0, peer: 0, currSpeed: 10000000, maxSpeed: 0,
        }],
      },
      HEAD + OFP_PORT_SIZE,
    ],
    ['experimenter', { type: 'experimenter', experimenter: 0xdeadbeaf, expType: 0xcafe7777, data: Buffer.from('testdata') }, HEAD + 8 + 8],
    ['unknown type', { type: 'unknown', multipartType: 0xfffe, data: Buffer.alloc(0) }, HEAD],
  ];
  for (const [name, body, length] of cases) {
    it(name, () => {
      roundTrip(reply(body, OFPMPF_REPLY_MORE), length);
    });
  }

  it('reply header is the same size as the request header', () => {
    assert.equal(OFP_MULTIPART_REPLY_SIZE, OFP_MULTIPART_REQUEST_SIZE);
  });
});

describe('multipart bytes that lie', () => {
  const flowReply = encodeMessage(reply({ type: 'flow', stats: [emptyFlow] }));

  it('a flow stats entry whose length runs past the message', () => {
    decodeFails(withU16(flowReply, HEAD, OFP_FLOW_STATS_SIZE + 8), 'MultipartReply', 'flow_stats.length', HEAD);
  });

  it('a flow stats entry shorter than its fixed part', () => {
    decodeFails(withU16(flowReply, HEAD, OFP_FLOW_STATS_SIZE - 8), 'MultipartReply', 'flow_stats.length', HEAD);
  });

  it('a flow stats match that runs past its entry', () => {
    // The match header sits 48 bytes into the entry; its length is the u16 after its type.
    decodeFails(withU16(flowReply, HEAD + 50, 12), 'MultipartReply', 'flow_stats.match.length', HEAD + 52);
  });

  it('a second flow stats entry cut short', () => {
    const two = encodeMessage(reply({ type: 'flow', stats: [emptyFlow, emptyFlow] }));
    decodeFails(truncated(two, two.length - 8), 'MultipartReply', 'flow_stats.length', HEAD + OFP_FLOW_STATS_SIZE);
  });

  it('a truncated port stats reply', () => {
    const bytes = encodeMessage(reply({ type: 'portStats', stats: [] }));
    const padded = Buffer.concat([bytes, Buffer.alloc(OFP_PORT_STATS_SIZE - 8)]);
    decodeFails(withU16(padded, 2, padded.length), 'MultipartReply', 'port_stats', HEAD);
  });

  it('a truncated desc reply', () => {
    const bytes = encodeMessage(reply({ type: 'desc', mfrDesc: 'a', hwDesc: 'b', swDesc: 'c', serialNum: 'd', dpDesc: 'e' }));
    decodeFails(truncated(bytes, bytes.length - 1), 'MultipartReply', 'desc', HEAD);
  });

  it('a truncated aggregate reply', () => {
    const bytes = encodeMessage(reply({ type: 'aggregate', packetCount: 1n, byteCount: 2n, flowCount: 3 }));
    decodeFails(truncated(bytes, bytes.length - 4), 'MultipartReply', 'aggregate', HEAD);
  });

  it('a multipart header cut before its padding', () => {
    decodeFails(truncated(flowReply, 12), 'MultipartReply', 'pad', 12);
  });

  it('a request body where the type has none', () => {
    const bytes = Buffer.concat([encodeMessage(request({ type: 'desc' })), Buffer.alloc(8)]);
    decodeFails(withU16(bytes, 2, bytes.length), 'MultipartRequest', 'body', HEAD);
    assert.equal(bytes.readUInt16BE(8), OFPMP_DESC);
  });

  it('group stats whose length is not a whole number of bucket counters', () => {
    const bytes = encodeMessage(reply({
      type: 'group',
      stats: [{ groupId: 1, refCount: 0, packetCount: 0n, byteCount: 0n, durationSec: 0, durationNsec: 0, bucketStats: [{ packetCount: 1n, byteCount: 1n }] }],
    }));
    decodeFails(withU16(bytes, HEAD, OFP_GROUP_STATS_SIZE + 8), 'MultipartReply', 'group_stats.length', HEAD);
  });

  it('meter stats whose len runs past the message', () => {
    const bytes = encodeMessage(reply({
      type: 'meter',
      stats: [{ meterId: 1, flowCount: 0, packetInCount: 0n, byteInCount: 0n, durationSec: 0, durationNsec: 0, bandStats: [] }],
    }));
    decodeFails(withU16(bytes, HEAD + 4, OFP_METER_STATS_SIZE + OFP_METER_BAND_STATS_SIZE), 'MultipartReply', 'meter_stats.len', HEAD + 4);
  });

  it('an experimenter body shorter than its header', () => {
    const bytes = encodeMessage(request({ type: 'experimenter', experimenter: 1, expType: 2, data: Buffer.alloc(0) }));
    decodeFails(truncated(bytes, bytes.length - 2), 'MultipartRequest', 'experimenter', HEAD);
  });
});

describe('multipart values that cannot be encoded', () => {
  it('an unknown body tag', () => {
    encodeFails(reply({ type: 'bogus' } as unknown as MultipartReplyBody), 'type');
  });

  it('group features without four max_groups', () => {
    const body = { type: 'groupFeatures', types: 0, capabilities: 0, maxGroups: [1, 2, 3], actions: [0, 0, 0, 0] };
    encodeFails(reply(body as unknown as MultipartReplyBody), 'group_features.max_groups');
  });

  it('a serial number that does not fit its 32 bytes', () => {
    encodeFails(reply({ type: 'desc', mfrDesc: '', hwDesc: '', swDesc: '', serialNum: 'x'.repeat(32), dpDesc: '' }), 'desc.serial_num');
  });

  it('a u64 counter given as a number', () => {
    encodeFails(reply({ type: 'aggregate', packetCount: 1 as unknown as bigint, byteCount: 0n, flowCount: 0 }), 'aggregate.packet_count');
  });

  it('a missing body', () => {
    encodeFails(request(undefined as unknown as MultipartRequestBody), 'body');
  });

  it('stats that are not a list, and an entry that is not a structure', () => {
    encodeFails(reply({ type: 'flow', stats: null } as unknown as MultipartReplyBody), 'stats');
    encodeFails(reply({ type: 'table', stats: [7] } as unknown as MultipartReplyBody), 'stats');
  });

  it('bucket counters that are not a list', () => {
    const stats = { groupId: 1, refCount: 0, packetCount: 0n, byteCount: 0n, durationSec: 0, durationNsec: 0, bucketStats: 'abc' };
    encodeFails(reply({ type: 'group', stats: [stats] } as unknown as MultipartReplyBody), 'group_stats.bucket_stats');
  });

  it('experimenter data that is not bytes', () => {
    encodeFails(request({ type: 'experimenter', experimenter: 1, expType: 2, data: [1, 2] } as unknown as MultipartRequestBody), 'data');
  });

  it("an 'unknown' body whose multipart type the codec knows (it would decode as another body)", () => {
    encodeFails(reply({ type: 'unknown', multipartType: OFPMP_DESC, data: new Uint8Array(0) }), 'type');
  });
});
