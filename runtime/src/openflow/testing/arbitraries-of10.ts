import fc from 'fast-check';
import { bytes, bytes8, fixedText, ipv4, mac, phyPort10, specAction, u16, u32, u64, u8 } from './arbitraries.js';
import { niciraAction, niciraOpaque } from './arbitraries-nicira.js';
import { OFP_VERSION_1_0 } from '../constants.js';
import { NX_EXPERIMENTER_ID } from '../nicira/layouts.js';
import type { Action10, FlowStatsRequest10, Match10, StatsReplyBody10, StatsRequestBody10 } from '../of10/types.js';
import type { MessageOf, OfpMessageType } from '../messages.js';

/**
 * Test support: canonical OpenFlow 1.0 values (see arbitraries.ts for what
 * canonical means), one arbitrary per 1.0 message tag, and the 1.0 variants of the
 * tags 1.0 shares with 1.3.
 */

const v10 = fc.constant(OFP_VERSION_1_0);

function msg<T extends OfpMessageType, B extends object>(type: T, body: fc.Arbitrary<B>): fc.Arbitrary<{ type: T; version: number; xid: number } & B> {
  return fc.tuple(v10, u32, body).map(([version, xid, b]) => ({ type, version, xid, ...b }));
}

export const match10: fc.Arbitrary<Match10> = fc.record({
  wildcards: u32,
  inPort: u16,
  dlSrc: mac,
  dlDst: mac,
  dlVlan: u16,
  dlVlanPcp: u8,
  dlType: u16,
  nwTos: u8,
  nwProto: u8,
  nwSrc: ipv4,
  nwDst: ipv4,
  tpSrc: u16,
  tpDst: u16,
});

const nicira10: fc.Arbitrary<Action10> = niciraAction(specAction).filter((a) => a.type !== 'nxCt' || a.actions.length === 0) as fc.Arbitrary<Action10>;

export const action10: fc.Arbitrary<Action10> = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(
    fc.record({ type: fc.constant('output' as const), port: u16, maxLen: u16 }),
    fc.record({ type: fc.constant('setVlanVid' as const), vlanVid: u16 }),
    fc.record({ type: fc.constant('setVlanPcp' as const), vlanPcp: u8 }),
    fc.constant({ type: 'stripVlan' as const }),
    fc.record({ type: fc.constantFrom('setDlSrc' as const, 'setDlDst' as const), dlAddr: mac }),
    fc.record({ type: fc.constantFrom('setNwSrc' as const, 'setNwDst' as const), nwAddr: ipv4 }),
    fc.record({ type: fc.constant('setNwTos' as const), tos: u8 }),
    fc.record({ type: fc.constantFrom('setTpSrc' as const, 'setTpDst' as const), tp: u16 }),
    fc.record({ type: fc.constant('enqueue' as const), port: u16, queueId: u32 }),
    fc.record({ type: fc.constant('vendor' as const), vendor: u32.filter((v) => v !== NX_EXPERIMENTER_ID), data: bytes8() }),
  ) as fc.Arbitrary<Action10> },
  { weight: 1, arbitrary: nicira10 },
  { weight: 1, arbitrary: (niciraOpaque as fc.Arbitrary<{ experimenter: number; data: Uint8Array }>).map((a) => ({ type: 'vendor' as const, vendor: a.experimenter, data: a.data })) },
);

export const actions10 = fc.array(action10, { maxLength: 4 });

const flowRequest: fc.Arbitrary<FlowStatsRequest10> = fc.record({ match: match10, tableId: u8, outPort: u16 });

const statsRequestBody: fc.Arbitrary<StatsRequestBody10> = fc.oneof(
  fc.constant({ type: 'desc' as const }),
  flowRequest.map((b) => ({ type: 'flow' as const, ...b })),
  flowRequest.map((b) => ({ type: 'aggregate' as const, ...b })),
  fc.constant({ type: 'table' as const }),
  fc.record({ type: fc.constant('port' as const), portNo: u16 }),
  fc.record({ type: fc.constant('queue' as const), portNo: u16, queueId: u32 }),
  fc.record({ type: fc.constant('vendor' as const), vendor: u32, data: bytes(16) }),
);

