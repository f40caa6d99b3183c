import type {
  AggregateStats,
  BucketCounter,
  DescStats,
  FlowStats,
  GroupDesc,
  GroupFeatures,
  GroupStats,
  MeterBandStats,
  MeterConfig,
  MeterFeatures,
  MeterStats,
  MultipartReplyBody,
  MultipartRequestBody,
  MultipartType,
  PortStats,
  QueueStats,
  TableStats,
} from '../multipart-types.js';
import { matchWireLength } from '../oxm.js';
import { base64, classedStruct, type Field, list, struct, type Struct, text, tuple, u16, u32, u64, u8 } from './fields.js';
import { instruction, instructionsLength } from './instructions.js';
import type { JsonObject } from './json.js';
import { match } from './oxm.js';
import { bandLength, bucket, bucketLength, meterBand, port } from './structs.js';
import { tableFeatures } from './table-features.js';

/**
 * Multipart (stats) request and reply bodies. Ryu has one class per multipart
 * type and direction (OFPFlowStatsRequest, OFPPortDescStatsReply, ...) holding
 * `flags`, the multipart `type` number and either the request fields or `body`:
 * a list of stats objects, or one object for desc, aggregate, group features
 * and experimenter replies.
 */

type KnownType = Exclude<MultipartType, 'unknown'>;

/** enum ofp_multipart_type (OFPMP_*). */
export const MULTIPART_TYPES: Readonly<Record<KnownType, number>> = {
  desc: 0,
  flow: 1,
  aggregate: 2,
  table: 3,
  portStats: 4,
  queue: 5,
  group: 6,
  groupDesc: 7,
  groupFeatures: 8,
  meter: 9,
  meterConfig: 10,
  meterFeatures: 11,
  tableFeatures: 12,
  portDesc: 13,
  experimenter: 0xffff,
};

function pad8(n: number): number {
  return (n + 7) & ~7;
}

// ---------------------------------------------------------------- stats records

const flowStats = classedStruct(
  'OFPFlowStats',
  struct<FlowStats>({
    tableId: u8, durationSec: u32, durationNsec: u32, priority: u16, idleTimeout: u16, hardTimeout: u16,
    flags: u16, cookie: u64, packetCount: u64, byteCount: u64, match, instructions: list(instruction),
  }),
  // struct ofp_flow_stats is 48 bytes before its (padded) match.
  (f) => ({ length: 48 + pad8(matchWireLength(f.match)) + instructionsLength(f.instructions) }),
);

const bucketCounter = classedStruct('OFPBucketCounter', struct<BucketCounter>({ packetCount: u64, byteCount: u64 }));

const groupStats = classedStruct(
  'OFPGroupStats',
  struct<GroupStats>({
    groupId: u32, refCount: u32, packetCount: u64, byteCount: u64, durationSec: u32, durationNsec: u32,
    bucketStats: list(bucketCounter),
  }),
  (g) => ({ length: 40 + 16 * g.bucketStats.length }),
);

const groupDesc = classedStruct(
  'OFPGroupDescStats',
  struct<GroupDesc>({ groupType: u8, groupId: u32, buckets: list(bucket) }, { groupType: 'type' }),
  (g) => ({ length: 8 + g.buckets.reduce((s, b) => s + bucketLength(b), 0) }),
);

const meterBandStats = classedStruct('OFPMeterBandStats', struct<MeterBandStats>({ packetBandCount: u64, byteBandCount: u64 }));

const meterStats = classedStruct(
  'OFPMeterStats',
  struct<MeterStats>({
    meterId: u32, flowCount: u32, packetInCount: u64, byteInCount: u64, durationSec: u32, durationNsec: u32,
    bandStats: list(meterBandStats),
  }),
  (m) => ({ len: 40 + 16 * m.bandStats.length }),
);

const meterConfig = classedStruct(
  'OFPMeterConfigStats',
  struct<MeterConfig>({ flags: u16, meterId: u32, bands: list(meterBand) }),
  (m) => ({ length: 8 + m.bands.reduce((s, b) => s + bandLength(b), 0) }),
);

const experimenterBody = { experimenter: u32, expType: u32, data: base64 };

// ---------------------------------------------------------------- request and reply bodies

interface BodyMapping<B> {
  readonly cls: string;
  readonly fields: Struct<B>;
}

type Without<U, K extends string> = U extends unknown ? Omit<U, K> : never;
type RequestOf<K extends KnownType> = Without<Extract<MultipartRequestBody, { type: K }>, 'type'>;
type ReplyOf<K extends KnownType> = Without<Extract<MultipartReplyBody, { type: K }>, 'type'>;

function mapping<B>(cls: string, fields: Struct<B>): BodyMapping<B> {
  return { cls, fields };
}

/** A reply whose `body` is one stats object (desc, aggregate, group features, experimenter). */
function singleBody<T>(inner: Field<T>): Struct<T> {
  return {
    write: (v, out) => {
      out['body'] = inner.to(v);
    },
    read: (o: JsonObject) => inner.from(o.get('body'), o.at('body')),
  };
}

const flowRequest = struct<RequestOf<'flow'>>({ tableId: u8, outPort: u32, outGroup: u32, cookie: u64, cookieMask: u64, match });

