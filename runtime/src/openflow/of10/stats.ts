import { defineCodec, type MessageCodec } from '../codec-registry.js';
import { lengthBounded } from '../length-bounded.js';
import { readDesc, readEntries, writeDesc } from '../multipart-stats.js';
import type { Header } from '../messages.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { readActions10, writeActions10 } from './actions.js';
import {
  OFP_FLOW_STATS_10_SIZE,
  OFP_MAX_TABLE_NAME_LEN,
  OFPST_AGGREGATE,
  OFPST_DESC,
  OFPST_FLOW,
  OFPST_PORT,
  OFPST_QUEUE,
  OFPST_TABLE,
  OFPST_VENDOR,
  OFPT_STATS_REPLY_10,
  OFPT_STATS_REQUEST_10,
} from './constants.js';
import { readMatch10, writeMatch10 } from './match.js';
import type {
  FlowStats10,
  FlowStatsRequest10,
  PortStats10,
  QueueStats10,
  StatsReply,
  StatsReplyBody10,
  StatsRequest,
  StatsRequestBody10,
  TableStats10,
} from './types.js';

/**
 * OFPT_STATS_REQUEST / OFPT_STATS_REPLY (1.0.0 5.3.5): a 12-byte header (ofp_header,
 * type, flags) and a body by OFPST_* type. A type 1.0 does not define is a decode
 * error: the spec defines them all, and vendors use OFPST_VENDOR.
 */

export const STATS_TYPES: Readonly<Record<StatsRequestBody10['type'], number>> = {
  desc: OFPST_DESC,
  flow: OFPST_FLOW,
  aggregate: OFPST_AGGREGATE,
  table: OFPST_TABLE,
  port: OFPST_PORT,
  queue: OFPST_QUEUE,
  vendor: OFPST_VENDOR,
};

function statsTag(r: Reader, type: number, at: number): StatsRequestBody10['type'] {
  for (const [tag, n] of Object.entries(STATS_TYPES)) if (n === type) return tag as StatsRequestBody10['type'];
  return r.fail('type', `unknown stats type ${type}`, at);
}

function statsNumber(w: Writer, tag: unknown): number {
  const n = typeof tag === 'string' && Object.hasOwn(STATS_TYPES, tag) ? STATS_TYPES[tag as StatsRequestBody10['type']] : undefined;
  return n ?? w.fail('body.type', `"${String(tag)}" is not an OpenFlow 1.0 stats type`);
}

function readFlowRequest(r: Reader): FlowStatsRequest10 {
  const match = readMatch10(r);
  const tableId = r.u8('body.table_id');
  r.pad(1);
  return { match, tableId, outPort: r.u16('body.out_port') };
}

function writeFlowRequest(w: Writer, b: FlowStatsRequest10): void {
  writeMatch10(w, b.match);
  w.u8(b.tableId, 'body.table_id');
  w.zeros(1);
  w.u16(b.outPort, 'body.out_port');
}

function decodeRequest(r: Reader, h: Header): StatsRequest {
  const at = r.pos;
  const tag = statsTag(r, r.u16('type'), at);
  const flags = r.u16('flags');
  let body: StatsRequestBody10;
  switch (tag) {
    case 'flow':
    case 'aggregate':
      body = { type: tag, ...readFlowRequest(r) };
      break;
    case 'port':
      body = { type: 'port', portNo: r.u16('body.port_no') };
      r.pad(6);
      break;
    case 'queue': {
      const portNo = r.u16('body.port_no');
      r.pad(2);
      body = { type: 'queue', portNo, queueId: r.u32('body.queue_id') };
      break;
    }
    case 'vendor':
      body = { type: 'vendor', vendor: r.u32('body.vendor'), data: r.rest() };
      break;
    default:
      // desc and table have no request body; done() refuses any.
      body = { type: tag };
  }
  return { type: 'StatsRequest', version: h.version, xid: h.xid, flags, body };
}

