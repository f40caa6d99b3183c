import { readIpv4, readMac, writeIpv4, writeMac } from '../addresses.js';
import { type NestedActions, type NXAction, NX_EXPERIMENTER_ID, NX_SUBTYPES, readNiciraAction, writeNiciraAction } from '../nicira/index.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import {
  OFP_ACTION_DL_ADDR_10_SIZE,
  OFP_ACTION_ENQUEUE_10_SIZE,
  OFP_ACTION_HEADER_10_SIZE,
  OFPAT10_ENQUEUE,
  OFPAT10_OUTPUT,
  OFPAT10_SET_DL_DST,
  OFPAT10_SET_DL_SRC,
  OFPAT10_SET_NW_DST,
  OFPAT10_SET_NW_SRC,
  OFPAT10_SET_NW_TOS,
  OFPAT10_SET_TP_DST,
  OFPAT10_SET_TP_SRC,
  OFPAT10_SET_VLAN_PCP,
  OFPAT10_SET_VLAN_VID,
  OFPAT10_STRIP_VLAN,
  OFPAT10_VENDOR,
} from './constants.js';
import type { Action10 } from './types.js';

/**
 * OpenFlow 1.0 actions (5.2.4): TLVs padded to 8 bytes; every standard action has
 * one fixed size. Vendor actions with Nicira's id share 1.3's experimenter layout,
 * so nicira/ reads and writes them.
 */

/** Wire type number of each standard 1.0 action tag. */
const TYPE_NUMBERS: Readonly<Record<string, number>> = {
  output: OFPAT10_OUTPUT,
  setVlanVid: OFPAT10_SET_VLAN_VID,
  setVlanPcp: OFPAT10_SET_VLAN_PCP,
  stripVlan: OFPAT10_STRIP_VLAN,
  setDlSrc: OFPAT10_SET_DL_SRC,
  setDlDst: OFPAT10_SET_DL_DST,
  setNwSrc: OFPAT10_SET_NW_SRC,
  setNwDst: OFPAT10_SET_NW_DST,
  setNwTos: OFPAT10_SET_NW_TOS,
  setTpSrc: OFPAT10_SET_TP_SRC,
  setTpDst: OFPAT10_SET_TP_DST,
  enqueue: OFPAT10_ENQUEUE,
  vendor: OFPAT10_VENDOR,
};

const SIZES: Readonly<Record<number, number>> = {
  [OFPAT10_SET_DL_SRC]: OFP_ACTION_DL_ADDR_10_SIZE,
  [OFPAT10_SET_DL_DST]: OFP_ACTION_DL_ADDR_10_SIZE,
  [OFPAT10_ENQUEUE]: OFP_ACTION_ENQUEUE_10_SIZE,
};

/**
 * ct's nested action list would hold 1.0 actions, which the 1.3 Nicira value
 * types cannot carry: only an empty list is accepted, both ways.
 */
const NO_NESTED: NestedActions = {
  read: (r) => (r.remaining() === 0 ? [] : r.fail('ct.actions', 'nested actions of ct are not modelled for OpenFlow 1.0')),
  write: (w, actions) => {
    if (w.list(actions, 'ct.actions').length > 0) w.fail('ct.actions', 'nested actions of ct are not modelled for OpenFlow 1.0');
  },
};

