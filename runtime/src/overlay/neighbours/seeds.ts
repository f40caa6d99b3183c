import { OverlayError } from '../errors.js';
import type { NodeId } from '../types.js';

/** A node to dial at start: `ID@HOST:PORT`. */
export interface Seed {
  readonly node: NodeId;
  readonly host: string;
  readonly port: number;
  /** `HOST:PORT` (an IPv6 host in brackets), what `connect` outputs carry. */
  readonly addr: string;
}

const MAX_NODE_ID = 0xffff_ffff;

/** A node id: decimal 1..2^32-1. @throws OverlayError `OVERLAY_SEED` */
export function parseNodeId(text: string, what = 'node id'): NodeId {
  if (!/^[0-9]{1,10}$/u.test(text)) throw new OverlayError('OVERLAY_SEED', `${what} ${JSON.stringify(text)} is not a decimal number`);
  const id = Number(text);
  if (id < 1 || id > MAX_NODE_ID) throw new OverlayError('OVERLAY_SEED', `${what} ${text} is outside 1..${MAX_NODE_ID}`);
  return id;
}

/**
 * One seed, `ID@HOST:PORT` (`7@10.0.0.2:7000`, `7@[::1]:7000`). A seed naming
 * `self` is refused: a node never dials itself.
 * @throws OverlayError `OVERLAY_SEED`, the message says which part is wrong.
 */
export function parseSeed(text: string, self: NodeId): Seed {
  const at = text.indexOf('@');
  if (at < 0) throw new OverlayError('OVERLAY_SEED', `seed ${JSON.stringify(text)} is not ID@HOST:PORT`);
  const node = parseNodeId(text.slice(0, at), `seed ${JSON.stringify(text)}: node id`);
  if (node === self) throw new OverlayError('OVERLAY_SEED', `seed ${JSON.stringify(text)} names this node (${self}); a node does not dial itself`);
  const rest = text.slice(at + 1);
  const colon = rest.lastIndexOf(':');
  if (colon < 0) throw new OverlayError('OVERLAY_SEED', `seed ${JSON.stringify(text)} has no :PORT`);
  let host = rest.slice(0, colon);
  const portText = rest.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) throw new OverlayError('OVERLAY_SEED', `seed ${JSON.stringify(text)}: an IPv6 host goes in brackets`);
  if (host.length === 0 || /[\s@/[\]]/u.test(host)) throw new OverlayError('OVERLAY_SEED', `seed ${JSON.stringify(text)}: host ${JSON.stringify(host)} is not a host name or address`);
  if (!/^[0-9]{1,5}$/u.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new OverlayError('OVERLAY_SEED', `seed ${JSON.stringify(text)}: port ${JSON.stringify(portText)} is not 1..65535`);
  }
  const port = Number(portText);
  return { node, host, port, addr: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}` };
}

/** A `--seeds` value: comma-separated seeds, each node at most once. @throws OverlayError `OVERLAY_SEED` */
export function parseSeeds(list: string, self: NodeId): Seed[] {
  const seeds = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => parseSeed(s, self));
  const seen = new Set<NodeId>();
  for (const seed of seeds) {
    if (seen.has(seed.node)) throw new OverlayError('OVERLAY_SEED', `node ${seed.node} appears twice in the seeds`);
    seen.add(seed.node);
  }
  return seeds;
}
