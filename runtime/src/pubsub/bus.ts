import { PubSubError } from './errors.js';
import { parsePattern, parseSubject } from './subject.js';
import { SubjectTrie } from './trie.js';
import type { PubSubBus, PubSubMessage, Subscription } from './types.js';

export interface InProcessBusOptions {
  /** A handler threw; the message still reaches the other subscribers and the subscription stays. Wire this to the log. */
  readonly onHandlerError?: (error: unknown, message: PubSubMessage) => void;
}

class Subscriber implements Subscription {
  active = true;

  constructor(
    private readonly bus: InProcessBus,
    readonly patterns: readonly (readonly string[])[],
    readonly handler: (message: PubSubMessage) => void,
  ) {}

  unsubscribe(): void {
    if (!this.active) return;
    this.active = false;
    this.bus.remove(this);
  }
}

/**
 * The in-process bus: synchronous, at-most-once delivery through a token trie.
 * Not thread-safe; use from the event loop thread.
 */
export class InProcessBus implements PubSubBus {
  private readonly trie = new SubjectTrie<Subscriber>();
  private readonly queue: { message: PubSubMessage; subscribers: Subscriber[] }[] = [];
  private delivering = false;
  private readonly onHandlerError: (error: unknown, message: PubSubMessage) => void;

  constructor(options: InProcessBusOptions = {}) {
    this.onHandlerError = options.onHandlerError ?? (() => {});
  }

  publish(message: PubSubMessage): number {
    const subscribers = [...this.trie.match(parseSubject(message.subject))];
    if (subscribers.length === 0) return 0;
    this.queue.push({ message, subscribers });
    if (!this.delivering) this.drain();
    return subscribers.length;
  }

  subscribe(pattern: string | readonly string[], handler: (message: PubSubMessage) => void): Subscription {
    const patterns = typeof pattern === 'string' ? [pattern] : pattern;
    if (patterns.length === 0) throw new PubSubError('PUBSUB_PATTERN', 'no pattern given');
    const subscriber = new Subscriber(this, patterns.map(parsePattern), handler);
    for (const tokens of subscriber.patterns) this.trie.add(tokens, subscriber);
    return subscriber;
  }

  /** True when no subscription is left (every trie node pruned). */
  get isEmpty(): boolean {
    return this.trie.isEmpty;
  }

  remove(subscriber: Subscriber): void {
    for (const tokens of subscriber.patterns) this.trie.remove(tokens, subscriber);
  }

  private drain(): void {
    this.delivering = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        for (const subscriber of next.subscribers) {
          if (!subscriber.active) continue;
          try {
            subscriber.handler(next.message);
          } catch (error) {
            this.onHandlerError(error, next.message);
          }
        }
      }
    } finally {
      this.delivering = false;
    }
  }
}
