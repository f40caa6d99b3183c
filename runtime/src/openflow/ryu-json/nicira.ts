import { OFPAT_EXPERIMENTER, niciraActionData, OFP_ACTION_EXPERIMENTER_HEADER_SIZE } from '../actions.js';
import { OfpEncodeError } from '../errors.js';
import { nxmHeaderFromNumber, nxmHeaderNumber } from '../nicira/header.js';
import { FIXED_LAYOUTS, NX_EXPERIMENTER_ID, type SlotKind } from '../nicira/layouts.js';
import { NX_SUBTYPES } from '../nicira/index.js';
import type { NXAction, NXActionType, NXFixedAction, NXFlowSpec, NXFlowSpecField, NXFlowSpecSource, NxmHeader } from '../nicira/types.js';
import type { Action } from '../structs.js';
import { bigintToJson, byteList, type Field, ipv4, ipv6, list, struct, type Struct, u16, u32, u64, u8 } from './fields.js';
import { checkDerived, classed, describeJson, fail, type JsonObject, readArray, readClassed, type RyuJson, type RyuJsonObject } from './json.js';
import { oxmFromRyu, oxmToRyu } from './oxm.js';

/**
 * Nicira actions in Ryu's JSON: `NXAction<Name> {type: 65535, len, experimenter:
 * 8992, subtype, ...}` with Ryu's attribute names. A field reference is Ryu's
 * field name ('' for none, our number for a header Ryu could not name); a learn
 * spec's source and destination are `[name, ofs]` or, for an immediate source,
 * an integer. NXActionDebugSlow/NXActionDebugRecirc are ours (Ryu has none).
 */

type FixedType = NXFixedAction['type'];

/** An NXM header: a field name, '' for none, or (ours) a number for a header no name reproduces. */
export const nxmHeader: Field<NxmHeader> = {
  to: (h) => h,
  from(j, path) {
    if (typeof j === 'string') {
      if (nxmHeaderNumber(j) === undefined) fail(path, `"${j}" is not a field with a 4-byte NXM/OXM header`);
      return j;
    }
    return nxmHeaderFromNumber(u32.from(j, path));
  },
};

const SLOT_FIELDS: Readonly<Record<SlotKind, Field<unknown>>> = { u8, u16, u32, u64, header: nxmHeader } as Record<SlotKind, Field<unknown>>;

function fixedStruct(type: FixedType): Struct<Record<string, unknown>> {
  const spec: Record<string, Field<unknown>> = {};
  for (const slot of FIXED_LAYOUTS[type].slots) if (typeof slot !== 'number') spec[slot[0]] = SLOT_FIELDS[slot[1]];
  return struct(spec);
}

const FIXED_STRUCTS = new Map<FixedType, Struct<Record<string, unknown>>>(
  (Object.keys(FIXED_LAYOUTS) as FixedType[]).map((type) => [type, fixedStruct(type)]),
);

// ---------------------------------------------------------------- learn specs

const SPEC_CLASSES: Readonly<Record<NXFlowSpec['type'], string>> = { match: 'NXFlowSpecMatch', load: 'NXFlowSpecLoad', output: 'NXFlowSpecOutput' };

function specFieldToRyu(f: NXFlowSpecField): RyuJson {
  return [f.field, f.ofs];
}

function specFieldFromRyu(j: RyuJson, path: string): NXFlowSpecField {
  const items = readArray(j, path);
  if (items.length !== 2) fail(path, `expected [field, ofs], got ${items.length} items`);
  return { field: nxmHeader.from(items[0]!.value, items[0]!.path), ofs: u16.from(items[1]!.value, items[1]!.path) };
}

function specSourceFromRyu(j: RyuJson, path: string): NXFlowSpecSource {
  if (Array.isArray(j)) return specFieldFromRyu(j, path);
  if (typeof j === 'bigint' || (typeof j === 'number' && Number.isSafeInteger(j) && j >= 0)) return BigInt(j);
  return fail(path, `expected [field, ofs] or an unsigned integer, got ${describeJson(j)}`);
}

function specToRyu(s: NXFlowSpec): RyuJson {
  const src = typeof s.src === 'bigint' ? bigintToJson(s.src) : specFieldToRyu(s.src);
  return classed(SPEC_CLASSES[s.type], { src, dst: s.type === 'output' ? '' : specFieldToRyu(s.dst), n_bits: s.nBits });
}

