import type { NodeId } from '../types.js';

/**
 * A 32-bit hash of one advertised route (FNV-1a over its fields, then the
 * murmur3 finalizer so that neighbouring values spread over all bits).
 */
export function routeHash(dest: NodeId, costMs: number, recordVersion: number, path: Iterable<NodeId> & { readonly length: number }): number {
  let h = 0x811c9dc5;
  const mix = (value: number): void => {
    for (let shift = 0; shift < 32; shift += 8) {
      h ^= (value >>> shift) & 0xff;
      h = Math.imul(h, 0x01000193);
    }
  };
  mix(dest);
  mix(costMs);
  mix(recordVersion);
  mix(path.length);
  for (const node of path) mix(node);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The digest of a table: its entry count and the sum (mod 2^32) of its entries'
 * hashes. A sum, not a hash of the sorted table, so that each change updates it
 * in O(1). It detects drift between two ends of a link (lost updates, bugs); it
 * is not a defence against a peer that forges tables on purpose.
 */
export class TableDigest {
  count = 0;
  sum = 0;

  add(hash: number): void {
    this.count += 1;
    this.sum = (this.sum + hash) >>> 0;
  }

  remove(hash: number): void {
    this.count -= 1;
    this.sum = (this.sum - hash) >>> 0;
  }

  clear(): void {
    this.count = 0;
    this.sum = 0;
  }
}