const desc = fc.record({ mfrDesc: fixedText(256), hwDesc: fixedText(256), swDesc: fixedText(256), serialNum: fixedText(32), dpDesc: fixedText(256) });
const list = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(a, { maxLength: 3 });

const statsReplyBody: fc.Arbitrary<StatsReplyBody10> = fc.oneof(
  desc.map((d) => ({ type: 'desc' as const, ...d })),
  fc.record({
    type: fc.constant('flow' as const),
    stats: list(fc.record({
      tableId: u8, match: match10, durationSec: u32, durationNsec: u32, priority: u16, idleTimeout: u16,
      hardTimeout: u16, cookie: u64, packetCount: u64, byteCount: u64, actions: actions10,
    })),
  }),
  fc.record({ type: fc.constant('aggregate' as const), packetCount: u64, byteCount: u64, flowCount: u32 }),
  fc.record({
    type: fc.constant('table' as const),
    stats: list(fc.record({ tableId: u8, name: fixedText(32), wildcards: u32, maxEntries: u32, activeCount: u32, lookupCount: u64, matchedCount: u64 })),
  }),
  fc.record({
    type: fc.constant('port' as const),
    stats: list(fc.record({
      portNo: u16, rxPackets: u64, txPackets: u64, rxBytes: u64, txBytes: u64, rxDropped: u64, txDropped: u64,
      rxErrors: u64, txErrors: u64, rxFrameErr: u64, rxOverErr: u64, rxCrcErr: u64, collisions: u64,
    })),
  }),
  fc.record({ type: fc.constant('queue' as const), stats: list(fc.record({ portNo: u16, queueId: u32, txBytes: u64, txPackets: u64, txErrors: u64 })) }),
  fc.record({ type: fc.constant('vendor' as const), vendor: u32, data: bytes(16) }),
);

/** The 1.0-only message tags. */
export const of10MessageArbitraries = {
  PacketIn10: msg('PacketIn10', fc.record({ bufferId: u32, totalLen: u16, inPort: u16, reason: u8, data: bytes(64) })),
  PacketOut10: msg('PacketOut10', fc.record({ bufferId: u32, inPort: u16, actions: actions10, data: bytes(64) })),
  FlowMod10: msg('FlowMod10', fc.record({
    match: match10, cookie: u64, command: u16, idleTimeout: u16, hardTimeout: u16, priority: u16,
    bufferId: u32, outPort: u16, flags: u16, actions: actions10,
  })),
  FlowRemoved10: msg('FlowRemoved10', fc.record({
    match: match10, cookie: u64, priority: u16, reason: u8, durationSec: u32, durationNsec: u32,
    idleTimeout: u16, packetCount: u64, byteCount: u64,
  })),
  PortStatus10: msg('PortStatus10', fc.record({ reason: u8, desc: phyPort10 })),
  Vendor: msg('Vendor', fc.record({ vendor: u32, data: bytes(32) })),
  QueueGetConfigReply10: msg('QueueGetConfigReply10', fc.record({
    port: u16,
    queues: list(fc.record({ queueId: u32, properties: list(fc.record({ type: fc.constant('minRate' as const), rate: u16 })) })),
  })),
  StatsRequest: msg('StatsRequest', fc.record({ flags: u16, body: statsRequestBody })),
  StatsReply: msg('StatsReply', fc.record({ flags: u16, body: statsReplyBody })),
} satisfies { readonly [K in OfpMessageType]?: fc.Arbitrary<MessageOf<K>> };

/** 1.0 values of the tags 1.0 shares with 1.3 (16-bit port numbers). */
export const shared10 = {
  GetConfigRequest: msg('GetConfigRequest', fc.constant({})),
  GetConfigReply: msg('GetConfigReply', fc.record({ flags: u16, missSendLen: u16 })),
  SetConfig: msg('SetConfig', fc.record({ flags: u16, missSendLen: u16 })),
  BarrierRequest: msg('BarrierRequest', fc.constant({})),
  BarrierReply: msg('BarrierReply', fc.constant({})),
  PortMod: msg('PortMod', fc.record({ portNo: u16, hwAddr: mac, config: u32, mask: u32, advertise: u32 })),
  QueueGetConfigRequest: msg('QueueGetConfigRequest', fc.record({ port: u16 })),
};
