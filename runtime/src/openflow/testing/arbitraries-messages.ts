import fc from 'fast-check';
import {
  actions,
  buckets,
  bytes,
  instructions,
  mac,
  match,
  meterBands,
  packetQueue,
  phyPort10,
  port,
  u16,
  u32,
  u64,
  u8,
} from './arbitraries.js';
import { multipartReplyBody, multipartRequestBody } from './arbitraries-multipart.js';
import { of10MessageArbitraries, shared10 } from './arbitraries-of10.js';
import { OFP_VERSION_1_0, OFP_VERSION_1_3, OFP_VERSION_1_4, OFP_VERSION_1_5, OFPET_EXPERIMENTER, OFPHET_VERSIONBITMAP } from '../constants.js';
import type { HelloElement, MessageOf, OfpMessage, OfpMessageType } from '../messages.js';

/**
 * Test support: an arbitrary of canonical values for every message type (see
 * arbitraries.ts for what canonical means). OpenFlow 1.0 and 1.3 get every type
 * (1.0's in arbitraries-of10.ts); 1.4 and 1.5 get the negotiation messages the
 * codec decodes for them, and `Unknown` values for every other type number.
 */

const NEGOTIATION_VERSIONS = [OFP_VERSION_1_0, OFP_VERSION_1_3, OFP_VERSION_1_4, OFP_VERSION_1_5] as const;
/** ofp_type numbers the codec decodes for 1.4 and 1.5: HELLO, ERROR, ECHO_*, FEATURES_*. */
const NEGOTIATION_MSG_TYPES: ReadonlySet<number> = new Set([0, 1, 2, 3, 5, 6]);
/** The first ofp_type number after OFPT_QUEUE_GET_CONFIG_REPLY (21): OpenFlow 1.0 stops there. */
const FIRST_UNMODELLED_10_TYPE = 22;
/** The first ofp_type number after OFPT_METER_MOD (29): OpenFlow 1.3 stops there. */
const FIRST_UNMODELLED_13_TYPE = 30;

const anyVersion = fc.constantFrom(...NEGOTIATION_VERSIONS);
const v13 = fc.constant(OFP_VERSION_1_3);

function msg<T extends OfpMessageType, B extends object>(
  type: T,
  version: fc.Arbitrary<number>,
  body: fc.Arbitrary<B>,
): fc.Arbitrary<{ type: T; version: number; xid: number } & B> {
  return fc.tuple(version, u32, body).map(([v, xid, b]) => ({ type, version: v, xid, ...b }));
}

const empty = fc.constant({});

/**
 * A version bitmap whose `bitmapWords` is what the decoder reports: the word count
 * on the wire. Versions are ascending and unique, each inside the bitmap.
 */
const versionBitmap: fc.Arbitrary<HelloElement> = fc.integer({ min: 0, max: 3 }).chain((words) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: Math.max(0, words * 32 - 1) }), { maxLength: words === 0 ? 0 : 8 })
    .map((versions) => ({ type: 'versionBitmap' as const, versions: [...versions].sort((a, b) => a - b), bitmapWords: words })),
);

/** Any element type but OFPHET_VERSIONBITMAP (which the decoder reads as a bitmap). */
const helloOpaque: fc.Arbitrary<HelloElement> = fc.record({
  type: fc.constant('opaque'),
  elementType: u16.filter((t) => t !== OFPHET_VERSIONBITMAP),
  data: bytes(20),
});

const asyncMasks = fc.record({
  packetInMask: fc.tuple(u32, u32),
  portStatusMask: fc.tuple(u32, u32),
  flowRemovedMask: fc.tuple(u32, u32),
});

