import type { TableFeatures } from '../multipart-types.js';
import type { TableFeatureProperty } from '../structs.js';
import { actionIdFromRyu, actionIdLength, actionIdToRyu } from './actions.js';
import { base64, type Field, list, text, u16, u32, u64, u8 } from './fields.js';
import { instructionIdFromRyu, instructionIdLength, instructionIdToRyu } from './instructions.js';
import { checkDerived, classed, fail, type JsonObject, readArray, readClassed, type RyuJson } from './json.js';
import { oxmIdFromRyu, oxmIdLength, oxmIdToRyu } from './oxm.js';

/**
 * OFPTableFeaturesStats and its properties (OpenFlow 1.3.5 7.3.5.5). Ryu shows
 * each property's `type` number and unpadded `length`, and the table's `length`
 * (64 plus every property padded to 8 bytes); all are derived from the value.
 *
 * A property of a type the codec does not model is `OFPTableFeaturePropUnknown
 * {type, length, data}` with base64 `data`. Ryu 1.3 defines a class of that name
 * and shape but its parser never produces it (it keeps such a property, and every
 * byte after it, as `OFPPropUnknown`), so the form is ours; here `type` carries
 * information and is never derived.
 */

/** sizeof(struct ofp_table_features) without properties. */
export const OFP_TABLE_FEATURES_SIZE = 64;

type PropType = Exclude<TableFeatureProperty['type'], 'unknown'>;
type UnknownProperty = Extract<TableFeatureProperty, { type: 'unknown' }>;

const UNKNOWN_CLASS = 'OFPTableFeaturePropUnknown';

/** enum ofp_table_feature_prop_type (OFPTFPT_*). */
export const TABLE_FEATURE_PROP_TYPES: Readonly<Record<PropType, number>> = {
  instructions: 0,
  instructionsMiss: 1,
  nextTables: 2,
  nextTablesMiss: 3,
  writeActions: 4,
  writeActionsMiss: 5,
  applyActions: 6,
  applyActionsMiss: 7,
  match: 8,
  wildcards: 10,
  writeSetfield: 12,
  writeSetfieldMiss: 13,
  applySetfield: 14,
  applySetfieldMiss: 15,
  experimenter: 0xfffe,
  experimenterMiss: 0xffff,
};

const PROP_BY_NUMBER = new Map<number, PropType>(
  (Object.keys(TABLE_FEATURE_PROP_TYPES) as PropType[]).map((t) => [TABLE_FEATURE_PROP_TYPES[t], t]),
);

/** Ryu's class for each kind of property. */
function propClass(p: TableFeatureProperty): string {
  if (p.type === 'unknown') return UNKNOWN_CLASS;
  if ('instructionIds' in p) return 'OFPTableFeaturePropInstructions';
  if ('tableIds' in p) return 'OFPTableFeaturePropNextTables';
  if ('actionIds' in p) return 'OFPTableFeaturePropActions';
  if ('oxmIds' in p) return 'OFPTableFeaturePropOxm';
  return 'OFPTableFeaturePropExperimenter';
}

/** The property's `length` field: header and body, padding excluded. */
export function propertyLength(p: TableFeatureProperty): number {
  if (p.type === 'unknown') return 4 + p.data.length;
  if ('instructionIds' in p) return 4 + p.instructionIds.reduce((s, id) => s + instructionIdLength(id), 0);
  if ('tableIds' in p) return 4 + p.tableIds.length;
  if ('actionIds' in p) return 4 + p.actionIds.reduce((s, id) => s + actionIdLength(id), 0);
  if ('oxmIds' in p) return 4 + p.oxmIds.reduce((s, id) => s + oxmIdLength(id), 0);
  return 12 + 4 * p.data.length;
}

export function tableFeaturesLength(t: TableFeatures): number {
  return OFP_TABLE_FEATURES_SIZE + t.properties.reduce((s, p) => s + ((propertyLength(p) + 7) & ~7), 0);
}

function propertyToRyu(p: TableFeatureProperty): RyuJson {
  if (p.type === 'unknown') return classed(UNKNOWN_CLASS, { type: p.propertyType, length: propertyLength(p), data: base64.to(p.data) });
  const body: Record<string, RyuJson> = { type: TABLE_FEATURE_PROP_TYPES[p.type], length: propertyLength(p) };
  if ('instructionIds' in p) body['instruction_ids'] = p.instructionIds.map(instructionIdToRyu);
  else if ('tableIds' in p) body['table_ids'] = [...p.tableIds];
  else if ('actionIds' in p) body['action_ids'] = p.actionIds.map(actionIdToRyu);
  else if ('oxmIds' in p) body['oxm_ids'] = p.oxmIds.map(oxmIdToRyu);
  else Object.assign(body, { experimenter: p.experimenter, exp_type: p.expType, data: [...p.data] });
  return classed(propClass(p), body);
}

