import { readActions, writeActions } from './actions.js';
import type { Reader } from './reader.js';
import type { Instruction } from './structs.js';
import type { Writer } from './writer.js';

/** Instructions (OpenFlow 1.3.5 7.2.4): TLVs with exact sizes, experimenter bodies kept as bytes. */

// 7.2.4 enum ofp_instruction_type
export const OFPIT_GOTO_TABLE = 1;
export const OFPIT_WRITE_METADATA = 2;
export const OFPIT_WRITE_ACTIONS = 3;
export const OFPIT_APPLY_ACTIONS = 4;
export const OFPIT_CLEAR_ACTIONS = 5;
export const OFPIT_METER = 6;
export const OFPIT_EXPERIMENTER = 0xffff;

/** sizeof(struct ofp_instruction_goto_table), _actions header, _meter. */
export const OFP_INSTRUCTION_SIZE = 8;
/** sizeof(struct ofp_instruction_write_metadata). */
export const OFP_INSTRUCTION_WRITE_METADATA_SIZE = 24;

/** Wire type number of each instruction tag. */
export const INSTRUCTION_TYPE_NUMBERS: Readonly<Record<Instruction['type'], number>> = {
  gotoTable: OFPIT_GOTO_TABLE,
  writeMetadata: OFPIT_WRITE_METADATA,
  writeActions: OFPIT_WRITE_ACTIONS,
  applyActions: OFPIT_APPLY_ACTIONS,
  clearActions: OFPIT_CLEAR_ACTIONS,
  meter: OFPIT_METER,
  experimenter: OFPIT_EXPERIMENTER,
};

function readInstruction(r: Reader): Instruction {
  const start = r.pos;
  const type = r.u16('instruction.type');
  const len = r.u16('instruction.len');
  if (len < OFP_INSTRUCTION_SIZE || len % 8 !== 0) {
    r.fail('instruction.len', `${len} is not a multiple of 8 of at least 8`, start + 2);
  }
  const body = r.sub(len - 4, 'instruction.len');
  const exactly = (want: number): void => {
    if (len !== want) r.fail('instruction.len', `instruction type ${type} must be ${want} bytes, header says ${len}`, start + 2);
  };
  switch (type) {
    case OFPIT_GOTO_TABLE:
      exactly(OFP_INSTRUCTION_SIZE);
      return { type: 'gotoTable', tableId: body.u8('instruction.table_id') };
    case OFPIT_WRITE_METADATA: {
      exactly(OFP_INSTRUCTION_WRITE_METADATA_SIZE);
      body.pad(4);
      const metadata = body.u64('instruction.metadata');
      return { type: 'writeMetadata', metadata, metadataMask: body.u64('instruction.metadata_mask') };
    }
    case OFPIT_WRITE_ACTIONS:
    case OFPIT_APPLY_ACTIONS: {
      body.pad(4);
      const actions = readActions(body);
      return { type: type === OFPIT_WRITE_ACTIONS ? 'writeActions' : 'applyActions', actions };
    }
    case OFPIT_CLEAR_ACTIONS:
      exactly(OFP_INSTRUCTION_SIZE);
      return { type: 'clearActions' };
    case OFPIT_METER:
      exactly(OFP_INSTRUCTION_SIZE);
      return { type: 'meter', meterId: body.u32('instruction.meter_id') };
    case OFPIT_EXPERIMENTER:
      return { type: 'experimenter', experimenter: body.u32('instruction.experimenter'), data: body.rest() };
    default:
      return r.fail('instruction.type', `unknown instruction type ${type}`, start);
  }
}

/** Reads instructions until the end of `r` (the caller bounds `r` to the list). */
export function readInstructions(r: Reader): Instruction[] {
  const instructions: Instruction[] = [];
  while (r.pos < r.end) instructions.push(readInstruction(r));
  return instructions;
}

function writeInstruction(w: Writer, ins: Instruction): void {
  const start = w.pos;
  const type = INSTRUCTION_TYPE_NUMBERS[ins.type];
  if (type === undefined) w.fail('instruction.type', `unknown instruction type "${String((ins as { type: unknown }).type)}"`);
  w.u16(type, 'instruction.type');
  w.u16(0, 'instruction.len');
  switch (ins.type) {
    case 'gotoTable':
      w.u8(ins.tableId, 'instruction.table_id');
      break;
    case 'writeMetadata':
      w.zeros(4);
      w.u64(ins.metadata, 'instruction.metadata');
      w.u64(ins.metadataMask, 'instruction.metadata_mask');
      break;
    case 'writeActions':
    case 'applyActions':
      w.zeros(4);
      writeActions(w, ins.actions);
      break;
    case 'clearActions':
      w.zeros(4);
      break;
    case 'meter':
      w.u32(ins.meterId, 'instruction.meter_id');
      break;
    case 'experimenter':
      w.u32(ins.experimenter, 'instruction.experimenter');
      w.bytes(ins.data, 'instruction.data');
      break;
  }
  w.align8(start);
  w.patchU16(start + 2, w.pos - start, 'instruction.len');
}

/** Writes an instruction list. */
export function writeInstructions(w: Writer, instructions: readonly Instruction[]): void {
  const list = w.list(instructions, 'instructions');
  for (let i = 0; i < list.length; i++) writeInstruction(w, w.struct(list[i]!, 'instruction'));
}
