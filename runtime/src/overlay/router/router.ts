import type { Envelope, LinkNotice, Route as WireRoute, RouteDigest, RouteUpdate } from '../../generated/sdn/overlay/v1/overlay.js';
import type { Emit, NodeId } from '../types.js';
import type { RouterConfig } from './config.js';
import { LinkNotices } from './notices.js';
import { type Advert, type PathNode, PathTable } from './paths.js';
import { acceptAdvert, newPeer, type Peer, sendFull, sendUpdates, setSent } from './peer.js';
import { advertOn, BestRoute, type Route, type RouteListener, toWire } from './route.js';

/**
 * Path-vector routing (see README.md): per destination the best of the routes
 * neighbours advertise, scored by link RTT + hop penalty; split horizon by path;
 * incremental numbered updates, digests, resync on drift.
 */
export class Router {
  private readonly peers = new Map<NodeId, Peer>();
  private readonly routes = new Map<NodeId, BestRoute>();
  private readonly paths: PathTable;
  private readonly dirty = new Set<NodeId>();
  private recordVersion = 0;
  private readonly notices: LinkNotices;
  private noticeSeq = 0;
  private flushedAtMs = -Infinity;

  constructor(
    private readonly config: RouterConfig,
    private readonly emit: Emit,
    private readonly send: (peer: NodeId, message: Envelope) => void,
    private readonly onRoute: RouteListener,
  ) {
    this.notices = new LinkNotices(config.linkNoticeHoldMs, 4 * config.maxRoutes, config.linkNoticeBurst, config.linkNoticeRefillMs);
    this.paths = config.paths ?? new PathTable(4 * config.maxRoutes);
  }

  route(dest: NodeId): Route | undefined {
    return this.routes.get(dest);
  }

  /** Every best route, by destination. */
  table(): ReadonlyMap<NodeId, Route> {
    return this.routes;
  }

  /** The version of this node's directory record, carried by its own route. */
  setRecordVersion(version: number, nowMs: number): void {
    this.recordVersion = version;
    this.dirty.add(this.config.nodeId);
    this.flush(nowMs);
  }

  linkUp(peerId: NodeId, rttMs: number, nowMs: number): void {
    const peer = newPeer(peerId, rttMs, nowMs, this.config.digestIntervalMs);
    this.linkDown(peerId, nowMs);
    if (this.notices.reportedDown(this.config.nodeId, peerId)) this.notify(peerId, true, nowMs);
    this.peers.set(peerId, peer);
    for (const dest of [this.config.nodeId, ...this.routes.keys()]) {
      const advert = this.advertFor(dest, peerId);
      if (advert !== undefined) setSent(peer, advert);
    }
    this.sendFull(peer, nowMs);
  }

  linkRtt(peerId: NodeId, rttMs: number, nowMs: number): void {
    const peer = this.peers.get(peerId);
    if (peer === undefined) return;
    const cost = Math.round(rttMs);
    if (Math.abs(cost - peer.costMs) < Math.max(this.config.rttChangeMinMs, this.config.rttChangeShare * peer.costMs)) return;
    peer.costMs = cost;
    for (const dest of peer.received.keys()) this.recompute(dest, nowMs);
    this.flush(nowMs);
  }

  linkDown(peerId: NodeId, nowMs: number): void {
    const peer = this.peers.get(peerId);
    if (peer === undefined) return;
    this.peers.delete(peerId);
    // The notice goes first: on each link it arrives before the withdrawals it explains.
    this.notify(peerId, false, nowMs);
    for (const dest of peer.received.keys()) this.recompute(dest, nowMs);
    this.flush(nowMs);
  }

  /** A routing message from an up link. */
  onMessage(peerId: NodeId, message: Envelope, nowMs: number): void {
    const peer = this.peers.get(peerId);
    const body = message.body;
    if (peer === undefined || body === undefined) return;
    if (body.$case === 'routeUpdate') this.onUpdate(peer, body.value, nowMs);
    else if (body.$case === 'routeDigest') this.onDigest(peer, body.value, nowMs);
    else if (body.$case === 'routeResync') this.onResync(peer, nowMs);
    else if (body.$case === 'linkNotice') this.onNotice(peer, body.value, nowMs);
    this.flush(nowMs);
  }

  onTick(nowMs: number): void {
    for (const [a, b] of this.notices.expire(nowMs)) this.recomputeUsing(a, b, nowMs);
    for (const peer of this.peers.values()) {
      if (peer.received.size > 0 && nowMs - peer.lastHeardMs >= this.config.routeExpiryMs) {
        this.emit({ kind: 'problem', code: 'OVERLAY_ROUTE', detail: `routes of node ${peer.id} expired: no update or digest for ${nowMs - peer.lastHeardMs} ms`, peer: peer.id });
        this.forget(peer, nowMs);
      }
      if (peer.resyncPending && nowMs - peer.fullSentAtMs >= this.config.resyncMinIntervalMs) this.sendFull(peer, nowMs);
      if (nowMs >= peer.nextDigestAtMs) {
        peer.nextDigestAtMs = nowMs + this.config.digestIntervalMs;
        this.send(peer.id, { body: { $case: 'routeDigest', value: { seq: peer.sentSeq, count: peer.sentDigest.count, hash: peer.sentDigest.sum } } });
      }
    }
    this.flush(nowMs);
  }

