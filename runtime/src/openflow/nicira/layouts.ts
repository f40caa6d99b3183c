import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { readNxmHeader, writeNxmHeader } from './header.js';
import type { NXFixedAction, NxmHeader } from './types.js';

/**
 * Nicira's experimenter id, the NXAST_* subtypes (Open vSwitch's
 * nicira-ext.h / ofp-actions.c, os-ken's nicira_ext.py) and the fixed-size
 * actions, described once as a list of slots that the codec and the Ryu JSON
 * mapping both walk. Every Nicira action starts with `struct
 * nx_action_header`: type (0xffff), len, experimenter (0x2320), subtype.
 */

/** NX_VENDOR_ID / NX_EXPERIMENTER_ID. */
export const NX_EXPERIMENTER_ID = 0x2320;

/** sizeof(struct nx_action_header) up to and including the subtype: what every Nicira action starts with. */
export const NX_ACTION_HEADER_0_SIZE = 10;
/** sizeof(struct nx_action_header): the header padded to 8, the size of actions without arguments. */
export const NX_ACTION_HEADER_SIZE = 16;

// enum nx_action_subtype (NXAST_*)
export const NXAST_RESUBMIT = 1;
export const NXAST_SET_TUNNEL = 2;
export const NXAST_SET_QUEUE = 4;
export const NXAST_POP_QUEUE = 5;
export const NXAST_REG_MOVE = 6;
export const NXAST_REG_LOAD = 7;
export const NXAST_NOTE = 8;
export const NXAST_SET_TUNNEL64 = 9;
export const NXAST_MULTIPATH = 10;
export const NXAST_BUNDLE = 12;
export const NXAST_BUNDLE_LOAD = 13;
export const NXAST_RESUBMIT_TABLE = 14;
export const NXAST_OUTPUT_REG = 15;
export const NXAST_LEARN = 16;
export const NXAST_EXIT = 17;
export const NXAST_DEC_TTL = 18;
export const NXAST_FIN_TIMEOUT = 19;
export const NXAST_CONTROLLER = 20;
export const NXAST_DEC_TTL_CNT_IDS = 21;
export const NXAST_PUSH_MPLS = 23;
export const NXAST_POP_MPLS = 24;
export const NXAST_SET_MPLS_TTL = 25;
export const NXAST_DEC_MPLS_TTL = 26;
export const NXAST_STACK_PUSH = 27;
export const NXAST_STACK_POP = 28;
export const NXAST_SAMPLE = 29;
export const NXAST_SET_MPLS_LABEL = 30;
export const NXAST_SET_MPLS_TC = 31;
export const NXAST_OUTPUT_REG2 = 32;
export const NXAST_REG_LOAD2 = 33;
export const NXAST_CONJUNCTION = 34;
export const NXAST_CT = 35;
export const NXAST_NAT = 36;
export const NXAST_CONTROLLER2 = 37;
export const NXAST_SAMPLE2 = 38;
export const NXAST_OUTPUT_TRUNC = 39;
export const NXAST_CT_CLEAR = 43;
export const NXAST_DEC_NSH_TTL = 48;
// Open vSwitch's debugging actions (ofp-actions.c NXAST_RAW_DEBUG_*); Ryu has no class for them.
export const NXAST_DEBUG_SLOW = 0xfe;
export const NXAST_DEBUG_RECIRC = 0xff;

// Sizes of the fixed-size actions (struct nx_action_*), header included.
export const NX_ACTION_RESUBMIT_SIZE = 16;
export const NX_ACTION_SET_TUNNEL_SIZE = 16;
export const NX_ACTION_SET_TUNNEL64_SIZE = 24;
export const NX_ACTION_SET_QUEUE_SIZE = 16;
export const NX_ACTION_POP_QUEUE_SIZE = 16;
export const NX_ACTION_REG_MOVE_SIZE = 24;
export const NX_ACTION_REG_LOAD_SIZE = 24;
export const NX_ACTION_MULTIPATH_SIZE = 32;
export const NX_ACTION_OUTPUT_REG_SIZE = 24;
export const NX_ACTION_OUTPUT_REG2_SIZE = 24;
export const NX_ACTION_FIN_TIMEOUT_SIZE = 16;
export const NX_ACTION_CONTROLLER_SIZE = 16;
export const NX_ACTION_PUSH_MPLS_SIZE = 16;
export const NX_ACTION_MPLS_TTL_SIZE = 16;
export const NX_ACTION_MPLS_LABEL_SIZE = 16;
export const NX_ACTION_MPLS_TC_SIZE = 16;
export const NX_ACTION_STACK_SIZE = 24;
export const NX_ACTION_SAMPLE_SIZE = 24;
export const NX_ACTION_SAMPLE2_SIZE = 32;
export const NX_ACTION_CONJUNCTION_SIZE = 16;
export const NX_ACTION_OUTPUT_TRUNC_SIZE = 16;

/** How one slot of a layout is carried: an integer of a wire width, or an NXM header. */
export type SlotKind = 'u8' | 'u16' | 'u32' | 'u64' | 'header';

