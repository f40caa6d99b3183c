import {
  decodeMessage,
  OfpDecodeError,
  OFP_HEADER_SIZE,
  OFP_NO_BUFFER,
  OFPG_ALL,
  OFPG_ANY,
  OFPM_ALL,
  OFPP_ANY,
  OFPP_CONTROLLER,
  OFPTT_ALL,
  type MultipartRequestBody,
  type OfpMessage,
} from '../../openflow/index.js';
import type { Command } from '../../core/index.js';
import type * as pb from '../../generated/sdn/runtime/v1/openflow.js';
import type { FlowStatsRequest, StatsRequest } from '../../generated/sdn/runtime/v1/stats.js';
import { ApiInputError } from '../errors.js';
import { toActions, toBucket, toInstructions, toMeterBand } from './actions.js';
import { toMatch } from './match.js';
import { enumValue, mac, orDefault, u16, u8 } from './validate.js';

/**
 * API commands as codec `Command`s (message values without version and xid).
 * Optional proto fields whose zero is a real wire value take the spec's "none"
 * value when absent: buffer_id -> OFP_NO_BUFFER, out_port -> OFPP_ANY,
 * out_group -> OFPG_ANY, packet-out in_port -> OFPP_CONTROLLER, and for stats
 * requests table_id -> OFPTT_ALL, port_no -> OFPP_ANY, queue_id -> OFPQ_ALL,
 * group_id -> OFPG_ALL, meter_id -> OFPM_ALL.
 */

const OFPQ_ALL = 0xffffffff;

export function toFlowMod(m: pb.FlowMod, path: string): Command {
  return {
    type: 'FlowMod',
    cookie: m.cookie,
    cookieMask: m.cookieMask,
    tableId: u8(m.tableId, `${path}.table_id`),
    command: enumValue(m.command, [0, 1, 2, 3, 4], `${path}.command`),
    idleTimeout: u16(m.idleTimeout, `${path}.idle_timeout`),
    hardTimeout: u16(m.hardTimeout, `${path}.hard_timeout`),
    priority: u16(m.priority, `${path}.priority`),
    bufferId: orDefault(m.bufferId, OFP_NO_BUFFER, 32, `${path}.buffer_id`),
    outPort: orDefault(m.outPort, OFPP_ANY, 32, `${path}.out_port`),
    outGroup: orDefault(m.outGroup, OFPG_ANY, 32, `${path}.out_group`),
    flags: u16(m.flags, `${path}.flags`),
    match: toMatch(m.match, `${path}.match`),
    instructions: toInstructions(m.instructions, `${path}.instructions`),
  };
}

export function toPacketOut(m: pb.PacketOut, path: string): Command {
  return {
    type: 'PacketOut',
    bufferId: orDefault(m.bufferId, OFP_NO_BUFFER, 32, `${path}.buffer_id`),
    inPort: orDefault(m.inPort, OFPP_CONTROLLER, 32, `${path}.in_port`),
    actions: toActions(m.actions, `${path}.actions`),
    data: m.data,
  };
}

export function toGroupMod(m: pb.GroupMod, path: string): Command {
  return {
    type: 'GroupMod',
    command: enumValue(m.command, [0, 1, 2], `${path}.command`),
    groupType: enumValue(m.type, [0, 1, 2, 3], `${path}.type`),
    groupId: m.groupId,
    buckets: m.buckets.map((b, i) => toBucket(b, `${path}.buckets[${i}]`)),
  };
}

export function toMeterMod(m: pb.MeterMod, path: string): Command {
  return {
    type: 'MeterMod',
    command: enumValue(m.command, [0, 1, 2], `${path}.command`),
    flags: u16(m.flags, `${path}.flags`),
    meterId: m.meterId,
    bands: m.bands.map((b, i) => toMeterBand(b, `${path}.bands[${i}]`)),
  };
}

export function toPortMod(m: pb.PortMod, path: string): Command {
  return { type: 'PortMod', portNo: m.portNo, hwAddr: mac(m.hwAddr, `${path}.hw_addr`), config: m.config, mask: m.mask, advertise: m.advertise };
}

