import { readOxm, writeOxm } from '../oxm.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { readNxmHeader, writeNxmHeader } from './header.js';
import type { NXActionBundle, NXActionController2, NXActionDecTtlCntIds, NXActionNote, NXActionRegLoad2 } from './types.js';

/**
 * Nicira actions of variable size other than learn and ct: note, reg_load2,
 * dec_ttl_cnt_ids, bundle(_load) and controller2. Each reader starts after the
 * subtype, inside a reader bounded to the action, and checks that the action's
 * length is exactly its content padded to 8 (a longer length would be bytes the
 * value cannot give back).
 */

/** sizeof(struct nx_action_cnt_ids) without its ids. */
export const NX_ACTION_CNT_IDS_SIZE = 16;
/** sizeof(struct nx_action_bundle) without its slaves. */
export const NX_ACTION_BUNDLE_SIZE = 32;
/** sizeof(struct nx_action_controller2) without its properties. */
export const NX_ACTION_CONTROLLER2_SIZE = 16;
/** Bytes of a property header (type, length) in NXAST_CONTROLLER2. */
export const NXAC2_PROP_HEADER_SIZE = 4;

// enum nx_action_controller2_prop_type
export const NXAC2PT_MAX_LEN = 0;
export const NXAC2PT_CONTROLLER_ID = 1;
export const NXAC2PT_REASON = 2;
export const NXAC2PT_USERDATA = 3;
export const NXAC2PT_PAUSE = 4;

function pad8(n: number): number {
  return (n + 7) & ~7;
}

/** Fails unless the action's length is what was read from `start` padded to 8; skips the padding. */
export function endPadded(r: Reader, start: number, len: number, what: string): void {
  const used = r.pos - start;
  if (pad8(used) !== len) r.fail('action.len', `${what} of ${used} bytes pads to ${pad8(used)}, header says ${len}`, start + 2);
  r.pos = r.end;
}

export function readNote(r: Reader): NXActionNote {
  return { type: 'nxNote', note: r.rest() };
}

export function writeNote(w: Writer, a: NXActionNote): void {
  w.bytes(a.note, 'action.note');
}

export function readRegLoad2(r: Reader, start: number, len: number): NXActionRegLoad2 {
  const field = readOxm(r);
  endPadded(r, start, len, 'reg_load2');
  return { type: 'nxRegLoad2', field };
}

export function writeRegLoad2(w: Writer, a: NXActionRegLoad2): void {
  writeOxm(w, a.field);
}

export function readDecTtlCntIds(r: Reader, start: number, len: number): NXActionDecTtlCntIds {
  const n = r.u16('action.n_controllers');
  r.pad(4, 'action.pad');
  const cntIds: number[] = [];
  for (let i = 0; i < n; i++) cntIds.push(r.u16('action.cnt_ids'));
  endPadded(r, start, len, `dec_ttl_cnt_ids with ${n} ids`);
  return { type: 'nxDecTtlCntIds', cntIds };
}

export function writeDecTtlCntIds(w: Writer, a: NXActionDecTtlCntIds): void {
  const ids = w.list(a.cntIds, 'action.cnt_ids');
  w.u16(ids.length, 'action.n_controllers');
  w.zeros(4);
  for (const id of ids) w.u16(id, 'action.cnt_ids');
}

export function readBundle(r: Reader, type: NXActionBundle['type'], start: number, len: number): NXActionBundle {
  const algorithm = r.u16('action.algorithm');
  const fields = r.u16('action.fields');
  const basis = r.u16('action.basis');
  const slaveType = r.u32('action.slave_type');
  const n = r.u16('action.n_slaves');
  const ofsNbits = r.u16('action.ofs_nbits');
  const dst = readNxmHeader(r, 'action.dst');
  r.pad(4, 'action.pad');
  const slaves: number[] = [];
  for (let i = 0; i < n; i++) slaves.push(r.u16('action.slaves'));
  endPadded(r, start, len, `bundle with ${n} slaves`);
  return { type, algorithm, fields, basis, slaveType, ofsNbits, dst, slaves };
}

