import { readMac, writeMac } from '../addresses.js';
import { readPhyPort10, writePhyPort10 } from '../basic.js';
import { defineCodec, headerOnlyCodec, type MessageCodec } from '../codec-registry.js';
import {
  OFPT_FLOW_MOD,
  OFPT_FLOW_REMOVED,
  OFPT_GET_CONFIG_REPLY,
  OFPT_GET_CONFIG_REQUEST,
  OFPT_PACKET_IN,
  OFPT_PACKET_OUT,
  OFPT_PORT_STATUS,
  OFPT_SET_CONFIG,
} from '../constants.js';
import type { Header, PortMod, QueueGetConfigRequest } from '../messages.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { readActions10, writeActions10 } from './actions.js';
import {
  OFP_PACKET_QUEUE_10_SIZE,
  OFP_QUEUE_PROP_MIN_RATE_10_SIZE,
  OFPQT_MIN_RATE_10,
  OFPT_BARRIER_REPLY_10,
  OFPT_BARRIER_REQUEST_10,
  OFPT_PORT_MOD_10,
  OFPT_QUEUE_GET_CONFIG_REPLY_10,
  OFPT_QUEUE_GET_CONFIG_REQUEST_10,
  OFPT_VENDOR_10,
} from './constants.js';
import { readMatch10, writeMatch10 } from './match.js';
import { statsCodecs } from './stats.js';
import type { FlowMod10, FlowRemoved10, PacketIn10, PacketOut10, PacketQueue10, QueueGetConfigReply10, QueueProperty10 } from './types.js';

/** The OpenFlow 1.0 messages other than stats (5.3-5.5 of the 1.0.0 spec). */

function decodePacketIn(r: Reader, h: Header): PacketIn10 {
  const bufferId = r.u32('buffer_id');
  const totalLen = r.u16('total_len');
  const inPort = r.u16('in_port');
  const reason = r.u8('reason');
  r.pad(1);
  return { type: 'PacketIn10', version: h.version, xid: h.xid, bufferId, totalLen, inPort, reason, data: r.rest() };
}

function encodePacketIn(w: Writer, m: PacketIn10): void {
  w.u32(m.bufferId, 'buffer_id');
  w.u16(m.totalLen, 'total_len');
  w.u16(m.inPort, 'in_port');
  w.u8(m.reason, 'reason');
  w.zeros(1);
  w.bytes(m.data, 'data');
}

function decodePacketOut(r: Reader, h: Header): PacketOut10 {
  const bufferId = r.u32('buffer_id');
  const inPort = r.u16('in_port');
  const actionsLen = r.u16('actions_len');
  const actions = readActions10(r.sub(actionsLen, 'actions_len'));
  return { type: 'PacketOut10', version: h.version, xid: h.xid, bufferId, inPort, actions, data: r.rest() };
}

function encodePacketOut(w: Writer, m: PacketOut10): void {
  w.u32(m.bufferId, 'buffer_id');
  w.u16(m.inPort, 'in_port');
  const at = w.pos;
  w.u16(0, 'actions_len');
  writeActions10(w, m.actions);
  w.patchU16(at, w.pos - at - 2, 'actions_len');
  w.bytes(m.data, 'data');
}

function decodeFlowMod(r: Reader, h: Header): FlowMod10 {
  const match = readMatch10(r);
  const cookie = r.u64('cookie');
  const command = r.u16('command');
  const idleTimeout = r.u16('idle_timeout');
  const hardTimeout = r.u16('hard_timeout');
  const priority = r.u16('priority');
  const bufferId = r.u32('buffer_id');
  const outPort = r.u16('out_port');
  const flags = r.u16('flags');
  const actions = readActions10(r);
  return { type: 'FlowMod10', version: h.version, xid: h.xid, match, cookie, command, idleTimeout, hardTimeout, priority, bufferId, outPort, flags, actions };
}

