import { lengthBounded } from './length-bounded.js';
import type { TableFeatures } from './multipart-types.js';
import { OFPXMC_EXPERIMENTER } from './oxm-fields.js';
import type { Reader } from './reader.js';
import type { ActionId, InstructionId, OxmId, TableFeatureProperty } from './structs.js';
import { describeValue, type Writer } from './writer.js';

/**
 * struct ofp_table_features and its properties (OpenFlow 1.3.5 7.3.5.5), the body
 * of OFPMP_TABLE_FEATURES requests and replies. A property type the codec does not
 * model decodes as an `unknown` property holding its bytes and encodes back
 * unchanged, so one new property does not make a switch's whole reply unreadable.
 *
 * A property's `length` covers its header and content but not its padding; every
 * property is then padded with zeros to a multiple of 8 (7.3.5.5.2), and a table's
 * `length` counts those paddings. Instruction and action ids are 4 bytes (type,
 * len) unless they carry an experimenter body; OXM ids are a bare OXM header, plus
 * the experimenter id for class OFPXMC_EXPERIMENTER.
 */

// 7.3.5.5.2 enum ofp_table_feature_prop_type
export const OFPTFPT_INSTRUCTIONS = 0;
export const OFPTFPT_INSTRUCTIONS_MISS = 1;
export const OFPTFPT_NEXT_TABLES = 2;
export const OFPTFPT_NEXT_TABLES_MISS = 3;
export const OFPTFPT_WRITE_ACTIONS = 4;
export const OFPTFPT_WRITE_ACTIONS_MISS = 5;
export const OFPTFPT_APPLY_ACTIONS = 6;
export const OFPTFPT_APPLY_ACTIONS_MISS = 7;
export const OFPTFPT_MATCH = 8;
export const OFPTFPT_WILDCARDS = 10;
export const OFPTFPT_WRITE_SETFIELD = 12;
export const OFPTFPT_WRITE_SETFIELD_MISS = 13;
export const OFPTFPT_APPLY_SETFIELD = 14;
export const OFPTFPT_APPLY_SETFIELD_MISS = 15;
export const OFPTFPT_EXPERIMENTER = 0xfffe;
export const OFPTFPT_EXPERIMENTER_MISS = 0xffff;

/** OFP_MAX_TABLE_NAME_LEN. */
export const OFP_MAX_TABLE_NAME_LEN = 32;
/** sizeof(struct ofp_table_features) without properties. */
export const OFP_TABLE_FEATURES_SIZE = 64;
/** sizeof(struct ofp_table_feature_prop_header): type + length. */
export const OFP_TABLE_FEATURE_PROP_HEADER_SIZE = 4;
/** sizeof(struct ofp_table_feature_prop_experimenter) without experimenter_data. */
export const OFP_TABLE_FEATURE_PROP_EXPERIMENTER_SIZE = 12;
/** An instruction or action id without experimenter body: type + len. */
export const OFP_FEATURE_ID_HEADER_SIZE = 4;

type PropertyType = Exclude<TableFeatureProperty['type'], 'unknown'>;

/** Wire type number of each property tag. */
export const TABLE_FEATURE_PROP_TYPE_NUMBERS: Readonly<Record<PropertyType, number>> = {
  instructions: OFPTFPT_INSTRUCTIONS,
  instructionsMiss: OFPTFPT_INSTRUCTIONS_MISS,
  nextTables: OFPTFPT_NEXT_TABLES,
  nextTablesMiss: OFPTFPT_NEXT_TABLES_MISS,
  writeActions: OFPTFPT_WRITE_ACTIONS,
  writeActionsMiss: OFPTFPT_WRITE_ACTIONS_MISS,
  applyActions: OFPTFPT_APPLY_ACTIONS,
  applyActionsMiss: OFPTFPT_APPLY_ACTIONS_MISS,
  match: OFPTFPT_MATCH,
  wildcards: OFPTFPT_WILDCARDS,
  writeSetfield: OFPTFPT_WRITE_SETFIELD,
  writeSetfieldMiss: OFPTFPT_WRITE_SETFIELD_MISS,
  applySetfield: OFPTFPT_APPLY_SETFIELD,
  applySetfieldMiss: OFPTFPT_APPLY_SETFIELD_MISS,
  experimenter: OFPTFPT_EXPERIMENTER,
  experimenterMiss: OFPTFPT_EXPERIMENTER_MISS,
};