function readAction10(r: Reader): Action10 {
  const start = r.pos;
  const type = r.u16('action.type');
  const len = r.u16('action.len');
  if (len < OFP_ACTION_HEADER_10_SIZE || len % 8 !== 0) r.fail('action.len', `${len} is not a multiple of 8 of at least 8`, start + 2);
  const a = r.sub(len - 4, 'action.len');
  if (type === OFPAT10_VENDOR) {
    const vendor = a.u32('action.vendor');
    const data = a.buf.subarray(a.pos, a.end);
    if (vendor === NX_EXPERIMENTER_ID && data.length >= 2) {
      const nx = readNiciraAction(a, start, len, NO_NESTED, 0);
      if (nx !== undefined) return nx as Action10;
    }
    return { type: 'vendor', vendor, data };
  }
  const want = SIZES[type] ?? OFP_ACTION_HEADER_10_SIZE;
  if (type > OFPAT10_ENQUEUE) r.fail('action.type', `unknown action type ${type}`, start);
  if (len !== want) r.fail('action.len', `action type ${type} must be ${want} bytes, header says ${len}`, start + 2);
  switch (type) {
    case OFPAT10_OUTPUT:
      return { type: 'output', port: a.u16('action.port'), maxLen: a.u16('action.max_len') };
    case OFPAT10_SET_VLAN_VID:
      return { type: 'setVlanVid', vlanVid: a.u16('action.vlan_vid') };
    case OFPAT10_SET_VLAN_PCP:
      return { type: 'setVlanPcp', vlanPcp: a.u8('action.vlan_pcp') };
    case OFPAT10_STRIP_VLAN:
      return { type: 'stripVlan' };
    case OFPAT10_SET_DL_SRC:
      return { type: 'setDlSrc', dlAddr: readMac(a, 'action.dl_addr') };
    case OFPAT10_SET_DL_DST:
      return { type: 'setDlDst', dlAddr: readMac(a, 'action.dl_addr') };
    case OFPAT10_SET_NW_SRC:
      return { type: 'setNwSrc', nwAddr: readIpv4(a, 'action.nw_addr') };
    case OFPAT10_SET_NW_DST:
      return { type: 'setNwDst', nwAddr: readIpv4(a, 'action.nw_addr') };
    case OFPAT10_SET_NW_TOS:
      return { type: 'setNwTos', tos: a.u8('action.nw_tos') };
    case OFPAT10_SET_TP_SRC:
      return { type: 'setTpSrc', tp: a.u16('action.tp_port') };
    case OFPAT10_SET_TP_DST:
      return { type: 'setTpDst', tp: a.u16('action.tp_port') };
    default: {
      const port = a.u16('action.port');
      a.pad(6);
      return { type: 'enqueue', port, queueId: a.u32('action.queue_id') };
    }
  }
}

/** Reads actions until the end of `r` (the caller bounds `r` to the list). */
export function readActions10(r: Reader): Action10[] {
  const actions: Action10[] = [];
  while (r.pos < r.end) actions.push(readAction10(r));
  return actions;
}

function writeAction10(w: Writer, action: Action10): void {
  const start = w.pos;
  const nicira = Object.hasOwn(NX_SUBTYPES, action.type);
  const type = nicira ? OFPAT10_VENDOR : TYPE_NUMBERS[action.type];
  if (type === undefined || !Object.hasOwn(TYPE_NUMBERS, action.type) && !nicira) {
    w.fail('action.type', `"${String(action.type)}" is not an OpenFlow 1.0 action`);
  }
  w.u16(type, 'action.type');
  w.u16(0, 'action.len');
  if (nicira) {
    writeNiciraAction(w, action as NXAction, NO_NESTED, 0);
  } else {
    const a = action as Exclude<Action10, NXAction>;
    switch (a.type) {
      case 'output':
        w.u16(a.port, 'action.port');
        w.u16(a.maxLen, 'action.max_len');
        break;
      case 'setVlanVid':
        w.u16(a.vlanVid, 'action.vlan_vid');
        break;
      case 'setVlanPcp':
        w.u8(a.vlanPcp, 'action.vlan_pcp');
        break;
      case 'setDlSrc':
      case 'setDlDst':
        writeMac(w, a.dlAddr, 'action.dl_addr');
        break;
      case 'setNwSrc':
      case 'setNwDst':
        writeIpv4(w, a.nwAddr, 'action.nw_addr');
        break;
      case 'setNwTos':
        w.u8(a.tos, 'action.nw_tos');
        break;
      case 'setTpSrc':
      case 'setTpDst':
        w.u16(a.tp, 'action.tp_port');
        break;
      case 'enqueue':
        w.u16(a.port, 'action.port');
        w.zeros(6);
        w.u32(a.queueId, 'action.queue_id');
        break;
      case 'vendor':
        w.u32(a.vendor, 'action.vendor');
        w.bytes(a.data, 'action.data');
        break;
      default:
        // stripVlan: header and padding only.
        break;
    }
  }
  w.align8(start);
  w.patchU16(start + 2, w.pos - start, 'action.len');
}

/** Writes a 1.0 action list (each action padded to 8 bytes). */
export function writeActions10(w: Writer, actions: readonly Action10[]): void {
  for (const action of w.list(actions, 'actions')) writeAction10(w, w.struct(action, 'action'));
}