/** FEATURES_REPLY: 1.0 has actions and ports but no auxiliary id / reserved (decoded as 0). */
const featuresReply: fc.Arbitrary<MessageOf<'FeaturesReply'>> = fc.oneof(
  msg(
    'FeaturesReply',
    fc.constant(OFP_VERSION_1_0),
    fc.record({
      datapathId: u64,
      nBuffers: u32,
      nTables: u8,
      auxiliaryId: fc.constant(0),
      capabilities: u32,
      reserved: fc.constant(0),
      actions: u32,
      ports: fc.array(phyPort10, { maxLength: 3 }),
    }),
  ),
  msg(
    'FeaturesReply',
    fc.constantFrom(OFP_VERSION_1_3, OFP_VERSION_1_4, OFP_VERSION_1_5),
    fc.record({ datapathId: u64, nBuffers: u32, nTables: u8, auxiliaryId: u8, capabilities: u32, reserved: u32 }),
  ),
);

/** Messages the codec keeps raw: type numbers past the last of 1.0 and 1.3, and non-negotiation types of 1.4/1.5. */
const unknown: fc.Arbitrary<MessageOf<'Unknown'>> = fc.oneof(
  msg('Unknown', v13, fc.record({ msgType: fc.integer({ min: FIRST_UNMODELLED_13_TYPE, max: 0xff }), body: bytes(32) })),
  msg('Unknown', fc.constant(OFP_VERSION_1_0), fc.record({ msgType: fc.integer({ min: FIRST_UNMODELLED_10_TYPE, max: 0xff }), body: bytes(32) })),
  msg(
    'Unknown',
    fc.constantFrom(OFP_VERSION_1_4, OFP_VERSION_1_5),
    fc.record({ msgType: u8.filter((t) => !NEGOTIATION_MSG_TYPES.has(t)), body: bytes(32) }),
  ),
);