const PROPERTY_BY_NUMBER = new Map<number, PropertyType>(
  (Object.entries(TABLE_FEATURE_PROP_TYPE_NUMBERS) as [PropertyType, number][]).map(([tag, n]) => [n, tag]),
);

const PROPERTY = 'table_features.property';

/** Bytes of zero padding after a structure of `length` bytes to reach a multiple of 8. */
function padding8(length: number): number {
  return ((length + 7) & ~7) - length;
}

// ---------------------------------------------------------------- ids

/** Instruction or action ids (the two share one shape) until the end of `r`. */
function readFeatureIds(r: Reader, field: string): InstructionId[] | ActionId[] {
  const ids: InstructionId[] = [];
  while (r.pos < r.end) {
    const start = r.pos;
    const type = r.u16(`${field}.type`);
    const lengthAt = r.pos;
    const len = r.u16(`${field}.len`);
    const body = lengthBounded(r, start, lengthAt, len, OFP_FEATURE_ID_HEADER_SIZE, `${field}.len`);
    ids.push(len === OFP_FEATURE_ID_HEADER_SIZE ? { type } : { type, data: body.rest() });
  }
  return ids;
}

function writeFeatureIds(w: Writer, ids: readonly (InstructionId | ActionId)[], field: string): void {
  for (const id of w.list(ids, field)) {
    w.struct(id, field);
    // Absent data (undefined or null) is a bare 4-byte id.
    const data = id.data ?? undefined;
    if (data !== undefined) w.expectBytes(data, `${field}.data`);
    w.u16(id.type, `${field}.type`);
    w.u16(OFP_FEATURE_ID_HEADER_SIZE + (data === undefined ? 0 : data.length), `${field}.len`);
    if (data !== undefined) w.bytes(data, `${field}.data`);
  }
}

function readOxmIds(r: Reader, field: string): OxmId[] {
  const ids: OxmId[] = [];
  while (r.pos < r.end) {
    const header = r.u32(field);
    const id = { oxmClass: header >>> 16, oxmField: (header >>> 9) & 0x7f, hasMask: (header & 0x100) !== 0, length: header & 0xff };
    ids.push(id.oxmClass === OFPXMC_EXPERIMENTER ? { ...id, experimenter: r.u32(`${field}.experimenter`) } : id);
  }
  return ids;
}

/** Fails unless `v` is a whole number that fits in `mask` (a run of low bits). */
function checkBits(w: Writer, v: number, mask: number, field: string, what: string): void {
  // `typeof` first: a bigint would make `&` itself throw a TypeError.
  if (typeof v !== 'number' || (v & mask) !== v) w.fail(field, `${String(v)} is not ${what}`);
}

function writeOxmIds(w: Writer, ids: readonly OxmId[], field: string): void {
  for (const id of w.list(ids, field)) {
    w.struct(id, field);
    checkBits(w, id.oxmClass, 0xffff, `${field}.oxm_class`, 'a u16');
    checkBits(w, id.oxmField, 0x7f, `${field}.oxm_field`, 'a 7-bit field number');
    if (typeof id.hasMask !== 'boolean') w.fail(`${field}.has_mask`, `${describeValue(id.hasMask)} is not a boolean`);
    checkBits(w, id.length, 0xff, `${field}.oxm_length`, 'a u8');
    const experimenter = id.experimenter ?? undefined;
    const experimenterClass = id.oxmClass === OFPXMC_EXPERIMENTER;
    if (experimenterClass !== (experimenter !== undefined)) {
      w.fail(`${field}.experimenter`, experimenterClass ? 'class 0xffff needs an experimenter id' : 'only class 0xffff carries an experimenter id');
    }
    w.u32(((id.oxmClass << 16) | (id.oxmField << 9) | (id.hasMask ? 0x100 : 0) | id.length) >>> 0, field);
    if (experimenter !== undefined) w.u32(experimenter, `${field}.experimenter`);
  }
}

