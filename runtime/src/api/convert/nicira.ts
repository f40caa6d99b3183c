import {
  type Action,
  immediateSize,
  niciraActionData,
  type NXAction,
  type NXFlowSpec,
  type NXFlowSpecField,
  type NXFlowSpecSource,
  type NxmHeader,
  nxmHeaderFromNumber,
  OfpEncodeError,
} from '../../openflow/index.js';
import {
  NxFlowSpec_Type,
  type Action as PbAction,
  type NxFlowSpec as PbNxFlowSpec,
  type NxFlowSpecField as PbNxFlowSpecField,
  type NxmField as PbNxmField,
} from '../../generated/sdn/runtime/v1/openflow.js';
import { ApiInputError } from '../errors.js';
import { enumValue, required } from './validate.js';

/**
 * The Nicira actions the proto carries (ct, ct_clear, nat, resubmit(_table), learn,
 * reg_load, reg_move, conjunction, note) between the proto and the codec. A value
 * is checked by encoding it, so every bound the wire has is enforced in one place;
 * its errors name the proto path. Other Nicira actions reach apps as experimenter
 * bytes (actions.ts).
 */

type Kind = NonNullable<PbAction['kind']>;
/** The proto's Nicira cases: the codec's tags. */
export type NiciraCase = Extract<Kind['$case'], `nx${string}`>;

const NOTHING = {};

function toHeader(f: PbNxmField | undefined): NxmHeader {
  const k = f?.kind;
  if (k === undefined) return '';
  return k.$case === 'name' ? k.value : nxmHeaderFromNumber(k.value);
}

function fromHeader(h: NxmHeader): PbNxmField {
  if (h === '') return { kind: undefined };
  return typeof h === 'string' ? { kind: { $case: 'name', value: h } } : { kind: { $case: 'header', value: h } };
}

function toSpecField(f: PbNxFlowSpecField | undefined, path: string): NXFlowSpecField {
  const v = required(f, path);
  return { field: toHeader(v.field), ofs: v.ofs };
}

function fromSpecField(f: NXFlowSpecField): PbNxFlowSpecField {
  return { field: fromHeader(f.field), ofs: f.ofs };
}

function toSpec(s: PbNxFlowSpec, path: string): NXFlowSpec {
  const type = enumValue(s.type, [NxFlowSpec_Type.TYPE_MATCH, NxFlowSpec_Type.TYPE_LOAD, NxFlowSpec_Type.TYPE_OUTPUT], `${path}.type`);
  const k = required(s.src, `${path}.src`);
  let src: NXFlowSpecSource;
  if (k.$case === 'srcField') {
    src = toSpecField(k.value, `${path}.src_field`);
  } else {
    if (k.value.length > immediateSize(s.nBits)) throw new ApiInputError(`${path}.src_value`, `${k.value.length} bytes exceed the ${immediateSize(s.nBits)} of ${s.nBits} bits`);
    src = k.value.reduce((v, byte) => (v << 8n) | BigInt(byte), 0n);
  }
  if (type === NxFlowSpec_Type.TYPE_OUTPUT) {
    if (s.dst !== undefined) throw new ApiInputError(`${path}.dst`, 'an output spec has no destination');
    return { type: 'output', src, nBits: s.nBits };
  }
  return { type: type === NxFlowSpec_Type.TYPE_MATCH ? 'match' : 'load', src, dst: toSpecField(s.dst, `${path}.dst`), nBits: s.nBits };
}

function fromSpec(s: NXFlowSpec): PbNxFlowSpec {
  let src: PbNxFlowSpec['src'];
  if (typeof s.src === 'bigint') {
    const value = Buffer.alloc(immediateSize(s.nBits));
    for (let i = value.length - 1, v = s.src; i >= 0; i--, v >>= 8n) value[i] = Number(v & 0xffn);
    src = { $case: 'srcValue', value };
  } else {
    src = { $case: 'srcField', value: fromSpecField(s.src) };
  }
  const type = { match: NxFlowSpec_Type.TYPE_MATCH, load: NxFlowSpec_Type.TYPE_LOAD, output: NxFlowSpec_Type.TYPE_OUTPUT }[s.type];
  return { type, nBits: s.nBits, src, dst: s.type === 'output' ? undefined : fromSpecField(s.dst) };
}

/** Encodes `a` to check it; an encoding error becomes an ApiInputError at `path`. */
function checked(a: NXAction, path: string): NXAction {
  try {
    niciraActionData(a);
  } catch (err) {
    if (!(err instanceof OfpEncodeError)) throw err;
    throw new ApiInputError(path, err.message.slice(err.message.indexOf(': ') + 2), { cause: err });
  }
  return a;
}

