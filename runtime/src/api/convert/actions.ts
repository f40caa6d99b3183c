import { isNiciraActionType, niciraActionData, NX_EXPERIMENTER_ID, OFPG_ANY, OFPP_ANY, type Action, type Bucket, type Instruction, type MeterBand, type Port } from '../../openflow/index.js';
import { MeterBand_Type, type Action as PbAction, type Bucket as PbBucket, type Instruction as PbInstruction, type MeterBand as PbMeterBand, type Port as PbPort } from '../../generated/sdn/runtime/v1/openflow.js';
import { ApiInputError } from '../errors.js';
import { fromOxmField, toOxmField } from './match.js';
import { fromNiciraAction, toNiciraAction } from './nicira.js';
import { asBuffer, orDefault, u16, u8 } from './validate.js';

/**
 * Actions, instructions, group buckets, meter bands and ports between the proto
 * and the codec. The proto's oneof case names are the codec's `type` tags; only
 * the arguments are renamed (set_queue's number is the codec's queueId, ...).
 */

const NOTHING = {};

export function toAction(a: PbAction, path: string): Action {
  const k = a.kind;
  if (k === undefined) throw new ApiInputError(path, 'no action given');
  const at = `${path}.${snake(k.$case)}`;
  switch (k.$case) {
    case 'output':
      return { type: 'output', port: k.value.port, maxLen: u16(k.value.maxLen, `${at}.max_len`) };
    case 'setMplsTtl':
      return { type: 'setMplsTtl', mplsTtl: u8(k.value, at) };
    case 'setNwTtl':
      return { type: 'setNwTtl', nwTtl: u8(k.value, at) };
    case 'pushVlan':
    case 'pushMpls':
    case 'popMpls':
    case 'pushPbb':
      return { type: k.$case, ethertype: u16(k.value.ethertype, `${at}.ethertype`) };
    case 'setQueue':
      return { type: 'setQueue', queueId: k.value };
    case 'group':
      return { type: 'group', groupId: k.value };
    case 'setField':
      return { type: 'setField', field: toOxmField(k.value, at) };
    case 'experimenter':
      return { type: 'experimenter', experimenter: k.value.experimenter, data: k.value.data };
    case 'copyTtlOut':
    case 'copyTtlIn':
    case 'decMplsTtl':
    case 'popVlan':
    case 'decNwTtl':
    case 'popPbb':
      return { type: k.$case };
    default:
      return toNiciraAction(k, at, toActions);
  }
}

export function toActions(actions: readonly PbAction[], path: string): Action[] {
  return actions.map((a, i) => toAction(a, `${path}[${i}]`));
}

export function fromAction(a: Action): PbAction {
  if (isNiciraActionType(a.type)) {
    const nx = a as Extract<Action, { type: typeof a.type }>;
    // Nicira actions the proto has no case for reach apps as the experimenter bytes a switch sends.
    return fromNiciraAction(nx, fromAction) ?? { kind: { $case: 'experimenter', value: { experimenter: NX_EXPERIMENTER_ID, data: niciraActionData(nx) } } };
  }
  switch (a.type) {
    case 'output':
      return { kind: { $case: 'output', value: { port: a.port, maxLen: a.maxLen } } };
    case 'setMplsTtl':
      return { kind: { $case: 'setMplsTtl', value: a.mplsTtl } };
    case 'setNwTtl':
      return { kind: { $case: 'setNwTtl', value: a.nwTtl } };
    case 'pushVlan':
    case 'pushMpls':
    case 'popMpls':
    case 'pushPbb':
      return { kind: { $case: a.type, value: { ethertype: a.ethertype } } };
    case 'setQueue':
      return { kind: { $case: 'setQueue', value: a.queueId } };
    case 'group':
      return { kind: { $case: 'group', value: a.groupId } };
    case 'setField':
      return { kind: { $case: 'setField', value: fromOxmField(a.field) } };
    case 'experimenter':
      return { kind: { $case: 'experimenter', value: { experimenter: a.experimenter, data: asBuffer(a.data) } } };
    default:
      return { kind: { $case: a.type, value: NOTHING } };
  }
}

