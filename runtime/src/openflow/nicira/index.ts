import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { type NestedActions, readCt, readNat, writeCt, writeNat } from './ct.js';
import {
  FIXED_LAYOUTS,
  NX_EXPERIMENTER_ID,
  NXAST_BUNDLE,
  NXAST_BUNDLE_LOAD,
  NXAST_CONTROLLER2,
  NXAST_CT,
  NXAST_DEC_TTL_CNT_IDS,
  NXAST_LEARN,
  NXAST_NAT,
  NXAST_NOTE,
  NXAST_REG_LOAD2,
  readFixed,
  writeFixed,
} from './layouts.js';
import { readLearn, writeLearn } from './learn.js';
import type { NXAction, NXActionType, NXFixedAction } from './types.js';
import {
  readBundle,
  readController2,
  readDecTtlCntIds,
  readNote,
  readRegLoad2,
  writeBundle,
  writeController2,
  writeDecTtlCntIds,
  writeNote,
  writeRegLoad2,
} from './variable.js';

/**
 * Nicira (Open vSwitch) extension actions as typed values: the codec's entry
 * into this folder. README.md lists every action with its layout; types.ts has
 * the values.
 */

export type * from './types.js';
export type { NestedActions } from './ct.js';
export { NX_EXPERIMENTER_ID } from './layouts.js';

type FixedType = NXFixedAction['type'];

/** The NXAST_* subtype of each tag. */
export const NX_SUBTYPES: Readonly<Record<NXActionType, number>> = {
  ...(Object.fromEntries(Object.entries(FIXED_LAYOUTS).map(([type, l]) => [type, l.subtype])) as Record<FixedType, number>),
  nxNote: NXAST_NOTE,
  nxRegLoad2: NXAST_REG_LOAD2,
  nxDecTtlCntIds: NXAST_DEC_TTL_CNT_IDS,
  nxBundle: NXAST_BUNDLE,
  nxBundleLoad: NXAST_BUNDLE_LOAD,
  nxController2: NXAST_CONTROLLER2,
  nxLearn: NXAST_LEARN,
  nxCt: NXAST_CT,
  nxNat: NXAST_NAT,
};

const FIXED_BY_SUBTYPE = new Map<number, FixedType>(
  (Object.keys(FIXED_LAYOUTS) as FixedType[]).map((type) => [FIXED_LAYOUTS[type].subtype, type]),
);

/** Whether `type` is a modelled Nicira action's tag. */
export function isNiciraActionType(type: string): type is NXActionType {
  return Object.prototype.hasOwnProperty.call(NX_SUBTYPES, type);
}

/**
 * Reads the Nicira action that starts at `start` (its whole length `len`), with
 * `r` bounded to it and positioned after the experimenter id. Returns undefined
 * for a subtype that is not modelled, or a controller2 whose properties the value
 * cannot give back: the caller keeps those opaque.
 *
 * @throws OfpDecodeError for a modelled subtype whose bytes are wrong (a length
 *   that is not the action's size, a count that overruns it, a reserved value).
 */
export function readNiciraAction(r: Reader, start: number, len: number, nested: NestedActions, depth: number): NXAction | undefined {
  const subtype = r.u16('action.subtype');
  const fixed = FIXED_BY_SUBTYPE.get(subtype);
  if (fixed !== undefined) {
    const layout = FIXED_LAYOUTS[fixed];
    if (len !== layout.size) r.fail('action.len', `${layout.cls} must be ${layout.size} bytes, header says ${len}`, start + 2);
    return readFixed(r, fixed, layout);
  }
  switch (subtype) {
    case NXAST_NOTE:
      return readNote(r);
    case NXAST_REG_LOAD2:
      return readRegLoad2(r, start, len);
    case NXAST_DEC_TTL_CNT_IDS:
      return readDecTtlCntIds(r, start, len);
    case NXAST_BUNDLE:
      return readBundle(r, 'nxBundle', start, len);
    case NXAST_BUNDLE_LOAD:
      return readBundle(r, 'nxBundleLoad', start, len);
    case NXAST_CONTROLLER2:
      return readController2(r);
    case NXAST_LEARN:
      return readLearn(r, start, len);
    case NXAST_CT:
      return readCt(r, nested, depth, start);
    case NXAST_NAT:
      return readNat(r, start, len);
    default:
      return undefined;
  }
}

/**
 * Writes a Nicira action's experimenter id, subtype and body; the caller writes
 * the action header before and pads to 8 after.
 *
 * @throws OfpEncodeError naming the field that cannot go on the wire.
 */
export function writeNiciraAction(w: Writer, a: NXAction, nested: NestedActions, depth: number): void {
  w.u32(NX_EXPERIMENTER_ID, 'action.experimenter');
  w.u16(NX_SUBTYPES[a.type], 'action.subtype');
  switch (a.type) {
    case 'nxNote':
      return writeNote(w, a);
    case 'nxRegLoad2':
      return writeRegLoad2(w, a);
    case 'nxDecTtlCntIds':
      return writeDecTtlCntIds(w, a);
    case 'nxBundle':
    case 'nxBundleLoad':
      return writeBundle(w, a);
    case 'nxController2':
      return writeController2(w, a);
    case 'nxLearn':
      return writeLearn(w, a);
    case 'nxCt':
      return writeCt(w, a, nested, depth);
    case 'nxNat':
      return writeNat(w, a);
    default:
      return writeFixed(w, a, FIXED_LAYOUTS[a.type]);
  }
}
