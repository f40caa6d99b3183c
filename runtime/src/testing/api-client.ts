import { credentials, Metadata, type ClientDuplexStream, type StatusObject } from '@grpc/grpc-js';
import type {
  ClientMessage} from '../generated/sdn/runtime/v1/events.js';
import {
  Command,
  EventsClient,
  Subscribe,
  type CommandResult,
  type DeepPartial,
  type Event,
  type ServerMessage,
  type Subscribed,
} from '../generated/sdn/runtime/v1/events.js';

/**
 * A test client of the Events stream over real gRPC (the generated client):
 * records everything the server sends so a test can wait for what it expects
 * ("the switch-up of dpid 1", "the result of command c1", "the stream's status")
 * instead of sleeping.
 */
export class StreamClient {
  readonly call: ClientDuplexStream<ClientMessage, ServerMessage>;
  readonly client: EventsClient;
  readonly events: Event[] = [];
  readonly batches: number[] = [];
  readonly results = new Map<string, CommandResult>();
  /** The stream's final status (an error status or OK). */
  readonly status: Promise<StatusObject>;
  private subscribed: Subscribed | undefined;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  private nextId = 1;

  constructor(port: number, token?: string) {
    this.client = new EventsClient(`127.0.0.1:${port}`, credentials.createInsecure());
    const metadata = new Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    this.call = this.client.connect(metadata);
    this.status = new Promise((resolve) => this.call.on('status', resolve));
    this.call.on('error', () => {});
    this.call.on('data', (m: ServerMessage) => {
      const k = m.kind;
      if (k?.$case === 'subscribed') this.subscribed = k.value;
      else if (k?.$case === 'events') {
        this.events.push(...k.value.events);
        this.batches.push(k.value.events.length);
      } else if (k?.$case === 'result') this.results.set(k.value.correlationId, k.value);
      this.wake();
    });
    this.status.then(() => this.wake());
  }

  send(message: ClientMessage): void {
    this.call.write(message);
  }

  /** Sends Subscribe and resolves with the server's Subscribed. */
  async subscribe(s: DeepPartial<Subscribe>): Promise<Subscribed> {
    this.send({ kind: { $case: 'subscribe', value: Subscribe.fromPartial(s) } });
    await this.until(() => this.subscribed !== undefined, 'Subscribed');
    return this.subscribed!;
  }

  grant(events: number): void {
    this.send({ kind: { $case: 'credit', value: { events } } });
  }

  /** Sends a command with a fresh correlation id and resolves with its result. */
  async command(c: DeepPartial<Command>): Promise<CommandResult> {
    const id = c.correlationId ?? `c${this.nextId++}`;
    this.send({ kind: { $case: 'command', value: Command.fromPartial({ ...c, correlationId: id }) } });
    await this.until(() => this.results.has(id), `the result of ${id}`);
    return this.results.get(id)!;
  }

  /** Resolves once an event matching `predicate` arrived (already or later); returns it. */
  async event(predicate: (e: Event) => boolean, what: string): Promise<Event> {
    await this.until(() => this.events.some(predicate), what);
    return this.events.find(predicate)!;
  }

  /** Resolves when `check()` holds, re-checked after every message; rejects after `timeoutMs`. */
  until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`stream client: no ${what} within ${timeoutMs} ms; received ${this.summary()}`));
      }, timeoutMs);
      const waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Cancels the call and closes the channel. */
  close(): void {
    this.call.cancel();
    this.client.close();
  }

  /** "3 switchUp, 20 packetIn, 1 gap" */
  private summary(): string {
    const counts = new Map<string, number>();
    for (const e of this.events) counts.set(e.body?.$case ?? 'empty', (counts.get(e.body?.$case ?? 'empty') ?? 0) + 1);
    return [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'no events';
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}