export const REQUESTS: { readonly [K in KnownType]: BodyMapping<RequestOf<K>> } = {
  desc: mapping('OFPDescStatsRequest', struct({})),
  flow: mapping('OFPFlowStatsRequest', flowRequest),
  aggregate: mapping('OFPAggregateStatsRequest', flowRequest),
  table: mapping('OFPTableStatsRequest', struct({})),
  portStats: mapping('OFPPortStatsRequest', struct({ portNo: u32 })),
  queue: mapping('OFPQueueStatsRequest', struct({ portNo: u32, queueId: u32 })),
  group: mapping('OFPGroupStatsRequest', struct({ groupId: u32 })),
  groupDesc: mapping('OFPGroupDescStatsRequest', struct({})),
  groupFeatures: mapping('OFPGroupFeaturesStatsRequest', struct({})),
  meter: mapping('OFPMeterStatsRequest', struct({ meterId: u32 })),
  meterConfig: mapping('OFPMeterConfigStatsRequest', struct({ meterId: u32 })),
  meterFeatures: mapping('OFPMeterFeaturesStatsRequest', struct({})),
  tableFeatures: mapping('OFPTableFeaturesStatsRequest', struct({ tables: list(tableFeatures) }, { tables: 'body' })),
  portDesc: mapping('OFPPortDescStatsRequest', struct({})),
  experimenter: mapping('OFPExperimenterStatsRequest', struct(experimenterBody)),
};

export const REPLIES: { readonly [K in KnownType]: BodyMapping<ReplyOf<K>> } = {
  desc: mapping(
    'OFPDescStatsReply',
    singleBody(classedStruct('OFPDescStats', struct<DescStats>({ mfrDesc: text, hwDesc: text, swDesc: text, serialNum: text, dpDesc: text }))),
  ),
  flow: mapping('OFPFlowStatsReply', struct({ stats: list(flowStats) }, { stats: 'body' })),
  aggregate: mapping(
    'OFPAggregateStatsReply',
    singleBody(classedStruct('OFPAggregateStats', struct<AggregateStats>({ packetCount: u64, byteCount: u64, flowCount: u32 }))),
  ),
  table: mapping(
    'OFPTableStatsReply',
    struct(
      { stats: list(classedStruct('OFPTableStats', struct<TableStats>({ tableId: u8, activeCount: u32, lookupCount: u64, matchedCount: u64 }))) },
      { stats: 'body' },
    ),
  ),
  portStats: mapping(
    'OFPPortStatsReply',
    struct(
      {
        stats: list(
          classedStruct(
            'OFPPortStats',
            struct<PortStats>({
              portNo: u32, rxPackets: u64, txPackets: u64, rxBytes: u64, txBytes: u64, rxDropped: u64, txDropped: u64,
              rxErrors: u64, txErrors: u64, rxFrameErr: u64, rxOverErr: u64, rxCrcErr: u64, collisions: u64,
              durationSec: u32, durationNsec: u32,
            }),
          ),
        ),
      },
      { stats: 'body' },
    ),
  ),
  queue: mapping(
    'OFPQueueStatsReply',
    struct(
      {
        stats: list(
          classedStruct(
            'OFPQueueStats',
            struct<QueueStats>({ portNo: u32, queueId: u32, txBytes: u64, txPackets: u64, txErrors: u64, durationSec: u32, durationNsec: u32 }),
          ),
        ),
      },
      { stats: 'body' },
    ),
  ),
  group: mapping('OFPGroupStatsReply', struct({ stats: list(groupStats) }, { stats: 'body' })),
  groupDesc: mapping('OFPGroupDescStatsReply', struct({ stats: list(groupDesc) }, { stats: 'body' })),
  groupFeatures: mapping(
    'OFPGroupFeaturesStatsReply',
    singleBody(classedStruct(
        'OFPGroupFeaturesStats',
        struct<GroupFeatures>({ types: u32, capabilities: u32, maxGroups: tuple(u32, 4), actions: tuple(u32, 4) }),
      ),
    ),
  ),
  meter: mapping('OFPMeterStatsReply', struct({ stats: list(meterStats) }, { stats: 'body' })),
  meterConfig: mapping('OFPMeterConfigStatsReply', struct({ stats: list(meterConfig) }, { stats: 'body' })),
  meterFeatures: mapping(
    'OFPMeterFeaturesStatsReply',
    struct(
      {
        stats: list(
          classedStruct('OFPMeterFeaturesStats', struct<MeterFeatures>({ maxMeter: u32, bandTypes: u32, capabilities: u32, maxBands: u8, maxColor: u8 })),
        ),
      },
      { stats: 'body' },
    ),
  ),
  tableFeatures: mapping('OFPTableFeaturesStatsReply', struct({ tables: list(tableFeatures) }, { tables: 'body' })),
  portDesc: mapping('OFPPortDescStatsReply', struct({ ports: list(port) }, { ports: 'body' })),
  experimenter: mapping('OFPExperimenterStatsReply', singleBody(classedStruct('OFPExperimenterMultipart', struct(experimenterBody)))),
};

export type { KnownType as KnownMultipartType };