function specFromRyu(j: RyuJson, path: string): NXFlowSpec {
  const { name, body } = readClassed(j, path);
  const type = (Object.keys(SPEC_CLASSES) as NXFlowSpec['type'][]).find((t) => SPEC_CLASSES[t] === name);
  if (type === undefined) fail(path, `expected NXFlowSpecMatch, NXFlowSpecLoad or NXFlowSpecOutput, got ${name}`);
  const src = specSourceFromRyu(body.get('src'), body.at('src'));
  const nBits = u16.from(body.get('n_bits'), body.at('n_bits'));
  let spec: NXFlowSpec;
  if (type === 'output') {
    if (body.get('dst') !== '') fail(body.at('dst'), 'an output spec has no destination: give ""');
    spec = { type, src, nBits };
  } else {
    spec = { type, src, dst: specFieldFromRyu(body.get('dst'), body.at('dst')), nBits };
  }
  body.done();
  return spec;
}

const spec: Field<NXFlowSpec> = { to: specToRyu, from: specFromRyu };

// ---------------------------------------------------------------- variable-size actions

/** Optional keys: written only when present in the value; Ryu's defaults mean absent. */
function optional<T>(o: JsonObject, key: string, f: Field<T>, absent: RyuJson): T | undefined {
  const j = o.opt(key);
  return j === undefined || j === absent ? undefined : f.from(j, o.at(key));
}

function withDefined(v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));
}

function bodyToRyu(a: NXAction, action: Field<Action>): Record<string, RyuJson> {
  switch (a.type) {
    case 'nxNote':
      return { note: byteList.to(a.note) };
    case 'nxRegLoad2': {
      const tlv = (oxmToRyu(a.field) as RyuJsonObject)['OXMTlv'] as RyuJsonObject;
      return { dst: tlv['field']!, value: tlv['value']!, mask: tlv['mask']! };
    }
    case 'nxDecTtlCntIds':
      return { cnt_ids: [...a.cntIds] };
    case 'nxBundle':
    case 'nxBundleLoad':
      return {
        algorithm: a.algorithm, fields: a.fields, basis: a.basis, slave_type: a.slaveType, n_slaves: a.slaves.length,
        ofs_nbits: a.ofsNbits, dst: a.dst, slaves: [...a.slaves],
      };
    case 'nxController2': {
      const out: Record<string, RyuJson> = {};
      if (a.maxLen !== undefined) out['max_len'] = a.maxLen;
      if (a.controllerId !== undefined) out['controller_id'] = a.controllerId;
      if (a.reason !== undefined) out['reason'] = a.reason;
      if (a.userdata !== undefined) out['userdata'] = byteList.to(a.userdata);
      if (a.pause) out['pause'] = true;
      return out;
    }
    case 'nxLearn':
      return {
        idle_timeout: a.idleTimeout, hard_timeout: a.hardTimeout, priority: a.priority, cookie: u64.to(a.cookie), flags: a.flags,
        table_id: a.tableId, fin_idle_timeout: a.finIdleTimeout, fin_hard_timeout: a.finHardTimeout, specs: a.specs.map(specToRyu),
      };
    case 'nxCt':
      return {
        flags: a.flags, zone_src: a.zoneSrc, zone_ofs_nbits: a.zoneOfsNbits, recirc_table: a.recircTable, alg: a.alg,
        actions: a.actions.map((x) => action.to(x)),
      };
    case 'nxNat':
      return {
        flags: a.flags,
        range_ipv4_min: a.rangeIpv4Min ?? '', range_ipv4_max: a.rangeIpv4Max ?? '',
        range_ipv6_min: a.rangeIpv6Min ?? '', range_ipv6_max: a.rangeIpv6Max ?? '',
        range_proto_min: a.rangeProtoMin ?? null, range_proto_max: a.rangeProtoMax ?? null,
      };
    default: {
      const out: Record<string, RyuJson> = {};
      FIXED_STRUCTS.get(a.type)!.write(a as unknown as Record<string, unknown>, out);
      return out;
    }
  }
}

