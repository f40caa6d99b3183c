import { defineCodec, type MessageCodec } from './codec-registry.js';
import {
  OFPT_FLOW_REMOVED,
  OFPT_GET_ASYNC_REPLY,
  OFPT_PORT_STATUS,
  OFPT_QUEUE_GET_CONFIG_REPLY,
  OFPT_QUEUE_GET_CONFIG_REQUEST,
  OFPT_ROLE_REPLY,
  OFPT_ROLE_REQUEST,
  OFPT_SET_ASYNC,
} from './constants.js';
import type { AsyncConfig, FlowRemoved, Header, RoleReply, RoleRequest } from './messages.js';
import { readMatch, writeMatch } from './oxm.js';
import { readPort, writePort } from './port.js';
import { readPacketQueues, writePacketQueues } from './queue.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * Switch state reported to the controller and the controller's session settings:
 * FLOW_REMOVED (7.4.2), PORT_STATUS (7.4.3), QUEUE_GET_CONFIG (7.3.6),
 * ROLE_REQUEST/REPLY (7.3.9) and the asynchronous-message filter (7.3.10).
 */

/** sizeof(struct ofp_flow_removed) without the match, header included. */
export const OFP_FLOW_REMOVED_SIZE = 48;
/** sizeof(struct ofp_port_status), header included. */
export const OFP_PORT_STATUS_SIZE = 80;
/** sizeof(struct ofp_role_request), header included. */
export const OFP_ROLE_REQUEST_SIZE = 24;
/** sizeof(struct ofp_async_config), header included. */
export const OFP_ASYNC_CONFIG_SIZE = 32;

function decodeFlowRemoved(r: Reader, h: Header): FlowRemoved {
  const cookie = r.u64('cookie');
  const priority = r.u16('priority');
  const reason = r.u8('reason');
  const tableId = r.u8('table_id');
  const durationSec = r.u32('duration_sec');
  const durationNsec = r.u32('duration_nsec');
  const idleTimeout = r.u16('idle_timeout');
  const hardTimeout = r.u16('hard_timeout');
  const packetCount = r.u64('packet_count');
  const byteCount = r.u64('byte_count');
  const match = readMatch(r);
  return {
    type: 'FlowRemoved',
    version: h.version,
    xid: h.xid,
    cookie,
    priority,
    reason,
    tableId,
    durationSec,
    durationNsec,
    idleTimeout,
    hardTimeout,
    packetCount,
    byteCount,
    match,
  };
}

function encodeFlowRemoved(w: Writer, m: FlowRemoved): void {
  w.u64(m.cookie, 'cookie');
  w.u16(m.priority, 'priority');
  w.u8(m.reason, 'reason');
  w.u8(m.tableId, 'table_id');
  w.u32(m.durationSec, 'duration_sec');
  w.u32(m.durationNsec, 'duration_nsec');
  w.u16(m.idleTimeout, 'idle_timeout');
  w.u16(m.hardTimeout, 'hard_timeout');
  w.u64(m.packetCount, 'packet_count');
  w.u64(m.byteCount, 'byte_count');
  writeMatch(w, m.match);
}

function decodeRole<T extends 'RoleRequest' | 'RoleReply'>(type: T) {
  return (r: Reader, h: Header): Extract<RoleRequest | RoleReply, { type: T }> => {
    const role = r.u32('role');
    r.pad(4);
    const generationId = r.u64('generation_id');
    return { type, version: h.version, xid: h.xid, role, generationId } as Extract<RoleRequest | RoleReply, { type: T }>;
  };
}

function encodeRole(w: Writer, m: RoleRequest | RoleReply): void {
  w.u32(m.role, 'role');
  w.zeros(4);
  w.u64(m.generationId, 'generation_id');
}

function readAsyncConfig(r: Reader): AsyncConfig {
  const pair = (field: string): readonly [number, number] => [r.u32(field), r.u32(field)];
  const packetInMask = pair('packet_in_mask');
  const portStatusMask = pair('port_status_mask');
  return { packetInMask, portStatusMask, flowRemovedMask: pair('flow_removed_mask') };
}

function writeAsyncConfig(w: Writer, m: AsyncConfig): void {
  for (const [mask, field] of [
    [m.packetInMask, 'packet_in_mask'],
    [m.portStatusMask, 'port_status_mask'],
    [m.flowRemovedMask, 'flow_removed_mask'],
  ] as const) {
    if (!Array.isArray(mask) || mask.length !== 2) w.fail(field, 'must be [master/equal, slave]');
    w.u32(mask[0], field);
    w.u32(mask[1], field);
  }
}

export const switchCodecs: readonly MessageCodec[] = [
  defineCodec(OFPT_FLOW_REMOVED, 'FlowRemoved', decodeFlowRemoved, encodeFlowRemoved),
  defineCodec(
    OFPT_PORT_STATUS,
    'PortStatus',
    (r, h) => {
      const reason = r.u8('reason');
      r.pad(7);
      return { type: 'PortStatus', version: h.version, xid: h.xid, reason, desc: readPort(r) };
    },
    (w, m) => {
      w.u8(m.reason, 'reason');
      w.zeros(7);
      writePort(w, m.desc);
    },
  ),
  defineCodec(
    OFPT_QUEUE_GET_CONFIG_REQUEST,
    'QueueGetConfigRequest',
    (r, h) => {
      const port = r.u32('port');
      r.pad(4);
      return { type: 'QueueGetConfigRequest', version: h.version, xid: h.xid, port };
    },
    (w, m) => {
      w.u32(m.port, 'port');
      w.zeros(4);
    },
  ),
  defineCodec(
    OFPT_QUEUE_GET_CONFIG_REPLY,
    'QueueGetConfigReply',
    (r, h) => {
      const port = r.u32('port');
      r.pad(4);
      return { type: 'QueueGetConfigReply', version: h.version, xid: h.xid, port, queues: readPacketQueues(r) };
    },
    (w, m) => {
      w.u32(m.port, 'port');
      w.zeros(4);
      writePacketQueues(w, m.queues);
    },
  ),
  defineCodec(OFPT_ROLE_REQUEST, 'RoleRequest', decodeRole('RoleRequest'), encodeRole),
  defineCodec(OFPT_ROLE_REPLY, 'RoleReply', decodeRole('RoleReply'), encodeRole),
  defineCodec(
    OFPT_GET_ASYNC_REPLY,
    'GetAsyncReply',
    (r, h) => ({ type: 'GetAsyncReply', version: h.version, xid: h.xid, ...readAsyncConfig(r) }),
    writeAsyncConfig,
  ),
  defineCodec(
    OFPT_SET_ASYNC,
    'SetAsync',
    (r, h) => ({ type: 'SetAsync', version: h.version, xid: h.xid, ...readAsyncConfig(r) }),
    writeAsyncConfig,
  ),
];