function encodeRequest(w: Writer, m: StatsRequest): void {
  const b = w.struct(m.body, 'body');
  w.u16(statsNumber(w, b.type), 'type');
  w.u16(m.flags, 'flags');
  switch (b.type) {
    case 'flow':
    case 'aggregate':
      return writeFlowRequest(w, b);
    case 'port':
      w.u16(b.portNo, 'body.port_no');
      return w.zeros(6);
    case 'queue':
      w.u16(b.portNo, 'body.port_no');
      w.zeros(2);
      return w.u32(b.queueId, 'body.queue_id');
    case 'vendor':
      w.u32(b.vendor, 'body.vendor');
      return w.bytes(b.data, 'body.data');
    default:
      return undefined;
  }
}

function readFlowStats(r: Reader): FlowStats10 {
  const start = r.pos;
  const length = r.u16('body.length');
  const e = lengthBounded(r, start, start, length, OFP_FLOW_STATS_10_SIZE, 'body.length');
  const tableId = e.u8('body.table_id');
  e.pad(1);
  const match = readMatch10(e);
  const durationSec = e.u32('body.duration_sec');
  const durationNsec = e.u32('body.duration_nsec');
  const priority = e.u16('body.priority');
  const idleTimeout = e.u16('body.idle_timeout');
  const hardTimeout = e.u16('body.hard_timeout');
  e.pad(6);
  const cookie = e.u64('body.cookie');
  const packetCount = e.u64('body.packet_count');
  const byteCount = e.u64('body.byte_count');
  const actions = readActions10(e);
  return { tableId, match, durationSec, durationNsec, priority, idleTimeout, hardTimeout, cookie, packetCount, byteCount, actions };
}

function writeFlowStats(w: Writer, s: FlowStats10): void {
  const start = w.pos;
  w.u16(0, 'body.length');
  w.u8(s.tableId, 'body.table_id');
  w.zeros(1);
  writeMatch10(w, s.match);
  w.u32(s.durationSec, 'body.duration_sec');
  w.u32(s.durationNsec, 'body.duration_nsec');
  w.u16(s.priority, 'body.priority');
  w.u16(s.idleTimeout, 'body.idle_timeout');
  w.u16(s.hardTimeout, 'body.hard_timeout');
  w.zeros(6);
  w.u64(s.cookie, 'body.cookie');
  w.u64(s.packetCount, 'body.packet_count');
  w.u64(s.byteCount, 'body.byte_count');
  writeActions10(w, s.actions);
  w.patchU16(start, w.pos - start, 'body.length');
}

function readTableStats(r: Reader): TableStats10 {
  const tableId = r.u8('body.table_id');
  r.pad(3);
  const name = r.fixedString(OFP_MAX_TABLE_NAME_LEN, 'body.name');
  return {
    tableId,
    name,
    wildcards: r.u32('body.wildcards'),
    maxEntries: r.u32('body.max_entries'),
    activeCount: r.u32('body.active_count'),
    lookupCount: r.u64('body.lookup_count'),
    matchedCount: r.u64('body.matched_count'),
  };
}

function writeTableStats(w: Writer, s: TableStats10): void {
  w.u8(s.tableId, 'body.table_id');
  w.zeros(3);
  w.fixedString(s.name, OFP_MAX_TABLE_NAME_LEN, 'body.name');
  w.u32(s.wildcards, 'body.wildcards');
  w.u32(s.maxEntries, 'body.max_entries');
  w.u32(s.activeCount, 'body.active_count');
  w.u64(s.lookupCount, 'body.lookup_count');
  w.u64(s.matchedCount, 'body.matched_count');
}

/** The u64 counters of struct ofp_port_stats, in wire order. */
const PORT_COUNTERS = [
  'rxPackets', 'txPackets', 'rxBytes', 'txBytes', 'rxDropped', 'txDropped',
  'rxErrors', 'txErrors', 'rxFrameErr', 'rxOverErr', 'rxCrcErr', 'collisions',
] as const;