export function writeBundle(w: Writer, a: NXActionBundle): void {
  const slaves = w.list(a.slaves, 'action.slaves');
  w.u16(a.algorithm, 'action.algorithm');
  w.u16(a.fields, 'action.fields');
  w.u16(a.basis, 'action.basis');
  w.u32(a.slaveType, 'action.slave_type');
  w.u16(slaves.length, 'action.n_slaves');
  w.u16(a.ofsNbits, 'action.ofs_nbits');
  writeNxmHeader(w, a.dst, 'action.dst');
  w.zeros(4);
  for (const s of slaves) w.u16(s, 'action.slaves');
}

/** Each property's length as Open vSwitch writes it (ofpprop_put_u16/u8/flag); userdata's is 4 + its bytes. */
const CONTROLLER2_PROP_LENGTHS: Readonly<Record<number, number>> = {
  [NXAC2PT_MAX_LEN]: 8,
  [NXAC2PT_CONTROLLER_ID]: 8,
  [NXAC2PT_REASON]: 5,
  [NXAC2PT_PAUSE]: 4,
};

/**
 * NXAST_CONTROLLER2, or undefined when the properties are well formed but the
 * value cannot give them back byte for byte (an unknown or repeated property, a
 * property out of type order or of another length): the action then stays opaque.
 */
export function readController2(r: Reader): NXActionController2 | undefined {
  r.pad(6, 'action.pad');
  const out: { -readonly [K in keyof NXActionController2]: NXActionController2[K] } = { type: 'nxController2', pause: false };
  let representable = true;
  let lastType = -1;
  while (r.pos < r.end) {
    const propStart = r.pos;
    const type = r.u16('controller2.prop.type');
    const length = r.u16('controller2.prop.length');
    if (length < NXAC2_PROP_HEADER_SIZE) r.fail('controller2.prop.length', `${length} is below the property header size 4`, propStart + 2);
    const p = r.sub(length - NXAC2_PROP_HEADER_SIZE, 'controller2.prop.length');
    r.pad(pad8(length) - length, 'controller2.prop.pad');
    const canonical = CONTROLLER2_PROP_LENGTHS[type];
    if (type <= lastType || (canonical !== undefined && canonical !== length) || type > NXAC2PT_PAUSE) representable = false;
    lastType = type;
    if (!representable) continue;
    if (type === NXAC2PT_MAX_LEN) out.maxLen = p.u16('controller2.max_len');
    else if (type === NXAC2PT_CONTROLLER_ID) out.controllerId = p.u16('controller2.controller_id');
    else if (type === NXAC2PT_REASON) out.reason = p.u8('controller2.reason');
    else if (type === NXAC2PT_USERDATA) out.userdata = p.rest();
    else out.pause = true;
  }
  return representable ? out : undefined;
}

function startProp(w: Writer, type: number): number {
  const start = w.pos;
  w.u16(type, 'controller2.prop.type');
  w.u16(0, 'controller2.prop.length');
  return start;
}

function endProp(w: Writer, start: number, length: number): void {
  w.patchU16(start + 2, length, 'controller2.prop.length');
  w.align8(start);
}

export function writeController2(w: Writer, a: NXActionController2): void {
  w.zeros(6);
  if (a.maxLen !== undefined) {
    const s = startProp(w, NXAC2PT_MAX_LEN);
    w.u16(a.maxLen, 'controller2.max_len');
    endProp(w, s, 8);
  }
  if (a.controllerId !== undefined) {
    const s = startProp(w, NXAC2PT_CONTROLLER_ID);
    w.u16(a.controllerId, 'controller2.controller_id');
    endProp(w, s, 8);
  }
  if (a.reason !== undefined) {
    const s = startProp(w, NXAC2PT_REASON);
    w.u8(a.reason, 'controller2.reason');
    endProp(w, s, 5);
  }
  if (a.userdata !== undefined) {
    const s = startProp(w, NXAC2PT_USERDATA);
    w.bytes(a.userdata, 'controller2.userdata');
    endProp(w, s, w.pos - s);
  }
  if (a.pause === true) endProp(w, startProp(w, NXAC2PT_PAUSE), NXAC2_PROP_HEADER_SIZE);
  else if (a.pause !== false) w.fail('controller2.pause', `${String(a.pause)} is not a boolean`);
}
