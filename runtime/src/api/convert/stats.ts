import { SdnError } from '../../errors.js';
import type { MultipartReplyBody, MultipartType, OfpMessage } from '../../openflow/index.js';
import type * as pb from '../../generated/sdn/runtime/v1/stats.js';
import { fromBucket, fromInstruction, fromMeterBand, fromPort } from './actions.js';
import { fromDescStats } from './events.js';
import { fromMatch } from './match.js';

/**
 * Multipart replies as one `StatsReply`: the parts a switch split with
 * OFPMPF_REPLY_MORE arrive here in order and their lists are concatenated.
 */

/** The switch answered with something other than the multipart type asked for (a switch bug). */
export class UnexpectedReplyError extends SdnError {
  constructor(message: string) {
    super('API_UNEXPECTED_REPLY', message);
  }
}

type BodyOf<T extends MultipartType> = Extract<MultipartReplyBody, { type: T }>;

function bodies<T extends MultipartType>(parts: readonly OfpMessage[], type: T): BodyOf<T>[] {
  return parts.map((m) => {
    if (m.type !== 'MultipartReply' || m.body.type !== type) throw new UnexpectedReplyError(`expected a ${type} multipart reply, got ${m.type === 'MultipartReply' ? m.body.type : m.type}`);
    return m.body as BodyOf<T>;
  });
}

function single<T extends MultipartType>(parts: readonly OfpMessage[], type: T): BodyOf<T> {
  const all = bodies(parts, type);
  if (all.length !== 1) throw new UnexpectedReplyError(`expected one ${type} reply, got ${all.length} parts`);
  return all[0]!;
}

export function fromFlowStats(s: Extract<MultipartReplyBody, { type: 'flow' }>['stats'][number]): pb.FlowStats {
  return {
    tableId: s.tableId,
    durationSec: s.durationSec,
    durationNsec: s.durationNsec,
    priority: s.priority,
    idleTimeout: s.idleTimeout,
    hardTimeout: s.hardTimeout,
    flags: s.flags,
    cookie: s.cookie,
    packetCount: s.packetCount,
    byteCount: s.byteCount,
    match: fromMatch(s.match),
    instructions: s.instructions.map(fromInstruction),
  };
}

/**
 * The reply parts to a request of `type` as a StatsReply.
 * @throws UnexpectedReplyError when a part is not of that type (a switch bug).
 */
export function fromStatsReply(type: MultipartType, parts: readonly OfpMessage[]): pb.StatsReply {
  switch (type) {
    case 'desc':
      return { kind: { $case: 'desc', value: fromDescStats(single(parts, 'desc')) } };
    case 'aggregate': {
      const a = single(parts, 'aggregate');
      return { kind: { $case: 'aggregate', value: { packetCount: a.packetCount, byteCount: a.byteCount, flowCount: a.flowCount } } };
    }
    case 'flow':
      return { kind: { $case: 'flow', value: { stats: bodies(parts, 'flow').flatMap((b) => b.stats.map(fromFlowStats)) } } };
    case 'table':
      return { kind: { $case: 'table', value: { stats: bodies(parts, 'table').flatMap((b) => b.stats.map((s) => ({ ...s }))) } } };
    case 'portStats':
      return { kind: { $case: 'portStats', value: { stats: bodies(parts, 'portStats').flatMap((b) => b.stats.map((s) => ({ ...s }))) } } };
    case 'portDesc':
      return { kind: { $case: 'portDesc', value: { ports: bodies(parts, 'portDesc').flatMap((b) => b.ports.map(fromPort)) } } };
    case 'queue':
      return { kind: { $case: 'queue', value: { stats: bodies(parts, 'queue').flatMap((b) => b.stats.map((s) => ({ ...s }))) } } };
    case 'group':
      return {
        kind: {
          $case: 'group',
          value: {
            stats: bodies(parts, 'group').flatMap((b) =>
              b.stats.map(({ bucketStats, ...s }) => ({ ...s, bucketPacketCounts: bucketStats.map((c) => c.packetCount), bucketByteCounts: bucketStats.map((c) => c.byteCount) })),
            ),
          },
        },
      };
    case 'groupDesc':
      return { kind: { $case: 'groupDesc', value: { groups: bodies(parts, 'groupDesc').flatMap((b) => b.stats.map((g) => ({ type: g.groupType, groupId: g.groupId, buckets: g.buckets.map(fromBucket) }))) } } };
    case 'meter':
      return {
        kind: {
          $case: 'meter',
          value: {
            stats: bodies(parts, 'meter').flatMap((b) =>
              b.stats.map(({ bandStats, ...s }) => ({ ...s, bandPacketCounts: bandStats.map((c) => c.packetBandCount), bandByteCounts: bandStats.map((c) => c.byteBandCount) })),
            ),
          },
        },
      };
    case 'meterConfig':
      return { kind: { $case: 'meterConfig', value: { meters: bodies(parts, 'meterConfig').flatMap((b) => b.stats.map((m) => ({ flags: m.flags, meterId: m.meterId, bands: m.bands.map(fromMeterBand) }))) } } };
    default:
      throw new UnexpectedReplyError(`multipart type ${type} has no StatsReply form`);
  }
}
