import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadVectors, ryuVectorsDir, type VectorFile } from '../testing/vectors.js';
import { ACTION_TYPE_NUMBERS } from './actions.js';
import { decodeMessage, encodeMessage } from './codec.js';
import { OFP_VERSION_1_3, OFPT_MULTIPART_REPLY, OFPT_MULTIPART_REQUEST } from './constants.js';
import { INSTRUCTION_TYPE_NUMBERS } from './instructions.js';
import type { MultipartReply, MultipartRequest } from './messages.js';
import { MULTIPART_TYPE_NUMBERS } from './multipart.js';
import type { MultipartExperimenterBody, MultipartReplyBody, MultipartRequestBody } from './multipart-types.js';
import { ONF_EXPERIMENTER_ID, oxmFieldByCode } from './oxm-fields.js';
import type { Action, Instruction, Match, OxmTlv } from './structs.js';
import { TABLE_FEATURE_PROP_TYPE_NUMBERS } from './table-features.js';

/**
 * Every OpenFlow 1.3 multipart vector of Ryu's test suite: decodes, re-encodes to
 * the same bytes, and agrees with Ryu's JSON on the fields that matter. The full
 * Ryu-JSON mapping is the conformance suite's job; these are spot checks.
 */

type Body = MultipartRequestBody | MultipartReplyBody;
type Check = (body: Body, json: unknown) => void;

// ---------------------------------------------------------------- reading Ryu's JSON

/** JSON.parse loses u64 precision: integers of 16+ digits become strings first. */
function parseRyuJson(text: string): unknown {
  return JSON.parse(text.replace(/([:[,]\s*)(\d{16,})(?=\s*[,\]}])/g, '$1"$2"'));
}

/** The value at `path`, failing when any step is missing. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const key of path) {
    assert.ok(v !== null && typeof v === 'object' && key in v, `JSON has no ${String(key)} in ${JSON.stringify(v)?.slice(0, 80)}`);
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function list(value: unknown): unknown[] {
  assert.ok(Array.isArray(value), 'expected a JSON list');
  return value;
}

/** The object inside Ryu's `{ClassName: {...}}` wrapper, checking the class name. */
function unwrap(value: unknown, className?: string): unknown {
  const keys = Object.keys(value as object);
  assert.equal(keys.length, 1);
  if (className !== undefined) assert.equal(keys[0], className);
  return at(value, keys[0]!);
}

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Compares each named field of `ours` with Ryu's snake_case field (bigints against exact integers). */
function same(ours: object, json: unknown, names: readonly string[]): void {
  for (const name of names) {
    const mine = (ours as Record<string, unknown>)[name];
    const theirs = at(json, snake(name));
    if (typeof mine === 'bigint') assert.equal(mine, BigInt(theirs as string | number), name);
    else assert.deepEqual(mine, theirs, name);
  }
}

/** Every field of every entry, by name. */
function sameEntries(ours: readonly object[], json: unknown, className: string): void {
  const entries = list(json);
  assert.equal(ours.length, entries.length);
  ours.forEach((entry, i) => same(entry, unwrap(entries[i], className), Object.keys(entry)));
}

// ---------------------------------------------------------------- shared structures

function checkMatch(match: Match, json: unknown): void {
  const fields = list(at(unwrap(json, 'OFPMatch'), 'oxm_fields'));
  assert.equal(match.length, fields.length);
  match.forEach((f, i) => {
    const theirs = unwrap(fields[i], 'OXMTlv');
    const tlv = f as OxmTlv;
    assert.equal(tlv.field, at(theirs, 'field'));
    assert.equal(String(tlv.value), String(at(theirs, 'value')));
    assert.equal(tlv.mask ?? null, at(theirs, 'mask'));
  });
}

function checkActions(actions: readonly Action[], json: unknown): void {
  const theirs = list(json);
  assert.equal(actions.length, theirs.length);
  actions.forEach((a, i) => {
    const t = unwrap(theirs[i]);
    assert.equal(ACTION_TYPE_NUMBERS[a.type], at(t, 'type'));
    if (a.type === 'output') same(a, t, ['port', 'maxLen']);
  });
}

function checkInstructions(instructions: readonly Instruction[], json: unknown): void {
  const theirs = list(json);
  assert.equal(instructions.length, theirs.length);
  instructions.forEach((ins, i) => {
    const t = unwrap(theirs[i]);
    assert.equal(INSTRUCTION_TYPE_NUMBERS[ins.type], at(t, 'type'));
    if (ins.type === 'gotoTable') same(ins, t, ['tableId']);
    if (ins.type === 'writeActions' || ins.type === 'applyActions') checkActions(ins.actions, at(t, 'actions'));
  });
}

