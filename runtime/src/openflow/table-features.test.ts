import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFails, encodeFails, reply, request, roundTrip, truncated, withU16 } from '../testing/codec-assert.js';
import { decodeMessage, encodeMessage } from './codec.js';
import { OFP_MULTIPART_REPLY_SIZE } from './multipart.js';
import type { TableFeatures } from './multipart-types.js';
import { OFPXMC_EXPERIMENTER, OFPXMC_OPENFLOW_BASIC, ONF_EXPERIMENTER_ID } from './oxm-fields.js';
import type { ActionId, TableFeatureProperty } from './structs.js';
import { OFP_TABLE_FEATURES_SIZE, TABLE_FEATURE_PROP_TYPE_NUMBERS } from './table-features.js';

/** struct ofp_table_features with every property type: lengths, the 8-byte padding, and lying lengths. */

const HEAD = OFP_MULTIPART_REPLY_SIZE;
/** Where the first property of the first table starts, and where its length field is. */
const FIRST_PROP = HEAD + OFP_TABLE_FEATURES_SIZE;

const basic = (oxmField: number, length: number, hasMask = false) => ({ oxmClass: OFPXMC_OPENFLOW_BASIC, oxmField, hasMask, length });

/** Every property type, each with the `length` the spec gives it (padding excluded). */
const PROPERTIES: readonly [TableFeatureProperty, number][] = [
  // Two 4-byte ids and an experimenter instruction id carrying its experimenter id and 4 more bytes.
  [{ type: 'instructions', instructionIds: [{ type: 1 }, { type: 4 }, { type: 0xffff, data: Buffer.from('0000232000000001', 'hex') }] }, 4 + 4 + 4 + 12],
  [{ type: 'instructionsMiss', instructionIds: [] }, 4],
  [{ type: 'nextTables', tableIds: [1, 2, 3] }, 7],
  [{ type: 'nextTablesMiss', tableIds: [254] }, 5],
  [{ type: 'writeActions', actionIds: [{ type: 0 }, { type: 22 }] }, 12],
  [{ type: 'writeActionsMiss', actionIds: [{ type: 0xffff, data: Buffer.from('00002320', 'hex') }] }, 12],
  [{ type: 'applyActions', actionIds: [{ type: 25 }] }, 8],
  [{ type: 'applyActionsMiss', actionIds: [] }, 4],
  [{ type: 'match', oxmIds: [basic(0, 4), basic(3, 12, true)] }, 12],
  [{ type: 'wildcards', oxmIds: [basic(3, 6)] }, 8],
  [{ type: 'writeSetfield', oxmIds: [basic(6, 2)] }, 8],
  [{ type: 'writeSetfieldMiss', oxmIds: [] }, 4],
  [{ type: 'applySetfield', oxmIds: [basic(11, 4), basic(12, 4)] }, 12],
  [{ type: 'applySetfieldMiss', oxmIds: [{ oxmClass: OFPXMC_EXPERIMENTER, oxmField: 0, hasMask: false, length: 5, experimenter: ONF_EXPERIMENTER_ID }] }, 12],
  [{ type: 'experimenter', experimenter: 0x2320, expType: 1, data: [] }, 12],
  [{ type: 'experimenterMiss', experimenter: 101, expType: 2, data: [1, 0xffffffff, 3] }, 24],
  // 9 is unassigned in 1.3: kept as the bytes after the header.
  [{ type: 'unknown', propertyType: 9, data: Buffer.from('0102030405', 'hex') }, 9],
];

const typeNumber = (p: TableFeatureProperty): number => (p.type === 'unknown' ? p.propertyType : TABLE_FEATURE_PROP_TYPE_NUMBERS[p.type]);

const pad8 = (n: number): number => (n + 7) & ~7;

const table = (properties: readonly TableFeatureProperty[], tableId = 0): TableFeatures => ({
  tableId,
  name: `table ${tableId}`,
  metadataMatch: 0xffffffffffffffffn,
  metadataWrite: 0x00000000ffffffffn,
  config: 3,
  maxEntries: 0x1000000,
  properties,
});

