import { canonicalMac } from '../addresses.js';
import { invalid } from '../errors.js';
import type { Command } from '../generated/sdn/runtime/v1/events.js';
import * as pb from '../generated/sdn/runtime/v1/openflow.js';
import type { Action } from '../openflow/actions.js';
import { outputPort } from '../openflow/actions.js';
import { Group, Meter, Port, Table } from '../openflow/constants.js';
import { checkInstructions, type Instruction } from '../openflow/instructions.js';
import type { MatchBuilder } from '../openflow/match.js';
import { bytes, oneOf, u64, uint } from '../openflow/numbers.js';
import { describe, type Match } from '../openflow/oxm-values.js';
import { asBuffer } from './bytes.js';
import { actionsToProto, checkMatch, instructionToProto, matchToProto } from './openflow.js';

/** The `kind` of a Command: what the stream carries for one OpenFlow command. */
export type CommandKind = NonNullable<Command['kind']>;

/** OFP_DEFAULT_PRIORITY. */
export const DEFAULT_PRIORITY = 0x8000;

/**
 * The bits of a cookie (and cookie mask) that are the app's: the runtime puts
 * the app's id in the top 16 (`SdnApp.appId`) and refuses a cookie that sets
 * them (CODE_INVALID). What an app reads back (flow-removed, packet-in, flow
 * stats) carries the cookie it wrote. docs/apps-sharing-a-switch.md.
 */
export const APP_COOKIE_MASK = 0xffff_ffff_ffffn;

export type FlowModCommand = 'add' | 'modify' | 'modifyStrict' | 'delete' | 'deleteStrict';

/** OFPT_FLOW_MOD. Times in seconds; every field but the match and instructions has the spec's default. */
export interface FlowModOptions {
  /** Default 'add'. */
  readonly command?: FlowModCommand;
  /** Default 0; Table.ALL only for deletes. */
  readonly tableId?: number;
  /** Default OFP_DEFAULT_PRIORITY (0x8000). */
  readonly priority?: number;
  /** Seconds without a hit before the flow expires; 0 (default) never. */
  readonly idleTimeout?: number;
  /** Seconds before the flow expires regardless; 0 (default) never. */
  readonly hardTimeout?: number;
  readonly cookie?: bigint;
  /** For modify/delete: which cookie bits must match. */
  readonly cookieMask?: bigint;
  /** A buffered packet to run through the new flow (from a packet-in's bufferId). Default none. */
  readonly bufferId?: number;
  /** Deletes: only flows that output to this port. Default Port.ANY. */
  readonly outPort?: number;
  /** Deletes: only flows that output to this group. Default Group.ANY. */
  readonly outGroup?: number;
  /** FlowModFlags bits. */
  readonly flags?: number;
  readonly match?: Match | MatchBuilder;
  readonly instructions?: readonly Instruction[];
}

const FLOW_MOD_COMMANDS: Record<FlowModCommand, pb.FlowMod_Command> = {
  add: pb.FlowMod_Command.COMMAND_ADD,
  modify: pb.FlowMod_Command.COMMAND_MODIFY,
  modifyStrict: pb.FlowMod_Command.COMMAND_MODIFY_STRICT,
  delete: pb.FlowMod_Command.COMMAND_DELETE,
  deleteStrict: pb.FlowMod_Command.COMMAND_DELETE_STRICT,
};