export function toInstruction(ins: PbInstruction, path: string): Instruction {
  const k = ins.kind;
  if (k === undefined) throw new ApiInputError(path, 'no instruction given');
  const at = `${path}.${snake(k.$case)}`;
  switch (k.$case) {
    case 'gotoTable':
      return { type: 'gotoTable', tableId: u8(k.value, at) };
    case 'writeMetadata':
      return { type: 'writeMetadata', metadata: k.value.metadata, metadataMask: k.value.metadataMask };
    case 'writeActions':
    case 'applyActions':
      return { type: k.$case, actions: toActions(k.value.actions, `${at}.actions`) };
    case 'clearActions':
      return { type: 'clearActions' };
    case 'meter':
      return { type: 'meter', meterId: k.value };
    case 'experimenter':
      return { type: 'experimenter', experimenter: k.value.experimenter, data: k.value.data };
  }
}

export function toInstructions(list: readonly PbInstruction[], path: string): Instruction[] {
  return list.map((ins, i) => toInstruction(ins, `${path}[${i}]`));
}

export function fromInstruction(ins: Instruction): PbInstruction {
  switch (ins.type) {
    case 'gotoTable':
      return { kind: { $case: 'gotoTable', value: ins.tableId } };
    case 'writeMetadata':
      return { kind: { $case: 'writeMetadata', value: { metadata: ins.metadata, metadataMask: ins.metadataMask } } };
    case 'writeActions':
    case 'applyActions':
      return { kind: { $case: ins.type, value: { actions: ins.actions.map(fromAction) } } };
    case 'clearActions':
      return { kind: { $case: 'clearActions', value: NOTHING } };
    case 'meter':
      return { kind: { $case: 'meter', value: ins.meterId } };
    case 'experimenter':
      return { kind: { $case: 'experimenter', value: { experimenter: ins.experimenter, data: asBuffer(ins.data) } } };
  }
}

/** Absent watch_port / watch_group mean OFPP_ANY / OFPG_ANY (no liveness watch). */
export function toBucket(b: PbBucket, path: string): Bucket {
  return {
    weight: u16(b.weight, `${path}.weight`),
    watchPort: orDefault(b.watchPort, OFPP_ANY, 32, `${path}.watch_port`),
    watchGroup: orDefault(b.watchGroup, OFPG_ANY, 32, `${path}.watch_group`),
    actions: toActions(b.actions, `${path}.actions`),
  };
}

export function fromBucket(b: Bucket): PbBucket {
  return { weight: b.weight, watchPort: b.watchPort, watchGroup: b.watchGroup, actions: b.actions.map(fromAction) };
}

export function toMeterBand(b: PbMeterBand, path: string): MeterBand {
  switch (b.type) {
    case MeterBand_Type.TYPE_DROP:
      return { type: 'drop', rate: b.rate, burstSize: b.burstSize };
    case MeterBand_Type.TYPE_DSCP_REMARK:
      return { type: 'dscpRemark', rate: b.rate, burstSize: b.burstSize, precLevel: u8(b.precLevel, `${path}.prec_level`) };
    case MeterBand_Type.TYPE_EXPERIMENTER:
      if (b.experimenter === undefined) throw new ApiInputError(`${path}.experimenter`, 'is required for TYPE_EXPERIMENTER');
      return { type: 'experimenter', rate: b.rate, burstSize: b.burstSize, experimenter: b.experimenter.experimenter, data: b.experimenter.data };
    default:
      throw new ApiInputError(`${path}.type`, `${b.type} is not a meter band type (TYPE_DROP, TYPE_DSCP_REMARK, TYPE_EXPERIMENTER)`);
  }
}

export function fromMeterBand(b: MeterBand): PbMeterBand {
  const base = { rate: b.rate, burstSize: b.burstSize, precLevel: 0, experimenter: undefined };
  switch (b.type) {
    case 'drop':
      return { ...base, type: MeterBand_Type.TYPE_DROP };
    case 'dscpRemark':
      return { ...base, type: MeterBand_Type.TYPE_DSCP_REMARK, precLevel: b.precLevel };
    case 'experimenter':
      return { ...base, type: MeterBand_Type.TYPE_EXPERIMENTER, experimenter: { experimenter: b.experimenter, data: asBuffer(b.data) } };
  }
}

export function fromPort(p: Port): PbPort {
  return { ...p };
}

/** Names already converted: every command and action names its field path, and the names are the proto's few oneof cases. */
const SNAKE = new Map<string, string>();

/** "setMplsTtl" -> "set_mpls_ttl": field paths use the proto's names. */
export function snake(name: string): string {
  let s = SNAKE.get(name);
  if (s === undefined) {
    s = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    // A regex replace per command was 5 % of the runtime's CPU; the bound only guards against misuse.
    if (SNAKE.size < 1024) SNAKE.set(name, s);
  }
  return s;
}