  private onUpdate(peer: Peer, update: RouteUpdate, nowMs: number): void {
    peer.lastHeardMs = nowMs;
    if (update.reset) {
      this.forget(peer, nowMs);
    } else if (update.seq !== ((peer.receivedSeq + 1) >>> 0)) {
      // A lost update: what follows builds on a table we do not have.
      this.askResync(peer, nowMs);
      return;
    }
    peer.receivedSeq = update.seq;
    for (const dest of update.withdrawn) {
      const old = peer.received.get(dest);
      if (old === undefined) continue;
      peer.received.delete(dest);
      peer.receivedDigest.remove(old.hash);
      this.recompute(dest, nowMs);
    }
    let rejected = 0;
    let firstReason = '';
    for (const route of update.routes) {
      const reason = acceptAdvert(this.config, this.paths, peer, route);
      if (reason === undefined) {
        this.recompute(route.dest, nowMs);
        continue;
      }
      rejected += 1;
      if (firstReason === '') firstReason = reason;
    }
    if (rejected > 0) {
      const code = firstReason.startsWith('table full') ? 'OVERLAY_TABLE_FULL' : 'OVERLAY_ROUTE';
      this.emit({ kind: 'problem', code, detail: `${rejected} route(s) from node ${peer.id} refused; first: ${firstReason}`, peer: peer.id });
    }
  }

  private notify(peerId: NodeId, up: boolean, nowMs: number): void {
    this.noticeSeq = (this.noticeSeq + 1) >>> 0;
    const notice: LinkNotice = { reporter: this.config.nodeId, peer: peerId, up, epoch: this.config.epoch, seq: this.noticeSeq };
    this.notices.apply(notice, nowMs);
    for (const peer of this.peers.values()) this.send(peer.id, { body: { $case: 'linkNotice', value: notice } });
  }

  private onNotice(from: Peer, notice: LinkNotice, nowMs: number): void {
    if (notice.reporter === this.config.nodeId || notice.reporter === 0 || notice.peer === 0) return;
    // A neighbour relays everyone's notices (a partition: many at once), so its budget is larger.
    const byLink = this.notices.admit(`link ${from.id}`, nowMs, 8 * this.config.linkNoticeBurst);
    const byReporter = byLink === 'ok' ? this.notices.admit(`node ${notice.reporter}`, nowMs) : 'limited';
    if (byLink === 'limited-first' || byReporter === 'limited-first') {
      const who = byLink === 'limited-first' ? `from the link with node ${from.id}` : `of node ${notice.reporter}`;
      this.emit({ kind: 'problem', code: 'OVERLAY_LIMIT', detail: `link notices ${who} over their budget: dropped until it refills`, peer: from.id });
    }
    if (byLink !== 'ok' || byReporter !== 'ok') return;
    const { fresh, changed } = this.notices.apply(notice, nowMs);
    if (!fresh) return;
    for (const peer of this.peers.values()) if (peer !== from) this.send(peer.id, { body: { $case: 'linkNotice', value: notice } });
    if (changed) this.recomputeUsing(notice.reporter, notice.peer, nowMs);
  }

  /**
   * Recomputes the destinations whose best route edge a-b changed. Gone down:
   * those whose best route crosses it (every best route is the best of its
   * adverts, so losing adverts that were not chosen changes nothing), N routes
   * instead of N × neighbours adverts. Back up: every destination some
   * neighbour advertised a path over it for.
   */
  private recomputeUsing(a: NodeId, b: NodeId, nowMs: number): void {
    const dests = new Set<NodeId>();
    const uses = this.paths.edgeScan(a, b);
    if (this.notices.isDown(a, b)) {
      for (const route of this.routes.values()) if (uses(route.via)) dests.add(route.dest);
    } else {
      for (const peer of this.peers.values()) for (const advert of peer.received.values()) if (uses(advert.path)) dests.add(advert.dest);
    }
    for (const dest of dests) this.recompute(dest, nowMs);
  }

  private onDigest(peer: Peer, digest: RouteDigest, nowMs: number): void {
    peer.lastHeardMs = nowMs;
    const same = digest.seq === peer.receivedSeq && digest.count === peer.receivedDigest.count && digest.hash === peer.receivedDigest.sum;
    if (!same) this.askResync(peer, nowMs);
  }

  private onResync(peer: Peer, nowMs: number): void {
    if (nowMs - peer.fullSentAtMs >= this.config.resyncMinIntervalMs) this.sendFull(peer, nowMs);
    else peer.resyncPending = true;
  }

