import type { Broadcast, Envelope, Unicast } from '../../generated/sdn/overlay/v1/overlay.js';
import { OverlayError } from '../errors.js';
import type { Emit, NodeId } from '../types.js';
import { SeenCache } from './seen.js';

export interface ForwardConfig {
  readonly nodeId: NodeId;
  /** Hops a unicast or broadcast may take before it is dropped. */
  readonly maxTtl: number;
  /** Random per start of this node, so that receivers tell a restart from a replay. */
  readonly epoch: number;
  /** Origins whose broadcast window is remembered. */
  readonly maxOrigins: number;
}

/** What forwarding needs from the rest of the node. */
export interface ForwardContext {
  send(peer: NodeId, message: Envelope): void;
  nextHop(dest: NodeId): NodeId | undefined;
  upPeers(): NodeId[];
  /** A unicast for this node arrived (its payload is for a feature or the app). */
  deliver(source: NodeId, payload: NonNullable<Unicast['payload']>): void;
}

/** Unicast along the best route and broadcast by flooding with de-duplication (README.md). */
export class Forward {
  private readonly seen: SeenCache;
  private broadcastSeq = 0;

  constructor(
    private readonly config: ForwardConfig,
    private readonly emit: Emit,
    private readonly context: ForwardContext,
  ) {
    this.seen = new SeenCache(config.maxOrigins);
  }

  /**
   * Sends `payload` towards `dest` along the best route. `sheddable`: this node
   * and every relay may drop it while the link toward the next hop is backed up
   * (README.md, "Shedding"); control traffic never is.
   * @throws OverlayError `OVERLAY_NO_ROUTE` when no route to `dest` is known (or `dest` is this node).
   */
  sendTo(dest: NodeId, payload: NonNullable<Unicast['payload']>, sheddable = false): void {
    const next = dest === this.config.nodeId ? undefined : this.context.nextHop(dest);
    if (next === undefined) throw new OverlayError('OVERLAY_NO_ROUTE', `no route to node ${dest}`);
    this.context.send(next, { body: { $case: 'unicast', value: { source: this.config.nodeId, destination: dest, ttl: this.config.maxTtl, payload, sheddable } } });
  }

  /** Floods `data` to every node; returns the broadcast's sequence number. */
  broadcast(data: Uint8Array): number {
    this.broadcastSeq = (this.broadcastSeq + 1) >>> 0;
    const message: Broadcast = { origin: this.config.nodeId, epoch: this.config.epoch, seq: this.broadcastSeq, ttl: this.config.maxTtl, data: Buffer.from(data) };
    this.seen.check(message.origin, message.epoch, message.seq);
    for (const peer of this.context.upPeers()) this.context.send(peer, { body: { $case: 'broadcast', value: message } });
    return this.broadcastSeq;
  }

  onUnicast(from: NodeId, message: Unicast): void {
    if (message.payload === undefined) {
      this.emit({ kind: 'problem', code: 'OVERLAY_DECODE', detail: `a unicast from node ${message.source} with no payload this version knows`, peer: from });
      return;
    }
    if (message.destination === this.config.nodeId) {
      this.context.deliver(message.source, message.payload);
      return;
    }
    if (message.ttl <= 1) {
      this.emit({ kind: 'problem', code: 'OVERLAY_TTL', detail: `a unicast from node ${message.source} to node ${message.destination} ran out of hops`, peer: from });
      return;
    }
    const next = this.context.nextHop(message.destination);
    if (next === undefined) {
      this.emit({ kind: 'problem', code: 'OVERLAY_NO_ROUTE', detail: `a unicast from node ${message.source} to node ${message.destination} dropped: no route`, peer: from });
      return;
    }
    this.context.send(next, { body: { $case: 'unicast', value: { ...message, ttl: message.ttl - 1 } } });
  }

  onBroadcast(from: NodeId, message: Broadcast): void {
    if (message.origin === this.config.nodeId) return;
    const verdict = this.seen.check(message.origin, message.epoch, message.seq);
    if (verdict === 'duplicate') return;
    if (verdict === 'too-old') {
      this.emit({ kind: 'problem', code: 'OVERLAY_LIMIT', detail: `a broadcast from node ${message.origin} (seq ${message.seq}) is older than the de-duplication window`, peer: from });
      return;
    }
    this.emit({ kind: 'broadcast', from: message.origin, data: message.data });
    if (message.ttl <= 1) return;
    const onward: Envelope = { body: { $case: 'broadcast', value: { ...message, ttl: message.ttl - 1 } } };
    for (const peer of this.context.upPeers()) if (peer !== from) this.context.send(peer, onward);
  }
}
