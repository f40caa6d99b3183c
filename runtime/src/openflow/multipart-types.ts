import type { Bucket, Instruction, Match, MeterBand, Port, TableFeatureProperty } from './structs.js';

/**
 * Bodies of OFPT_MULTIPART_REQUEST / OFPT_MULTIPART_REPLY (OpenFlow 1.3.5 7.3.5),
 * tagged by the multipart type in the spec's words (OFPMP_PORT_STATS -> 'portStats').
 * A reply split across several messages with OFPMPF_REPLY_MORE is several values;
 * the connection layer concatenates their lists.
 */

// ---------------------------------------------------------------- requests

export interface FlowStatsRequestBody {
  readonly tableId: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly match: Match;
}

export type MultipartRequestBody =
  | { readonly type: 'desc' }
  | ({ readonly type: 'flow' } & FlowStatsRequestBody)
  | ({ readonly type: 'aggregate' } & FlowStatsRequestBody)
  | { readonly type: 'table' }
  | { readonly type: 'portStats'; readonly portNo: number }
  | { readonly type: 'queue'; readonly portNo: number; readonly queueId: number }
  | { readonly type: 'group'; readonly groupId: number }
  | { readonly type: 'groupDesc' }
  | { readonly type: 'groupFeatures' }
  | { readonly type: 'meter'; readonly meterId: number }
  | { readonly type: 'meterConfig'; readonly meterId: number }
  | { readonly type: 'meterFeatures' }
  /** Empty `tables` asks for the features; a non-empty list sets them. */
  | { readonly type: 'tableFeatures'; readonly tables: readonly TableFeatures[] }
  | { readonly type: 'portDesc' }
  /** OFPMP_EXPERIMENTER, experimenter ONF, exp_type ONFMP_FLOW_MONITOR (onf-flow-monitor.ts). */
  | { readonly type: 'onfFlowMonitor'; readonly monitors: readonly ONFFlowMonitorRequest[] }
  | MultipartExperimenterBody
  | MultipartUnknownBody;

/** struct onf_flow_monitor_request (ONF extension 187); match_len is derived. */
export interface ONFFlowMonitorRequest {
  readonly id: number;
  /** ONFFMF_* bits. */
  readonly flags: number;
  readonly outPort: number;
  readonly tableId: number;
  readonly match: Match;
}

// ---------------------------------------------------------------- replies

export interface DescStats {
  readonly mfrDesc: string;
  readonly hwDesc: string;
  readonly swDesc: string;
  readonly serialNum: string;
  readonly dpDesc: string;
}

export interface FlowStats {
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly priority: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly flags: number;
  readonly cookie: bigint;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly match: Match;
  readonly instructions: readonly Instruction[];
}

export interface AggregateStats {
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly flowCount: number;
}

export interface TableStats {
  readonly tableId: number;
  readonly activeCount: number;
  readonly lookupCount: bigint;
  readonly matchedCount: bigint;
}

export interface PortStats {
  readonly portNo: number;
  readonly rxPackets: bigint;
  readonly txPackets: bigint;
  readonly rxBytes: bigint;
  readonly txBytes: bigint;
  readonly rxDropped: bigint;
  readonly txDropped: bigint;
  readonly rxErrors: bigint;
  readonly txErrors: bigint;
  readonly rxFrameErr: bigint;
  readonly rxOverErr: bigint;
  readonly rxCrcErr: bigint;
  readonly collisions: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
}

export interface QueueStats {
  readonly portNo: number;
  readonly queueId: number;
  readonly txBytes: bigint;
  readonly txPackets: bigint;
  readonly txErrors: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
}

export interface BucketCounter {
  readonly packetCount: bigint;
  readonly byteCount: bigint;
}

export interface GroupStats {
  readonly groupId: number;
  readonly refCount: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly bucketStats: readonly BucketCounter[];
}

export interface GroupDesc {
  readonly groupType: number;
  readonly groupId: number;
  readonly buckets: readonly Bucket[];
}

export interface GroupFeatures {
  readonly types: number;
  readonly capabilities: number;
  /** Per group type (all, select, indirect, fast failover). */
  readonly maxGroups: readonly [number, number, number, number];
  readonly actions: readonly [number, number, number, number];
}

export interface MeterBandStats {
  readonly packetBandCount: bigint;
  readonly byteBandCount: bigint;
}

export interface MeterStats {
  readonly meterId: number;
  readonly flowCount: number;
  readonly packetInCount: bigint;
  readonly byteInCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly bandStats: readonly MeterBandStats[];
}

export interface MeterConfig {
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly MeterBand[];
}

export interface MeterFeatures {
  readonly maxMeter: number;
  readonly bandTypes: number;
  readonly capabilities: number;
  readonly maxBands: number;
  readonly maxColor: number;
}

export interface TableFeatures {
  readonly tableId: number;
  readonly name: string;
  readonly metadataMatch: bigint;
  readonly metadataWrite: bigint;
  readonly config: number;
  readonly maxEntries: number;
  readonly properties: readonly TableFeatureProperty[];
}

export interface MultipartExperimenterBody {
  readonly type: 'experimenter';
  readonly experimenter: number;
  readonly expType: number;
  readonly data: Uint8Array;
}

/** A multipart type the codec does not know: kept as bytes. */
export interface MultipartUnknownBody {
  readonly type: 'unknown';
  readonly multipartType: number;
  readonly data: Uint8Array;
}

export type MultipartReplyBody =
  | ({ readonly type: 'desc' } & DescStats)
  | { readonly type: 'flow'; readonly stats: readonly FlowStats[] }
  | ({ readonly type: 'aggregate' } & AggregateStats)
  | { readonly type: 'table'; readonly stats: readonly TableStats[] }
  | { readonly type: 'portStats'; readonly stats: readonly PortStats[] }
  | { readonly type: 'queue'; readonly stats: readonly QueueStats[] }
  | { readonly type: 'group'; readonly stats: readonly GroupStats[] }
  | { readonly type: 'groupDesc'; readonly stats: readonly GroupDesc[] }
  | ({ readonly type: 'groupFeatures' } & GroupFeatures)
  | { readonly type: 'meter'; readonly stats: readonly MeterStats[] }
  | { readonly type: 'meterConfig'; readonly stats: readonly MeterConfig[] }
  | { readonly type: 'meterFeatures'; readonly stats: readonly MeterFeatures[] }
  | { readonly type: 'tableFeatures'; readonly tables: readonly TableFeatures[] }
  | { readonly type: 'portDesc'; readonly ports: readonly Port[] }
  | MultipartExperimenterBody
  | MultipartUnknownBody;

export type MultipartType = MultipartReplyBody['type'];
