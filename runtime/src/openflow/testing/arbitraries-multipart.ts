import fc from 'fast-check';
import { buckets, bytes, fixedText, instructions, match, meterBands, port, u16, u32, u64, u8 } from './arbitraries.js';
import type {
  FlowStats,
  GroupStats,
  MeterStats,
  MultipartReplyBody,
  MultipartRequestBody,
  PortStats,
  QueueStats,
  TableFeatures,
} from '../multipart-types.js';
import { ONFMP_FLOW_MONITOR } from '../onf-flow-monitor.js';
import { OFPXMC_EXPERIMENTER, ONF_EXPERIMENTER_ID } from '../oxm-fields.js';
import type { ActionId, InstructionId, OxmId, TableFeatureProperty } from '../structs.js';

/**
 * Test support: canonical multipart bodies (OpenFlow 1.3.5 7.3.5), written from the
 * spec and the value types, ahead of the multipart codec. Assumptions the codec
 * must meet for these to round-trip are stated where they are made.
 */

/** OFPMP_* numbers 0..13 and OFPMP_EXPERIMENTER; everything else is 'unknown'. */
const OFPMP_EXPERIMENTER = 0xffff;
const FIRST_UNKNOWN_MULTIPART_TYPE = 14;
/** DESC_STR_LEN, SERIAL_NUM_LEN, OFP_MAX_TABLE_NAME_LEN (NUL included). */
const DESC_STR_LEN = 256;
const SERIAL_NUM_LEN = 32;
const OFP_MAX_TABLE_NAME_LEN = 32;
/** The experimenter type numbers of instructions, actions and table-feature ids. */
const EXPERIMENTER_ID_TYPE = 0xffff;

const list = <T>(arb: fc.Arbitrary<T>, maxLength = 3): fc.Arbitrary<T[]> => fc.array(arb, { maxLength });

const unknownType = fc.integer({ min: FIRST_UNKNOWN_MULTIPART_TYPE, max: OFPMP_EXPERIMENTER - 1 });

const experimenterBody = fc.record({ type: fc.constant('experimenter'), experimenter: u32, expType: u32, data: bytes(32) });
const unknownBody = fc.record({ type: fc.constant('unknown'), multipartType: unknownType, data: bytes(32) });

// ---------------------------------------------------------------- table features

/**
 * A bare instruction or action id: type and length only (4 bytes), except the
 * experimenter id, whose `data` (at least its 4-byte experimenter id) follows.
 */
const bareId: fc.Arbitrary<InstructionId & ActionId> = fc.oneof(
  fc.record({ type: u16.filter((t) => t !== EXPERIMENTER_ID_TYPE) }),
  fc.record({ type: fc.constant(EXPERIMENTER_ID_TYPE), data: bytes(12, 4) }),
);

/** An OXM header as table features list it; `experimenter` exactly for class 0xffff. */
const oxmId: fc.Arbitrary<OxmId> = fc
  .record({ oxmClass: u16, oxmField: fc.integer({ min: 0, max: 0x7f }), hasMask: fc.boolean(), length: u8, experimenter: u32 })
  .map(({ experimenter, ...id }) => (id.oxmClass === OFPXMC_EXPERIMENTER ? { ...id, experimenter } : id));

/**
 * OFPTFPT_* numbers 1.3 leaves unassigned (9, 11, 16..0xfffd): the codec keeps
 * such a property as bytes; a modelled number would decode as its own property.
 */
const unknownPropertyType = fc.oneof(fc.constantFrom(9, 11), fc.integer({ min: 16, max: 0xfffd }));

export const tableFeatureProperty: fc.Arbitrary<TableFeatureProperty> = fc.oneof(
  fc.record({ type: fc.constantFrom('instructions', 'instructionsMiss'), instructionIds: list(bareId) }),
  fc.record({ type: fc.constantFrom('nextTables', 'nextTablesMiss'), tableIds: list(u8, 6) }),
  fc.record({
    type: fc.constantFrom('writeActions', 'writeActionsMiss', 'applyActions', 'applyActionsMiss'),
    actionIds: list(bareId),
  }),
  fc.record({
    type: fc.constantFrom('match', 'wildcards', 'writeSetfield', 'writeSetfieldMiss', 'applySetfield', 'applySetfieldMiss'),
    oxmIds: list(oxmId),
  }),
  fc.record({ type: fc.constantFrom('experimenter', 'experimenterMiss'), experimenter: u32, expType: u32, data: list(u32) }),
  fc.record({ type: fc.constant('unknown'), propertyType: unknownPropertyType, data: bytes(20) }),
);

export const tableFeatures: fc.Arbitrary<TableFeatures> = fc.record({
  tableId: u8,
  name: fixedText(OFP_MAX_TABLE_NAME_LEN),
  metadataMatch: u64,
  metadataWrite: u64,
  config: u32,
  maxEntries: u32,
  properties: list(tableFeatureProperty, 4),
});

// ---------------------------------------------------------------- requests

const flowStatsRequest = fc.record({ tableId: u8, outPort: u32, outGroup: u32, cookie: u64, cookieMask: u64, match });

