import { invalid } from '../errors.js';
import * as pb from '../generated/sdn/runtime/v1/openflow.js';
import type { NiciraAction, NxFlowSpec, NxFlowSpecField, NxmField } from '../openflow/nicira.js';
import { asBuffer } from './bytes.js';

/** Nicira actions between the SDK's values and the API's protobuf (the proto's `nx_*` cases of Action). */

type Kind = NonNullable<pb.Action['kind']>;
type NiciraKind = Extract<Kind, { $case: `nx${string}` }>;

function headerToProto(h: NxmField): pb.NxmField {
  if (h === '') return { kind: undefined };
  return typeof h === 'string' ? { kind: { $case: 'name', value: h } } : { kind: { $case: 'header', value: h } };
}

function headerFromProto(f: pb.NxmField | undefined): NxmField {
  const k = f?.kind;
  return k === undefined ? '' : k.value;
}

/** Bytes an immediate source of `nBits` bits takes on the wire. */
function immediateSize(nBits: number): number {
  return ((nBits + 15) >> 4) * 2;
}

function specToProto(s: NxFlowSpec): pb.NxFlowSpec {
  const field = (f: NxFlowSpecField): pb.NxFlowSpecField => ({ field: headerToProto(f.field), ofs: f.ofs });
  let src: pb.NxFlowSpec['src'];
  if (typeof s.src === 'bigint') {
    const value = Buffer.alloc(immediateSize(s.nBits));
    for (let i = value.length - 1, v = s.src; i >= 0; i--, v >>= 8n) value[i] = Number(v & 0xffn);
    src = { $case: 'srcValue', value };
  } else {
    src = { $case: 'srcField', value: field(s.src) };
  }
  const type = { match: pb.NxFlowSpec_Type.TYPE_MATCH, load: pb.NxFlowSpec_Type.TYPE_LOAD, output: pb.NxFlowSpec_Type.TYPE_OUTPUT }[s.type];
  return { type, nBits: s.nBits, src, dst: s.type === 'output' ? undefined : field(s.dst) };
}

function specFromProto(s: pb.NxFlowSpec): NxFlowSpec {
  const field = (f: pb.NxFlowSpecField | undefined): NxFlowSpecField => ({ field: headerFromProto(f?.field), ofs: f?.ofs ?? 0 });
  const k = s.src;
  const src = k === undefined ? 0n : k.$case === 'srcField' ? field(k.value) : k.value.reduce((v, byte) => (v << 8n) | BigInt(byte), 0n);
  if (s.type === pb.NxFlowSpec_Type.TYPE_OUTPUT) return { type: 'output', src, nBits: s.nBits };
  return { type: s.type === pb.NxFlowSpec_Type.TYPE_LOAD ? 'load' : 'match', src, dst: field(s.dst), nBits: s.nBits };
}

/** A checked Nicira action as protobuf; `toProto` converts ct's nested actions. */
export function niciraToProto<A>(a: NiciraAction<A>, toProto: (a: A) => pb.Action): pb.Action {
  switch (a.type) {
    case 'nxCt':
      return {
        kind: {
          $case: 'nxCt',
          value: { flags: a.flags, zoneSrc: headerToProto(a.zoneSrc), zoneOfsNbits: a.zoneOfsNbits, recircTable: a.recircTable, alg: a.alg, actions: a.actions.map(toProto) },
        },
      };
    case 'nxCtClear':
      return { kind: { $case: 'nxCtClear', value: {} } };
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
      return { kind: { $case: 'nxLearn', value: { ...rest, specs: specs.map(specToProto) } } };
    }
    case 'nxRegLoad':
      return { kind: { $case: 'nxRegLoad', value: { ofsNbits: a.ofsNbits, dst: headerToProto(a.dst), value: a.value } } };
    case 'nxRegMove':
      return {
        kind: { $case: 'nxRegMove', value: { nBits: a.nBits, srcOfs: a.srcOfs, dstOfs: a.dstOfs, srcField: headerToProto(a.srcField), dstField: headerToProto(a.dstField) } },
      };
    case 'nxConjunction':
      return { kind: { $case: 'nxConjunction', value: { clause: a.clause, nClauses: a.nClauses, id: a.id } } };
    case 'nxNote':
      return { kind: { $case: 'nxNote', value: asBuffer(a.note) } };
  }
}

/** The SDK value of a proto Nicira action; `fromProto` converts ct's nested actions. */
export function niciraFromProto<A>(k: NiciraKind, fromProto: (a: pb.Action) => A): NiciraAction<A> {
  switch (k.$case) {
    case 'nxCt': {
      const v = k.value;
      return { type: 'nxCt', flags: v.flags, zoneSrc: headerFromProto(v.zoneSrc), zoneOfsNbits: v.zoneOfsNbits, recircTable: v.recircTable, alg: v.alg, actions: v.actions.map(fromProto) };
    }
    case 'nxCtClear':
      return { type: 'nxCtClear' };
    case 'nxNat':
      return Object.fromEntries(Object.entries({ type: 'nxNat', ...k.value }).filter(([, x]) => x !== undefined)) as NiciraAction<A>;
    case 'nxResubmit':
      return { type: 'nxResubmit', inPort: k.value };
    case 'nxResubmitTable':
      return { type: 'nxResubmitTable', inPort: k.value.inPort, tableId: k.value.tableId };
    case 'nxLearn': {
      const { specs, ...rest } = k.value;
      return { type: 'nxLearn', ...rest, specs: specs.map(specFromProto) };
    }
    case 'nxRegLoad':
      return { type: 'nxRegLoad', ofsNbits: k.value.ofsNbits, dst: headerFromProto(k.value.dst), value: k.value.value };
    case 'nxRegMove': {
      const v = k.value;
      return { type: 'nxRegMove', nBits: v.nBits, srcOfs: v.srcOfs, dstOfs: v.dstOfs, srcField: headerFromProto(v.srcField), dstField: headerFromProto(v.dstField) };
    }
    case 'nxConjunction':
      return { type: 'nxConjunction', clause: k.value.clause, nClauses: k.value.nClauses, id: k.value.id };
    case 'nxNote':
      return { type: 'nxNote', note: k.value };
    default:
      throw invalid('action from the runtime', `unknown Nicira action ${String((k as { $case: unknown }).$case)}`);
  }
}
