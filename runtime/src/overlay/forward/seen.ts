import type { NodeId } from '../types.js';

/** Sequence numbers remembered below the highest seen per origin. */
export const SEEN_WINDOW = 32;

interface Window {
  epoch: number;
  highest: number;
  /** Bit i set: highest - i was seen. */
  mask: number;
}

export type SeenVerdict = 'new' | 'duplicate' | 'too-old';

/**
 * Which broadcasts were already seen, per origin: a sliding window of
 * SEEN_WINDOW sequence numbers below the highest (the anti-replay window of
 * IPsec), so memory is bounded per origin and origins are bounded by
 * `maxOrigins` (least recently heard evicted first). A new `epoch` (the origin
 * restarted) starts a new window.
 */
export class SeenCache {
  private readonly origins = new Map<NodeId, Window>();

  constructor(private readonly maxOrigins: number) {}

  check(origin: NodeId, epoch: number, seq: number): SeenVerdict {
    const window = this.origins.get(origin);
    if (window === undefined || window.epoch !== epoch) {
      this.touch(origin, { epoch, highest: seq, mask: 1 });
      return 'new';
    }
    this.touch(origin, window);
    if (seq > window.highest) {
      const shift = seq - window.highest;
      window.mask = shift >= SEEN_WINDOW ? 1 : ((window.mask << shift) | 1) >>> 0;
      window.highest = seq;
      return 'new';
    }
    const age = window.highest - seq;
    if (age >= SEEN_WINDOW) return 'too-old';
    const bit = (1 << age) >>> 0;
    if ((window.mask & bit) !== 0) return 'duplicate';
    window.mask = (window.mask | bit) >>> 0;
    return 'new';
  }

  get size(): number {
    return this.origins.size;
  }

  private touch(origin: NodeId, window: Window): void {
    this.origins.delete(origin);
    this.origins.set(origin, window);
    if (this.origins.size > this.maxOrigins) {
      const oldest = this.origins.keys().next().value as NodeId;
      this.origins.delete(oldest);
    }
  }
}