function encodeFlowMod(w: Writer, m: FlowMod10): void {
  writeMatch10(w, m.match);
  w.u64(m.cookie, 'cookie');
  w.u16(m.command, 'command');
  w.u16(m.idleTimeout, 'idle_timeout');
  w.u16(m.hardTimeout, 'hard_timeout');
  w.u16(m.priority, 'priority');
  w.u32(m.bufferId, 'buffer_id');
  w.u16(m.outPort, 'out_port');
  w.u16(m.flags, 'flags');
  writeActions10(w, m.actions);
}

function decodeFlowRemoved(r: Reader, h: Header): FlowRemoved10 {
  const match = readMatch10(r);
  const cookie = r.u64('cookie');
  const priority = r.u16('priority');
  const reason = r.u8('reason');
  r.pad(1);
  const durationSec = r.u32('duration_sec');
  const durationNsec = r.u32('duration_nsec');
  const idleTimeout = r.u16('idle_timeout');
  r.pad(2);
  const packetCount = r.u64('packet_count');
  const byteCount = r.u64('byte_count');
  return { type: 'FlowRemoved10', version: h.version, xid: h.xid, match, cookie, priority, reason, durationSec, durationNsec, idleTimeout, packetCount, byteCount };
}

function encodeFlowRemoved(w: Writer, m: FlowRemoved10): void {
  writeMatch10(w, m.match);
  w.u64(m.cookie, 'cookie');
  w.u16(m.priority, 'priority');
  w.u8(m.reason, 'reason');
  w.zeros(1);
  w.u32(m.durationSec, 'duration_sec');
  w.u32(m.durationNsec, 'duration_nsec');
  w.u16(m.idleTimeout, 'idle_timeout');
  w.zeros(2);
  w.u64(m.packetCount, 'packet_count');
  w.u64(m.byteCount, 'byte_count');
}

function decodePortMod(r: Reader, h: Header): PortMod {
  const portNo = r.u16('port_no');
  const hwAddr = readMac(r, 'hw_addr');
  const config = r.u32('config');
  const mask = r.u32('mask');
  const advertise = r.u32('advertise');
  r.pad(4);
  return { type: 'PortMod', version: h.version, xid: h.xid, portNo, hwAddr, config, mask, advertise };
}

function encodePortMod(w: Writer, m: PortMod): void {
  w.u16(m.portNo, 'port_no');
  writeMac(w, m.hwAddr, 'hw_addr');
  w.u32(m.config, 'config');
  w.u32(m.mask, 'mask');
  w.u32(m.advertise, 'advertise');
  w.zeros(4);
}

function readQueue(r: Reader): PacketQueue10 {
  const start = r.pos;
  const queueId = r.u32('queues.queue_id');
  const len = r.u16('queues.len');
  if (len < OFP_PACKET_QUEUE_10_SIZE) r.fail('queues.len', `${len} is below the queue size 8`, start + 4);
  r.pad(2);
  const body = r.sub(len - OFP_PACKET_QUEUE_10_SIZE, 'queues.len');
  const properties: QueueProperty10[] = [];
  while (body.remaining() > 0) {
    const at = body.pos;
    const property = body.u16('queues.properties.property');
    const propLen = body.u16('queues.properties.len');
    if (property !== OFPQT_MIN_RATE_10) body.fail('queues.properties.property', `unknown queue property ${property}`, at);
    if (propLen !== OFP_QUEUE_PROP_MIN_RATE_10_SIZE) body.fail('queues.properties.len', `min_rate must be 16 bytes, header says ${propLen}`, at + 2);
    body.pad(4);
    const rate = body.u16('queues.properties.rate');
    body.pad(6);
    properties.push({ type: 'minRate', rate });
  }
  return { queueId, properties };
}

function writeQueue(w: Writer, q: PacketQueue10): void {
  const start = w.pos;
  w.u32(q.queueId, 'queues.queue_id');
  w.u16(0, 'queues.len');
  w.zeros(2);
  for (const p of w.list(q.properties, 'queues.properties')) {
    if (w.struct(p, 'queues.property').type !== 'minRate') w.fail('queues.properties.property', `"${String(p.type)}" is not an OpenFlow 1.0 queue property`);
    w.u16(OFPQT_MIN_RATE_10, 'queues.properties.property');
    w.u16(OFP_QUEUE_PROP_MIN_RATE_10_SIZE, 'queues.properties.len');
    w.zeros(4);
    w.u16(p.rate, 'queues.properties.rate');
    w.zeros(6);
  }
  w.patchU16(start + 4, w.pos - start, 'queues.len');
}