  private askResync(peer: Peer, nowMs: number): void {
    if (nowMs - peer.resyncAskedAtMs < this.config.resyncMinIntervalMs) return;
    peer.resyncAskedAtMs = nowMs;
    this.send(peer.id, { body: { $case: 'routeResync', value: { lastSeq: peer.receivedSeq } } });
  }

  private forget(peer: Peer, nowMs: number): void {
    const dests = [...peer.received.keys()];
    peer.received.clear();
    peer.receivedDigest.clear();
    for (const dest of dests) this.recompute(dest, nowMs);
  }

  private recompute(dest: NodeId, nowMs: number): void {
    if (dest === this.config.nodeId) return;
    let bestAdvert: Advert | undefined;
    let bestPeer: NodeId = 0;
    let bestCost = 0;
    for (const peer of this.peers.values()) {
      const advert = peer.received.get(dest);
      if (advert === undefined || this.notices.breaks(advert.path)) continue;
      const costMs = peer.costMs + this.config.hopPenaltyMs + advert.costMs;
      if (bestAdvert === undefined || costMs < bestCost || (costMs === bestCost && (advert.path.length < bestAdvert.path.length || (advert.path.length === bestAdvert.path.length && peer.id < bestPeer)))) {
        bestAdvert = advert;
        bestPeer = peer.id;
        bestCost = costMs;
      }
    }
    const old = this.routes.get(dest);
    if (bestAdvert === undefined) {
      if (old === undefined) return;
      this.routes.delete(dest);
      this.dirty.add(dest);
      this.emit({ kind: 'node-unreachable', node: dest });
      this.onRoute(dest, undefined, nowMs);
      return;
    }
    if (old !== undefined && old.costMs === bestCost && old.nextHop === bestPeer && old.via === bestAdvert.path && old.recordVersion === bestAdvert.recordVersion) return;
    if (old === undefined && this.routes.size >= this.config.maxRoutes) {
      this.emit({ kind: 'problem', code: 'OVERLAY_TABLE_FULL', detail: `no room for a route to node ${dest} (${this.config.maxRoutes} routes)`, peer: bestPeer });
      return;
    }
    const best = new BestRoute(dest, bestCost, bestPeer, bestAdvert.path, bestAdvert.recordVersion);
    this.routes.set(dest, best);
    this.dirty.add(dest);
    if (old === undefined) this.emit({ kind: 'node-reachable', node: dest });
    this.onRoute(dest, best, nowMs);
  }

  /**
   * What we would tell neighbours about `dest` (our best route, or our own route),
   * built once and shared by every neighbour it goes to. `via` is the route's
   * path, which split horizon checks per neighbour.
   */
  private advertOf(dest: NodeId): { advert: Advert; via: PathNode | undefined } | undefined {
    const self = this.config.nodeId;
    if (dest === self) {
      return { advert: advertOn(dest, this.paths.cons(self, undefined), 0, this.recordVersion), via: undefined };
    }
    const route = this.routes.get(dest);
    if (route === undefined || route.via.length + 1 > this.config.maxPathLength) return undefined;
    return { advert: advertOn(dest, this.paths.cons(self, route.via), route.costMs, route.recordVersion), via: route.via };
  }

  /** The advert for `peerId`: none when the peer is on the route's path (split horizon by path). */
  private advertFor(dest: NodeId, peerId: NodeId): Advert | undefined {
    const built = this.advertOf(dest);
    return built === undefined || built.via?.includes(peerId) === true ? undefined : built.advert;
  }

  /** Sends each peer the difference between what it was told and what it should be told now. */
  private flush(nowMs: number): void {
    if (this.dirty.size === 0 || nowMs - this.flushedAtMs < this.config.updateBatchMs) return;
    this.flushedAtMs = nowMs;
    const changes = new Map<Peer, { routes: WireRoute[]; withdrawn: NodeId[] }>();
    for (const peer of this.peers.values()) changes.set(peer, { routes: [], withdrawn: [] });
    for (const dest of this.dirty) {
      const built = this.advertOf(dest);
      let wire: WireRoute | undefined;
      for (const [peer, change] of changes) {
        const advert = built === undefined || built.via?.includes(peer.id) === true ? undefined : built.advert;
        const old = peer.sent.get(dest);
        if (advert === undefined) {
          if (old === undefined) continue;
          peer.sent.delete(dest);
          peer.sentDigest.remove(old.hash);
          change.withdrawn.push(dest);
          continue;
        }
        if (old !== undefined && old.hash === advert.hash && old.costMs === advert.costMs && old.recordVersion === advert.recordVersion && old.path.equals(advert.path)) continue;
        setSent(peer, advert);
        wire ??= toWire(advert);
        change.routes.push(wire);
      }
    }
    for (const [peer, change] of changes) sendUpdates(peer, change.routes, change.withdrawn, false, this.config.maxRoutesPerUpdate, this.send);
    this.dirty.clear();
  }

  private sendFull(peer: Peer, nowMs: number): void {
    sendFull(peer, nowMs, this.config.maxRoutesPerUpdate, this.send);
  }
}