describe('table features', () => {
  const full = table(PROPERTIES.map(([p]) => p));
  const propertyBytes = PROPERTIES.reduce((sum, [, length]) => sum + pad8(length), 0);

  it('round-trips every property type in a reply', () => {
    roundTrip(reply({ type: 'tableFeatures', tables: [full, table([], 1)] }), HEAD + OFP_TABLE_FEATURES_SIZE + propertyBytes + OFP_TABLE_FEATURES_SIZE);
  });

  it('round-trips in a request that sets the features', () => {
    roundTrip(request({ type: 'tableFeatures', tables: [full] }), HEAD + OFP_TABLE_FEATURES_SIZE + propertyBytes);
  });

  it('writes each property length without its padding, pads to 8 with zeros, and counts padding in the table length', () => {
    const bytes = encodeMessage(reply({ type: 'tableFeatures', tables: [full] }));
    assert.equal(bytes.readUInt16BE(HEAD), OFP_TABLE_FEATURES_SIZE + propertyBytes);
    let at = FIRST_PROP;
    for (const [prop, length] of PROPERTIES) {
      assert.equal(bytes.readUInt16BE(at), typeNumber(prop), `${prop.type} type`);
      assert.equal(bytes.readUInt16BE(at + 2), length, `${prop.type} length`);
      assert.ok(bytes.subarray(at + length, at + pad8(length)).every((b) => b === 0), `${prop.type} padding is zero`);
      at += pad8(length);
    }
    assert.equal(at, bytes.length);
  });

  it('writes ids as the spec lays them out', () => {
    const bytes = encodeMessage(reply({ type: 'tableFeatures', tables: [table([PROPERTIES[0]![0], PROPERTIES[8]![0]])] }));
    // instructions: type 0, length 24, ids 0001 0004, 0004 0004, ffff 000c + 8 bytes.
    assert.equal(bytes.subarray(FIRST_PROP, FIRST_PROP + 24).toString('hex'), '00000018' + '00010004' + '00040004' + 'ffff000c0000232000000001');
    // match: type 8, length 12, in_port (0x80000004) and masked eth_dst (0x8000070c).
    assert.equal(bytes.subarray(FIRST_PROP + 24, FIRST_PROP + 40).toString('hex'), '0008000c' + '80000004' + '8000070c' + '00000000');
  });

  it('decodes a property type it does not model as opaque bytes, reads the properties after it, and re-encodes the same bytes', () => {
    // As a newer switch might send: OFPTFPT_TABLE_SYNC_FROM (16, OpenFlow 1.4) with two table ids, then next_tables.
    const known: TableFeatureProperty = { type: 'nextTables', tableIds: [1] };
    const bytes = encodeMessage(reply({ type: 'tableFeatures', tables: [table([{ type: 'nextTables', tableIds: [5, 6] }, known])] }));
    bytes.writeUInt16BE(16, FIRST_PROP);
    const decoded = decodeMessage(bytes);
    assert.ok(decoded.type === 'MultipartReply' && decoded.body.type === 'tableFeatures');
    assert.deepEqual(decoded.body.tables[0]!.properties, [{ type: 'unknown', propertyType: 16, data: Buffer.from([5, 6]) }, known]);
    assert.ok(encodeMessage(decoded).equals(bytes));
  });

  it('decodes a table name that fills its field up to the NUL', () => {
    const name = 'n'.repeat(31);
    roundTrip(reply({ type: 'tableFeatures', tables: [{ ...table([]), name }] }), HEAD + OFP_TABLE_FEATURES_SIZE);
  });
});

describe('table features bytes that lie', () => {
  /** A reply with one table holding `properties`. */
  const encoded = (...properties: TableFeatureProperty[]): Buffer => encodeMessage(reply({ type: 'tableFeatures', tables: [table(properties)] }));

  it('a table length below the fixed part', () => {
    decodeFails(withU16(encoded(), HEAD, OFP_TABLE_FEATURES_SIZE - 8), 'MultipartReply', 'table_features.length', HEAD);
  });

  it('a table length past the message', () => {
    decodeFails(withU16(encoded(), HEAD, OFP_TABLE_FEATURES_SIZE + 8), 'MultipartReply', 'table_features.length', HEAD);
  });

  it('a property length below its header', () => {
    const bytes = encoded({ type: 'nextTables', tableIds: [1] });
    decodeFails(withU16(bytes, FIRST_PROP + 2, 2), 'MultipartReply', 'table_features.property.length', FIRST_PROP + 2);
  });

  it('a property length of zero (which would never advance)', () => {
    const bytes = encoded({ type: 'instructions', instructionIds: [] });
    decodeFails(withU16(bytes, FIRST_PROP + 2, 0), 'MultipartReply', 'table_features.property.length', FIRST_PROP + 2);
  });

  it('a property length past its table', () => {
    const bytes = encoded({ type: 'nextTables', tableIds: [1, 2, 3] });
    decodeFails(withU16(bytes, FIRST_PROP + 2, 12), 'MultipartReply', 'table_features.property.length', FIRST_PROP + 2);
  });

  it('a property whose padding runs past its table', () => {
    // next_tables with one id: length 5, padded to 8. Drop the padding from the table and the message.
    const bytes = encoded({ type: 'nextTables', tableIds: [1] });
    const unpadded = withU16(truncated(bytes, bytes.length - 3), HEAD, OFP_TABLE_FEATURES_SIZE + 5);
    decodeFails(unpadded, 'MultipartReply', 'table_features.property.pad', FIRST_PROP + 5);
  });

  it('an experimenter property shorter than its fixed part', () => {
    const bytes = encoded({ type: 'experimenter', experimenter: 1, expType: 2, data: [] });
    decodeFails(withU16(bytes, FIRST_PROP + 2, 8), 'MultipartReply', 'table_features.property.length', FIRST_PROP + 2);
  });

  it('experimenter data that is not a list of u32', () => {
    const bytes = encoded({ type: 'experimenterMiss', experimenter: 1, expType: 2, data: [7] });
    decodeFails(withU16(bytes, FIRST_PROP + 2, 14), 'MultipartReply', 'table_features.property.length', FIRST_PROP + 2);
  });

  it('a property of unknown type whose length is below its header', () => {
    const bytes = encoded({ type: 'unknown', propertyType: 0x4000, data: Buffer.alloc(4) });
    decodeFails(withU16(bytes, FIRST_PROP + 2, 3), 'MultipartReply', 'table_features.property.length', FIRST_PROP + 2);
  });

  it('an instruction id whose len is below its header', () => {
    const bytes = encoded({ type: 'instructions', instructionIds: [{ type: 1 }] });
    decodeFails(withU16(bytes, FIRST_PROP + 6, 0), 'MultipartReply', 'table_features.property.instruction_ids.len', FIRST_PROP + 6);
  });

  it('an action id whose len runs past its property', () => {
    const bytes = encoded({ type: 'applyActions', actionIds: [{ type: 0 }] });
    decodeFails(withU16(bytes, FIRST_PROP + 6, 8), 'MultipartReply', 'table_features.property.action_ids.len', FIRST_PROP + 6);
  });

  it('an experimenter OXM id without its experimenter id', () => {
    // match with one basic id (length 8); relabel the id as class 0xffff.
    const bytes = encoded({ type: 'match', oxmIds: [basic(0, 4)] });
    decodeFails(withU16(bytes, FIRST_PROP + 4, OFPXMC_EXPERIMENTER), 'MultipartReply', 'table_features.property.oxm_ids.experimenter', FIRST_PROP + 8);
  });
});