export function flowModToProto(o: FlowModOptions): CommandKind {
  const what = 'flowMod';
  const command = oneOf(o.command ?? 'add', Object.keys(FLOW_MOD_COMMANDS) as FlowModCommand[], `${what} command`);
  const tableId = uint(o.tableId ?? 0, 8, `${what} tableId`);
  if (tableId === Table.ALL && !command.startsWith('delete')) throw invalid(`${what} tableId`, 'Table.ALL is only for deletes');
  const value: pb.FlowMod = {
    cookie: u64(o.cookie ?? 0n, `${what} cookie`),
    cookieMask: u64(o.cookieMask ?? 0n, `${what} cookieMask`),
    tableId,
    command: FLOW_MOD_COMMANDS[command],
    idleTimeout: uint(o.idleTimeout ?? 0, 16, `${what} idleTimeout`),
    hardTimeout: uint(o.hardTimeout ?? 0, 16, `${what} hardTimeout`),
    priority: uint(o.priority ?? DEFAULT_PRIORITY, 16, `${what} priority`),
    flags: uint(o.flags ?? 0, 16, `${what} flags`),
    match: matchToProto(checkMatch(o.match, `${what} match`)),
    instructions: checkInstructions(o.instructions ?? [], tableId, `${what} instructions`).map(instructionToProto),
  };
  if (o.bufferId !== undefined) value.bufferId = uint(o.bufferId, 32, `${what} bufferId`);
  if (o.outPort !== undefined) value.outPort = uint(o.outPort, 32, `${what} outPort`);
  if (o.outGroup !== undefined) value.outGroup = uint(o.outGroup, 32, `${what} outGroup`);
  return { $case: 'flowMod', value };
}

/** OFPT_PACKET_OUT: either `data` (the frame) or the `bufferId` of a packet the switch holds. */
export interface PacketOutOptions {
  readonly actions: readonly Action[];
  readonly data?: Uint8Array;
  readonly bufferId?: number;
  /** The port the packet counts as coming from. Default Port.CONTROLLER. */
  readonly inPort?: number;
}

export function packetOutToProto(o: PacketOutOptions): CommandKind {
  const what = 'packetOut';
  const data = o.data === undefined ? Buffer.alloc(0) : asBuffer(bytes(o.data, `${what} data`));
  const value: pb.PacketOut = { actions: actionsToProto(o.actions, what), data };
  if (o.bufferId === undefined && data.length === 0) throw invalid(what, 'give the frame as data, or the bufferId of a packet the switch holds');
  if (o.bufferId !== undefined) {
    if (data.length > 0) throw invalid(what, 'give data or bufferId, not both');
    value.bufferId = uint(o.bufferId, 32, `${what} bufferId`);
  }
  if (o.inPort !== undefined) value.inPort = outputPort(o.inPort, `${what} inPort`);
  return { $case: 'packetOut', value };
}

export interface BucketSpec {
  /** Share of traffic in a select group. */
  readonly weight?: number;
  /** Fast failover: the bucket is live while this port is. */
  readonly watchPort?: number;
  /** Fast failover: the bucket is live while this group is. */
  readonly watchGroup?: number;
  readonly actions: readonly Action[];
}

export type GroupType = 'all' | 'select' | 'indirect' | 'fastFailover';

/** OFPT_GROUP_MOD. */
export interface GroupModOptions {
  /** Default 'add'. */
  readonly command?: 'add' | 'modify' | 'delete';
  /** Default 'all'. */
  readonly type?: GroupType;
  /** 0..Group.MAX; Group.ALL for deletes. */
  readonly groupId: number;
  readonly buckets?: readonly BucketSpec[];
}

const GROUP_TYPES: Record<GroupType, pb.GroupMod_Type> = {
  all: pb.GroupMod_Type.TYPE_ALL,
  select: pb.GroupMod_Type.TYPE_SELECT,
  indirect: pb.GroupMod_Type.TYPE_INDIRECT,
  fastFailover: pb.GroupMod_Type.TYPE_FAST_FAILOVER,
};
const GROUP_COMMANDS = { add: pb.GroupMod_Command.COMMAND_ADD, modify: pb.GroupMod_Command.COMMAND_MODIFY, delete: pb.GroupMod_Command.COMMAND_DELETE } as const;