/** The codec value of a proto Nicira action. @throws ApiInputError naming `at` (the case's path). */
export function toNiciraAction(k: Extract<Kind, { $case: NiciraCase }>, at: string, toActions: (list: readonly PbAction[], path: string) => Action[]): NXAction {
  switch (k.$case) {
    case 'nxCt': {
      const v = k.value;
      const actions = toActions(v.actions, `${at}.actions`);
      return checked({ type: 'nxCt', flags: v.flags, zoneSrc: toHeader(v.zoneSrc), zoneOfsNbits: v.zoneOfsNbits, recircTable: v.recircTable, alg: v.alg, actions }, at);
    }
    case 'nxCtClear':
      return { type: 'nxCtClear' };
    case 'nxNat': {
      const v = k.value;
      const nat = Object.fromEntries(Object.entries({ ...v, type: 'nxNat' }).filter(([, x]) => x !== undefined));
      return checked(nat as unknown as NXAction, at);
    }
    case 'nxResubmit':
      return checked({ type: 'nxResubmit', inPort: k.value }, at);
    case 'nxResubmitTable':
      return checked({ type: 'nxResubmitTable', inPort: k.value.inPort, tableId: k.value.tableId }, at);
    case 'nxLearn': {
      const { specs, ...rest } = k.value;
      return checked({ type: 'nxLearn', ...rest, specs: specs.map((s, i) => toSpec(s, `${at}.specs[${i}]`)) }, at);
    }
    case 'nxRegLoad':
      return checked({ type: 'nxRegLoad', ofsNbits: k.value.ofsNbits, dst: toHeader(k.value.dst), value: k.value.value }, at);
    case 'nxRegMove': {
      const v = k.value;
      return checked({ type: 'nxRegMove', nBits: v.nBits, srcOfs: v.srcOfs, dstOfs: v.dstOfs, srcField: toHeader(v.srcField), dstField: toHeader(v.dstField) }, at);
    }
    case 'nxConjunction':
      return checked({ type: 'nxConjunction', clause: k.value.clause, nClauses: k.value.nClauses, id: k.value.id }, at);
    case 'nxNote':
      return checked({ type: 'nxNote', note: k.value }, at);
  }
}

/** The proto form of a codec Nicira action, or undefined when the proto has no case for it. */
export function fromNiciraAction(a: NXAction, fromAction: (a: Action) => PbAction): PbAction | undefined {
  switch (a.type) {
    case 'nxCt':
      return {
        kind: {
          $case: 'nxCt',
          value: { flags: a.flags, zoneSrc: fromHeader(a.zoneSrc), zoneOfsNbits: a.zoneOfsNbits, recircTable: a.recircTable, alg: a.alg, actions: a.actions.map(fromAction) },
        },
      };
    case 'nxCtClear':
      return { kind: { $case: 'nxCtClear', value: NOTHING } };
    case 'nxNat': {
      const { type: _type, ...bounds } = a;
      return { kind: { $case: 'nxNat', value: { rangeIpv4Min: undefined, rangeIpv4Max: undefined, rangeIpv6Min: undefined, rangeIpv6Max: undefined, rangeProtoMin: undefined, rangeProtoMax: undefined, ...bounds } } };
    }
    case 'nxResubmit':
      return { kind: { $case: 'nxResubmit', value: a.inPort } };
    case 'nxResubmitTable':
      return { kind: { $case: 'nxResubmitTable', value: { inPort: a.inPort, tableId: a.tableId } } };
    case 'nxLearn': {
      const { type: _type, specs, ...rest } = a;
      return { kind: { $case: 'nxLearn', value: { ...rest, specs: specs.map(fromSpec) } } };
    }
    case 'nxRegLoad':
      return { kind: { $case: 'nxRegLoad', value: { ofsNbits: a.ofsNbits, dst: fromHeader(a.dst), value: a.value } } };
    case 'nxRegMove':
      return {
        kind: { $case: 'nxRegMove', value: { nBits: a.nBits, srcOfs: a.srcOfs, dstOfs: a.dstOfs, srcField: fromHeader(a.srcField), dstField: fromHeader(a.dstField) } },
      };
    case 'nxConjunction':
      return { kind: { $case: 'nxConjunction', value: { clause: a.clause, nClauses: a.nClauses, id: a.id } } };
    case 'nxNote':
      return { kind: { $case: 'nxNote', value: Buffer.from(a.note) } };
    default:
      return undefined;
  }
}
