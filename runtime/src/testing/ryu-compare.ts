import assert from 'node:assert/strict';
import { frameFromRyu } from '../openflow/ryu-json/packet.js';
import type { RyuJson, RyuJsonObject } from '../openflow/ryu-json/index.js';

/**
 * Compares our Ryu JSON with Ryu's own, for the conformance suite. Equal means
 * the same keys, the same array lengths and strictly equal leaves (a u64 is a
 * number below 2^53 and a bigint above, on both sides). One difference of form
 * is allowed: where Ryu shows a frame through its packet library
 * (`{"Packet": ...}`, a PACKET_OUT it built) we show the bytes in base64, as
 * Ryu's own parser does (4-1-ofp_packet_out holds the same frame as base64);
 * the two must be the same bytes.
 */

function isObject(j: RyuJson | undefined): j is RyuJsonObject {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

function show(j: RyuJson | undefined): string {
  return JSON.stringify(j, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? 'undefined';
}

/** Fails at the first JSON path where `ours` and `ryu` differ, naming it and both values. */
export function assertSameAsRyu(ours: RyuJson, ryu: RyuJson, path = '$'): void {
  if (isObject(ryu) && Object.keys(ryu).length === 1 && 'Packet' in ryu && typeof ours === 'string') {
    assert.equal(Buffer.from(ours, 'base64').toString('hex'), frameFromRyu(ryu, path).toString('hex'), `${path}: the frames differ`);
    return;
  }
  if (isObject(ryu)) {
    assert.ok(isObject(ours), `${path}: Ryu has an object, ours is ${show(ours)}`);
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(ryu).sort(), `${path}: keys differ`);
    for (const key of Object.keys(ryu)) assertSameAsRyu(ours[key]!, ryu[key]!, `${path}.${key}`);
    return;
  }
  if (Array.isArray(ryu)) {
    assert.ok(Array.isArray(ours), `${path}: Ryu has an array, ours is ${show(ours)}`);
    const items = ours as readonly RyuJson[];
    assert.equal(items.length, ryu.length, `${path}: ${items.length} items, Ryu has ${ryu.length}`);
    (ryu as readonly RyuJson[]).forEach((item, i) => assertSameAsRyu(items[i]!, item, `${path}[${i}]`));
    return;
  }
  assert.ok(ours === ryu, `${path}: ours ${show(ours)}, Ryu ${show(ryu)}`);
}