export function toTableMod(m: pb.TableMod, path: string): Command {
  return { type: 'TableMod', tableId: u8(m.tableId, `${path}.table_id`), config: m.config };
}

export function toRoleRequest(m: pb.RoleRequest, path: string): Command {
  return { type: 'RoleRequest', role: enumValue(m.role, [0, 1, 2, 3], `${path}.role`), generationId: m.generationId };
}

function flowStatsBody(r: FlowStatsRequest, path: string): Omit<Extract<MultipartRequestBody, { type: 'flow' }>, 'type'> {
  return {
    tableId: orDefault(r.tableId, OFPTT_ALL, 8, `${path}.table_id`),
    outPort: orDefault(r.outPort, OFPP_ANY, 32, `${path}.out_port`),
    outGroup: orDefault(r.outGroup, OFPG_ANY, 32, `${path}.out_group`),
    cookie: r.cookie,
    cookieMask: r.cookieMask,
    match: toMatch(r.match, `${path}.match`),
  };
}

function statsBody(r: StatsRequest, path: string): MultipartRequestBody {
  const k = r.kind;
  if (k === undefined) throw new ApiInputError(path, 'no statistics kind given');
  switch (k.$case) {
    case 'desc':
    case 'table':
    case 'portDesc':
    case 'groupDesc':
      return { type: k.$case };
    case 'flow':
      return { type: 'flow', ...flowStatsBody(k.value, `${path}.flow`) };
    case 'aggregate':
      return { type: 'aggregate', ...flowStatsBody(k.value, `${path}.aggregate`) };
    case 'portStats':
      return { type: 'portStats', portNo: orDefault(k.value.portNo, OFPP_ANY, 32, `${path}.port_stats.port_no`) };
    case 'queue':
      return { type: 'queue', portNo: orDefault(k.value.portNo, OFPP_ANY, 32, `${path}.queue.port_no`), queueId: orDefault(k.value.queueId, OFPQ_ALL, 32, `${path}.queue.queue_id`) };
    case 'group':
      return { type: 'group', groupId: orDefault(k.value.groupId, OFPG_ALL, 32, `${path}.group.group_id`) };
    case 'meter':
    case 'meterConfig':
      return { type: k.$case, meterId: orDefault(k.value.meterId, OFPM_ALL, 32, `${path}.${k.$case === 'meter' ? 'meter' : 'meter_config'}.meter_id`) };
  }
}

/** A statistics request as OFPT_MULTIPART_REQUEST. */
export function toStatsRequest(r: StatsRequest, path: string): Command {
  return { type: 'MultipartRequest', flags: 0, body: statsBody(r, path) };
}

/**
 * A raw OpenFlow message (header included) as a codec value for a switch that
 * speaks `version`: the runtime owns version and xid, so the header's are
 * replaced before decoding. A HELLO is refused: it would restart the
 * negotiation of a running session.
 */
export function toRawMessage(bytes: Uint8Array, version: number, path: string): Command {
  if (bytes.length < OFP_HEADER_SIZE) throw new ApiInputError(path, `${bytes.length} bytes are shorter than the 8-byte OpenFlow header`);
  const length = (bytes[2]! << 8) | bytes[3]!;
  if (length !== bytes.length) throw new ApiInputError(path, `the header's length is ${length} but the message has ${bytes.length} bytes`);
  const copy = Buffer.from(bytes);
  copy[0] = version;
  let decoded: OfpMessage;
  try {
    decoded = decodeMessage(copy);
  } catch (err) {
    if (err instanceof OfpDecodeError) throw new ApiInputError(path, err.message, { cause: err });
    throw err;
  }
  if (decoded.type === 'Hello') throw new ApiInputError(path, 'HELLO would restart the session negotiation; it cannot be sent as a command');
  const { version: _version, xid: _xid, ...command } = decoded;
  return command as Command;
}
