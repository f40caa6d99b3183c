import { type NestedActions, type NXAction, NX_EXPERIMENTER_ID, NX_SUBTYPES, readNiciraAction, writeNiciraAction } from './nicira/index.js';
import { readOxm, writeOxm } from './oxm.js';
import type { Reader } from './reader.js';
import type { Action } from './structs.js';
import { Writer } from './writer.js';

/**
 * Actions (OpenFlow 1.3.5 7.2.5). Every action is a TLV whose length is a multiple
 * of 8; fixed-size actions must have exactly their size. Nicira actions of a
 * modelled subtype are typed values (nicira/); every other experimenter action
 * keeps its body as bytes and is written back unchanged.
 */

// 7.2.5 enum ofp_action_type
export const OFPAT_OUTPUT = 0;
export const OFPAT_COPY_TTL_OUT = 11;
export const OFPAT_COPY_TTL_IN = 12;
export const OFPAT_SET_MPLS_TTL = 15;
export const OFPAT_DEC_MPLS_TTL = 16;
export const OFPAT_PUSH_VLAN = 17;
export const OFPAT_POP_VLAN = 18;
export const OFPAT_PUSH_MPLS = 19;
export const OFPAT_POP_MPLS = 20;
export const OFPAT_SET_QUEUE = 21;
export const OFPAT_GROUP = 22;
export const OFPAT_SET_NW_TTL = 23;
export const OFPAT_DEC_NW_TTL = 24;
export const OFPAT_SET_FIELD = 25;
export const OFPAT_PUSH_PBB = 26;
export const OFPAT_POP_PBB = 27;
export const OFPAT_EXPERIMENTER = 0xffff;

/** sizeof(struct ofp_action_header) and of every action without arguments. */
export const OFP_ACTION_HEADER_SIZE = 8;
/** sizeof(struct ofp_action_output). */
export const OFP_ACTION_OUTPUT_SIZE = 16;
/** sizeof(struct ofp_action_experimenter_header). */
export const OFP_ACTION_EXPERIMENTER_HEADER_SIZE = 8;

/** Wire type number of each action tag. */
export const ACTION_TYPE_NUMBERS: Readonly<Record<Action['type'], number>> = {
  ...(Object.fromEntries(Object.keys(NX_SUBTYPES).map((type) => [type, OFPAT_EXPERIMENTER])) as Record<keyof typeof NX_SUBTYPES, number>),
  output: OFPAT_OUTPUT,
  copyTtlOut: OFPAT_COPY_TTL_OUT,
  copyTtlIn: OFPAT_COPY_TTL_IN,
  setMplsTtl: OFPAT_SET_MPLS_TTL,
  decMplsTtl: OFPAT_DEC_MPLS_TTL,
  pushVlan: OFPAT_PUSH_VLAN,
  popVlan: OFPAT_POP_VLAN,
  pushMpls: OFPAT_PUSH_MPLS,
  popMpls: OFPAT_POP_MPLS,
  setQueue: OFPAT_SET_QUEUE,
  group: OFPAT_GROUP,
  setNwTtl: OFPAT_SET_NW_TTL,
  decNwTtl: OFPAT_DEC_NW_TTL,
  setField: OFPAT_SET_FIELD,
  pushPbb: OFPAT_PUSH_PBB,
  popPbb: OFPAT_POP_PBB,
  experimenter: OFPAT_EXPERIMENTER,
};

function expectLength(r: Reader, len: number, want: number, start: number): void {
  if (len !== want) r.fail('action.len', `action type ${r.buf.readUInt16BE(start)} must be ${want} bytes, header says ${len}`, start + 2);
}