describe('table features values that cannot be encoded', () => {
  const encodeOne = (prop: TableFeatureProperty, field: string): void => encodeFails(reply({ type: 'tableFeatures', tables: [table([prop])] }), field);

  it('an OXM id field number above 7 bits', () => {
    encodeOne({ type: 'match', oxmIds: [basic(200, 4)] }, 'table_features.property.oxm_ids.oxm_field');
  });

  it('an experimenter-class OXM id without experimenter id', () => {
    encodeOne({ type: 'match', oxmIds: [{ oxmClass: OFPXMC_EXPERIMENTER, oxmField: 1, hasMask: false, length: 4 }] }, 'table_features.property.oxm_ids.experimenter');
  });

  it('an experimenter id on a basic-class OXM id', () => {
    encodeOne({ type: 'match', oxmIds: [{ ...basic(0, 4), experimenter: 1 }] }, 'table_features.property.oxm_ids.experimenter');
  });

  it('a next table id above 255', () => {
    encodeOne({ type: 'nextTables', tableIds: [256] }, 'table_features.property.next_table_ids');
  });

  it("an 'unknown' property whose type number the codec models (it would decode as that property)", () => {
    encodeOne({ type: 'unknown', propertyType: TABLE_FEATURE_PROP_TYPE_NUMBERS.wildcards, data: Buffer.alloc(0) }, 'table_features.property.type');
  });

  it('an unknown property tag', () => {
    encodeOne({ type: 'bogus' } as unknown as TableFeatureProperty, 'table_features.property.type');
  });

  it('an OXM id class given as a bigint, and hasMask that is not a boolean', () => {
    encodeOne({ type: 'match', oxmIds: [{ ...basic(0, 4), oxmClass: 0x8000n as unknown as number }] }, 'table_features.property.oxm_ids.oxm_class');
    encodeOne({ type: 'match', oxmIds: [{ ...basic(0, 4), hasMask: 1 as unknown as boolean }] }, 'table_features.property.oxm_ids.has_mask');
  });

  it('properties that are not a list, and an action id that is not a structure', () => {
    encodeFails(reply({ type: 'tableFeatures', tables: [{ ...table([]), properties: {} as unknown as TableFeatureProperty[] }] }), 'table_features.properties');
    encodeOne({ type: 'applyActions', actionIds: [null as unknown as ActionId] }, 'table_features.property.action_ids');
  });

  it('an instruction id whose data is not bytes', () => {
    encodeOne({ type: 'instructions', instructionIds: [{ type: 0xffff, data: 'abc' as unknown as Uint8Array }] }, 'table_features.property.instruction_ids.data');
  });

  it('a table name that does not fit its 32 bytes', () => {
    encodeFails(reply({ type: 'tableFeatures', tables: [{ ...table([]), name: 'n'.repeat(32) }] }), 'table_features.name');
  });
});
