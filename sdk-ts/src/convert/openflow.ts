import { invalid } from '../errors.js';
import type * as pb from '../generated/sdn/runtime/v1/openflow.js';
import { checkAction, type Action } from '../openflow/actions.js';
import type { Instruction } from '../openflow/instructions.js';
import { checkPrerequisites, MatchBuilder } from '../openflow/match.js';
import { oxmField } from '../openflow/oxm-fields.js';
import { checkMask, checkOxmValue, fieldSpec, isOpaqueField, type Match, type MatchField, type OpaqueMatchField, type OxmValue } from '../openflow/oxm-values.js';
import { asBuffer } from './bytes.js';
import { niciraFromProto, niciraToProto } from './nicira.js';

/** Conversion between the SDK's OpenFlow values and the API's protobuf messages. */

const NOTHING: pb.Nothing = {};

function oxmValueToProto(value: OxmValue): pb.OxmValue {
  if (typeof value === 'string') return { kind: { $case: 'text', value } };
  if (value instanceof Uint8Array) return { kind: { $case: 'wide', value: asBuffer(value) } };
  return { kind: { $case: 'uint', value: BigInt(value) } };
}

function oxmValueFromProto(field: string, v: pb.OxmValue | undefined): OxmValue {
  const kind = v?.kind;
  if (kind === undefined) return 0;
  if (kind.$case !== 'uint') return kind.value;
  const spec = oxmField(field);
  if (spec?.kind === 'u64') return kind.value;
  return kind.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(kind.value) : kind.value;
}

/** A match given as a builder or a list, checked (field values, masks, prerequisites). */
export function checkMatch(m: Match | MatchBuilder | undefined, what: string): Match {
  if (m === undefined) return [];
  if (m instanceof MatchBuilder) return m.build();
  if (!Array.isArray(m)) throw invalid(what, 'a match is a list of fields or match() builder');
  const fields = m.map((f: MatchField | OpaqueMatchField): MatchField | OpaqueMatchField => {
    if (isOpaqueField(f)) return f;
    const fw = `${what} field ${String(f?.field)}`;
    const spec = fieldSpec(f.field, fw);
    const value = checkOxmValue(f.field, spec, f.value, fw);
    return f.mask === undefined ? { field: f.field, value } : { field: f.field, value, mask: checkMask(f.field, spec, value, f.mask, fw) };
  });
  checkPrerequisites(fields);
  return fields;
}

function oxmFieldToProto(f: MatchField | OpaqueMatchField): pb.OxmField {
  if (isOpaqueField(f)) {
    return { field: 'opaque', value: undefined, opaqueClass: f.oxmClass, opaqueField: f.oxmField, opaqueHasMask: f.hasMask, opaquePayload: asBuffer(f.payload) };
  }
  const out: pb.OxmField = { field: f.field, value: oxmValueToProto(f.value), opaqueClass: 0, opaqueField: 0, opaqueHasMask: false, opaquePayload: Buffer.alloc(0) };
  if (f.mask !== undefined) out.mask = oxmValueToProto(f.mask);
  return out;
}

/** A checked match as protobuf. */
export function matchToProto(m: Match): pb.Match {
  return { fields: m.map(oxmFieldToProto) };
}

export function matchFromProto(m: pb.Match | undefined): Match {
  if (m === undefined) return [];
  return m.fields.map((f): MatchField | OpaqueMatchField => {
    if (f.field === 'opaque') return { field: 'opaque', oxmClass: f.opaqueClass, oxmField: f.opaqueField, hasMask: f.opaqueHasMask, payload: f.opaquePayload };
    const value = oxmValueFromProto(f.field, f.value);
    return f.mask === undefined ? { field: f.field, value } : { field: f.field, value, mask: oxmValueFromProto(f.field, f.mask) };
  });
}

/** A checked action as protobuf. */
export function actionToProto(a: Action): pb.Action {
  switch (a.type) {
    case 'output':
      return { kind: { $case: 'output', value: { port: a.port, maxLen: a.maxLen } } };
    case 'copyTtlOut':
    case 'copyTtlIn':
    case 'decMplsTtl':
    case 'popVlan':
    case 'decNwTtl':
    case 'popPbb':
      return { kind: { $case: a.type, value: NOTHING } };
    case 'setMplsTtl':
    case 'setNwTtl':
      return { kind: { $case: a.type, value: a.ttl } };
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
      return { kind: { $case: 'setField', value: oxmFieldToProto({ field: a.field, value: a.value }) } };
    case 'experimenter':
      return { kind: { $case: 'experimenter', value: { experimenter: a.experimenter, data: asBuffer(a.data) } } };
    default:
      return niciraToProto(a, actionToProto);
  }
}