function readAction(r: Reader, depth: number): Action {
  const start = r.pos;
  const type = r.u16('action.type');
  const len = r.u16('action.len');
  if (len < OFP_ACTION_HEADER_SIZE || len % 8 !== 0) {
    r.fail('action.len', `${len} is not a multiple of 8 of at least 8`, start + 2);
  }
  const a = r.sub(len - 4, 'action.len');
  switch (type) {
    case OFPAT_OUTPUT: {
      expectLength(r, len, OFP_ACTION_OUTPUT_SIZE, start);
      const port = a.u32('action.port');
      const maxLen = a.u16('action.max_len');
      return { type: 'output', port, maxLen };
    }
    case OFPAT_COPY_TTL_OUT:
      expectLength(r, len, 8, start);
      return { type: 'copyTtlOut' };
    case OFPAT_COPY_TTL_IN:
      expectLength(r, len, 8, start);
      return { type: 'copyTtlIn' };
    case OFPAT_SET_MPLS_TTL:
      expectLength(r, len, 8, start);
      return { type: 'setMplsTtl', mplsTtl: a.u8('action.mpls_ttl') };
    case OFPAT_DEC_MPLS_TTL:
      expectLength(r, len, 8, start);
      return { type: 'decMplsTtl' };
    case OFPAT_PUSH_VLAN:
      expectLength(r, len, 8, start);
      return { type: 'pushVlan', ethertype: a.u16('action.ethertype') };
    case OFPAT_POP_VLAN:
      expectLength(r, len, 8, start);
      return { type: 'popVlan' };
    case OFPAT_PUSH_MPLS:
      expectLength(r, len, 8, start);
      return { type: 'pushMpls', ethertype: a.u16('action.ethertype') };
    case OFPAT_POP_MPLS:
      expectLength(r, len, 8, start);
      return { type: 'popMpls', ethertype: a.u16('action.ethertype') };
    case OFPAT_SET_QUEUE:
      expectLength(r, len, 8, start);
      return { type: 'setQueue', queueId: a.u32('action.queue_id') };
    case OFPAT_GROUP:
      expectLength(r, len, 8, start);
      return { type: 'group', groupId: a.u32('action.group_id') };
    case OFPAT_SET_NW_TTL:
      expectLength(r, len, 8, start);
      return { type: 'setNwTtl', nwTtl: a.u8('action.nw_ttl') };
    case OFPAT_DEC_NW_TTL:
      expectLength(r, len, 8, start);
      return { type: 'decNwTtl' };
    case OFPAT_SET_FIELD: {
      const field = readOxm(a);
      if (((a.pos - start + 7) & ~7) !== len) {
        r.fail('action.len', `set_field of ${a.pos - start} bytes pads to ${(a.pos - start + 7) & ~7}, header says ${len}`, start + 2);
      }
      return { type: 'setField', field };
    }
    case OFPAT_PUSH_PBB:
      expectLength(r, len, 8, start);
      return { type: 'pushPbb', ethertype: a.u16('action.ethertype') };
    case OFPAT_POP_PBB:
      expectLength(r, len, 8, start);
      return { type: 'popPbb' };
    case OFPAT_EXPERIMENTER: {
      const experimenter = a.u32('action.experimenter');
      const data = a.buf.subarray(a.pos, a.end);
      if (experimenter === NX_EXPERIMENTER_ID && data.length >= 2) {
        const nx = readNiciraAction(a, start, len, NESTED, depth);
        if (nx !== undefined) return nx;
      }
      return { type: 'experimenter', experimenter, data };
    }
    default:
      return r.fail('action.type', `unknown action type ${type}`, start);
  }
}

/**
 * Reads actions until the end of `r` (the caller bounds `r` to the action list).
 * `depth` counts the ct actions this list is nested in.
 */
export function readActions(r: Reader, depth = 0): Action[] {
  const actions: Action[] = [];
  while (r.pos < r.end) actions.push(readAction(r, depth));
  return actions;
}

function writeAction(w: Writer, action: Action, depth: number): void {
  const start = w.pos;
  const type = ACTION_TYPE_NUMBERS[action.type];
  if (type === undefined) w.fail('action.type', `unknown action type "${String((action as { type: unknown }).type)}"`);
  w.u16(type, 'action.type');
  w.u16(0, 'action.len');
  // Every typed Nicira action has the experimenter's type number; only 'experimenter' itself is opaque.
  if (type === OFPAT_EXPERIMENTER && action.type !== 'experimenter') {
    writeNiciraAction(w, action as NXAction, NESTED, depth);
    w.align8(start);
    w.patchU16(start + 2, w.pos - start, 'action.len');
    return;
  }
  switch (action.type) {
    case 'output':
      w.u32(action.port, 'action.port');
      w.u16(action.maxLen, 'action.max_len');
      break;
    case 'setMplsTtl':
      w.u8(action.mplsTtl, 'action.mpls_ttl');
      break;
    case 'pushVlan':
    case 'pushMpls':
    case 'popMpls':
    case 'pushPbb':
      w.u16(action.ethertype, 'action.ethertype');
      break;
    case 'setQueue':
      w.u32(action.queueId, 'action.queue_id');
      break;
    case 'group':
      w.u32(action.groupId, 'action.group_id');
      break;
    case 'setNwTtl':
      w.u8(action.nwTtl, 'action.nw_ttl');
      break;
    case 'setField':
      writeOxm(w, action.field);
      break;
    case 'experimenter':
      w.u32(action.experimenter, 'action.experimenter');
      w.bytes(action.data, 'action.data');
      break;
    default:
      // Actions without arguments: header and padding only.
      break;
  }
  w.align8(start);
  w.patchU16(start + 2, w.pos - start, 'action.len');
}

/** Writes an action list (each action padded to 8 bytes); `depth` as in readActions. */
export function writeActions(w: Writer, actions: readonly Action[], depth = 0): void {
  const list = w.list(actions, 'actions');
  for (let i = 0; i < list.length; i++) writeAction(w, w.struct(list[i]!, 'action'), depth);
}

/** How ct's nested action lists are read and written: by this file, handed to nicira/. */
const NESTED: NestedActions = { read: readActions, write: writeActions };

/**
 * A Nicira action's `data` as an opaque experimenter action would hold it (the
 * bytes after the experimenter id, padded): for surfaces that carry experimenter
 * actions as bytes.
 *
 * @throws OfpEncodeError naming the field that cannot go on the wire.
 */
export function niciraActionData(action: Extract<Action, { type: keyof typeof NX_SUBTYPES }>): Buffer {
  const w = new Writer(64);
  writeAction(w, action, 0);
  return Buffer.from(w.view().subarray(OFP_ACTION_EXPERIMENTER_HEADER_SIZE));
}
