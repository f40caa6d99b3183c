import { invalid } from '../errors.js';
import { checkAction, type Action } from './actions.js';
import { Table } from './constants.js';
import { bytes, u64, uint } from './numbers.js';
import { describe } from './oxm-values.js';

/** One OpenFlow 1.3 instruction (spec 7.2.4), tagged by `type`. */
export type Instruction =
  | { readonly type: 'gotoTable'; readonly tableId: number }
  | { readonly type: 'writeMetadata'; readonly metadata: bigint; readonly mask: bigint }
  | { readonly type: 'writeActions'; readonly actions: readonly Action[] }
  | { readonly type: 'applyActions'; readonly actions: readonly Action[] }
  | { readonly type: 'clearActions' }
  | { readonly type: 'meter'; readonly meterId: number }
  | { readonly type: 'experimenter'; readonly experimenter: number; readonly data: Uint8Array };

function tableId(value: unknown, what: string): number {
  const t = uint(value, 8, what);
  if (t > Table.MAX) throw invalid(what, `a table id is 0..${Table.MAX}, got ${t}`);
  return t;
}

/** The instruction checked field by field (actions included); INVALID naming `what` otherwise. */
export function checkInstruction(i: Instruction, what: string): Instruction {
  switch (i?.type) {
    case 'gotoTable':
      return { type: 'gotoTable', tableId: tableId(i.tableId, `${what} tableId`) };
    case 'writeMetadata':
      return { type: 'writeMetadata', metadata: u64(i.metadata, `${what} metadata`), mask: u64(i.mask, `${what} mask`) };
    case 'writeActions':
    case 'applyActions':
      if (!Array.isArray(i.actions)) throw invalid(what, 'actions must be a list');
      return { type: i.type, actions: i.actions.map((a, n) => checkAction(a, `${what} action ${n}`)) };
    case 'clearActions':
      return { type: 'clearActions' };
    case 'meter':
      return { type: 'meter', meterId: uint(i.meterId, 32, `${what} meterId`) };
    case 'experimenter':
      return { type: 'experimenter', experimenter: uint(i.experimenter, 32, `${what} experimenter`), data: bytes(i.data, `${what} data`) };
    default:
      throw invalid(what, `unknown instruction ${describe((i as { type?: unknown } | undefined)?.type)}`);
  }
}

/**
 * A flow's instruction list, checked as a whole: each instruction once at most
 * (OFPBIC_DUP_INST otherwise), and goto_table only forward from `flowTableId`
 * (OFPBIC_BAD_TABLE_ID otherwise).
 */
export function checkInstructions(list: readonly Instruction[], flowTableId: number, what: string): Instruction[] {
  if (!Array.isArray(list)) throw invalid(what, 'instructions must be a list');
  const seen = new Set<string>();
  return list.map((raw, n) => {
    const i = checkInstruction(raw, `${what} instruction ${n}`);
    if (seen.has(i.type)) throw invalid(what, `${i.type} appears twice (a flow has each instruction once at most)`);
    seen.add(i.type);
    if (i.type === 'gotoTable' && i.tableId <= flowTableId) throw invalid(what, `goto_table ${i.tableId} must go forward from table ${flowTableId}`);
    return i;
  });
}

/** Instruction builders; each checks its arguments and returns a plain `Instruction`. */
export const instructions = {
  /** Apply these actions now, in order (the common case). */
  apply(...actions: Action[]): Instruction {
    return checkInstruction({ type: 'applyActions', actions }, 'instruction apply_actions');
  },
  /** Merge these actions into the action set, run at the end of the pipeline. */
  write(...actions: Action[]): Instruction {
    return checkInstruction({ type: 'writeActions', actions }, 'instruction write_actions');
  },
  clear(): Instruction {
    return { type: 'clearActions' };
  },
  /** Continue in table `tableId` (greater than the flow's own table). */
  gotoTable(tableId: number): Instruction {
    return checkInstruction({ type: 'gotoTable', tableId }, 'instruction goto_table');
  },
  writeMetadata(metadata: bigint, mask = 0xffff_ffff_ffff_ffffn): Instruction {
    return checkInstruction({ type: 'writeMetadata', metadata, mask }, 'instruction write_metadata');
  },
  meter(meterId: number): Instruction {
    return checkInstruction({ type: 'meter', meterId }, 'instruction meter');
  },
  experimenter(experimenter: number, data: Uint8Array): Instruction {
    return checkInstruction({ type: 'experimenter', experimenter, data }, 'instruction experimenter');
  },
} as const;