export const multipartRequestBody: fc.Arbitrary<MultipartRequestBody> = fc.oneof(
  fc.constant({ type: 'desc' }),
  flowStatsRequest.map((b) => ({ type: 'flow' as const, ...b })),
  flowStatsRequest.map((b) => ({ type: 'aggregate' as const, ...b })),
  fc.constant({ type: 'table' }),
  fc.record({ type: fc.constant('portStats'), portNo: u32 }),
  fc.record({ type: fc.constant('queue'), portNo: u32, queueId: u32 }),
  fc.record({ type: fc.constant('group'), groupId: u32 }),
  fc.constant({ type: 'groupDesc' }),
  fc.constant({ type: 'groupFeatures' }),
  fc.record({ type: fc.constant('meter'), meterId: u32 }),
  fc.record({ type: fc.constant('meterConfig'), meterId: u32 }),
  fc.constant({ type: 'meterFeatures' }),
  fc.record({ type: fc.constant('tableFeatures'), tables: list(tableFeatures, 2) }),
  fc.constant({ type: 'portDesc' }),
  fc.record({
    type: fc.constant('onfFlowMonitor'),
    monitors: list(fc.record({ id: u32, flags: u16, outPort: u32, tableId: u8, match }), 3),
  }),
  // ONF's flow monitor is typed, so never an opaque body.
  experimenterBody.filter((b) => b.experimenter !== ONF_EXPERIMENTER_ID || b.expType !== ONFMP_FLOW_MONITOR),
  unknownBody,
);

// ---------------------------------------------------------------- replies

const flowStats: fc.Arbitrary<FlowStats> = fc.record({
  tableId: u8,
  durationSec: u32,
  durationNsec: u32,
  priority: u16,
  idleTimeout: u16,
  hardTimeout: u16,
  flags: u16,
  cookie: u64,
  packetCount: u64,
  byteCount: u64,
  match,
  instructions,
});

const portStats: fc.Arbitrary<PortStats> = fc.record({
  portNo: u32,
  rxPackets: u64,
  txPackets: u64,
  rxBytes: u64,
  txBytes: u64,
  rxDropped: u64,
  txDropped: u64,
  rxErrors: u64,
  txErrors: u64,
  rxFrameErr: u64,
  rxOverErr: u64,
  rxCrcErr: u64,
  collisions: u64,
  durationSec: u32,
  durationNsec: u32,
});

const queueStats: fc.Arbitrary<QueueStats> = fc.record({
  portNo: u32,
  queueId: u32,
  txBytes: u64,
  txPackets: u64,
  txErrors: u64,
  durationSec: u32,
  durationNsec: u32,
});

const groupStats: fc.Arbitrary<GroupStats> = fc.record({
  groupId: u32,
  refCount: u32,
  packetCount: u64,
  byteCount: u64,
  durationSec: u32,
  durationNsec: u32,
  bucketStats: list(fc.record({ packetCount: u64, byteCount: u64 })),
});

const meterStats: fc.Arbitrary<MeterStats> = fc.record({
  meterId: u32,
  flowCount: u32,
  packetInCount: u64,
  byteInCount: u64,
  durationSec: u32,
  durationNsec: u32,
  bandStats: list(fc.record({ packetBandCount: u64, byteBandCount: u64 })),
});

const four = fc.tuple(u32, u32, u32, u32);

export const multipartReplyBody: fc.Arbitrary<MultipartReplyBody> = fc.oneof(
  fc.record({
    type: fc.constant('desc'),
    mfrDesc: fixedText(DESC_STR_LEN),
    hwDesc: fixedText(DESC_STR_LEN),
    swDesc: fixedText(DESC_STR_LEN),
    serialNum: fixedText(SERIAL_NUM_LEN),
    dpDesc: fixedText(DESC_STR_LEN),
  }),
  fc.record({ type: fc.constant('flow'), stats: list(flowStats) }),
  fc.record({ type: fc.constant('aggregate'), packetCount: u64, byteCount: u64, flowCount: u32 }),
  fc.record({ type: fc.constant('table'), stats: list(fc.record({ tableId: u8, activeCount: u32, lookupCount: u64, matchedCount: u64 })) }),
  fc.record({ type: fc.constant('portStats'), stats: list(portStats) }),
  fc.record({ type: fc.constant('queue'), stats: list(queueStats) }),
  fc.record({ type: fc.constant('group'), stats: list(groupStats) }),
  fc.record({ type: fc.constant('groupDesc'), stats: list(fc.record({ groupType: u8, groupId: u32, buckets })) }),
  fc.record({ type: fc.constant('groupFeatures'), types: u32, capabilities: u32, maxGroups: four, actions: four }),
  fc.record({ type: fc.constant('meter'), stats: list(meterStats) }),
  fc.record({ type: fc.constant('meterConfig'), stats: list(fc.record({ flags: u16, meterId: u32, bands: meterBands })) }),
  // The reply body is one struct ofp_meter_features: a list of exactly one.
  fc.record({
    type: fc.constant('meterFeatures'),
    stats: fc.tuple(fc.record({ maxMeter: u32, bandTypes: u32, capabilities: u32, maxBands: u8, maxColor: u8 })),
  }),
  fc.record({ type: fc.constant('tableFeatures'), tables: list(tableFeatures, 2) }),
  fc.record({ type: fc.constant('portDesc'), ports: list(port) }),
  experimenterBody,
  unknownBody,
);