// ---------------------------------------------------------------- properties

function readProperty(r: Reader): TableFeatureProperty {
  const start = r.pos;
  const typeNumber = r.u16(`${PROPERTY}.type`);
  const type = PROPERTY_BY_NUMBER.get(typeNumber);
  const lengthAt = r.pos;
  const length = r.u16(`${PROPERTY}.length`);
  const isExperimenter = type === 'experimenter' || type === 'experimenterMiss';
  const minimum = isExperimenter ? OFP_TABLE_FEATURE_PROP_EXPERIMENTER_SIZE : OFP_TABLE_FEATURE_PROP_HEADER_SIZE;
  const p = lengthBounded(r, start, lengthAt, length, minimum, `${PROPERTY}.length`);
  r.pad(padding8(length), `${PROPERTY}.pad`);
  switch (type) {
    case undefined:
      return { type: 'unknown', propertyType: typeNumber, data: p.rest() };
    case 'instructions':
    case 'instructionsMiss':
      return { type, instructionIds: readFeatureIds(p, `${PROPERTY}.instruction_ids`) };
    case 'nextTables':
    case 'nextTablesMiss': {
      const tableIds: number[] = [];
      while (p.pos < p.end) tableIds.push(p.u8(`${PROPERTY}.next_table_ids`));
      return { type, tableIds };
    }
    case 'writeActions':
    case 'writeActionsMiss':
    case 'applyActions':
    case 'applyActionsMiss':
      return { type, actionIds: readFeatureIds(p, `${PROPERTY}.action_ids`) };
    case 'match':
    case 'wildcards':
    case 'writeSetfield':
    case 'writeSetfieldMiss':
    case 'applySetfield':
    case 'applySetfieldMiss':
      return { type, oxmIds: readOxmIds(p, `${PROPERTY}.oxm_ids`) };
    case 'experimenter':
    case 'experimenterMiss': {
      const experimenter = p.u32(`${PROPERTY}.experimenter`);
      const expType = p.u32(`${PROPERTY}.exp_type`);
      if (p.remaining() % 4 !== 0) p.fail(`${PROPERTY}.length`, `experimenter_data of ${p.remaining()} bytes is not a list of u32`, lengthAt);
      const data: number[] = [];
      while (p.pos < p.end) data.push(p.u32(`${PROPERTY}.experimenter_data`));
      return { type, experimenter, expType, data };
    }
  }
}

/**
 * The wire type of `prop`. Fails on a tag the codec does not know, and on an
 * `unknown` property whose number it does: those bytes would decode as another
 * property, not as the value given.
 */
function propertyTypeNumber(w: Writer, prop: TableFeatureProperty): number {
  if (prop.type === 'unknown') {
    const known = PROPERTY_BY_NUMBER.get(prop.propertyType);
    if (known !== undefined) w.fail(`${PROPERTY}.type`, `property type ${prop.propertyType} is '${known}': use that property, not 'unknown'`);
    return prop.propertyType;
  }
  const type = Object.hasOwn(TABLE_FEATURE_PROP_TYPE_NUMBERS, prop.type) ? TABLE_FEATURE_PROP_TYPE_NUMBERS[prop.type] : undefined;
  if (type === undefined) w.fail(`${PROPERTY}.type`, `unknown table feature property "${String((prop as { type: unknown }).type)}"`);
  return type;
}