/** A reply body of the given type (request and reply bodies share tags, not shapes). */
function reply<T extends MultipartReplyBody['type']>(body: Body, type: T): Extract<MultipartReplyBody, { type: T }> {
  assert.equal(body.type, type);
  return body as Extract<MultipartReplyBody, { type: T }>;
}

function experimenterBody(body: Body): MultipartExperimenterBody {
  assert.equal(body.type, 'experimenter');
  return body as MultipartExperimenterBody;
}

// ---------------------------------------------------------------- per body type

const noBody: Check = () => {};

const flowRequest: Check = (b, j) => {
  const body = b as Extract<MultipartRequestBody, { type: 'flow' | 'aggregate' }>;
  same(body, j, ['tableId', 'outPort', 'outGroup', 'cookie', 'cookieMask']);
  checkMatch(body.match, at(j, 'match'));
};

const CHECKS: Readonly<Record<string, readonly [MultipartRequest['type'] | MultipartReply['type'], Body['type'], Check]>> = {
  '4-0-ofp_desc_reply': ['MultipartReply', 'desc', (b, j) => same(b, unwrap(at(j, 'body'), 'OFPDescStats'), ['mfrDesc', 'hwDesc', 'swDesc', 'serialNum', 'dpDesc'])],
  '4-11-ofp_flow_stats_request': ['MultipartRequest', 'flow', flowRequest],
  '4-12-ofp_flow_stats_reply': [
    'MultipartReply',
    'flow',
    (b, j) => {
      const stats = reply(b, 'flow').stats;
      const theirs = list(at(j, 'body'));
      assert.equal(stats.length, theirs.length);
      stats.forEach((s, i) => {
        const t = unwrap(theirs[i], 'OFPFlowStats');
        same(s, t, ['tableId', 'durationSec', 'durationNsec', 'priority', 'idleTimeout', 'hardTimeout', 'flags', 'cookie', 'packetCount', 'byteCount']);
        checkMatch(s.match, at(t, 'match'));
        checkInstructions(s.instructions, at(t, 'instructions'));
      });
    },
  ],
  '4-24-ofp_desc_request': ['MultipartRequest', 'desc', noBody],
  '4-25-ofp_aggregate_stats_request': ['MultipartRequest', 'aggregate', flowRequest],
  '4-26-ofp_aggregate_stats_reply': ['MultipartReply', 'aggregate', (b, j) => same(b, unwrap(at(j, 'body'), 'OFPAggregateStats'), ['packetCount', 'byteCount', 'flowCount'])],
  '4-27-ofp_table_stats_request': ['MultipartRequest', 'table', noBody],
  '4-28-ofp_table_stats_reply': ['MultipartReply', 'table', (b, j) => sameEntries(reply(b, 'table').stats, at(j, 'body'), 'OFPTableStats')],
  '4-29-ofp_port_stats_request': ['MultipartRequest', 'portStats', (b, j) => same(b, j, ['portNo'])],
  '4-30-ofp_port_stats_reply': ['MultipartReply', 'portStats', (b, j) => sameEntries(reply(b, 'portStats').stats, at(j, 'body'), 'OFPPortStats')],
  '4-31-ofp_group_features_request': ['MultipartRequest', 'groupFeatures', noBody],
  '4-32-ofp_group_features_reply': [
    'MultipartReply',
    'groupFeatures',
    (b, j) => same(b, unwrap(at(j, 'body'), 'OFPGroupFeaturesStats'), ['types', 'capabilities', 'maxGroups', 'actions']),
  ],
  '4-33-ofp_group_desc_request': ['MultipartRequest', 'groupDesc', noBody],
  '4-34-ofp_group_desc_reply': [
    'MultipartReply',
    'groupDesc',
    (b, j) => {
      const stats = reply(b, 'groupDesc').stats;
      const theirs = list(at(j, 'body'));
      assert.equal(stats.length, theirs.length);
      stats.forEach((d, i) => {
        const t = unwrap(theirs[i], 'OFPGroupDescStats');
        assert.equal(d.groupType, at(t, 'type'));
        assert.equal(d.groupId, at(t, 'group_id'));
        const buckets = list(at(t, 'buckets'));
        assert.equal(d.buckets.length, buckets.length);
        d.buckets.forEach((bucket, k) => {
          same(bucket, unwrap(buckets[k], 'OFPBucket'), ['weight', 'watchPort', 'watchGroup']);
          checkActions(bucket.actions, at(unwrap(buckets[k]), 'actions'));
        });
      });
    },
  ],
  '4-37-ofp_queue_stats_request': ['MultipartRequest', 'queue', (b, j) => same(b, j, ['portNo', 'queueId'])],
  '4-38-ofp_queue_stats_reply': ['MultipartReply', 'queue', (b, j) => sameEntries(reply(b, 'queue').stats, at(j, 'body'), 'OFPQueueStats')],
  '4-47-ofp_meter_config_request': ['MultipartRequest', 'meterConfig', (b, j) => same(b, j, ['meterId'])],
  '4-48-ofp_meter_config_reply': [
    'MultipartReply',
    'meterConfig',
    (b, j) => {
      const stats = reply(b, 'meterConfig').stats;
      const theirs = list(at(j, 'body'));
      assert.equal(stats.length, theirs.length);
      stats.forEach((c, i) => {
        const t = unwrap(theirs[i], 'OFPMeterConfigStats');
        same(c, t, ['flags', 'meterId']);
        const bands = list(at(t, 'bands'));
        assert.equal(c.bands.length, bands.length);
        c.bands.forEach((band, k) => {
          assert.equal(band.type, 'drop');
          same(band, unwrap(bands[k], 'OFPMeterBandDrop'), ['rate', 'burstSize']);
        });
      });
    },
  ],
  '4-49-ofp_meter_stats_request': ['MultipartRequest', 'meter', (b, j) => same(b, j, ['meterId'])],
  '4-50-ofp_meter_stats_reply': [
    'MultipartReply',
    'meter',
    (b, j) => {
      const stats = reply(b, 'meter').stats;
      const theirs = list(at(j, 'body'));
      assert.equal(stats.length, theirs.length);
      stats.forEach((s, i) => {
        const t = unwrap(theirs[i], 'OFPMeterStats');
        same(s, t, ['meterId', 'flowCount', 'packetInCount', 'byteInCount', 'durationSec', 'durationNsec']);
        sameEntries(s.bandStats, at(t, 'band_stats'), 'OFPMeterBandStats');
      });
    },
  ],
  '4-51-ofp_meter_features_request': ['MultipartRequest', 'meterFeatures', noBody],
  '4-52-ofp_meter_features_reply': ['MultipartReply', 'meterFeatures', (b, j) => sameEntries(reply(b, 'meterFeatures').stats, at(j, 'body'), 'OFPMeterFeaturesStats')],
  '4-53-ofp_port_desc_request': ['MultipartRequest', 'portDesc', noBody],
  '4-54-ofp_port_desc_reply': ['MultipartReply', 'portDesc', (b, j) => sameEntries(reply(b, 'portDesc').ports, at(j, 'body'), 'OFPPort')],
  '4-55-ofp_table_features_request': ['MultipartRequest', 'tableFeatures', (b, j) => checkTableFeatures(b, j)],
  '4-56-ofp_table_features_reply': ['MultipartReply', 'tableFeatures', (b, j) => checkTableFeatures(b, j)],
  '4-57-ofp_group_stats_request': ['MultipartRequest', 'group', (b, j) => same(b, j, ['groupId'])],
  '4-58-ofp_group_stats_reply': [
    'MultipartReply',
    'group',
    (b, j) => {
      const stats = reply(b, 'group').stats;
      const theirs = list(at(j, 'body'));
      assert.equal(stats.length, theirs.length);
      stats.forEach((s, i) => {
        const t = unwrap(theirs[i], 'OFPGroupStats');
        same(s, t, ['groupId', 'refCount', 'packetCount', 'byteCount', 'durationSec', 'durationNsec']);
        sameEntries(s.bucketStats, at(t, 'bucket_stats'), 'OFPBucketCounter');
      });
    },
  ],
  '4-61-ofp_experimenter_request': ['MultipartRequest', 'experimenter', (b, j) => checkExperimenter(b, j)],
  '4-62-ofp_experimenter_reply': ['MultipartReply', 'experimenter', (b, j) => checkExperimenter(b, unwrap(at(j, 'body'), 'OFPExperimenterMultipart'))],
  '4-63-onf_flow_monitor_request': [
    'MultipartRequest',
    'onfFlowMonitor',
    (b, j) => {
      assert.equal(at(j, 'experimenter'), ONF_EXPERIMENTER_ID);
      const monitors = (b as Extract<Body, { type: 'onfFlowMonitor' }>).monitors;
      const theirs = list(at(j, 'body'));
      assert.equal(monitors.length, theirs.length);
      monitors.forEach((m, i) => {
        const t = unwrap(theirs[i], 'ONFFlowMonitorRequest');
        same(m, t, ['id', 'flags', 'outPort', 'tableId']);
        assert.deepEqual(m.match.map((f) => f.field), list(at(t, 'match', 'OFPMatch', 'oxm_fields')).map((f) => at(unwrap(f, 'OXMTlv'), 'field')));
      });
    },
  ],
};