function readPropertyBody(cls: string, type: PropType, body: JsonObject): TableFeatureProperty {
  const ids = <T>(key: string, read: (j: RyuJson, path: string) => T): T[] =>
    readArray(body.get(key), body.at(key)).map((e) => read(e.value, e.path));
  switch (cls) {
    case 'OFPTableFeaturePropInstructions':
      if (type === 'instructions' || type === 'instructionsMiss') return { type, instructionIds: ids('instruction_ids', instructionIdFromRyu) };
      break;
    case 'OFPTableFeaturePropNextTables':
      if (type === 'nextTables' || type === 'nextTablesMiss') return { type, tableIds: list(u8).from(body.get('table_ids'), body.at('table_ids')) };
      break;
    case 'OFPTableFeaturePropActions':
      if (type === 'writeActions' || type === 'writeActionsMiss' || type === 'applyActions' || type === 'applyActionsMiss') {
        return { type, actionIds: ids('action_ids', actionIdFromRyu) };
      }
      break;
    case 'OFPTableFeaturePropOxm':
      if (type === 'match' || type === 'wildcards' || type === 'writeSetfield' || type === 'writeSetfieldMiss' || type === 'applySetfield' || type === 'applySetfieldMiss') {
        return { type, oxmIds: ids('oxm_ids', oxmIdFromRyu) };
      }
      break;
    case 'OFPTableFeaturePropExperimenter':
      if (type === 'experimenter' || type === 'experimenterMiss') {
        return {
          type,
          experimenter: u32.from(body.get('experimenter'), body.at('experimenter')),
          expType: u32.from(body.get('exp_type'), body.at('exp_type')),
          data: list(u32).from(body.get('data'), body.at('data')),
        };
      }
      break;
    default:
      return fail(body.path, `unknown table-feature property class ${cls}`);
  }
  return fail(body.at('type'), `property type ${TABLE_FEATURE_PROP_TYPES[type]} (${type}) does not belong in ${cls}`);
}

/** OFPTableFeaturePropUnknown: refused for a type number that has its own class. */
function readUnknownProperty(number: number, body: JsonObject): UnknownProperty {
  const known = PROP_BY_NUMBER.get(number);
  if (known !== undefined) fail(body.at('type'), `property type ${number} (${known}) has its own class, not ${UNKNOWN_CLASS}`);
  return { type: 'unknown', propertyType: number, data: base64.from(body.get('data'), body.at('data')) };
}

function propertyFromRyu(j: RyuJson, path: string): TableFeatureProperty {
  const { name, body } = readClassed(j, path);
  const number = u16.from(body.get('type'), body.at('type'));
  let p: TableFeatureProperty;
  if (name === UNKNOWN_CLASS) {
    p = readUnknownProperty(number, body);
  } else {
    const type = PROP_BY_NUMBER.get(number);
    if (type === undefined) return fail(body.at('type'), `unknown table-feature property type ${number} (use ${UNKNOWN_CLASS})`);
    p = readPropertyBody(name, type, body);
  }
  checkDerived(body, 'length', propertyLength(p));
  body.done();
  return p;
}

export const tableFeatures: Field<TableFeatures> = {
  to: (t) =>
    classed('OFPTableFeaturesStats', {
      table_id: t.tableId,
      name: t.name,
      metadata_match: u64.to(t.metadataMatch),
      metadata_write: u64.to(t.metadataWrite),
      config: t.config,
      max_entries: t.maxEntries,
      properties: t.properties.map(propertyToRyu),
      length: tableFeaturesLength(t),
    }),
  from(j, path) {
    const { name, body } = readClassed(j, path);
    if (name !== 'OFPTableFeaturesStats') fail(path, `expected an OFPTableFeaturesStats, got ${name}`);
    const t: TableFeatures = {
      tableId: u8.from(body.get('table_id'), body.at('table_id')),
      name: text.from(body.get('name'), body.at('name')),
      metadataMatch: u64.from(body.get('metadata_match'), body.at('metadata_match')),
      metadataWrite: u64.from(body.get('metadata_write'), body.at('metadata_write')),
      config: u32.from(body.get('config'), body.at('config')),
      maxEntries: u32.from(body.get('max_entries'), body.at('max_entries')),
      properties: readArray(body.get('properties'), body.at('properties')).map((e) => propertyFromRyu(e.value, e.path)),
    };
    checkDerived(body, 'length', tableFeaturesLength(t));
    body.done();
    return t;
  },
};
