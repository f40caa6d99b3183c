/**
 * In-process publish/subscribe between apps. Subjects are dot-separated tokens
 * ("topology.links"); patterns may use "*" for exactly one token and ">" as the
 * last token for one or more tokens. Delivery is synchronous, at most once, in
 * publish order. The overlay will relay across nodes later behind this interface.
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
  /** Hands the message to every matching subscriber; returns how many got it. */
  publish(message: PubSubMessage): number;
  /** @throws PubSubError (code 'PUBSUB_PATTERN') for a malformed pattern. */
  subscribe(pattern: string, handler: (message: PubSubMessage) => void): Subscription;
}
