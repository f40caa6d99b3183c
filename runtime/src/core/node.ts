/**
 * A node's id: the 32-bit number events and switch views carry as their origin
 * (`node`), the form the overlay's wire messages will use. It is derived from the
 * node's name (`--node-id`, default the host name) with 32-bit FNV-1a, so it is
 * the same on every start of the same node and needs no option of its own. Two
 * names may hash alike (about one pair in 2^32): a multi-node setup that finds
 * two nodes with one id must rename one of them.
 */
export function nodeIdOf(name: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
