import type { Envelope, Publish } from '../../generated/sdn/overlay/v1/overlay.js';
import { SubjectTrie, parsePattern, parseSubject } from '../../pubsub/index.js';
import { OverlayError } from '../errors.js';
import type { Emit, NodeId } from '../types.js';

export interface PubSubConfig {
  readonly nodeId: NodeId;
  readonly maxTtl: number;
  /** Patterns this node announces, and accepts from one remote node. */
  readonly maxPatterns: number;
}

export interface PubSubContext {
  send(peer: NodeId, message: Envelope): void;
  nextHop(dest: NodeId): NodeId | undefined;
  /** This node's subscribed patterns changed: announce them (directory record). */
  announce(patterns: readonly string[]): void;
}

/**
 * Pubsub across nodes by interest: each node announces the patterns its apps
 * subscribed to (in its directory record); a publisher sends the message to
 * exactly the nodes with a matching pattern, one copy per next hop carrying the
 * destinations behind it; each relay delivers if it is a destination and
 * splits the rest by its own next hops (README.md says why this and not relay trees).
 */
export class OverlayPubSub {
  private readonly local = new Map<string, number>();
  private readonly remote = new SubjectTrie<NodeId>();
  private readonly remotePatterns = new Map<NodeId, string[][]>();

  constructor(
    private readonly config: PubSubConfig,
    private readonly emit: Emit,
    private readonly context: PubSubContext,
  ) {}

  /**
   * Counts one more local subscriber of `pattern` (apps on this node).
   * @throws PubSubError `PUBSUB_PATTERN`; OverlayError `OVERLAY_LIMIT` over `maxPatterns`.
   */
  subscribe(pattern: string): void {
    parsePattern(pattern);
    const count = this.local.get(pattern) ?? 0;
    if (count === 0 && this.local.size >= this.config.maxPatterns) {
      throw new OverlayError('OVERLAY_LIMIT', `this node announces at most ${this.config.maxPatterns} patterns`);
    }
    this.local.set(pattern, count + 1);
    if (count === 0) this.context.announce([...this.local.keys()]);
  }

  unsubscribe(pattern: string): void {
    const count = this.local.get(pattern);
    if (count === undefined) return;
    if (count > 1) {
      this.local.set(pattern, count - 1);
      return;
    }
    this.local.delete(pattern);
    this.context.announce([...this.local.keys()]);
  }

  /** The patterns `node` announced (undefined: it is gone). Invalid ones are dropped with a problem. */
  setRemote(node: NodeId, patterns: readonly string[] | undefined): void {
    for (const tokens of this.remotePatterns.get(node) ?? []) this.remote.remove(tokens, node);
    this.remotePatterns.delete(node);
    if (patterns === undefined) return;
    const parsed: string[][] = [];
    for (const pattern of patterns.slice(0, this.config.maxPatterns)) {
      try {
        parsed.push(parsePattern(pattern));
      } catch (err) {
        this.emit({ kind: 'problem', code: 'OVERLAY_SUBJECT', detail: `node ${node} announced ${(err as Error).message}`, peer: node });
      }
    }
    if (patterns.length > this.config.maxPatterns) {
      this.emit({ kind: 'problem', code: 'OVERLAY_LIMIT', detail: `node ${node} announced ${patterns.length} patterns; ${this.config.maxPatterns} kept`, peer: node });
    }
    for (const tokens of parsed) this.remote.add(tokens, node);
    this.remotePatterns.set(node, parsed);
  }

  /**
   * Sends a message to every other node with a matching subscription (local
   * delivery is the local bus's job). Returns the nodes it was sent towards;
   * those without a route are reported as a problem.
   * @throws PubSubError `PUBSUB_SUBJECT`
   */
  publish(subject: string, payload: Uint8Array): NodeId[] {
    const tokens = parseSubject(subject);
    const destinations = [...this.remote.match(tokens)].filter((n) => n !== this.config.nodeId).sort((a, b) => a - b);
    this.relay({ origin: this.config.nodeId, destinations, ttl: this.config.maxTtl + 1, subject, payload: Buffer.from(payload) }, undefined);
    return destinations;
  }

  onPublish(from: NodeId, message: Publish): void {
    try {
      parseSubject(message.subject);
    } catch (err) {
      this.emit({ kind: 'problem', code: 'OVERLAY_SUBJECT', detail: `a publish from node ${message.origin}: ${(err as Error).message}`, peer: from });
      return;
    }
    if (new Set(message.destinations).size !== message.destinations.length) {
      this.emit({ kind: 'problem', code: 'OVERLAY_PROTOCOL', detail: `a publish from node ${message.origin} names a destination twice`, peer: from });
      return;
    }
    if (message.destinations.includes(this.config.nodeId)) {
      this.emit({ kind: 'publish', from: message.origin, subject: message.subject, payload: message.payload });
    }
    this.relay(message, from);
  }

  /** Splits the destinations other than this node by next hop and sends one copy to each. */
  private relay(message: Publish, from: NodeId | undefined): void {
    const rest = message.destinations.filter((n) => n !== this.config.nodeId);
    if (rest.length === 0) return;
    if (message.ttl <= 1) {
      this.emit({ kind: 'problem', code: 'OVERLAY_TTL', detail: `a publish from node ${message.origin} ran out of hops before ${rest.length} node(s)`, ...(from === undefined ? {} : { peer: from }) });
      return;
    }
    const byHop = new Map<NodeId, NodeId[]>();
    const unreachable: NodeId[] = [];
    for (const dest of rest) {
      const hop = this.context.nextHop(dest);
      if (hop === undefined) unreachable.push(dest);
      else byHop.set(hop, [...(byHop.get(hop) ?? []), dest]);
    }
    if (unreachable.length > 0) {
      this.emit({ kind: 'problem', code: 'OVERLAY_NO_ROUTE', detail: `a publish from node ${message.origin} on ${message.subject} not sent to node(s) ${unreachable.join(', ')}: no route`, ...(from === undefined ? {} : { peer: from }) });
    }
    for (const [hop, destinations] of byHop) {
      this.context.send(hop, { body: { $case: 'publish', value: { ...message, destinations, ttl: message.ttl - 1 } } });
    }
  }
}
