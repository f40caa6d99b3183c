import { defineCodec, type MessageCodec } from './codec-registry.js';
import { OFPT_MULTIPART_REPLY, OFPT_MULTIPART_REQUEST } from './constants.js';
import {
  readGroupDesc,
  readGroupFeatures,
  readGroupStats,
  readMeterConfig,
  readMeterFeatures,
  readMeterStats,
  writeGroupDesc,
  writeGroupFeatures,
  writeGroupStats,
  writeMeterConfig,
  writeMeterFeatures,
  writeMeterStats,
} from './group-meter-stats.js';
import type { Header, MultipartReply, MultipartRequest } from './messages.js';
import { ONFMP_FLOW_MONITOR, readFlowMonitorRequests, writeFlowMonitorRequests } from './onf-flow-monitor.js';
import { ONF_EXPERIMENTER_ID } from './oxm-fields.js';
import {
  readAggregate,
  readDesc,
  readEntries,
  readFlowStats,
  readFlowStatsRequest,
  readPortStats,
  readQueueStats,
  readTableStats,
  writeAggregate,
  writeDesc,
  writeFlowStats,
  writeFlowStatsRequest,
  writePortStats,
  writeQueueStats,
  writeTableStats,
} from './multipart-stats.js';
import type { MultipartExperimenterBody, MultipartReplyBody, MultipartRequestBody, MultipartType } from './multipart-types.js';
import { readPort, writePort } from './port.js';
import type { Reader } from './reader.js';
import { readTableFeatures, writeTableFeatures } from './table-features.js';
import type { Writer } from './writer.js';

/**
 * OFPT_MULTIPART_REQUEST and OFPT_MULTIPART_REPLY (OpenFlow 1.3.5 7.3.5): a
 * 16-byte header (ofp_header, type, flags, pad) and a body chosen by the multipart
 * type. A multipart type the codec does not know decodes as an `unknown` body with
 * its bytes and encodes back unchanged; a known type whose body has the wrong size
 * fails with an `OfpDecodeError` naming the field.
 */

// 7.3.5 enum ofp_multipart_type
export const OFPMP_DESC = 0;
export const OFPMP_FLOW = 1;
export const OFPMP_AGGREGATE = 2;
export const OFPMP_TABLE = 3;
export const OFPMP_PORT_STATS = 4;
export const OFPMP_QUEUE = 5;
export const OFPMP_GROUP = 6;
export const OFPMP_GROUP_DESC = 7;
export const OFPMP_GROUP_FEATURES = 8;
export const OFPMP_METER = 9;
export const OFPMP_METER_CONFIG = 10;
export const OFPMP_METER_FEATURES = 11;
export const OFPMP_TABLE_FEATURES = 12;
export const OFPMP_PORT_DESC = 13;
export const OFPMP_EXPERIMENTER = 0xffff;

/** sizeof(struct ofp_multipart_request), header included, without body. */
export const OFP_MULTIPART_REQUEST_SIZE = 16;
/** sizeof(struct ofp_multipart_reply), header included, without body. */
export const OFP_MULTIPART_REPLY_SIZE = 16;
/** sizeof(struct ofp_experimenter_multipart_header). */
export const OFP_EXPERIMENTER_MULTIPART_HEADER_SIZE = 8;

/** Wire multipart type of each body tag (`unknown` carries its own). */
export const MULTIPART_TYPE_NUMBERS: Readonly<Record<Exclude<MultipartType, 'unknown'>, number>> = {
  desc: OFPMP_DESC,
  flow: OFPMP_FLOW,
  aggregate: OFPMP_AGGREGATE,
  table: OFPMP_TABLE,
  portStats: OFPMP_PORT_STATS,
  queue: OFPMP_QUEUE,
  group: OFPMP_GROUP,
  groupDesc: OFPMP_GROUP_DESC,
  groupFeatures: OFPMP_GROUP_FEATURES,
  meter: OFPMP_METER,
  meterConfig: OFPMP_METER_CONFIG,
  meterFeatures: OFPMP_METER_FEATURES,
  tableFeatures: OFPMP_TABLE_FEATURES,
  portDesc: OFPMP_PORT_DESC,
  experimenter: OFPMP_EXPERIMENTER,
};

// ---------------------------------------------------------------- shared parts

/** Fails unless the body is empty (types whose request carries nothing). */
function empty<T extends MultipartType>(r: Reader, type: T): { readonly type: T } {
  r.done('body');
  return { type };
}

function readExperimenter(r: Reader): MultipartExperimenterBody {
  r.need(OFP_EXPERIMENTER_MULTIPART_HEADER_SIZE, 'experimenter');
  const experimenter = r.u32('experimenter');
  const expType = r.u32('exp_type');
  return { type: 'experimenter', experimenter, expType, data: r.rest() };
}