function bodyFromRyu(type: NXActionType, o: JsonObject, action: Field<Action>): NXAction {
  const get = <T>(key: string, f: Field<T>): T => f.from(o.get(key), o.at(key));
  switch (type) {
    case 'nxNote':
      return { type, note: get('note', byteList) };
    case 'nxRegLoad2':
      return { type, field: oxmFromRyu({ OXMTlv: { field: o.get('dst'), value: o.get('value'), mask: o.opt('mask') ?? null } }, o.path) };
    case 'nxDecTtlCntIds':
      return { type, cntIds: get('cnt_ids', list(u16)) };
    case 'nxBundle':
    case 'nxBundleLoad': {
      const slaves = get('slaves', list(u16));
      checkDerived(o, 'n_slaves', slaves.length);
      return {
        type, algorithm: get('algorithm', u16), fields: get('fields', u16), basis: get('basis', u16), slaveType: get('slave_type', u32),
        ofsNbits: get('ofs_nbits', u16), dst: get('dst', nxmHeader), slaves,
      };
    }
    case 'nxController2': {
      const pause = o.opt('pause');
      if (pause !== undefined && typeof pause !== 'boolean') fail(o.at('pause'), `expected true or false, got ${describeJson(pause)}`);
      return withDefined({
        type, maxLen: optional(o, 'max_len', u16, null), controllerId: optional(o, 'controller_id', u16, null),
        reason: optional(o, 'reason', u8, null), userdata: optional(o, 'userdata', byteList, null), pause: pause === true,
      }) as unknown as NXAction;
    }
    case 'nxLearn':
      return {
        type, idleTimeout: get('idle_timeout', u16), hardTimeout: get('hard_timeout', u16), priority: get('priority', u16),
        cookie: get('cookie', u64), flags: get('flags', u16), tableId: get('table_id', u8), finIdleTimeout: get('fin_idle_timeout', u16),
        finHardTimeout: get('fin_hard_timeout', u16), specs: get('specs', list(spec)),
      };
    case 'nxCt':
      return {
        type, flags: get('flags', u16), zoneSrc: get('zone_src', nxmHeader), zoneOfsNbits: get('zone_ofs_nbits', u16),
        recircTable: get('recirc_table', u8), alg: get('alg', u16), actions: get('actions', list(action)),
      };
    case 'nxNat':
      return withDefined({
        type, flags: get('flags', u16),
        rangeIpv4Min: optional(o, 'range_ipv4_min', ipv4, ''), rangeIpv4Max: optional(o, 'range_ipv4_max', ipv4, ''),
        rangeIpv6Min: optional(o, 'range_ipv6_min', ipv6, ''), rangeIpv6Max: optional(o, 'range_ipv6_max', ipv6, ''),
        rangeProtoMin: optional(o, 'range_proto_min', u16, null), rangeProtoMax: optional(o, 'range_proto_max', u16, null),
      }) as unknown as NXAction;
    default:
      return { type, ...FIXED_STRUCTS.get(type)!.read(o) } as unknown as NXAction;
  }
}

// ---------------------------------------------------------------- classes

const CLASSES: Readonly<Record<NXActionType, string>> = {
  ...(Object.fromEntries(Object.entries(FIXED_LAYOUTS).map(([type, l]) => [type, l.cls])) as Record<FixedType, string>),
  nxNote: 'NXActionNote',
  nxRegLoad2: 'NXActionRegLoad2',
  nxDecTtlCntIds: 'NXActionDecTtlCntIds',
  nxBundle: 'NXActionBundle',
  nxBundleLoad: 'NXActionBundleLoad',
  nxController2: 'NXActionController2',
  nxLearn: 'NXActionLearn',
  nxCt: 'NXActionCT',
  nxNat: 'NXActionNAT',
};

const TYPE_BY_CLASS = new Map<string, NXActionType>((Object.keys(CLASSES) as NXActionType[]).map((t) => [CLASSES[t], t]));

/** The Ryu class of a Nicira action class name, or undefined. */
export function niciraTypeOfClass(cls: string): NXActionType | undefined {
  return TYPE_BY_CLASS.get(cls);
}

/** ofp_action_header.len of a Nicira action (encoded to find it: the variable layouts are not worth a second description). */
export function niciraActionLength(a: NXAction): number {
  return OFP_ACTION_EXPERIMENTER_HEADER_SIZE + niciraActionData(a).length;
}

export function niciraActionToRyu(a: NXAction, action: Field<Action>): RyuJson {
  return classed(CLASSES[a.type], {
    type: OFPAT_EXPERIMENTER,
    len: niciraActionLength(a),
    experimenter: NX_EXPERIMENTER_ID,
    subtype: NX_SUBTYPES[a.type],
    ...bodyToRyu(a, action),
  });
}

/** Reads the body of the Nicira class `type` (header fields checked, `done()` called). */
export function niciraActionFromRyu(type: NXActionType, body: JsonObject, path: string, action: Field<Action>): NXAction {
  const a = bodyFromRyu(type, body, action);
  checkDerived(body, 'type', OFPAT_EXPERIMENTER);
  checkDerived(body, 'experimenter', NX_EXPERIMENTER_ID);
  checkDerived(body, 'subtype', NX_SUBTYPES[type]);
  let len: number;
  try {
    len = niciraActionLength(a);
  } catch (err) {
    if (err instanceof OfpEncodeError) fail(path, `cannot be encoded: ${err.message}`);
    throw err;
  }
  checkDerived(body, 'len', len);
  body.done();
  return a;
}
