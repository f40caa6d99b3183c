import type { Header } from '../messages.js';
import type { DescStats, PortStats } from '../multipart-types.js';
import type { NXAction } from '../nicira/types.js';
import type { PhyPort10 } from '../structs.js';

/**
 * Value types of the OpenFlow 1.0 messages whose shape differs from 1.3. Same
 * conventions as ../structs.ts. A message whose 1.0 body has the 1.3 shape keeps
 * its 1.3 tag (GetConfigRequest/Reply, SetConfig, BarrierRequest/Reply, PortMod,
 * QueueGetConfigRequest); the others are tagged with the spec name plus `10`
 * where 1.3 has a message of that name (`FlowMod10`), else the spec name
 * (`StatsRequest`, `Vendor`).
 */

/**
 * struct ofp_match (1.0): every field as on the wire, wildcarded or not, so that
 * bytes round-trip; `wildcards` (OFPFW_*) says which ones the switch ignores.
 */
export interface Match10 {
  readonly wildcards: number;
  readonly inPort: number;
  readonly dlSrc: string;
  readonly dlDst: string;
  readonly dlVlan: number;
  readonly dlVlanPcp: number;
  readonly dlType: number;
  readonly nwTos: number;
  readonly nwProto: number;
  readonly nwSrc: string;
  readonly nwDst: string;
  readonly tpSrc: number;
  readonly tpDst: number;
}

/** 1.0 actions (5.2.4); port numbers are 16 bits. */
export type Action10 =
  | { readonly type: 'output'; readonly port: number; readonly maxLen: number }
  | { readonly type: 'setVlanVid'; readonly vlanVid: number }
  | { readonly type: 'setVlanPcp'; readonly vlanPcp: number }
  | { readonly type: 'stripVlan' }
  | { readonly type: 'setDlSrc'; readonly dlAddr: string }
  | { readonly type: 'setDlDst'; readonly dlAddr: string }
  | { readonly type: 'setNwSrc'; readonly nwAddr: string }
  | { readonly type: 'setNwDst'; readonly nwAddr: string }
  | { readonly type: 'setNwTos'; readonly tos: number }
  | { readonly type: 'setTpSrc'; readonly tp: number }
  | { readonly type: 'setTpDst'; readonly tp: number }
  | { readonly type: 'enqueue'; readonly port: number; readonly queueId: number }
  /** OFPAT_VENDOR that is not a modelled Nicira action: `data` is everything after the vendor id. */
  | { readonly type: 'vendor'; readonly vendor: number; readonly data: Uint8Array }
  /** A Nicira action: the same bytes as in 1.3 (ct's nested actions are not modelled in 1.0: see nicira/README.md). */
  | NXAction;

export type Action10Type = Action10['type'];

export interface PacketIn10 extends Header {
  readonly type: 'PacketIn10';
  readonly bufferId: number;
  readonly totalLen: number;
  readonly inPort: number;
  readonly reason: number;
  readonly data: Uint8Array;
}

export interface PacketOut10 extends Header {
  readonly type: 'PacketOut10';
  readonly bufferId: number;
  readonly inPort: number;
  readonly actions: readonly Action10[];
  readonly data: Uint8Array;
}

export interface FlowMod10 extends Header {
  readonly type: 'FlowMod10';
  readonly match: Match10;
  readonly cookie: bigint;
  readonly command: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly priority: number;
  readonly bufferId: number;
  readonly outPort: number;
  readonly flags: number;
  readonly actions: readonly Action10[];
}

export interface FlowRemoved10 extends Header {
  readonly type: 'FlowRemoved10';
  readonly match: Match10;
  readonly cookie: bigint;
  readonly priority: number;
  readonly reason: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly idleTimeout: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
}

export interface PortStatus10 extends Header {
  readonly type: 'PortStatus10';
  readonly reason: number;
  readonly desc: PhyPort10;
}

export interface Vendor extends Header {
  readonly type: 'Vendor';
  readonly vendor: number;
  readonly data: Uint8Array;
}

export interface QueueProperty10 {
  readonly type: 'minRate';
  /** In 1/10 of a percent; above 1000: disabled. */
  readonly rate: number;
}

export interface PacketQueue10 {
  readonly queueId: number;
  readonly properties: readonly QueueProperty10[];
}

export interface QueueGetConfigReply10 extends Header {
  readonly type: 'QueueGetConfigReply10';
  readonly port: number;
  readonly queues: readonly PacketQueue10[];
}

// ---------------------------------------------------------------- stats (5.3.5)

export interface FlowStatsRequest10 {
  readonly match: Match10;
  readonly tableId: number;
  readonly outPort: number;
}

export interface FlowStats10 {
  readonly tableId: number;
  readonly match: Match10;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly priority: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly cookie: bigint;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly actions: readonly Action10[];
}

export interface TableStats10 {
  readonly tableId: number;
  readonly name: string;
  readonly wildcards: number;
  readonly maxEntries: number;
  readonly activeCount: number;
  readonly lookupCount: bigint;
  readonly matchedCount: bigint;
}

/** ofp_port_stats of 1.0: 1.3's without the duration. */
export type PortStats10 = Omit<PortStats, 'durationSec' | 'durationNsec'>;

export interface QueueStats10 {
  readonly portNo: number;
  readonly queueId: number;
  readonly txBytes: bigint;
  readonly txPackets: bigint;
  readonly txErrors: bigint;
}

/** A stats request body, tagged by OFPST_* in camelCase. */
export type StatsRequestBody10 =
  | { readonly type: 'desc' }
  | ({ readonly type: 'flow' } & FlowStatsRequest10)
  | ({ readonly type: 'aggregate' } & FlowStatsRequest10)
  | { readonly type: 'table' }
  | { readonly type: 'port'; readonly portNo: number }
  | { readonly type: 'queue'; readonly portNo: number; readonly queueId: number }
  | { readonly type: 'vendor'; readonly vendor: number; readonly data: Uint8Array };

export type StatsReplyBody10 =
  | ({ readonly type: 'desc' } & DescStats)
  | { readonly type: 'flow'; readonly stats: readonly FlowStats10[] }
  | { readonly type: 'aggregate'; readonly packetCount: bigint; readonly byteCount: bigint; readonly flowCount: number }
  | { readonly type: 'table'; readonly stats: readonly TableStats10[] }
  | { readonly type: 'port'; readonly stats: readonly PortStats10[] }
  | { readonly type: 'queue'; readonly stats: readonly QueueStats10[] }
  | { readonly type: 'vendor'; readonly vendor: number; readonly data: Uint8Array };

export interface StatsRequest extends Header {
  readonly type: 'StatsRequest';
  readonly flags: number;
  readonly body: StatsRequestBody10;
}

export interface StatsReply extends Header {
  readonly type: 'StatsReply';
  /** OFPSF_REPLY_MORE (1): more replies follow. */
  readonly flags: number;
  readonly body: StatsReplyBody10;
}

export type Of10Message =
  | PacketIn10
  | PacketOut10
  | FlowMod10
  | FlowRemoved10
  | PortStatus10
  | Vendor
  | QueueGetConfigReply10
  | StatsRequest
  | StatsReply;
