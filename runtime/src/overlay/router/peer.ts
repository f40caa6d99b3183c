import type { Envelope, Route as WireRoute, RouteUpdate } from '../../generated/sdn/overlay/v1/overlay.js';
import type { NodeId } from '../types.js';
import type { RouterConfig } from './config.js';
import { TableDigest } from './digest.js';
import type { Advert, PathTable } from './paths.js';
import { advertOn, toWire } from './route.js';
import { checkAdvert } from './validate.js';

/**
 * One neighbour as the router keeps it: what it advertised to us and what we
 * advertised to it, each with its update seq and digest (README.md,
 * "Incremental", "Digest"). The functions below keep both sides consistent.
 */
export interface Peer {
  readonly id: NodeId;
  costMs: number;
  /** What the peer advertised to us (Adj-RIB-In), the last update seq applied, its digest. */
  readonly received: Map<NodeId, Advert>;
  readonly receivedDigest: TableDigest;
  receivedSeq: number;
  lastHeardMs: number;
  resyncAskedAtMs: number;
  /** What we advertised to the peer (Adj-RIB-Out), our update seq on this link, its digest. */
  readonly sent: Map<NodeId, Advert>;
  readonly sentDigest: TableDigest;
  sentSeq: number;
  nextDigestAtMs: number;
  fullSentAtMs: number;
  resyncPending: boolean;
}

/** A neighbour whose link just came up: nothing received or sent yet, its first digest due in `digestIntervalMs`. */
export function newPeer(id: NodeId, rttMs: number, nowMs: number, digestIntervalMs: number): Peer {
  return {
    id,
    costMs: Math.round(rttMs),
    received: new Map(),
    receivedDigest: new TableDigest(),
    receivedSeq: 0,
    lastHeardMs: nowMs,
    resyncAskedAtMs: -Infinity,
    sent: new Map(),
    sentDigest: new TableDigest(),
    sentSeq: 0,
    nextDigestAtMs: nowMs + digestIntervalMs,
    fullSentAtMs: -Infinity,
    resyncPending: false,
  };
}

/** Stores a valid advert from `peer` (Adj-RIB-In), or says why it is refused. */
export function acceptAdvert(config: RouterConfig, paths: PathTable, peer: Peer, route: WireRoute): string | undefined {
  const reason = checkAdvert(config, peer.id, route);
  if (reason !== undefined) return reason;
  const old = peer.received.get(route.dest);
  if (old === undefined && peer.received.size >= config.maxRoutes) return `table full (${config.maxRoutes} routes)`;
  const path = paths.fromArray(route.path);
  if (path === undefined) return `route to ${route.dest}: empty path`;
  if (old !== undefined) peer.receivedDigest.remove(old.hash);
  const advert = advertOn(route.dest, path, route.costMs, route.recordVersion);
  peer.received.set(route.dest, advert);
  peer.receivedDigest.add(advert.hash);
  return undefined;
}

/** Records `advert` as told to `peer` (Adj-RIB-Out), keeping the digest of what was told. */
export function setSent(peer: Peer, advert: Advert): void {
  const old = peer.sent.get(advert.dest);
  if (old !== undefined) peer.sentDigest.remove(old.hash);
  peer.sent.set(advert.dest, advert);
  peer.sentDigest.add(advert.hash);
}

/** Sends `peer` everything it was told, replacing what it holds (`reset`): its answer to a resync, and a new link's start. */
export function sendFull(peer: Peer, nowMs: number, maxRoutesPerUpdate: number, send: (peer: NodeId, message: Envelope) => void): void {
  peer.fullSentAtMs = nowMs;
  peer.resyncPending = false;
  const routes = [...peer.sent.values()].map(toWire);
  sendUpdates(peer, routes, [], true, maxRoutesPerUpdate, send);
}

/** Sends `routes` and `withdrawn` to `peer` in numbered updates of at most `maxRoutesPerUpdate` routes. */
export function sendUpdates(peer: Peer, routes: WireRoute[], withdrawn: NodeId[], reset: boolean, maxRoutesPerUpdate: number, send: (peer: NodeId, message: Envelope) => void): void {
  if (!reset && routes.length === 0 && withdrawn.length === 0) return;
  let first = true;
  for (let i = 0; first || i < routes.length; i += maxRoutesPerUpdate) {
    peer.sentSeq = (peer.sentSeq + 1) >>> 0;
    const update: RouteUpdate = { seq: peer.sentSeq, reset: reset && first, routes: routes.slice(i, i + maxRoutesPerUpdate), withdrawn: first ? withdrawn : [] };
    send(peer.id, { body: { $case: 'routeUpdate', value: update } });
    first = false;
  }
}
