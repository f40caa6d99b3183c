import type { Logger } from 'pino';
import type { PubSubBus, PubSubMessage, Subscription } from '../pubsub/index.js';
import type { OverlayRunner } from './overlay-runner.js';

/**
 * The runtime's pubsub bus across nodes: a publish is delivered to this node's
 * subscribers by the local bus, as before, and sent through the overlay to every
 * other node whose apps subscribed to a matching pattern (overlay/pubsub/README.md:
 * exactly once per node while routes hold). Messages from other nodes are handed
 * to the local bus only, so they never travel on. Headers stay on the node they
 * were published on: the overlay's Publish carries subject and payload.
 * Subscriptions are counted per pattern; the overlay announces a pattern while at
 * least one local subscription holds it. Event loop thread only.
 */
export class ClusterBus implements PubSubBus {
  private readonly holders = new Map<string, number>();

  constructor(
    private readonly local: PubSubBus,
    private readonly overlay: OverlayRunner,
    private readonly log: Logger,
  ) {
    overlay.onOutput((output) => {
      if (output.kind !== 'publish') return;
      try {
        local.publish({ subject: output.subject, payload: output.payload, headers: {} });
      } catch (err) {
        // The overlay checked the subject already; a failure here is a bug, not a peer's input.
        log.error({ err, subject: output.subject, from: output.from }, 'a pubsub message from another node could not be delivered here');
      }
    });
  }

  /** Local subscribers plus the other nodes the message was sent to. @throws PubSubError `PUBSUB_SUBJECT` */
  publish(message: PubSubMessage): number {
    const here = this.local.publish(message);
    const nodes = this.overlay.control((node) => node.publish(message.subject, message.payload));
    return here + nodes.length;
  }

  /** @throws PubSubError `PUBSUB_PATTERN`; OverlayError `OVERLAY_LIMIT` when the overlay holds as many patterns as it announces */
  subscribe(pattern: string | readonly string[], handler: (message: PubSubMessage) => void): Subscription {
    const patterns = [...new Set(typeof pattern === 'string' ? [pattern] : pattern)];
    const subscription = this.local.subscribe(patterns, handler);
    const held: string[] = [];
    try {
      for (const p of patterns) {
        this.hold(p);
        held.push(p);
      }
    } catch (err) {
      for (const p of held) this.release(p);
      subscription.unsubscribe();
      throw err;
    }
    let active = true;
    return {
      unsubscribe: () => {
        if (!active) return;
        active = false;
        subscription.unsubscribe();
        for (const p of patterns) this.release(p);
      },
    };
  }

  private hold(pattern: string): void {
    const count = this.holders.get(pattern) ?? 0;
    if (count === 0) this.overlay.control((node) => node.subscribe(pattern));
    this.holders.set(pattern, count + 1);
  }

  private release(pattern: string): void {
    const count = this.holders.get(pattern) ?? 0;
    if (count <= 1) {
      this.holders.delete(pattern);
      this.overlay.control((node) => node.unsubscribe(pattern));
    } else {
      this.holders.set(pattern, count - 1);
    }
  }
}