/** An experimenter request body: ONF's flow monitor typed, any other kept as bytes. */
function readExperimenterRequest(r: Reader): MultipartRequestBody {
  const body = readExperimenter(r);
  if (body.experimenter !== ONF_EXPERIMENTER_ID || body.expType !== ONFMP_FLOW_MONITOR) return body;
  r.pos -= body.data.length;
  return { type: 'onfFlowMonitor', monitors: readFlowMonitorRequests(r) };
}

function writeExperimenter(w: Writer, b: MultipartExperimenterBody): void {
  w.u32(b.experimenter, 'experimenter');
  w.u32(b.expType, 'exp_type');
  w.bytes(b.data, 'data');
}

/** A u32 id followed by 4 bytes of padding (port, group and meter requests). */
function readId(r: Reader, field: string): number {
  const id = r.u32(field);
  r.pad(4);
  return id;
}

function writeId(w: Writer, id: number, field: string): void {
  w.u32(id, field);
  w.zeros(4);
}

/**
 * Writes each entry of a reply list with `writeOne`. `field` (the value key:
 * `stats`, `ports`) names the list and its entries when either is not what it
 * should be.
 */
function writeEach<T extends object>(w: Writer, entries: readonly T[], field: string, writeOne: (w: Writer, entry: T) => void): void {
  const list = w.list(entries, field);
  for (let i = 0; i < list.length; i++) writeOne(w, w.struct(list[i]!, field));
}

const KNOWN_TYPE_NUMBERS = new Set<number>(Object.values(MULTIPART_TYPE_NUMBERS));

/**
 * Writes the multipart type number of `body`, failing on a tag the codec does not
 * know, and on an `unknown` body whose number the codec knows: those bytes would
 * decode as another body, not as the value given.
 */
function writeType(w: Writer, body: MultipartRequestBody | MultipartReplyBody): void {
  if (body.type === 'unknown') {
    if (KNOWN_TYPE_NUMBERS.has(body.multipartType)) w.fail('type', `multipart type ${body.multipartType} is known: use its body, not 'unknown'`);
    return w.u16(body.multipartType, 'type');
  }
  if (body.type === 'onfFlowMonitor') return w.u16(OFPMP_EXPERIMENTER, 'type');
  const n = Object.hasOwn(MULTIPART_TYPE_NUMBERS, body.type) ? MULTIPART_TYPE_NUMBERS[body.type] : undefined;
  if (n === undefined) w.fail('type', `unknown multipart body "${String((body as { type: unknown }).type)}"`);
  w.u16(n, 'type');
}

// ---------------------------------------------------------------- requests

function readRequestBody(r: Reader, multipartType: number): MultipartRequestBody {
  switch (multipartType) {
    case OFPMP_DESC:
      return empty(r, 'desc');
    case OFPMP_FLOW:
      return { type: 'flow', ...readFlowStatsRequest(r) };
    case OFPMP_AGGREGATE:
      return { type: 'aggregate', ...readFlowStatsRequest(r) };
    case OFPMP_TABLE:
      return empty(r, 'table');
    case OFPMP_PORT_STATS:
      return { type: 'portStats', portNo: readId(r, 'port_no') };
    case OFPMP_QUEUE: {
      const portNo = r.u32('port_no');
      return { type: 'queue', portNo, queueId: r.u32('queue_id') };
    }
    case OFPMP_GROUP:
      return { type: 'group', groupId: readId(r, 'group_id') };
    case OFPMP_GROUP_DESC:
      return empty(r, 'groupDesc');
    case OFPMP_GROUP_FEATURES:
      return empty(r, 'groupFeatures');
    case OFPMP_METER:
      return { type: 'meter', meterId: readId(r, 'meter_id') };
    case OFPMP_METER_CONFIG:
      return { type: 'meterConfig', meterId: readId(r, 'meter_id') };
    case OFPMP_METER_FEATURES:
      return empty(r, 'meterFeatures');
    case OFPMP_TABLE_FEATURES:
      return { type: 'tableFeatures', tables: readTableFeatures(r) };
    case OFPMP_PORT_DESC:
      return empty(r, 'portDesc');
    case OFPMP_EXPERIMENTER:
      return readExperimenterRequest(r);
    default:
      return { type: 'unknown', multipartType, data: r.rest() };
  }
}

function writeRequestBody(w: Writer, body: MultipartRequestBody): void {
  switch (body.type) {
    case 'flow':
    case 'aggregate':
      return writeFlowStatsRequest(w, body);
    case 'portStats':
      return writeId(w, body.portNo, 'port_no');
    case 'queue':
      w.u32(body.portNo, 'port_no');
      return w.u32(body.queueId, 'queue_id');
    case 'group':
      return writeId(w, body.groupId, 'group_id');
    case 'meter':
    case 'meterConfig':
      return writeId(w, body.meterId, 'meter_id');
    case 'tableFeatures':
      return writeTableFeatures(w, body.tables);
    case 'experimenter':
      return writeExperimenter(w, body);
    case 'onfFlowMonitor':
      w.u32(ONF_EXPERIMENTER_ID, 'experimenter');
      w.u32(ONFMP_FLOW_MONITOR, 'exp_type');
      return writeFlowMonitorRequests(w, body.monitors);
    case 'unknown':
      return w.bytes(body.data, 'data');
    default:
      // desc, table, groupDesc, groupFeatures, meterFeatures, portDesc: no body.
      return;
  }
}