/** A list of actions checked, as protobuf. */
export function actionsToProto(list: readonly Action[], what: string): pb.Action[] {
  if (!Array.isArray(list)) throw invalid(what, 'actions must be a list');
  return list.map((a, n) => actionToProto(checkAction(a, `${what} action ${n}`)));
}

export function actionFromProto(a: pb.Action): Action {
  const k = a.kind;
  if (k === undefined) throw invalid('action from the runtime', 'it has no kind');
  switch (k.$case) {
    case 'output':
      return { type: 'output', port: k.value.port, maxLen: k.value.maxLen };
    case 'copyTtlOut':
    case 'copyTtlIn':
    case 'decMplsTtl':
    case 'popVlan':
    case 'decNwTtl':
    case 'popPbb':
      return { type: k.$case };
    case 'setMplsTtl':
    case 'setNwTtl':
      return { type: k.$case, ttl: k.value };
    case 'pushVlan':
    case 'pushMpls':
    case 'popMpls':
    case 'pushPbb':
      return { type: k.$case, ethertype: k.value.ethertype };
    case 'setQueue':
      return { type: 'setQueue', queueId: k.value };
    case 'group':
      return { type: 'group', groupId: k.value };
    case 'setField':
      return { type: 'setField', field: k.value.field, value: oxmValueFromProto(k.value.field, k.value.value) };
    case 'experimenter':
      return { type: 'experimenter', experimenter: k.value.experimenter, data: k.value.data };
    default:
      return niciraFromProto(k, actionFromProto);
  }
}

/** A checked instruction as protobuf. */
export function instructionToProto(i: Instruction): pb.Instruction {
  switch (i.type) {
    case 'gotoTable':
      return { kind: { $case: 'gotoTable', value: i.tableId } };
    case 'writeMetadata':
      return { kind: { $case: 'writeMetadata', value: { metadata: i.metadata, metadataMask: i.mask } } };
    case 'writeActions':
    case 'applyActions':
      return { kind: { $case: i.type, value: { actions: i.actions.map(actionToProto) } } };
    case 'clearActions':
      return { kind: { $case: 'clearActions', value: NOTHING } };
    case 'meter':
      return { kind: { $case: 'meter', value: i.meterId } };
    case 'experimenter':
      return { kind: { $case: 'experimenter', value: { experimenter: i.experimenter, data: asBuffer(i.data) } } };
  }
}

export function instructionFromProto(i: pb.Instruction): Instruction {
  const k = i.kind;
  if (k === undefined) throw invalid('instruction from the runtime', 'it has no kind');
  switch (k.$case) {
    case 'gotoTable':
      return { type: 'gotoTable', tableId: k.value };
    case 'writeMetadata':
      return { type: 'writeMetadata', metadata: k.value.metadata, mask: k.value.metadataMask };
    case 'writeActions':
    case 'applyActions':
      return { type: k.$case, actions: k.value.actions.map(actionFromProto) };
    case 'clearActions':
      return { type: 'clearActions' };
    case 'meter':
      return { type: 'meter', meterId: k.value };
    case 'experimenter':
      return { type: 'experimenter', experimenter: k.value.experimenter, data: k.value.data };
  }
}

/** struct ofp_port as the SDK shows it. Speeds in kbps. */
export interface PortDesc {
  readonly portNo: number;
  readonly hwAddr: string;
  readonly name: string;
  /** OFPPC_* bits. */
  readonly config: number;
  /** OFPPS_* bits (1 = LINK_DOWN, 2 = BLOCKED, 4 = LIVE). */
  readonly state: number;
  readonly curr: number;
  readonly advertised: number;
  readonly supported: number;
  readonly peer: number;
  readonly currSpeed: number;
  readonly maxSpeed: number;
}

export function portFromProto(p: pb.Port | undefined): PortDesc {
  const q = p ?? { portNo: 0, hwAddr: '', name: '', config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 };
  return { portNo: q.portNo, hwAddr: q.hwAddr, name: q.name, config: q.config, state: q.state, curr: q.curr, advertised: q.advertised, supported: q.supported, peer: q.peer, currSpeed: q.currSpeed, maxSpeed: q.maxSpeed };
}