function checkExperimenter(b: Body, j: unknown): void {
  const body = experimenterBody(b);
  same(body, j, ['experimenter', 'expType']);
  assert.deepEqual(Buffer.from(body.data), Buffer.from(at(j, 'data') as string, 'base64'));
}

function checkTableFeatures(b: Body, j: unknown): void {
  const tables = reply(b, 'tableFeatures').tables;
  const theirs = list(at(j, 'body'));
  assert.equal(tables.length, theirs.length);
  tables.forEach((table, i) => {
    const t = unwrap(theirs[i], 'OFPTableFeaturesStats');
    same(table, t, ['tableId', 'name', 'metadataMatch', 'metadataWrite', 'config', 'maxEntries']);
    const props = list(at(t, 'properties'));
    assert.equal(table.properties.length, props.length);
    table.properties.forEach((prop, k) => {
      const p = unwrap(props[k]);
      assert.equal(prop.type === 'unknown' ? prop.propertyType : TABLE_FEATURE_PROP_TYPE_NUMBERS[prop.type], at(p, 'type'), `property ${k} type`);
      if ('instructionIds' in prop) {
        assert.deepEqual(prop.instructionIds.map((id) => id.type), list(at(p, 'instruction_ids')).map((id) => at(unwrap(id), 'type')));
      } else if ('actionIds' in prop) {
        assert.deepEqual(prop.actionIds.map((id) => id.type), list(at(p, 'action_ids')).map((id) => at(unwrap(id), 'type')));
      } else if ('tableIds' in prop) {
        assert.deepEqual(prop.tableIds, at(p, 'table_ids'));
      } else if ('oxmIds' in prop) {
        const ids = list(at(p, 'oxm_ids')).map((id) => unwrap(id, 'OFPOxmId'));
        assert.deepEqual(
          prop.oxmIds.map((id) => [oxmFieldByCode(id.oxmClass, id.oxmField)?.name, id.hasMask ? 1 : 0, id.length]),
          ids.map((id) => [at(id, 'type'), at(id, 'hasmask'), at(id, 'length')]),
        );
      } else {
        same(prop, p, ['experimenter', 'expType', 'data']);
      }
    });
  });
}

