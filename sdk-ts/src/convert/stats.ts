import { ErrorCode, SdnClientError } from '../errors.js';
import type * as pb from '../generated/sdn/runtime/v1/stats.js';
import { GroupMod_Type, MeterBand_Type, type Bucket, type MeterBand } from '../generated/sdn/runtime/v1/openflow.js';
import type { Action } from '../openflow/actions.js';
import type { Instruction } from '../openflow/instructions.js';
import type { MatchBuilder } from '../openflow/match.js';
import { u64, uint } from '../openflow/numbers.js';
import type { Match } from '../openflow/oxm-values.js';
import type { CommandKind, GroupType } from './commands.js';
import { actionFromProto, checkMatch, instructionFromProto, matchFromProto, matchToProto, portFromProto, type PortDesc } from './openflow.js';

/** Multipart (statistics) requests and their replies, as the SDK shows them. Durations in seconds + nanoseconds. */

/** Which flows a FLOW or AGGREGATE request covers. Absent fields: every table, any port, any group. */
export interface FlowStatsOptions {
  readonly tableId?: number;
  readonly outPort?: number;
  readonly outGroup?: number;
  readonly cookie?: bigint;
  readonly cookieMask?: bigint;
  readonly match?: Match | MatchBuilder;
}

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

export interface GroupStats {
  readonly groupId: number;
  readonly refCount: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly bucketPacketCounts: readonly bigint[];
  readonly bucketByteCounts: readonly bigint[];
}

export interface GroupBucket {
  readonly weight: number;
  /** Undefined: OFPP_ANY. */
  readonly watchPort: number | undefined;
  /** Undefined: OFPG_ANY. */
  readonly watchGroup: number | undefined;
  readonly actions: readonly Action[];
}

export interface GroupDesc {
  readonly type: GroupType;
  readonly groupId: number;
  readonly buckets: readonly GroupBucket[];
}

export interface MeterStats {
  readonly meterId: number;
  readonly flowCount: number;
  readonly packetInCount: bigint;
  readonly byteInCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly bandPacketCounts: readonly bigint[];
  readonly bandByteCounts: readonly bigint[];
}

export interface MeterBandDesc {
  readonly type: 'drop' | 'dscpRemark' | 'experimenter' | 'unknown';
  readonly rate: number;
  readonly burstSize: number;
  readonly precLevel: number;
  readonly experimenter: number;
  readonly data: Uint8Array;
}

export interface MeterConfig {
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly MeterBandDesc[];
}

export function flowStatsRequest(kind: 'flow' | 'aggregate', o: FlowStatsOptions = {}): CommandKind {
  const what = `stats.${kind}`;
  const value: pb.FlowStatsRequest = {
    cookie: u64(o.cookie ?? 0n, `${what} cookie`),
    cookieMask: u64(o.cookieMask ?? 0n, `${what} cookieMask`),
    match: matchToProto(checkMatch(o.match, `${what} match`)),
  };
  if (o.tableId !== undefined) value.tableId = uint(o.tableId, 8, `${what} tableId`);
  if (o.outPort !== undefined) value.outPort = uint(o.outPort, 32, `${what} outPort`);
  if (o.outGroup !== undefined) value.outGroup = uint(o.outGroup, 32, `${what} outGroup`);
  return { $case: 'stats', value: { kind: kind === 'flow' ? { $case: 'flow', value } : { $case: 'aggregate', value } } };
}

/** A stats request without arguments, or with one optional id (port, group, meter). */
export function simpleStatsRequest(kind: pb.StatsRequest['kind']): CommandKind {
  return { $case: 'stats', value: { kind } };
}

export function optionalId(id: number | undefined, what: string): number | undefined {
  return id === undefined ? undefined : uint(id, 32, what);
}

type ReplyKind = NonNullable<pb.StatsReply['kind']>;
type ReplyBody = { [C in ReplyKind as C['$case']]: C['value'] };

/** The reply's body when it is of the kind asked for; PROTOCOL otherwise. */
export function expectReply<K extends keyof ReplyBody>(reply: pb.StatsReply | undefined, kind: K): ReplyBody[K] {
  const k = reply?.kind;
  if (k === undefined || k.$case !== kind) throw new SdnClientError(ErrorCode.PROTOCOL, `the runtime answered a ${kind} stats request with ${k?.$case ?? 'nothing'}`);
  return k.value as ReplyBody[K];
}

export function flowStatsFromProto(s: pb.FlowStats): FlowStats {
  return { ...s, match: matchFromProto(s.match), instructions: s.instructions.map(instructionFromProto) };
}

export function descFromProto(d: pb.DescStats): DescStats {
  return { mfrDesc: d.mfrDesc, hwDesc: d.hwDesc, swDesc: d.swDesc, serialNum: d.serialNum, dpDesc: d.dpDesc };
}

const GROUP_TYPE_NAMES: Record<number, GroupType> = {
  [GroupMod_Type.TYPE_ALL]: 'all',
  [GroupMod_Type.TYPE_SELECT]: 'select',
  [GroupMod_Type.TYPE_INDIRECT]: 'indirect',
  [GroupMod_Type.TYPE_FAST_FAILOVER]: 'fastFailover',
};

export function bucketFromProto(b: Bucket): GroupBucket {
  return { weight: b.weight, watchPort: b.watchPort, watchGroup: b.watchGroup, actions: b.actions.map(actionFromProto) };
}

export function groupDescFromProto(g: pb.GroupDesc): GroupDesc {
  const type = GROUP_TYPE_NAMES[g.type];
  if (type === undefined) throw new SdnClientError(ErrorCode.PROTOCOL, `the runtime sent group type ${g.type}`);
  return { type, groupId: g.groupId, buckets: g.buckets.map(bucketFromProto) };
}

const BAND_NAMES: Record<number, MeterBandDesc['type']> = {
  [MeterBand_Type.TYPE_DROP]: 'drop',
  [MeterBand_Type.TYPE_DSCP_REMARK]: 'dscpRemark',
  [MeterBand_Type.TYPE_EXPERIMENTER]: 'experimenter',
};

export function bandFromProto(b: MeterBand): MeterBandDesc {
  return {
    type: BAND_NAMES[b.type] ?? 'unknown',
    rate: b.rate,
    burstSize: b.burstSize,
    precLevel: b.precLevel,
    experimenter: b.experimenter?.experimenter ?? 0,
    data: b.experimenter?.data ?? new Uint8Array(0),
  };
}

export function meterConfigFromProto(m: pb.MeterConfig): MeterConfig {
  return { flags: m.flags, meterId: m.meterId, bands: m.bands.map(bandFromProto) };
}

export function portListFromProto(l: pb.PortList): PortDesc[] {
  return l.ports.map(portFromProto);
}
