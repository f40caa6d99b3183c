/**
 * In-process publish/subscribe between apps. Subjects are dot-separated tokens
 * ("topology.links"); patterns may use "*" for exactly one token and ">" as the
 * last token for one or more tokens. Delivery is synchronous, at most once, in
 * publish order. Across nodes, serve/overlay-pubsub.ts implements this interface
 * over the local bus and the overlay.
 */

export interface PubSubMessage {
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

export interface Subscription {
  unsubscribe(): void;
}

export interface PubSubBus {
  /**
   * Hands the message to every matching subscriber; returns how many matched.
   * A message published from inside a handler is delivered after the current
   * one has reached all its subscribers (still before the outer `publish`
   * returns), so every subscriber sees messages in publish order.
   * @throws PubSubError (code 'PUBSUB_SUBJECT') for a malformed subject.
   */
  publish(message: PubSubMessage): number;
  /**
   * One subscription for one or more patterns: a message matching several of
   * them is delivered once.
   * @throws PubSubError (code 'PUBSUB_PATTERN') for a malformed pattern or none.
   */
  subscribe(pattern: string | readonly string[], handler: (message: PubSubMessage) => void): Subscription;
}