function readPortStats(r: Reader): PortStats10 {
  const portNo = r.u16('body.port_no');
  r.pad(6);
  const counters: Record<string, bigint> = {};
  for (const name of PORT_COUNTERS) counters[name] = r.u64(`body.${name}`);
  return { portNo, ...counters } as unknown as PortStats10;
}

function writePortStats(w: Writer, s: PortStats10): void {
  w.u16(s.portNo, 'body.port_no');
  w.zeros(6);
  for (const name of PORT_COUNTERS) w.u64(s[name], `body.${name}`);
}

function readQueueStats(r: Reader): QueueStats10 {
  const portNo = r.u16('body.port_no');
  r.pad(2);
  return {
    portNo,
    queueId: r.u32('body.queue_id'),
    txBytes: r.u64('body.tx_bytes'),
    txPackets: r.u64('body.tx_packets'),
    txErrors: r.u64('body.tx_errors'),
  };
}

function writeQueueStats(w: Writer, s: QueueStats10): void {
  w.u16(s.portNo, 'body.port_no');
  w.zeros(2);
  w.u32(s.queueId, 'body.queue_id');
  w.u64(s.txBytes, 'body.tx_bytes');
  w.u64(s.txPackets, 'body.tx_packets');
  w.u64(s.txErrors, 'body.tx_errors');
}

function decodeReply(r: Reader, h: Header): StatsReply {
  const at = r.pos;
  const tag = statsTag(r, r.u16('type'), at);
  const flags = r.u16('flags');
  let body: StatsReplyBody10;
  switch (tag) {
    case 'desc':
      body = { type: 'desc', ...readDesc(r) };
      break;
    case 'flow':
      body = { type: 'flow', stats: readEntries(r, readFlowStats) };
      break;
    case 'aggregate': {
      const packetCount = r.u64('body.packet_count');
      const byteCount = r.u64('body.byte_count');
      const flowCount = r.u32('body.flow_count');
      r.pad(4);
      body = { type: 'aggregate', packetCount, byteCount, flowCount };
      break;
    }
    case 'table':
      body = { type: 'table', stats: readEntries(r, readTableStats) };
      break;
    case 'port':
      body = { type: 'port', stats: readEntries(r, readPortStats) };
      break;
    case 'queue':
      body = { type: 'queue', stats: readEntries(r, readQueueStats) };
      break;
    default:
      body = { type: 'vendor', vendor: r.u32('body.vendor'), data: r.rest() };
  }
  return { type: 'StatsReply', version: h.version, xid: h.xid, flags, body };
}

function encodeReply(w: Writer, m: StatsReply): void {
  const b = w.struct(m.body, 'body');
  w.u16(statsNumber(w, b.type), 'type');
  w.u16(m.flags, 'flags');
  switch (b.type) {
    case 'desc':
      return writeDesc(w, b);
    case 'flow':
      for (const s of w.list(b.stats, 'body.stats')) writeFlowStats(w, w.struct(s, 'body.stats'));
      return undefined;
    case 'aggregate':
      w.u64(b.packetCount, 'body.packet_count');
      w.u64(b.byteCount, 'body.byte_count');
      w.u32(b.flowCount, 'body.flow_count');
      return w.zeros(4);
    case 'table':
      for (const s of w.list(b.stats, 'body.stats')) writeTableStats(w, w.struct(s, 'body.stats'));
      return undefined;
    case 'port':
      for (const s of w.list(b.stats, 'body.stats')) writePortStats(w, w.struct(s, 'body.stats'));
      return undefined;
    case 'queue':
      for (const s of w.list(b.stats, 'body.stats')) writeQueueStats(w, w.struct(s, 'body.stats'));
      return undefined;
    default:
      w.u32(b.vendor, 'body.vendor');
      return w.bytes(b.data, 'body.data');
  }
}

export const statsCodecs: readonly MessageCodec[] = [
  defineCodec(OFPT_STATS_REQUEST_10, 'StatsRequest', decodeRequest, encodeRequest),
  defineCodec(OFPT_STATS_REPLY_10, 'StatsReply', decodeReply, encodeReply),
];
