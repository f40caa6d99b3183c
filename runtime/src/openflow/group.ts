import { readActions, writeActions } from './actions.js';
import type { Reader } from './reader.js';
import type { Bucket } from './structs.js';
import type { Writer } from './writer.js';

/** Group buckets (OpenFlow 1.3.5 7.3.4.2). */

// 7.3.4.2 enum ofp_group_mod_command
export const OFPGC_ADD = 0;
export const OFPGC_MODIFY = 1;
export const OFPGC_DELETE = 2;

// 7.3.4.2 enum ofp_group_type
export const OFPGT_ALL = 0;
export const OFPGT_SELECT = 1;
export const OFPGT_INDIRECT = 2;
export const OFPGT_FF = 3;

/** sizeof(struct ofp_bucket) without actions. */
export const OFP_BUCKET_SIZE = 16;

/** Reads buckets until the end of `r`. */
export function readBuckets(r: Reader): Bucket[] {
  const buckets: Bucket[] = [];
  while (r.pos < r.end) {
    const start = r.pos;
    const len = r.u16('bucket.len');
    if (len < OFP_BUCKET_SIZE || len % 8 !== 0) r.fail('bucket.len', `${len} is not a multiple of 8 of at least 16`, start);
    const b = r.sub(len - 2, 'bucket.len');
    const weight = b.u16('bucket.weight');
    const watchPort = b.u32('bucket.watch_port');
    const watchGroup = b.u32('bucket.watch_group');
    b.pad(4);
    buckets.push({ weight, watchPort, watchGroup, actions: readActions(b) });
  }
  return buckets;
}

export function writeBuckets(w: Writer, buckets: readonly Bucket[]): void {
  for (const bucket of w.list(buckets, 'buckets')) {
    w.struct(bucket, 'bucket');
    const start = w.pos;
    w.u16(0, 'bucket.len');
    w.u16(bucket.weight, 'bucket.weight');
    w.u32(bucket.watchPort, 'bucket.watch_port');
    w.u32(bucket.watchGroup, 'bucket.watch_group');
    w.zeros(4);
    writeActions(w, bucket.actions);
    w.patchU16(start, w.pos - start, 'bucket.len');
  }
}
