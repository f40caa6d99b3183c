import { readInstructions, writeInstructions } from './instructions.js';
import { lengthBounded } from './length-bounded.js';
import type {
  AggregateStats,
  DescStats,
  FlowStats,
  FlowStatsRequestBody,
  PortStats,
  QueueStats,
  TableStats,
} from './multipart-types.js';
import { matchFieldNames, readMatch, writeMatch } from './oxm.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * The description, flow, table, port and queue structures of OFPMP_* request and
 * reply bodies (OpenFlow 1.3.5 7.3.5.1-7.3.5.8), one reader and one writer per
 * structure; groups and meters are in group-meter-stats.ts. Fixed-size entries
 * are checked whole before their first field is read; variable-size entries are
 * bounded by their own length field, which must cover at least the fixed part.
 */

// 7.3.5.1 description
/** DESC_STR_LEN. */
export const DESC_STR_LEN = 256;
/** SERIAL_NUM_LEN. */
export const SERIAL_NUM_LEN = 32;
/** sizeof(struct ofp_desc). */
export const OFP_DESC_SIZE = 1056;

// 7.3.5.2 individual flow statistics
/** sizeof(struct ofp_flow_stats_request), with an empty (8-byte) match. */
export const OFP_FLOW_STATS_REQUEST_SIZE = 40;
/** sizeof(struct ofp_flow_stats), with an empty (8-byte) match. */
export const OFP_FLOW_STATS_SIZE = 56;

// 7.3.5.3 aggregate flow statistics
/** sizeof(struct ofp_aggregate_stats_request), with an empty match. */
export const OFP_AGGREGATE_STATS_REQUEST_SIZE = 40;
/** sizeof(struct ofp_aggregate_stats_reply). */
export const OFP_AGGREGATE_STATS_REPLY_SIZE = 24;

// 7.3.5.4 table statistics
/** sizeof(struct ofp_table_stats). */
export const OFP_TABLE_STATS_SIZE = 24;

// 7.3.5.6 port statistics
/** sizeof(struct ofp_port_stats_request). */
export const OFP_PORT_STATS_REQUEST_SIZE = 8;
/** sizeof(struct ofp_port_stats). */
export const OFP_PORT_STATS_SIZE = 112;

// 7.3.5.8 queue statistics
/** sizeof(struct ofp_queue_stats_request). */
export const OFP_QUEUE_STATS_REQUEST_SIZE = 8;
/** sizeof(struct ofp_queue_stats). */
export const OFP_QUEUE_STATS_SIZE = 40;


/** Reads entries with `readOne` until the end of `r`; each read consumes bytes or fails. */
export function readEntries<T>(r: Reader, readOne: (r: Reader) => T): T[] {
  const entries: T[] = [];
  while (r.pos < r.end) entries.push(readOne(r));
  return entries;
}

// ---------------------------------------------------------------- description

export function readDesc(r: Reader): DescStats {
  r.need(OFP_DESC_SIZE, 'desc');
  return {
    mfrDesc: r.fixedString(DESC_STR_LEN, 'desc.mfr_desc'),
    hwDesc: r.fixedString(DESC_STR_LEN, 'desc.hw_desc'),
    swDesc: r.fixedString(DESC_STR_LEN, 'desc.sw_desc'),
    serialNum: r.fixedString(SERIAL_NUM_LEN, 'desc.serial_num'),
    dpDesc: r.fixedString(DESC_STR_LEN, 'desc.dp_desc'),
  };
}

export function writeDesc(w: Writer, d: DescStats): void {
  w.fixedString(d.mfrDesc, DESC_STR_LEN, 'desc.mfr_desc');
  w.fixedString(d.hwDesc, DESC_STR_LEN, 'desc.hw_desc');
  w.fixedString(d.swDesc, DESC_STR_LEN, 'desc.sw_desc');
  w.fixedString(d.serialNum, SERIAL_NUM_LEN, 'desc.serial_num');
  w.fixedString(d.dpDesc, DESC_STR_LEN, 'desc.dp_desc');
}

