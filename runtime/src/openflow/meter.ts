import type { Reader } from './reader.js';
import type { MeterBand } from './structs.js';
import type { Writer } from './writer.js';

/** Meter bands (OpenFlow 1.3.5 7.3.4.4). */

// 7.3.4.4 enum ofp_meter_mod_command
export const OFPMC_ADD = 0;
export const OFPMC_MODIFY = 1;
export const OFPMC_DELETE = 2;

// 7.3.4.4 enum ofp_meter_flags
export const OFPMF_KBPS = 1 << 0;
export const OFPMF_PKTPS = 1 << 1;
export const OFPMF_BURST = 1 << 2;
export const OFPMF_STATS = 1 << 3;

// 7.3.4.4 enum ofp_meter_band_type
export const OFPMBT_DROP = 1;
export const OFPMBT_DSCP_REMARK = 2;
export const OFPMBT_EXPERIMENTER = 0xffff;

/** sizeof(struct ofp_meter_band_drop) and _dscp_remark. */
export const OFP_METER_BAND_SIZE = 16;

/** Reads meter bands until the end of `r`. */
export function readBands(r: Reader): MeterBand[] {
  const bands: MeterBand[] = [];
  while (r.pos < r.end) {
    const start = r.pos;
    const type = r.u16('band.type');
    const len = r.u16('band.len');
    if (len < OFP_METER_BAND_SIZE || len % 8 !== 0) r.fail('band.len', `${len} is not a multiple of 8 of at least 16`, start + 2);
    const b = r.sub(len - 4, 'band.len');
    const rate = b.u32('band.rate');
    const burstSize = b.u32('band.burst_size');
    if (type === OFPMBT_EXPERIMENTER) {
      bands.push({ type: 'experimenter', rate, burstSize, experimenter: b.u32('band.experimenter'), data: b.rest() });
      continue;
    }
    if (len !== OFP_METER_BAND_SIZE) r.fail('band.len', `band type ${type} must be 16 bytes, header says ${len}`, start + 2);
    if (type === OFPMBT_DROP) bands.push({ type: 'drop', rate, burstSize });
    else if (type === OFPMBT_DSCP_REMARK) bands.push({ type: 'dscpRemark', rate, burstSize, precLevel: b.u8('band.prec_level') });
    else r.fail('band.type', `unknown meter band type ${type}`, start);
  }
  return bands;
}

export function writeBands(w: Writer, bands: readonly MeterBand[]): void {
  for (const band of w.list(bands, 'bands')) {
    w.struct(band, 'band');
    const start = w.pos;
    const type = band.type === 'drop' ? OFPMBT_DROP : band.type === 'dscpRemark' ? OFPMBT_DSCP_REMARK : band.type === 'experimenter' ? OFPMBT_EXPERIMENTER : -1;
    if (type < 0) w.fail('band.type', `unknown meter band type "${String((band as { type: unknown }).type)}"`);
    w.u16(type, 'band.type');
    w.u16(0, 'band.len');
    w.u32(band.rate, 'band.rate');
    w.u32(band.burstSize, 'band.burst_size');
    if (band.type === 'dscpRemark') w.u8(band.precLevel, 'band.prec_level');
    if (band.type === 'experimenter') {
      w.u32(band.experimenter, 'band.experimenter');
      w.bytes(band.data, 'band.data');
    }
    w.align8(start);
    w.patchU16(start + 2, w.pos - start, 'band.len');
  }
}