export function groupModToProto(o: GroupModOptions): CommandKind {
  const what = 'groupMod';
  const command = oneOf(o.command ?? 'add', ['add', 'modify', 'delete'] as const, `${what} command`);
  const type = oneOf(o.type ?? 'all', Object.keys(GROUP_TYPES) as GroupType[], `${what} type`);
  const groupId = uint(o.groupId, 32, `${what} groupId`);
  if (groupId > Group.MAX && !(command === 'delete' && groupId === Group.ALL)) throw invalid(`${what} groupId`, `${groupId} is reserved (0..${Group.MAX}, or Group.ALL to delete every group)`);
  const buckets = o.buckets ?? [];
  if (!Array.isArray(buckets)) throw invalid(what, 'buckets must be a list');
  if (type === 'indirect' && command !== 'delete' && buckets.length !== 1) throw invalid(what, `an indirect group has exactly one bucket, got ${buckets.length}`);
  return {
    $case: 'groupMod',
    value: {
      command: GROUP_COMMANDS[command],
      type: GROUP_TYPES[type],
      groupId,
      buckets: buckets.map((b, n) => bucketToProto(b, type, `${what} bucket ${n}`)),
    },
  };
}

function bucketToProto(b: BucketSpec, type: GroupType, what: string): pb.Bucket {
  const out: pb.Bucket = { weight: uint(b.weight ?? (type === 'select' ? 1 : 0), 16, `${what} weight`), actions: actionsToProto(b.actions, what) };
  if (b.watchPort !== undefined) out.watchPort = uint(b.watchPort, 32, `${what} watchPort`);
  if (b.watchGroup !== undefined) out.watchGroup = uint(b.watchGroup, 32, `${what} watchGroup`);
  if (type === 'fastFailover' && b.watchPort === undefined && b.watchGroup === undefined) throw invalid(what, 'a fast-failover bucket watches a port or a group');
  return out;
}

/** A meter band: rates in kb/s or packets/s by the meter's flags. */
export type MeterBandSpec =
  | { readonly type: 'drop'; readonly rate: number; readonly burstSize?: number }
  | { readonly type: 'dscpRemark'; readonly rate: number; readonly burstSize?: number; readonly precLevel: number }
  | { readonly type: 'experimenter'; readonly rate: number; readonly burstSize?: number; readonly experimenter: number; readonly data?: Uint8Array };

/** OFPT_METER_MOD. */
export interface MeterModOptions {
  /** Default 'add'. */
  readonly command?: 'add' | 'modify' | 'delete';
  /** OFPMF_* bits (1 = KBPS, 2 = PKTPS, 4 = BURST, 8 = STATS). */
  readonly flags?: number;
  /** 1..Meter.MAX; Meter.ALL for deletes. */
  readonly meterId: number;
  readonly bands?: readonly MeterBandSpec[];
}

const METER_COMMANDS = { add: pb.MeterMod_Command.COMMAND_ADD, modify: pb.MeterMod_Command.COMMAND_MODIFY, delete: pb.MeterMod_Command.COMMAND_DELETE } as const;

export function meterModToProto(o: MeterModOptions): CommandKind {
  const what = 'meterMod';
  const command = oneOf(o.command ?? 'add', ['add', 'modify', 'delete'] as const, `${what} command`);
  const meterId = uint(o.meterId, 32, `${what} meterId`);
  if (meterId === 0 || (meterId > Meter.MAX && !(command === 'delete' && meterId === Meter.ALL))) throw invalid(`${what} meterId`, `${meterId} is not a meter id (1..${Meter.MAX}, or Meter.ALL to delete every meter)`);
  const bands = o.bands ?? [];
  if (!Array.isArray(bands)) throw invalid(what, 'bands must be a list');
  return { $case: 'meterMod', value: { command: METER_COMMANDS[command], flags: uint(o.flags ?? 0, 16, `${what} flags`), meterId, bands: bands.map((b, n) => bandToProto(b, `${what} band ${n}`)) } };
}