// ---------------------------------------------------------------- flows

/** struct ofp_flow_stats_request and ofp_aggregate_stats_request (same layout). */
export function readFlowStatsRequest(r: Reader): FlowStatsRequestBody {
  const tableId = r.u8('table_id');
  r.pad(3);
  const outPort = r.u32('out_port');
  const outGroup = r.u32('out_group');
  r.pad(4);
  const cookie = r.u64('cookie');
  const cookieMask = r.u64('cookie_mask');
  return { tableId, outPort, outGroup, cookie, cookieMask, match: readMatch(r) };
}

export function writeFlowStatsRequest(w: Writer, b: FlowStatsRequestBody): void {
  w.u8(b.tableId, 'table_id');
  w.zeros(3);
  w.u32(b.outPort, 'out_port');
  w.u32(b.outGroup, 'out_group');
  w.zeros(4);
  w.u64(b.cookie, 'cookie');
  w.u64(b.cookieMask, 'cookie_mask');
  writeMatch(w, b.match);
}

const FLOW_STATS_MATCH = matchFieldNames('flow_stats.match');

export function readFlowStats(r: Reader): FlowStats {
  const start = r.pos;
  const length = r.u16('flow_stats.length');
  const e = lengthBounded(r, start, start, length, OFP_FLOW_STATS_SIZE, 'flow_stats.length');
  const tableId = e.u8('flow_stats.table_id');
  e.pad(1);
  const durationSec = e.u32('flow_stats.duration_sec');
  const durationNsec = e.u32('flow_stats.duration_nsec');
  const priority = e.u16('flow_stats.priority');
  const idleTimeout = e.u16('flow_stats.idle_timeout');
  const hardTimeout = e.u16('flow_stats.hard_timeout');
  const flags = e.u16('flow_stats.flags');
  e.pad(4);
  const cookie = e.u64('flow_stats.cookie');
  const packetCount = e.u64('flow_stats.packet_count');
  const byteCount = e.u64('flow_stats.byte_count');
  const match = readMatch(e, FLOW_STATS_MATCH);
  const instructions = readInstructions(e);
  return { tableId, durationSec, durationNsec, priority, idleTimeout, hardTimeout, flags, cookie, packetCount, byteCount, match, instructions };
}

export function writeFlowStats(w: Writer, s: FlowStats): void {
  const start = w.pos;
  w.u16(0, 'flow_stats.length');
  w.u8(s.tableId, 'flow_stats.table_id');
  w.zeros(1);
  w.u32(s.durationSec, 'flow_stats.duration_sec');
  w.u32(s.durationNsec, 'flow_stats.duration_nsec');
  w.u16(s.priority, 'flow_stats.priority');
  w.u16(s.idleTimeout, 'flow_stats.idle_timeout');
  w.u16(s.hardTimeout, 'flow_stats.hard_timeout');
  w.u16(s.flags, 'flow_stats.flags');
  w.zeros(4);
  w.u64(s.cookie, 'flow_stats.cookie');
  w.u64(s.packetCount, 'flow_stats.packet_count');
  w.u64(s.byteCount, 'flow_stats.byte_count');
  writeMatch(w, s.match);
  writeInstructions(w, s.instructions);
  w.patchU16(start, w.pos - start, 'flow_stats.length');
}

export function readAggregate(r: Reader): AggregateStats {
  r.need(OFP_AGGREGATE_STATS_REPLY_SIZE, 'aggregate');
  const packetCount = r.u64('aggregate.packet_count');
  const byteCount = r.u64('aggregate.byte_count');
  const flowCount = r.u32('aggregate.flow_count');
  r.pad(4);
  return { packetCount, byteCount, flowCount };
}

