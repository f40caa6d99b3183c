import { readActions, writeActions } from './actions.js';
import { defineCodec, type MessageCodec } from './codec-registry.js';
import { OFPT_FLOW_MOD, OFPT_PACKET_IN, OFPT_PACKET_OUT } from './constants.js';
import { readInstructions, writeInstructions } from './instructions.js';
import type { FlowMod, Header, PacketIn, PacketOut } from './messages.js';
import { readMatch, writeMatch } from './oxm.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * The messages on the hot path of every controller: PACKET_IN (7.4.1),
 * PACKET_OUT (7.3.7) and FLOW_MOD (7.3.4.1). Decoding a PACKET_IN copies nothing:
 * `data` is a view into the received buffer.
 */

/** sizeof(struct ofp_packet_in) up to the match, header included. */
export const OFP_PACKET_IN_SIZE = 24;
/** sizeof(struct ofp_packet_out) without actions, header included. */
export const OFP_PACKET_OUT_SIZE = 24;
/** sizeof(struct ofp_flow_mod) without match and instructions, header included. */
export const OFP_FLOW_MOD_SIZE = 48;

function decodePacketIn(r: Reader, h: Header): PacketIn {
  const bufferId = r.u32('buffer_id');
  const totalLen = r.u16('total_len');
  const reason = r.u8('reason');
  const tableId = r.u8('table_id');
  const cookie = r.u64('cookie');
  const match = readMatch(r);
  r.pad(2);
  const data = r.rest();
  return { type: 'PacketIn', version: h.version, xid: h.xid, bufferId, totalLen, reason, tableId, cookie, match, data };
}

function encodePacketIn(w: Writer, m: PacketIn): void {
  w.u32(m.bufferId, 'buffer_id');
  w.u16(m.totalLen, 'total_len');
  w.u8(m.reason, 'reason');
  w.u8(m.tableId, 'table_id');
  w.u64(m.cookie, 'cookie');
  writeMatch(w, m.match);
  w.zeros(2);
  w.bytes(m.data, 'data');
}

function decodePacketOut(r: Reader, h: Header): PacketOut {
  const bufferId = r.u32('buffer_id');
  const inPort = r.u32('in_port');
  const actionsLen = r.u16('actions_len');
  r.pad(6);
  const actions = readActions(r.sub(actionsLen, 'actions_len'));
  return { type: 'PacketOut', version: h.version, xid: h.xid, bufferId, inPort, actions, data: r.rest() };
}

function encodePacketOut(w: Writer, m: PacketOut): void {
  w.u32(m.bufferId, 'buffer_id');
  w.u32(m.inPort, 'in_port');
  const lenAt = w.pos;
  w.u16(0, 'actions_len');
  w.zeros(6);
  const actionsStart = w.pos;
  writeActions(w, m.actions);
  w.patchU16(lenAt, w.pos - actionsStart, 'actions_len');
  w.bytes(m.data, 'data');
}

function decodeFlowMod(r: Reader, h: Header): FlowMod {
  const cookie = r.u64('cookie');
  const cookieMask = r.u64('cookie_mask');
  const tableId = r.u8('table_id');
  const command = r.u8('command');
  const idleTimeout = r.u16('idle_timeout');
  const hardTimeout = r.u16('hard_timeout');
  const priority = r.u16('priority');
  const bufferId = r.u32('buffer_id');
  const outPort = r.u32('out_port');
  const outGroup = r.u32('out_group');
  const flags = r.u16('flags');
  r.pad(2);
  const match = readMatch(r);
  const instructions = readInstructions(r);
  return {
    type: 'FlowMod',
    version: h.version,
    xid: h.xid,
    cookie,
    cookieMask,
    tableId,
    command,
    idleTimeout,
    hardTimeout,
    priority,
    bufferId,
    outPort,
    outGroup,
    flags,
    match,
    instructions,
  };
}

function encodeFlowMod(w: Writer, m: FlowMod): void {
  w.u64(m.cookie, 'cookie');
  w.u64(m.cookieMask, 'cookie_mask');
  w.u8(m.tableId, 'table_id');
  w.u8(m.command, 'command');
  w.u16(m.idleTimeout, 'idle_timeout');
  w.u16(m.hardTimeout, 'hard_timeout');
  w.u16(m.priority, 'priority');
  w.u32(m.bufferId, 'buffer_id');
  w.u32(m.outPort, 'out_port');
  w.u32(m.outGroup, 'out_group');
  w.u16(m.flags, 'flags');
  w.zeros(2);
  writeMatch(w, m.match);
  writeInstructions(w, m.instructions);
}

export const flowCodecs: readonly MessageCodec[] = [
  defineCodec(OFPT_PACKET_IN, 'PacketIn', decodePacketIn, encodePacketIn),
  defineCodec(OFPT_PACKET_OUT, 'PacketOut', decodePacketOut, encodePacketOut),
  defineCodec(OFPT_FLOW_MOD, 'FlowMod', decodeFlowMod, encodeFlowMod),
];