/** A named value, or a number of padding bytes. */
export type Slot = readonly [key: string, kind: SlotKind] | number;

export interface FixedLayout {
  readonly subtype: number;
  /** Ryu's class name, the Ryu JSON form's key. */
  readonly cls: string;
  /** The whole action's length on the wire (ofp_action_header.len). */
  readonly size: number;
  /** The body after the subtype, in wire order. */
  readonly slots: readonly Slot[];
}

type FixedType = NXFixedAction['type'];

const noArgs = (subtype: number, cls: string): FixedLayout => ({ subtype, cls, size: NX_ACTION_HEADER_SIZE, slots: [6] });

/** Every fixed-size Nicira action by tag. */
export const FIXED_LAYOUTS: { readonly [K in FixedType]: FixedLayout } = {
  nxResubmit: { subtype: NXAST_RESUBMIT, cls: 'NXActionResubmit', size: NX_ACTION_RESUBMIT_SIZE, slots: [['inPort', 'u16'], 4] },
  nxSetTunnel: { subtype: NXAST_SET_TUNNEL, cls: 'NXActionSetTunnel', size: NX_ACTION_SET_TUNNEL_SIZE, slots: [2, ['tunId', 'u32']] },
  nxSetQueue: { subtype: NXAST_SET_QUEUE, cls: 'NXActionSetQueue', size: NX_ACTION_SET_QUEUE_SIZE, slots: [2, ['queueId', 'u32']] },
  nxPopQueue: { ...noArgs(NXAST_POP_QUEUE, 'NXActionPopQueue'), size: NX_ACTION_POP_QUEUE_SIZE },
  nxRegMove: {
    subtype: NXAST_REG_MOVE,
    cls: 'NXActionRegMove',
    size: NX_ACTION_REG_MOVE_SIZE,
    slots: [['nBits', 'u16'], ['srcOfs', 'u16'], ['dstOfs', 'u16'], ['srcField', 'header'], ['dstField', 'header']],
  },
  nxRegLoad: {
    subtype: NXAST_REG_LOAD,
    cls: 'NXActionRegLoad',
    size: NX_ACTION_REG_LOAD_SIZE,
    slots: [['ofsNbits', 'u16'], ['dst', 'header'], ['value', 'u64']],
  },
  nxSetTunnel64: { subtype: NXAST_SET_TUNNEL64, cls: 'NXActionSetTunnel64', size: NX_ACTION_SET_TUNNEL64_SIZE, slots: [6, ['tunId', 'u64']] },
  nxMultipath: {
    subtype: NXAST_MULTIPATH,
    cls: 'NXActionMultipath',
    size: NX_ACTION_MULTIPATH_SIZE,
    slots: [
      ['fields', 'u16'], ['basis', 'u16'], 2, ['algorithm', 'u16'], ['maxLink', 'u16'], ['arg', 'u32'], 2,
      ['ofsNbits', 'u16'], ['dst', 'header'],
    ],
  },
  nxResubmitTable: {
    subtype: NXAST_RESUBMIT_TABLE,
    cls: 'NXActionResubmitTable',
    size: NX_ACTION_RESUBMIT_SIZE,
    slots: [['inPort', 'u16'], ['tableId', 'u8'], 3],
  },
  nxOutputReg: {
    subtype: NXAST_OUTPUT_REG,
    cls: 'NXActionOutputReg',
    size: NX_ACTION_OUTPUT_REG_SIZE,
    slots: [['ofsNbits', 'u16'], ['src', 'header'], ['maxLen', 'u16'], 6],
  },
  nxOutputReg2: {
    subtype: NXAST_OUTPUT_REG2,
    cls: 'NXActionOutputReg2',
    size: NX_ACTION_OUTPUT_REG2_SIZE,
    slots: [['ofsNbits', 'u16'], ['maxLen', 'u16'], ['src', 'header'], 6],
  },
  nxExit: noArgs(NXAST_EXIT, 'NXActionExit'),
  nxDecTtl: noArgs(NXAST_DEC_TTL, 'NXActionDecTtl'),
  nxFinTimeout: {
    subtype: NXAST_FIN_TIMEOUT,
    cls: 'NXActionFinTimeout',
    size: NX_ACTION_FIN_TIMEOUT_SIZE,
    slots: [['finIdleTimeout', 'u16'], ['finHardTimeout', 'u16'], 2],
  },
  nxController: {
    subtype: NXAST_CONTROLLER,
    cls: 'NXActionController',
    size: NX_ACTION_CONTROLLER_SIZE,
    slots: [['maxLen', 'u16'], ['controllerId', 'u16'], ['reason', 'u8'], 1],
  },
  nxPushMpls: { subtype: NXAST_PUSH_MPLS, cls: 'NXActionPushMpls', size: NX_ACTION_PUSH_MPLS_SIZE, slots: [['ethertype', 'u16'], 4] },
  nxPopMpls: { subtype: NXAST_POP_MPLS, cls: 'NXActionPopMpls', size: NX_ACTION_PUSH_MPLS_SIZE, slots: [['ethertype', 'u16'], 4] },
  nxSetMplsTtl: { subtype: NXAST_SET_MPLS_TTL, cls: 'NXActionSetMplsTtl', size: NX_ACTION_MPLS_TTL_SIZE, slots: [['ttl', 'u8'], 5] },
  nxDecMplsTtl: noArgs(NXAST_DEC_MPLS_TTL, 'NXActionDecMplsTtl'),
  nxStackPush: {
    subtype: NXAST_STACK_PUSH,
    cls: 'NXActionStackPush',
    size: NX_ACTION_STACK_SIZE,
    slots: [['start', 'u16'], ['field', 'header'], ['end', 'u16'], 6],
  },
  nxStackPop: {
    subtype: NXAST_STACK_POP,
    cls: 'NXActionStackPop',
    size: NX_ACTION_STACK_SIZE,
    slots: [['start', 'u16'], ['field', 'header'], ['end', 'u16'], 6],
  },
  nxSample: {
    subtype: NXAST_SAMPLE,
    cls: 'NXActionSample',
    size: NX_ACTION_SAMPLE_SIZE,
    slots: [['probability', 'u16'], ['collectorSetId', 'u32'], ['obsDomainId', 'u32'], ['obsPointId', 'u32']],
  },
  nxSetMplsLabel: { subtype: NXAST_SET_MPLS_LABEL, cls: 'NXActionSetMplsLabel', size: NX_ACTION_MPLS_LABEL_SIZE, slots: [2, ['label', 'u32']] },
  nxSetMplsTc: { subtype: NXAST_SET_MPLS_TC, cls: 'NXActionSetMplsTc', size: NX_ACTION_MPLS_TC_SIZE, slots: [['tc', 'u8'], 5] },
  nxConjunction: {
    subtype: NXAST_CONJUNCTION,
    cls: 'NXActionConjunction',
    size: NX_ACTION_CONJUNCTION_SIZE,
    slots: [['clause', 'u8'], ['nClauses', 'u8'], ['id', 'u32']],
  },
  nxSample2: {
    subtype: NXAST_SAMPLE2,
    cls: 'NXActionSample2',
    size: NX_ACTION_SAMPLE2_SIZE,
    slots: [['probability', 'u16'], ['collectorSetId', 'u32'], ['obsDomainId', 'u32'], ['obsPointId', 'u32'], ['samplingPort', 'u16'], 6],
  },
  nxOutputTrunc: {
    subtype: NXAST_OUTPUT_TRUNC,
    cls: 'NXActionOutputTrunc',
    size: NX_ACTION_OUTPUT_TRUNC_SIZE,
    slots: [['port', 'u16'], ['maxLen', 'u32']],
  },
  nxCtClear: noArgs(NXAST_CT_CLEAR, 'NXActionCTClear'),
  nxDecNshTtl: noArgs(NXAST_DEC_NSH_TTL, 'NXActionDecNshTtl'),
  nxDebugSlow: noArgs(NXAST_DEBUG_SLOW, 'NXActionDebugSlow'),
  nxDebugRecirc: noArgs(NXAST_DEBUG_RECIRC, 'NXActionDebugRecirc'),
};

