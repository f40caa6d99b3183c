import { OFPXMC_EXPERIMENTER, oxmFieldByCode, oxmFieldByName, type OxmKind } from '../oxm-fields.js';
import { matchWireLength, OFPMT_OXM } from '../oxm.js';
import type { Match, OxmField, OxmId, OxmOpaque, OxmTlv, OxmValue } from '../structs.js';
import { base64, bigintToJson, biguint, type Field, ipv4, ipv6, mac, u8, u32, uint } from './fields.js';
import { checkDerived, classed, describeJson, fail, type JsonObject, readArray, readClassed, type RyuJson } from './json.js';

/**
 * OXM in Ryu's JSON: `OXMTlv {field, value, mask}` inside `OFPMatch {oxm_fields,
 * length, type}`, and `OFPOxmId` / `OFPExperimenterOxmId` in table features.
 * Field names and value forms are Ryu's (the codec uses the same names); a TLV the
 * codec keeps opaque is `field_<class << 7 | field>` with base64 value and mask,
 * which is also how Ryu names fields it does not know.
 */

const VALUE_FIELDS: Readonly<Record<OxmKind, Field<OxmValue>>> = {
  u8: uint(8) as Field<OxmValue>,
  u16: uint(16) as Field<OxmValue>,
  u24: uint(24) as Field<OxmValue>,
  u32: uint(32) as Field<OxmValue>,
  u64: biguint(64) as Field<OxmValue>,
  u128: biguint(128) as Field<OxmValue>,
  mac: mac as Field<OxmValue>,
  ipv4: ipv4 as Field<OxmValue>,
  ipv6: ipv6 as Field<OxmValue>,
};

const UNKNOWN_FIELD = /^field_(\d+)$/;

function valueToJson(v: OxmValue): RyuJson {
  return typeof v === 'bigint' ? bigintToJson(v) : v;
}

/** Bytes before the value/mask split of an opaque TLV: the experimenter id for class 0xffff. */
function opaqueSplit(f: OxmOpaque): number {
  const prefix = f.oxmClass === OFPXMC_EXPERIMENTER ? Math.min(4, f.payload.length) : 0;
  return f.hasMask ? prefix + Math.floor((f.payload.length - prefix) / 2) : f.payload.length;
}

export function oxmToRyu(f: OxmField): RyuJson {
  if (f.field === 'opaque') {
    const o = f as OxmOpaque;
    const split = opaqueSplit(o);
    return classed('OXMTlv', {
      field: `field_${(o.oxmClass << 7) | o.oxmField}`,
      value: base64.to(o.payload.subarray(0, split)),
      mask: o.hasMask ? base64.to(o.payload.subarray(split)) : null,
    });
  }
  const tlv = f as OxmTlv;
  if (oxmFieldByName(tlv.field) === undefined) fail('$', `OXM field "${tlv.field}" is not a field the codec knows`);
  return classed('OXMTlv', {
    field: tlv.field,
    value: valueToJson(tlv.value),
    mask: tlv.mask === undefined ? null : valueToJson(tlv.mask),
  });
}

export function oxmFromRyu(j: RyuJson, path: string): OxmField {
  const { name, body } = readClassed(j, path);
  if (name !== 'OXMTlv') fail(path, `expected an OXMTlv, got ${name}`);
  const fieldName = body.get('field');
  if (typeof fieldName !== 'string') fail(body.at('field'), `expected an OXM field name, got ${describeJson(fieldName)}`);
  const value = body.get('value');
  const mask = body.opt('mask') ?? null;
  body.done();
  const desc = oxmFieldByName(fieldName);
  if (desc !== undefined) {
    const kind = VALUE_FIELDS[desc.kind];
    const v = kind.from(value, body.at('value'));
    return mask === null ? { field: fieldName, value: v } : { field: fieldName, value: v, mask: kind.from(mask, body.at('mask')) };
  }
  const unknown = UNKNOWN_FIELD.exec(fieldName);
  if (unknown === null) fail(body.at('field'), `unknown OXM field "${fieldName}"`);
  const code = Number(unknown[1]);
  if (code > 0x7fffff) fail(body.at('field'), `${fieldName}: class << 7 | field must fit 23 bits`);
  const valueBytes = base64.from(value, body.at('value'));
  const maskBytes = mask === null ? new Uint8Array(0) : base64.from(mask, body.at('mask'));
  const payload = Buffer.concat([valueBytes, maskBytes]);
  if (payload.length > 0xff) fail(body.at('value'), `value and mask are ${payload.length} bytes, an OXM holds at most 255`);
  return { field: 'opaque', oxmClass: code >>> 7, oxmField: code & 0x7f, hasMask: mask !== null, payload };
}