function bandToProto(b: MeterBandSpec, what: string): pb.MeterBand {
  oneOf(b?.type, ['drop', 'dscpRemark', 'experimenter'] as const, `${what} type`);
  const base = { rate: uint(b.rate, 32, `${what} rate`), burstSize: uint(b.burstSize ?? 0, 32, `${what} burstSize`), precLevel: 0, experimenter: undefined };
  if (b.type === 'dscpRemark') return { ...base, type: pb.MeterBand_Type.TYPE_DSCP_REMARK, precLevel: uint(b.precLevel, 8, `${what} precLevel`) };
  if (b.type === 'experimenter') {
    return { ...base, type: pb.MeterBand_Type.TYPE_EXPERIMENTER, experimenter: { experimenter: uint(b.experimenter, 32, `${what} experimenter`), data: asBuffer(bytes(b.data ?? new Uint8Array(0), `${what} data`)) } };
  }
  return { ...base, type: pb.MeterBand_Type.TYPE_DROP };
}

/** OFPT_PORT_MOD: set the `mask` bits of the port's config to `config`. */
export interface PortModOptions {
  readonly portNo: number;
  /** The port's hardware address (the switch checks it). */
  readonly hwAddr: string;
  /** OFPPC_* bits. */
  readonly config: number;
  readonly mask: number;
  /** OFPPF_* bits to advertise; 0 (default) leaves them. */
  readonly advertise?: number;
}

export function portModToProto(o: PortModOptions): CommandKind {
  const what = 'portMod';
  const portNo = uint(o.portNo, 32, `${what} portNo`);
  if (portNo === 0 || portNo > Port.MAX) throw invalid(`${what} portNo`, `${portNo} is not a physical port`);
  const hwAddr = canonicalMac(o.hwAddr);
  if (hwAddr === undefined) throw invalid(`${what} hwAddr`, `${describe(o.hwAddr)} is not a MAC address "aa:bb:cc:dd:ee:ff"`);
  return { $case: 'portMod', value: { portNo, hwAddr, config: uint(o.config, 32, `${what} config`), mask: uint(o.mask, 32, `${what} mask`), advertise: uint(o.advertise ?? 0, 32, `${what} advertise`) } };
}

/** OFPT_TABLE_MOD. */
export interface TableModOptions {
  /** 0..Table.MAX, or Table.ALL. */
  readonly tableId: number;
  readonly config: number;
}

export function tableModToProto(o: TableModOptions): CommandKind {
  return { $case: 'tableMod', value: { tableId: uint(o.tableId, 8, 'tableMod tableId'), config: uint(o.config, 32, 'tableMod config') } };
}

export type Role = 'noChange' | 'equal' | 'master' | 'slave';

const ROLES: Record<Role, pb.RoleRequest_Role> = {
  noChange: pb.RoleRequest_Role.ROLE_NOCHANGE,
  equal: pb.RoleRequest_Role.ROLE_EQUAL,
  master: pb.RoleRequest_Role.ROLE_MASTER,
  slave: pb.RoleRequest_Role.ROLE_SLAVE,
};

export function roleToProto(role: Role, generationId: bigint): CommandKind {
  const r = oneOf(role, Object.keys(ROLES) as Role[], 'role');
  return { $case: 'role', value: { role: ROLES[r], generationId: u64(generationId, 'role generationId') } };
}

export function roleFromProto(r: pb.RoleRequest_Role): Role {
  const found = (Object.keys(ROLES) as Role[]).find((k) => ROLES[k] === r);
  if (found === undefined) throw invalid('role reply from the runtime', `unknown role ${r}`);
  return found;
}

/** A raw OpenFlow message: at least its 8-byte header (the runtime sets version and xid). */
export function rawToProto(message: Uint8Array): CommandKind {
  const b = bytes(message, 'raw message');
  if (b.length < 8) throw invalid('raw message', `an OpenFlow message has an 8-byte header, got ${b.length} bytes`);
  const length = (b[2]! << 8) | b[3]!;
  if (length !== b.length) throw invalid('raw message', `its header says ${length} bytes, the message has ${b.length}`);
  return { $case: 'raw', value: { message: asBuffer(b) } };
}