function writeProperty(w: Writer, prop: TableFeatureProperty): void {
  const start = w.pos;
  w.u16(propertyTypeNumber(w, prop), `${PROPERTY}.type`);
  w.u16(0, `${PROPERTY}.length`);
  switch (prop.type) {
    case 'instructions':
    case 'instructionsMiss':
      writeFeatureIds(w, prop.instructionIds, `${PROPERTY}.instruction_ids`);
      break;
    case 'nextTables':
    case 'nextTablesMiss':
      for (const tableId of w.list(prop.tableIds, `${PROPERTY}.next_table_ids`)) w.u8(tableId, `${PROPERTY}.next_table_ids`);
      break;
    case 'writeActions':
    case 'writeActionsMiss':
    case 'applyActions':
    case 'applyActionsMiss':
      writeFeatureIds(w, prop.actionIds, `${PROPERTY}.action_ids`);
      break;
    case 'match':
    case 'wildcards':
    case 'writeSetfield':
    case 'writeSetfieldMiss':
    case 'applySetfield':
    case 'applySetfieldMiss':
      writeOxmIds(w, prop.oxmIds, `${PROPERTY}.oxm_ids`);
      break;
    case 'experimenter':
    case 'experimenterMiss':
      w.u32(prop.experimenter, `${PROPERTY}.experimenter`);
      w.u32(prop.expType, `${PROPERTY}.exp_type`);
      for (const word of w.list(prop.data, `${PROPERTY}.experimenter_data`)) w.u32(word, `${PROPERTY}.experimenter_data`);
      break;
    case 'unknown':
      w.bytes(prop.data, `${PROPERTY}.data`);
      break;
  }
  // The length excludes the padding that follows it (7.3.5.5.2).
  w.patchU16(start + 2, w.pos - start, `${PROPERTY}.length`);
  w.align8(start);
}

// ---------------------------------------------------------------- struct ofp_table_features

function readOneTableFeatures(r: Reader): TableFeatures {
  const start = r.pos;
  const length = r.u16('table_features.length');
  const t = lengthBounded(r, start, start, length, OFP_TABLE_FEATURES_SIZE, 'table_features.length');
  const tableId = t.u8('table_features.table_id');
  t.pad(5);
  const name = t.fixedString(OFP_MAX_TABLE_NAME_LEN, 'table_features.name');
  const metadataMatch = t.u64('table_features.metadata_match');
  const metadataWrite = t.u64('table_features.metadata_write');
  const config = t.u32('table_features.config');
  const maxEntries = t.u32('table_features.max_entries');
  const properties: TableFeatureProperty[] = [];
  while (t.pos < t.end) properties.push(readProperty(t));
  return { tableId, name, metadataMatch, metadataWrite, config, maxEntries, properties };
}

/**
 * Reads struct ofp_table_features records until the end of `r` (the multipart
 * body). Fails with an `OfpDecodeError` naming the record or property field whose
 * length lies, or whose padding runs past the record.
 */
export function readTableFeatures(r: Reader): TableFeatures[] {
  const tables: TableFeatures[] = [];
  while (r.pos < r.end) tables.push(readOneTableFeatures(r));
  return tables;
}

/** Writes struct ofp_table_features records, computing every length and padding. */
export function writeTableFeatures(w: Writer, tables: readonly TableFeatures[]): void {
  for (const t of w.list(tables, 'tables')) {
    w.struct(t, 'table_features');
    const start = w.pos;
    w.u16(0, 'table_features.length');
    w.u8(t.tableId, 'table_features.table_id');
    w.zeros(5);
    w.fixedString(t.name, OFP_MAX_TABLE_NAME_LEN, 'table_features.name');
    w.u64(t.metadataMatch, 'table_features.metadata_match');
    w.u64(t.metadataWrite, 'table_features.metadata_write');
    w.u32(t.config, 'table_features.config');
    w.u32(t.maxEntries, 'table_features.max_entries');
    for (const prop of w.list(t.properties, 'table_features.properties')) writeProperty(w, w.struct(prop, PROPERTY));
    w.patchU16(start, w.pos - start, 'table_features.length');
  }
}