export function matchToRyu(m: Match): RyuJson {
  return classed('OFPMatch', { oxm_fields: m.map(oxmToRyu), length: matchWireLength(m), type: OFPMT_OXM });
}

export function matchFromRyu(j: RyuJson, path: string): Match {
  const { name, body } = readClassed(j, path);
  if (name !== 'OFPMatch') fail(path, `expected an OFPMatch, got ${name}`);
  const match = readArray(body.get('oxm_fields'), body.at('oxm_fields')).map((e) => oxmFromRyu(e.value, e.path));
  checkDerived(body, 'type', OFPMT_OXM);
  checkDerived(body, 'length', matchWireLength(match));
  body.done();
  return match;
}

export const match: Field<Match> = { to: matchToRyu, from: matchFromRyu };

// ---------------------------------------------------------------- table-feature OXM ids

/** Bytes of one id in an OXM table-feature property. */
export function oxmIdLength(id: OxmId): number {
  return id.experimenter === undefined ? 4 : 8;
}

export function oxmIdToRyu(id: OxmId): RyuJson {
  const body: Record<string, RyuJson> = {
    type: oxmFieldByCode(id.oxmClass, id.oxmField)?.name ?? `field_${(id.oxmClass << 7) | id.oxmField}`,
    hasmask: id.hasMask ? 1 : 0,
    length: id.length,
  };
  if (id.experimenter === undefined) return classed('OFPOxmId', body);
  return classed('OFPExperimenterOxmId', { ...body, exp_id: id.experimenter });
}

function readHasMask(o: JsonObject): boolean {
  const j = o.get('hasmask');
  if (j === 0 || j === false) return false;
  if (j === 1 || j === true) return true;
  return fail(o.at('hasmask'), `expected 0 or 1, got ${describeJson(j)}`);
}

export function oxmIdFromRyu(j: RyuJson, path: string): OxmId {
  const { name, body } = readClassed(j, path);
  if (name !== 'OFPOxmId' && name !== 'OFPExperimenterOxmId') fail(path, `expected an OFPOxmId or OFPExperimenterOxmId, got ${name}`);
  const type = body.get('type');
  if (typeof type !== 'string') fail(body.at('type'), `expected an OXM field name, got ${describeJson(type)}`);
  const desc = oxmFieldByName(type);
  const unknown = UNKNOWN_FIELD.exec(type);
  let oxmClass: number;
  let oxmField: number;
  if (desc !== undefined && desc.expType === undefined) {
    oxmClass = desc.oxmClass;
    oxmField = desc.oxmField;
  } else if (unknown !== null && Number(unknown[1]) <= 0x7fffff) {
    oxmClass = Number(unknown[1]) >>> 7;
    oxmField = Number(unknown[1]) & 0x7f;
  } else {
    return fail(body.at('type'), `"${type}" is not an OXM id (use a basic or Nicira field name, or field_<class << 7 | field>)`);
  }
  const hasMask = readHasMask(body);
  const length = u8.from(body.get('length'), body.at('length'));
  const isExperimenter = name === 'OFPExperimenterOxmId';
  if (isExperimenter !== (oxmClass === OFPXMC_EXPERIMENTER)) {
    fail(path, 'OXM class 0xffff ids are OFPExperimenterOxmId (with exp_id), all others OFPOxmId');
  }
  const id: OxmId = isExperimenter
    ? { oxmClass, oxmField, hasMask, length, experimenter: u32.from(body.get('exp_id'), body.at('exp_id')) }
    : { oxmClass, oxmField, hasMask, length };
  body.done();
  return id;
}