function decodeRequest(r: Reader, h: Header): MultipartRequest {
  const multipartType = r.u16('type');
  const flags = r.u16('flags');
  r.pad(4);
  return { type: 'MultipartRequest', version: h.version, xid: h.xid, flags, body: readRequestBody(r, multipartType) };
}

function encodeRequest(w: Writer, m: MultipartRequest): void {
  const body = w.struct(m.body, 'body');
  writeType(w, body);
  w.u16(m.flags, 'flags');
  w.zeros(4);
  writeRequestBody(w, body);
}

// ---------------------------------------------------------------- replies

function readReplyBody(r: Reader, multipartType: number): MultipartReplyBody {
  switch (multipartType) {
    case OFPMP_DESC:
      return { type: 'desc', ...readDesc(r) };
    case OFPMP_FLOW:
      return { type: 'flow', stats: readEntries(r, readFlowStats) };
    case OFPMP_AGGREGATE:
      return { type: 'aggregate', ...readAggregate(r) };
    case OFPMP_TABLE:
      return { type: 'table', stats: readEntries(r, readTableStats) };
    case OFPMP_PORT_STATS:
      return { type: 'portStats', stats: readEntries(r, readPortStats) };
    case OFPMP_QUEUE:
      return { type: 'queue', stats: readEntries(r, readQueueStats) };
    case OFPMP_GROUP:
      return { type: 'group', stats: readEntries(r, readGroupStats) };
    case OFPMP_GROUP_DESC:
      return { type: 'groupDesc', stats: readEntries(r, readGroupDesc) };
    case OFPMP_GROUP_FEATURES:
      return { type: 'groupFeatures', ...readGroupFeatures(r) };
    case OFPMP_METER:
      return { type: 'meter', stats: readEntries(r, readMeterStats) };
    case OFPMP_METER_CONFIG:
      return { type: 'meterConfig', stats: readEntries(r, readMeterConfig) };
    case OFPMP_METER_FEATURES:
      return { type: 'meterFeatures', stats: readEntries(r, readMeterFeatures) };
    case OFPMP_TABLE_FEATURES:
      return { type: 'tableFeatures', tables: readTableFeatures(r) };
    case OFPMP_PORT_DESC:
      return { type: 'portDesc', ports: readEntries(r, readPort) };
    case OFPMP_EXPERIMENTER:
      return readExperimenter(r);
    default:
      return { type: 'unknown', multipartType, data: r.rest() };
  }
}

function writeReplyBody(w: Writer, body: MultipartReplyBody): void {
  switch (body.type) {
    case 'desc':
      return writeDesc(w, body);
    case 'flow':
      return writeEach(w, body.stats, 'stats', writeFlowStats);
    case 'aggregate':
      return writeAggregate(w, body);
    case 'table':
      return writeEach(w, body.stats, 'stats', writeTableStats);
    case 'portStats':
      return writeEach(w, body.stats, 'stats', writePortStats);
    case 'queue':
      return writeEach(w, body.stats, 'stats', writeQueueStats);
    case 'group':
      return writeEach(w, body.stats, 'stats', writeGroupStats);
    case 'groupDesc':
      return writeEach(w, body.stats, 'stats', writeGroupDesc);
    case 'groupFeatures':
      return writeGroupFeatures(w, body);
    case 'meter':
      return writeEach(w, body.stats, 'stats', writeMeterStats);
    case 'meterConfig':
      return writeEach(w, body.stats, 'stats', writeMeterConfig);
    case 'meterFeatures':
      return writeEach(w, body.stats, 'stats', writeMeterFeatures);
    case 'tableFeatures':
      return writeTableFeatures(w, body.tables);
    case 'portDesc':
      return writeEach(w, body.ports, 'ports', writePort);
    case 'experimenter':
      return writeExperimenter(w, body);
    case 'unknown':
      return w.bytes(body.data, 'data');
  }
}

function decodeReply(r: Reader, h: Header): MultipartReply {
  const multipartType = r.u16('type');
  const flags = r.u16('flags');
  r.pad(4);
  return { type: 'MultipartReply', version: h.version, xid: h.xid, flags, body: readReplyBody(r, multipartType) };
}

function encodeReply(w: Writer, m: MultipartReply): void {
  const body = w.struct(m.body, 'body');
  writeType(w, body);
  w.u16(m.flags, 'flags');
  w.zeros(4);
  writeReplyBody(w, body);
}

/** OpenFlow 1.3 OFPT_MULTIPART_REQUEST and OFPT_MULTIPART_REPLY. */
export const multipartCodecs: readonly MessageCodec[] = [
  defineCodec(OFPT_MULTIPART_REQUEST, 'MultipartRequest', decodeRequest, encodeRequest),
  defineCodec(OFPT_MULTIPART_REPLY, 'MultipartReply', decodeReply, encodeReply),
];
