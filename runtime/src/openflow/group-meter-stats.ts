import { readBuckets, writeBuckets } from './group.js';
import { lengthBounded } from './length-bounded.js';
import { readBands, writeBands } from './meter.js';
import { readEntries } from './multipart-stats.js';
import type { GroupDesc, GroupFeatures, GroupStats, MeterConfig, MeterFeatures, MeterStats } from './multipart-types.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * The group and meter structures of OFPMP_GROUP, _GROUP_DESC, _GROUP_FEATURES,
 * _METER, _METER_CONFIG and _METER_FEATURES replies (OpenFlow 1.3.5 7.3.5.9-7.3.5.14).
 * Entries with counters after a fixed part must have a length that is the fixed
 * part plus a whole number of counters.
 */

// 7.3.5.9 group statistics
/** sizeof(struct ofp_group_stats_request). */
export const OFP_GROUP_STATS_REQUEST_SIZE = 8;
/** sizeof(struct ofp_group_stats) without bucket counters. */
export const OFP_GROUP_STATS_SIZE = 40;
/** sizeof(struct ofp_bucket_counter). */
export const OFP_BUCKET_COUNTER_SIZE = 16;

// 7.3.5.10 group description
/** sizeof(struct ofp_group_desc_stats) without buckets. */
export const OFP_GROUP_DESC_STATS_SIZE = 8;

// 7.3.5.11 group features
/** sizeof(struct ofp_group_features). */
export const OFP_GROUP_FEATURES_SIZE = 40;

// 7.3.5.11 enum ofp_group_capabilities
export const OFPGFC_SELECT_WEIGHT = 1 << 0;
export const OFPGFC_SELECT_LIVENESS = 1 << 1;
export const OFPGFC_CHAINING = 1 << 2;
export const OFPGFC_CHAINING_CHECKS = 1 << 3;

// 7.3.5.12 meter statistics and 7.3.5.13 meter configuration
/** sizeof(struct ofp_meter_multipart_request). */
export const OFP_METER_MULTIPART_REQUEST_SIZE = 8;
/** sizeof(struct ofp_meter_stats) without band statistics. */
export const OFP_METER_STATS_SIZE = 40;
/** sizeof(struct ofp_meter_band_stats). */
export const OFP_METER_BAND_STATS_SIZE = 16;
/** sizeof(struct ofp_meter_config) without bands. */
export const OFP_METER_CONFIG_SIZE = 8;

// 7.3.5.14 meter features
/** sizeof(struct ofp_meter_features). */
export const OFP_METER_FEATURES_SIZE = 16;

// ---------------------------------------------------------------- groups

/** Fails unless the bytes after a fixed part are a whole number of `size`-byte counters. */
function checkCounters(r: Reader, lengthAt: number, length: number, fixed: number, size: number, field: string): void {
  if ((length - fixed) % size !== 0) r.fail(field, `${length} is not ${fixed} plus a multiple of ${size}`, lengthAt);
}

export function readGroupStats(r: Reader): GroupStats {
  const start = r.pos;
  const length = r.u16('group_stats.length');
  const e = lengthBounded(r, start, start, length, OFP_GROUP_STATS_SIZE, 'group_stats.length');
  checkCounters(r, start, length, OFP_GROUP_STATS_SIZE, OFP_BUCKET_COUNTER_SIZE, 'group_stats.length');
  e.pad(2);
  const groupId = e.u32('group_stats.group_id');
  const refCount = e.u32('group_stats.ref_count');
  e.pad(4);
  const packetCount = e.u64('group_stats.packet_count');
  const byteCount = e.u64('group_stats.byte_count');
  const durationSec = e.u32('group_stats.duration_sec');
  const durationNsec = e.u32('group_stats.duration_nsec');
  const bucketStats = readEntries(e, (b) => ({
    packetCount: b.u64('group_stats.bucket_stats.packet_count'),
    byteCount: b.u64('group_stats.bucket_stats.byte_count'),
  }));
  return { groupId, refCount, packetCount, byteCount, durationSec, durationNsec, bucketStats };
}

export function writeGroupStats(w: Writer, s: GroupStats): void {
  const start = w.pos;
  w.u16(0, 'group_stats.length');
  w.zeros(2);
  w.u32(s.groupId, 'group_stats.group_id');
  w.u32(s.refCount, 'group_stats.ref_count');
  w.zeros(4);
  w.u64(s.packetCount, 'group_stats.packet_count');
  w.u64(s.byteCount, 'group_stats.byte_count');
  w.u32(s.durationSec, 'group_stats.duration_sec');
  w.u32(s.durationNsec, 'group_stats.duration_nsec');
  for (const c of w.list(s.bucketStats, 'group_stats.bucket_stats')) {
    w.struct(c, 'group_stats.bucket_stats');
    w.u64(c.packetCount, 'group_stats.bucket_stats.packet_count');
    w.u64(c.byteCount, 'group_stats.bucket_stats.byte_count');
  }
  w.patchU16(start, w.pos - start, 'group_stats.length');
}

export function readGroupDesc(r: Reader): GroupDesc {
  const start = r.pos;
  const length = r.u16('group_desc.length');
  const e = lengthBounded(r, start, start, length, OFP_GROUP_DESC_STATS_SIZE, 'group_desc.length');
  const groupType = e.u8('group_desc.type');
  e.pad(1);
  const groupId = e.u32('group_desc.group_id');
  return { groupType, groupId, buckets: readBuckets(e) };
}

