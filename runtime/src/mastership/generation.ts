/**
 * Generation ids are etcd revisions: int64, and increasing across the whole
 * cluster, so a later win always has a larger id. The switch compares them the
 * way Open vSwitch does (ofproto/connmgr.c): a request is stale when
 * `(int64_t)(generation_id - current) < 0`, the difference of the two 64-bit
 * values read as signed, so ids may wrap around 2^64 as long as two live ids
 * are less than 2^63 apart. etcd revisions never come near 2^63; the same
 * compare is used here so that this code and the switch never disagree.
 */
export function generationBefore(a: bigint, b: bigint): boolean {
  return BigInt.asIntN(64, a - b) < 0n;
}