/** One arbitrary per message type tag. */
export const messageArbitraries: { readonly [K in OfpMessageType]: fc.Arbitrary<MessageOf<K>> } = {
  Hello: msg('Hello', anyVersion, fc.record({ elements: fc.array(fc.oneof(versionBitmap, helloOpaque), { maxLength: 3 }) })),
  Error: fc.oneof(
    msg('Error', anyVersion, fc.record({ errorType: u16.filter((t) => t !== OFPET_EXPERIMENTER), code: u16, data: bytes(32) })),
    // 1.0 has no experimenter error: its type 0xffff is a plain error type.
    msg('Error', fc.constant(OFP_VERSION_1_0), fc.record({ errorType: fc.constant(OFPET_EXPERIMENTER), code: u16, data: bytes(32) })),
  ),
  ErrorExperimenter: msg(
    'ErrorExperimenter',
    fc.constantFrom(OFP_VERSION_1_3, OFP_VERSION_1_4, OFP_VERSION_1_5),
    fc.record({ expType: u16, experimenter: u32, data: bytes(32) }),
  ),
  EchoRequest: msg('EchoRequest', anyVersion, fc.record({ data: bytes(32) })),
  EchoReply: msg('EchoReply', anyVersion, fc.record({ data: bytes(32) })),
  Experimenter: msg('Experimenter', v13, fc.record({ experimenter: u32, expType: u32, data: bytes(32) })),
  FeaturesRequest: msg('FeaturesRequest', anyVersion, empty),
  FeaturesReply: featuresReply,
  GetConfigRequest: fc.oneof(msg('GetConfigRequest', v13, empty), shared10.GetConfigRequest),
  GetConfigReply: fc.oneof(msg('GetConfigReply', v13, fc.record({ flags: u16, missSendLen: u16 })), shared10.GetConfigReply),
  SetConfig: fc.oneof(msg('SetConfig', v13, fc.record({ flags: u16, missSendLen: u16 })), shared10.SetConfig),
  PacketIn: msg(
    'PacketIn',
    v13,
    fc.record({ bufferId: u32, totalLen: u16, reason: u8, tableId: u8, cookie: u64, match, data: bytes(64) }),
  ),
  FlowRemoved: msg(
    'FlowRemoved',
    v13,
    fc.record({
      cookie: u64,
      priority: u16,
      reason: u8,
      tableId: u8,
      durationSec: u32,
      durationNsec: u32,
      idleTimeout: u16,
      hardTimeout: u16,
      packetCount: u64,
      byteCount: u64,
      match,
    }),
  ),
  PortStatus: msg('PortStatus', v13, fc.record({ reason: u8, desc: port })),
  PacketOut: msg('PacketOut', v13, fc.record({ bufferId: u32, inPort: u32, actions, data: bytes(64) })),
  FlowMod: msg(
    'FlowMod',
    v13,
    fc.record({
      cookie: u64,
      cookieMask: u64,
      tableId: u8,
      command: u8,
      idleTimeout: u16,
      hardTimeout: u16,
      priority: u16,
      bufferId: u32,
      outPort: u32,
      outGroup: u32,
      flags: u16,
      match,
      instructions,
    }),
  ),
  GroupMod: msg('GroupMod', v13, fc.record({ command: u16, groupType: u8, groupId: u32, buckets })),
  PortMod: fc.oneof(msg('PortMod', v13, fc.record({ portNo: u32, hwAddr: mac, config: u32, mask: u32, advertise: u32 })), shared10.PortMod),
  TableMod: msg('TableMod', v13, fc.record({ tableId: u8, config: u32 })),
  MultipartRequest: msg('MultipartRequest', v13, fc.record({ flags: u16, body: multipartRequestBody })),
  MultipartReply: msg('MultipartReply', v13, fc.record({ flags: u16, body: multipartReplyBody })),
  BarrierRequest: fc.oneof(msg('BarrierRequest', v13, empty), shared10.BarrierRequest),
  BarrierReply: fc.oneof(msg('BarrierReply', v13, empty), shared10.BarrierReply),
  QueueGetConfigRequest: fc.oneof(msg('QueueGetConfigRequest', v13, fc.record({ port: u32 })), shared10.QueueGetConfigRequest),
  QueueGetConfigReply: msg('QueueGetConfigReply', v13, fc.record({ port: u32, queues: fc.array(packetQueue, { maxLength: 3 }) })),
  RoleRequest: msg('RoleRequest', v13, fc.record({ role: u32, generationId: u64 })),
  RoleReply: msg('RoleReply', v13, fc.record({ role: u32, generationId: u64 })),
  GetAsyncRequest: msg('GetAsyncRequest', v13, empty),
  GetAsyncReply: msg('GetAsyncReply', v13, asyncMasks),
  SetAsync: msg('SetAsync', v13, asyncMasks),
  MeterMod: msg('MeterMod', v13, fc.record({ command: u16, flags: u16, meterId: u32, bands: meterBands })),
  ...of10MessageArbitraries,
  Unknown: unknown,
};

/** The multipart message types, whose codec lives on another branch until merged. */
export const MULTIPART_MESSAGE_TYPES: readonly OfpMessageType[] = ['MultipartRequest', 'MultipartReply'];

/** Every message type tag except the multipart ones. */
export const NON_MULTIPART_MESSAGE_TYPES: readonly OfpMessageType[] = (Object.keys(messageArbitraries) as OfpMessageType[]).filter(
  (t) => !MULTIPART_MESSAGE_TYPES.includes(t),
);

/** A message of any type except multipart (every type the codec on this branch handles). */
export const nonMultipartMessage: fc.Arbitrary<OfpMessage> = fc.oneof(
  ...NON_MULTIPART_MESSAGE_TYPES.map((t) => messageArbitraries[t] as fc.Arbitrary<OfpMessage>),
);

/** A MULTIPART_REQUEST or MULTIPART_REPLY. */
export const multipartMessage: fc.Arbitrary<OfpMessage> = fc.oneof(
  messageArbitraries.MultipartRequest as fc.Arbitrary<OfpMessage>,
  messageArbitraries.MultipartReply as fc.Arbitrary<OfpMessage>,
);
