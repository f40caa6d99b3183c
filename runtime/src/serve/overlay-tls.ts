import type { PeerCertificate } from 'node:tls';
import { nodeIdOf } from '../core/index.js';
import type { NodeId } from '../overlay/index.js';

/**
 * How an overlay link's certificate names a node. The cluster CA signs one
 * certificate per node; its subject CN, or any DNS subject alternative name, is
 * the node's `--node-id` name (whose 32-bit id is `nodeIdOf(name)`, core/node.ts)
 * or the id itself in decimal. The peer's Hello must carry one of those ids
 * (overlay/neighbours refuses any other), so a node holding a certificate for
 * "node-a" cannot take part as "node-b".
 */
export function certificateNames(cert: PeerCertificate): string[] {
  const names: string[] = [];
  const cn = cert.subject?.CN as string | string[] | undefined;
  if (typeof cn === 'string') names.push(cn);
  else if (Array.isArray(cn)) names.push(...cn);
  for (const entry of (cert.subjectaltname ?? '').split(',')) {
    const trimmed = entry.trim();
    if (trimmed.startsWith('DNS:')) names.push(trimmed.slice(4));
  }
  return names;
}

/** The node ids `names` stand for: a decimal 1..2^32-1 is an id, any other name is hashed as core/node.ts does. */
export function certifiedNodeIds(names: readonly string[]): NodeId[] {
  const ids = new Set<NodeId>();
  for (const name of names) {
    const asNumber = /^[0-9]{1,10}$/u.test(name) ? Number(name) : undefined;
    ids.add(asNumber !== undefined && asNumber >= 1 && asNumber <= 0xffff_ffff ? asNumber : nodeIdOf(name));
  }
  return [...ids];
}
