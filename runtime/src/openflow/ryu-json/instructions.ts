import { INSTRUCTION_TYPE_NUMBERS, OFP_INSTRUCTION_SIZE, OFP_INSTRUCTION_WRITE_METADATA_SIZE } from '../instructions.js';
import type { Action, Instruction, InstructionId } from '../structs.js';
import { actionFromRyu, actionsLength, actionToRyu } from './actions.js';
import { base64, type Field, u16, u32, u64, u8 } from './fields.js';
import { checkDerived, classed, fail, type JsonObject, readArray, readClassed, type RyuJson } from './json.js';

/**
 * Instructions (OFPInstruction*) and table-feature instruction ids
 * (OFPInstructionId). Write, apply and clear actions are all Ryu's
 * `OFPInstructionActions`, told apart by `type` (3, 4, 5). Ryu's OpenFlow 1.3
 * parser has no class for OFPIT_EXPERIMENTER; we write it as
 * `OFPInstructionExperimenterUnknown {experimenter, data, len, type}`, named
 * after Ryu's OFPActionExperimenterUnknown.
 */

function pad8(n: number): number {
  return (n + 7) & ~7;
}

/** Bytes of `ins` on the wire (ofp_instruction.len). */
export function instructionLength(ins: Instruction): number {
  switch (ins.type) {
    case 'writeMetadata':
      return OFP_INSTRUCTION_WRITE_METADATA_SIZE;
    case 'writeActions':
    case 'applyActions':
      return OFP_INSTRUCTION_SIZE + actionsLength(ins.actions);
    case 'experimenter':
      return pad8(OFP_INSTRUCTION_SIZE + ins.data.length);
    default:
      return OFP_INSTRUCTION_SIZE;
  }
}

export function instructionsLength(list: readonly Instruction[]): number {
  return list.reduce((sum, ins) => sum + instructionLength(ins), 0);
}

export function instructionToRyu(ins: Instruction): RyuJson {
  const header = { type: INSTRUCTION_TYPE_NUMBERS[ins.type], len: instructionLength(ins) };
  switch (ins.type) {
    case 'gotoTable':
      return classed('OFPInstructionGotoTable', { ...header, table_id: ins.tableId });
    case 'writeMetadata':
      return classed('OFPInstructionWriteMetadata', { ...header, metadata: u64.to(ins.metadata), metadata_mask: u64.to(ins.metadataMask) });
    case 'writeActions':
    case 'applyActions':
      return classed('OFPInstructionActions', { ...header, actions: ins.actions.map(actionToRyu) });
    case 'clearActions':
      return classed('OFPInstructionActions', { ...header, actions: [] });
    case 'meter':
      return classed('OFPInstructionMeter', { ...header, meter_id: ins.meterId });
    case 'experimenter':
      return classed('OFPInstructionExperimenterUnknown', { ...header, experimenter: ins.experimenter, data: base64.to(ins.data) });
  }
}

function readActionsInstruction(body: JsonObject): Instruction {
  const type = u16.from(body.get('type'), body.at('type'));
  const actions: Action[] = readArray(body.get('actions'), body.at('actions')).map((e) => actionFromRyu(e.value, e.path));
  switch (type) {
    case INSTRUCTION_TYPE_NUMBERS.writeActions:
      return { type: 'writeActions', actions };
    case INSTRUCTION_TYPE_NUMBERS.applyActions:
      return { type: 'applyActions', actions };
    case INSTRUCTION_TYPE_NUMBERS.clearActions:
      if (actions.length > 0) fail(body.at('actions'), 'a clear-actions instruction (type 5) carries no actions');
      return { type: 'clearActions' };
    default:
      return fail(body.at('type'), `OFPInstructionActions type must be 3 (write), 4 (apply) or 5 (clear), got ${type}`);
  }
}

export function instructionFromRyu(j: RyuJson, path: string): Instruction {
  const { name, body } = readClassed(j, path);
  let ins: Instruction;
  switch (name) {
    case 'OFPInstructionGotoTable':
      ins = { type: 'gotoTable', tableId: u8.from(body.get('table_id'), body.at('table_id')) };
      break;
    case 'OFPInstructionWriteMetadata':
      ins = {
        type: 'writeMetadata',
        metadata: u64.from(body.get('metadata'), body.at('metadata')),
        metadataMask: u64.from(body.get('metadata_mask'), body.at('metadata_mask')),
      };
      break;
    case 'OFPInstructionActions':
      ins = readActionsInstruction(body);
      break;
    case 'OFPInstructionMeter':
      ins = { type: 'meter', meterId: u32.from(body.get('meter_id'), body.at('meter_id')) };
      break;
    case 'OFPInstructionExperimenterUnknown':
      ins = {
        type: 'experimenter',
        experimenter: u32.from(body.get('experimenter'), body.at('experimenter')),
        data: base64.from(body.get('data'), body.at('data')),
      };
      break;
    default:
      return fail(path, `unknown instruction class ${name}`);
  }
  checkDerived(body, 'type', INSTRUCTION_TYPE_NUMBERS[ins.type]);
  checkDerived(body, 'len', instructionLength(ins));
  body.done();
  return ins;
}

export const instruction: Field<Instruction> = { to: instructionToRyu, from: instructionFromRyu };

// ---------------------------------------------------------------- table-feature instruction ids

export function instructionIdLength(id: InstructionId): number {
  return 4 + (id.data?.length ?? 0);
}

/** `OFPInstructionId {type, len}`; `data` (base64) only when the id carries an experimenter body, which Ryu drops. */
export function instructionIdToRyu(id: InstructionId): RyuJson {
  const body: Record<string, RyuJson> = { type: id.type, len: instructionIdLength(id) };
  if (id.data !== undefined && id.data.length > 0) body['data'] = base64.to(id.data);
  return classed('OFPInstructionId', body);
}

export function instructionIdFromRyu(j: RyuJson, path: string): InstructionId {
  const { name, body } = readClassed(j, path);
  if (name !== 'OFPInstructionId') fail(path, `expected an OFPInstructionId, got ${name}`);
  const type = u16.from(body.get('type'), body.at('type'));
  const data = body.has('data') ? base64.from(body.get('data'), body.at('data')) : undefined;
  const id: InstructionId = data === undefined ? { type } : { type, data };
  checkDerived(body, 'len', instructionIdLength(id));
  body.done();
  return id;
}