// ---------------------------------------------------------------- the suite

describe('multipart vectors (Ryu, OpenFlow 1.3)', () => {
  const dir = ryuVectorsDir();
  const byName = new Map<string, VectorFile>(loadVectors(dir, 'of13').map((v) => [v.name, v]));

  for (const [name, [messageType, bodyType, check]] of Object.entries(CHECKS)) {
    it(`${name} decodes, re-encodes to the same bytes and agrees with Ryu`, () => {
      const vector = byName.get(name);
      assert.ok(vector !== undefined, `vector ${name}.packet is missing from ${dir}/of13/packet`);
      assert.ok(vector.jsonText !== undefined, `vector ${name} has no JSON twin`);
      const msg = decodeMessage(vector.bytes);
      assert.equal(msg.type, messageType);
      const mp = msg as MultipartRequest | MultipartReply;
      assert.equal(mp.version, OFP_VERSION_1_3);
      assert.equal(mp.body.type, bodyType);
      assert.deepEqual(encodeMessage(msg), vector.bytes);
      const json = unwrap(parseRyuJson(vector.jsonText));
      assert.equal(mp.flags, at(json, 'flags'));
      // ONF's flow monitor is an experimenter multipart type with a typed body.
      const wireType = bodyType === 'onfFlowMonitor' ? 'experimenter' : bodyType;
      assert.equal(MULTIPART_TYPE_NUMBERS[wireType as keyof typeof MULTIPART_TYPE_NUMBERS], at(json, 'type'));
      check(mp.body, json);
    });
  }

  it('covers every OpenFlow 1.3 multipart vector in the folder', () => {
    const multipart = [...byName.values()]
      .filter((v) => v.bytes[0] === OFP_VERSION_1_3 && (v.bytes[1] === OFPT_MULTIPART_REQUEST || v.bytes[1] === OFPT_MULTIPART_REPLY))
      .map((v) => v.name)
      .sort();
    assert.deepEqual(multipart, Object.keys(CHECKS).sort());
  });
});