/** Bytes a slot takes on the wire. */
export function slotSize(slot: Slot): number {
  if (typeof slot === 'number') return slot;
  return { u8: 1, u16: 2, u32: 4, u64: 8, header: 4 }[slot[1]];
}

/** Reads the body of a fixed-size action (after its subtype) into a value tagged `type`. */
export function readFixed(r: Reader, type: FixedType, layout: FixedLayout): NXFixedAction {
  const v: Record<string, number | bigint | NxmHeader> = { type };
  for (const slot of layout.slots) {
    if (typeof slot === 'number') {
      r.pad(slot, 'action.pad');
      continue;
    }
    const [key, kind] = slot;
    const field = `action.${key}`;
    switch (kind) {
      case 'u8':
        v[key] = r.u8(field);
        break;
      case 'u16':
        v[key] = r.u16(field);
        break;
      case 'u32':
        v[key] = r.u32(field);
        break;
      case 'u64':
        v[key] = r.u64(field);
        break;
      case 'header':
        v[key] = readNxmHeader(r, field);
        break;
    }
  }
  return v as unknown as NXFixedAction;
}

/** Writes the body of a fixed-size action (after its subtype); the caller pads it to 8. */
export function writeFixed(w: Writer, a: NXFixedAction, layout: FixedLayout): void {
  const v = a as unknown as Record<string, unknown>;
  for (const slot of layout.slots) {
    if (typeof slot === 'number') {
      w.zeros(slot);
      continue;
    }
    const [key, kind] = slot;
    const field = `action.${key}`;
    switch (kind) {
      case 'u8':
        w.u8(v[key] as number, field);
        break;
      case 'u16':
        w.u16(v[key] as number, field);
        break;
      case 'u32':
        w.u32(v[key] as number, field);
        break;
      case 'u64':
        w.u64(v[key] as bigint, field);
        break;
      case 'header':
        writeNxmHeader(w, v[key] as NxmHeader, field);
        break;
    }
  }
}