export function writeAggregate(w: Writer, a: AggregateStats): void {
  w.u64(a.packetCount, 'aggregate.packet_count');
  w.u64(a.byteCount, 'aggregate.byte_count');
  w.u32(a.flowCount, 'aggregate.flow_count');
  w.zeros(4);
}

// ---------------------------------------------------------------- tables, ports, queues

export function readTableStats(r: Reader): TableStats {
  r.need(OFP_TABLE_STATS_SIZE, 'table_stats');
  const tableId = r.u8('table_stats.table_id');
  r.pad(3);
  const activeCount = r.u32('table_stats.active_count');
  const lookupCount = r.u64('table_stats.lookup_count');
  return { tableId, activeCount, lookupCount, matchedCount: r.u64('table_stats.matched_count') };
}

export function writeTableStats(w: Writer, s: TableStats): void {
  w.u8(s.tableId, 'table_stats.table_id');
  w.zeros(3);
  w.u32(s.activeCount, 'table_stats.active_count');
  w.u64(s.lookupCount, 'table_stats.lookup_count');
  w.u64(s.matchedCount, 'table_stats.matched_count');
}

/** The twelve u64 counters of struct ofp_port_stats, in wire order. */
const PORT_COUNTERS = [
  ['rxPackets', 'rx_packets'], ['txPackets', 'tx_packets'], ['rxBytes', 'rx_bytes'], ['txBytes', 'tx_bytes'],
  ['rxDropped', 'rx_dropped'], ['txDropped', 'tx_dropped'], ['rxErrors', 'rx_errors'], ['txErrors', 'tx_errors'],
  ['rxFrameErr', 'rx_frame_err'], ['rxOverErr', 'rx_over_err'], ['rxCrcErr', 'rx_crc_err'], ['collisions', 'collisions'],
] as const;

type PortCounter = (typeof PORT_COUNTERS)[number][0];

export function readPortStats(r: Reader): PortStats {
  r.need(OFP_PORT_STATS_SIZE, 'port_stats');
  const portNo = r.u32('port_stats.port_no');
  r.pad(4);
  const counters = {} as Record<PortCounter, bigint>;
  for (const [name, wire] of PORT_COUNTERS) counters[name] = r.u64(`port_stats.${wire}`);
  const durationSec = r.u32('port_stats.duration_sec');
  return { portNo, ...counters, durationSec, durationNsec: r.u32('port_stats.duration_nsec') };
}

export function writePortStats(w: Writer, s: PortStats): void {
  w.u32(s.portNo, 'port_stats.port_no');
  w.zeros(4);
  for (const [name, wire] of PORT_COUNTERS) w.u64(s[name], `port_stats.${wire}`);
  w.u32(s.durationSec, 'port_stats.duration_sec');
  w.u32(s.durationNsec, 'port_stats.duration_nsec');
}

export function readQueueStats(r: Reader): QueueStats {
  r.need(OFP_QUEUE_STATS_SIZE, 'queue_stats');
  const portNo = r.u32('queue_stats.port_no');
  const queueId = r.u32('queue_stats.queue_id');
  const txBytes = r.u64('queue_stats.tx_bytes');
  const txPackets = r.u64('queue_stats.tx_packets');
  const txErrors = r.u64('queue_stats.tx_errors');
  const durationSec = r.u32('queue_stats.duration_sec');
  return { portNo, queueId, txBytes, txPackets, txErrors, durationSec, durationNsec: r.u32('queue_stats.duration_nsec') };
}

export function writeQueueStats(w: Writer, s: QueueStats): void {
  w.u32(s.portNo, 'queue_stats.port_no');
  w.u32(s.queueId, 'queue_stats.queue_id');
  w.u64(s.txBytes, 'queue_stats.tx_bytes');
  w.u64(s.txPackets, 'queue_stats.tx_packets');
  w.u64(s.txErrors, 'queue_stats.tx_errors');
  w.u32(s.durationSec, 'queue_stats.duration_sec');
  w.u32(s.durationNsec, 'queue_stats.duration_nsec');
}