export function writeGroupDesc(w: Writer, d: GroupDesc): void {
  const start = w.pos;
  w.u16(0, 'group_desc.length');
  w.u8(d.groupType, 'group_desc.type');
  w.zeros(1);
  w.u32(d.groupId, 'group_desc.group_id');
  writeBuckets(w, d.buckets);
  w.patchU16(start, w.pos - start, 'group_desc.length');
}

const four = (r: Reader, field: string): [number, number, number, number] => [r.u32(field), r.u32(field), r.u32(field), r.u32(field)];

export function readGroupFeatures(r: Reader): GroupFeatures {
  r.need(OFP_GROUP_FEATURES_SIZE, 'group_features');
  const types = r.u32('group_features.types');
  const capabilities = r.u32('group_features.capabilities');
  const maxGroups = four(r, 'group_features.max_groups');
  return { types, capabilities, maxGroups, actions: four(r, 'group_features.actions') };
}

/** A per-group-type array: exactly four u32s (all, select, indirect, fast failover). */
function writeFour(w: Writer, values: readonly number[], field: string): void {
  const list = w.list(values, field);
  if (list.length !== 4) w.fail(field, `needs 4 entries, has ${list.length}`);
  for (const n of list) w.u32(n, field);
}

export function writeGroupFeatures(w: Writer, f: GroupFeatures): void {
  w.u32(f.types, 'group_features.types');
  w.u32(f.capabilities, 'group_features.capabilities');
  writeFour(w, f.maxGroups, 'group_features.max_groups');
  writeFour(w, f.actions, 'group_features.actions');
}

// ---------------------------------------------------------------- meters

export function readMeterStats(r: Reader): MeterStats {
  const start = r.pos;
  const meterId = r.u32('meter_stats.meter_id');
  const lengthAt = r.pos;
  const length = r.u16('meter_stats.len');
  const e = lengthBounded(r, start, lengthAt, length, OFP_METER_STATS_SIZE, 'meter_stats.len');
  checkCounters(r, lengthAt, length, OFP_METER_STATS_SIZE, OFP_METER_BAND_STATS_SIZE, 'meter_stats.len');
  e.pad(6);
  const flowCount = e.u32('meter_stats.flow_count');
  const packetInCount = e.u64('meter_stats.packet_in_count');
  const byteInCount = e.u64('meter_stats.byte_in_count');
  const durationSec = e.u32('meter_stats.duration_sec');
  const durationNsec = e.u32('meter_stats.duration_nsec');
  const bandStats = readEntries(e, (b) => ({
    packetBandCount: b.u64('meter_stats.band_stats.packet_band_count'),
    byteBandCount: b.u64('meter_stats.band_stats.byte_band_count'),
  }));
  return { meterId, flowCount, packetInCount, byteInCount, durationSec, durationNsec, bandStats };
}

export function writeMeterStats(w: Writer, s: MeterStats): void {
  const start = w.pos;
  w.u32(s.meterId, 'meter_stats.meter_id');
  w.u16(0, 'meter_stats.len');
  w.zeros(6);
  w.u32(s.flowCount, 'meter_stats.flow_count');
  w.u64(s.packetInCount, 'meter_stats.packet_in_count');
  w.u64(s.byteInCount, 'meter_stats.byte_in_count');
  w.u32(s.durationSec, 'meter_stats.duration_sec');
  w.u32(s.durationNsec, 'meter_stats.duration_nsec');
  for (const b of w.list(s.bandStats, 'meter_stats.band_stats')) {
    w.struct(b, 'meter_stats.band_stats');
    w.u64(b.packetBandCount, 'meter_stats.band_stats.packet_band_count');
    w.u64(b.byteBandCount, 'meter_stats.band_stats.byte_band_count');
  }
  w.patchU16(start + 4, w.pos - start, 'meter_stats.len');
}

export function readMeterConfig(r: Reader): MeterConfig {
  const start = r.pos;
  const length = r.u16('meter_config.length');
  const e = lengthBounded(r, start, start, length, OFP_METER_CONFIG_SIZE, 'meter_config.length');
  const flags = e.u16('meter_config.flags');
  const meterId = e.u32('meter_config.meter_id');
  return { flags, meterId, bands: readBands(e) };
}

export function writeMeterConfig(w: Writer, c: MeterConfig): void {
  const start = w.pos;
  w.u16(0, 'meter_config.length');
  w.u16(c.flags, 'meter_config.flags');
  w.u32(c.meterId, 'meter_config.meter_id');
  writeBands(w, c.bands);
  w.patchU16(start, w.pos - start, 'meter_config.length');
}

export function readMeterFeatures(r: Reader): MeterFeatures {
  r.need(OFP_METER_FEATURES_SIZE, 'meter_features');
  const maxMeter = r.u32('meter_features.max_meter');
  const bandTypes = r.u32('meter_features.band_types');
  const capabilities = r.u32('meter_features.capabilities');
  const maxBands = r.u8('meter_features.max_bands');
  const maxColor = r.u8('meter_features.max_color');
  r.pad(2);
  return { maxMeter, bandTypes, capabilities, maxBands, maxColor };
}

export function writeMeterFeatures(w: Writer, f: MeterFeatures): void {
  w.u32(f.maxMeter, 'meter_features.max_meter');
  w.u32(f.bandTypes, 'meter_features.band_types');
  w.u32(f.capabilities, 'meter_features.capabilities');
  w.u8(f.maxBands, 'meter_features.max_bands');
  w.u8(f.maxColor, 'meter_features.max_color');
  w.zeros(2);
}