function decodeQueueGetConfigReply(r: Reader, h: Header): QueueGetConfigReply10 {
  const port = r.u16('port');
  r.pad(6);
  const queues: PacketQueue10[] = [];
  while (r.remaining() > 0) queues.push(readQueue(r));
  return { type: 'QueueGetConfigReply10', version: h.version, xid: h.xid, port, queues };
}

function encodeQueueGetConfigReply(w: Writer, m: QueueGetConfigReply10): void {
  w.u16(m.port, 'port');
  w.zeros(6);
  for (const q of w.list(m.queues, 'queues')) writeQueue(w, w.struct(q, 'queues'));
}

function decodeQueueGetConfigRequest(r: Reader, h: Header): QueueGetConfigRequest {
  const port = r.u16('port');
  r.pad(2);
  return { type: 'QueueGetConfigRequest', version: h.version, xid: h.xid, port };
}

const switchConfig = (type: 'GetConfigReply' | 'SetConfig', msgType: number): MessageCodec =>
  defineCodec(
    msgType,
    type,
    (r, h) => ({ type, version: h.version, xid: h.xid, flags: r.u16('flags'), missSendLen: r.u16('miss_send_len') }),
    (w, m) => {
      w.u16(m.flags, 'flags');
      w.u16(m.missSendLen, 'miss_send_len');
    },
  );

/** Every OpenFlow 1.0 message but HELLO, ERROR, ECHO and FEATURES (../basic.ts has those). */
export const of10Codecs: readonly MessageCodec[] = [
  defineCodec(
    OFPT_VENDOR_10,
    'Vendor',
    (r, h) => ({ type: 'Vendor', version: h.version, xid: h.xid, vendor: r.u32('vendor'), data: r.rest() }),
    (w, m) => {
      w.u32(m.vendor, 'vendor');
      w.bytes(m.data, 'data');
    },
  ),
  headerOnlyCodec(OFPT_GET_CONFIG_REQUEST, 'GetConfigRequest'),
  switchConfig('GetConfigReply', OFPT_GET_CONFIG_REPLY),
  switchConfig('SetConfig', OFPT_SET_CONFIG),
  defineCodec(OFPT_PACKET_IN, 'PacketIn10', decodePacketIn, encodePacketIn),
  defineCodec(OFPT_FLOW_REMOVED, 'FlowRemoved10', decodeFlowRemoved, encodeFlowRemoved),
  defineCodec(
    OFPT_PORT_STATUS,
    'PortStatus10',
    (r, h) => {
      const reason = r.u8('reason');
      r.pad(7);
      return { type: 'PortStatus10', version: h.version, xid: h.xid, reason, desc: readPhyPort10(r) };
    },
    (w, m) => {
      w.u8(m.reason, 'reason');
      w.zeros(7);
      writePhyPort10(w, w.struct(m.desc, 'desc.port'));
    },
  ),
  defineCodec(OFPT_PACKET_OUT, 'PacketOut10', decodePacketOut, encodePacketOut),
  defineCodec(OFPT_FLOW_MOD, 'FlowMod10', decodeFlowMod, encodeFlowMod),
  defineCodec(OFPT_PORT_MOD_10, 'PortMod', decodePortMod, encodePortMod),
  ...statsCodecs,
  headerOnlyCodec(OFPT_BARRIER_REQUEST_10, 'BarrierRequest'),
  headerOnlyCodec(OFPT_BARRIER_REPLY_10, 'BarrierReply'),
  defineCodec(OFPT_QUEUE_GET_CONFIG_REQUEST_10, 'QueueGetConfigRequest', decodeQueueGetConfigRequest, (w, m) => {
    w.u16(m.port, 'port');
    w.zeros(2);
  }),
  defineCodec(OFPT_QUEUE_GET_CONFIG_REPLY_10, 'QueueGetConfigReply10', decodeQueueGetConfigReply, encodeQueueGetConfigReply),
];
