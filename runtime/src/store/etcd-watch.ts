import type { IDuplexStream, IEvent, IWatchRequest, IWatchResponse, Namespace } from 'etcd3';
import { etcdError } from './etcd-errors.js';
import { KvError } from './errors.js';
import type { KvChange, Watch, WatchHandler } from './types.js';

export interface EtcdWatchOptions {
  /** etcd's raw watch RPC (a bidirectional stream per watch). */
  readonly client: Namespace;
  /** The etcd key span watched, already prefixed. */
  readonly key: Buffer;
  readonly rangeEnd: Buffer | undefined;
  /** First revision to deliver; 0: from the revision etcd reports when the watch is created, plus one. */
  readonly startRevision: bigint;
  /** Strips the store's prefix from an etcd key. */
  readonly unprefix: (key: Buffer) => Uint8Array;
  readonly handler: WatchHandler;
  readonly onHandlerError: (error: unknown) => void;
  readonly onEnded: (watch: EtcdWatch) => void;
  /** Longest wait before a broken stream is opened again, in ms (doubling from 50 ms). */
  readonly maxBackoffMs?: number;
}

function toChange(event: IEvent, unprefix: (key: Buffer) => Uint8Array): KvChange {
  const kv = event.kv;
  const modRevision = BigInt(kv.mod_revision);
  if (event.type === 'Delete') return { type: 'delete', kv: { key: unprefix(kv.key), value: new Uint8Array(0), createRevision: 0n, modRevision, version: 0n } };
  return {
    type: 'put',
    kv: { key: unprefix(kv.key), value: new Uint8Array(kv.value), createRevision: BigInt(kv.create_revision), modRevision, version: BigInt(kv.version) },
  };
}

/**
 * One store watch over etcd's Watch RPC. The watch keeps a cursor (the last
 * revision delivered); a stream that breaks because etcd cannot be reached
 * (member down, leader change: `KV_UNAVAILABLE`) is opened again from
 * cursor + 1 with a doubling backoff, so deliveries have no gap and no
 * duplicate across reconnects; any other failure ends the watch (`onError`). A paused watch closes its stream and
 * buffers nothing; resume opens it again from the cursor. A start revision
 * older than etcd's compaction gets `onCompacted(compact_revision)`, the
 * oldest revision etcd can still replay, and the watch ends.
 *
 * The watch asks for fragments, so no response exceeds etcd's request limit;
 * events are grouped per revision for `onChanges`, and a revision split over
 * fragments is delivered once all of it arrived.
 */
export class EtcdWatch implements Watch {
  private stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
  /** The next revision to ask etcd for; 0n until etcd told the start of a "from now" watch. */
  private next: bigint;
  private ended = false;
  private paused = false;
  private backoffMs = 50;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Bumped whenever a stream is dropped, so late events of an old stream are ignored. */
  private generation = 0;
  /** Events of the last revision of a fragment: its next fragment may hold more of them. */
  private held: IEvent[] = [];

  constructor(private readonly options: EtcdWatchOptions) {
    this.next = options.startRevision;
    queueMicrotask(() => this.open());
  }

  close(): void {
    this.end();
  }

  pause(): void {
    if (this.ended || this.paused) return;
    this.paused = true;
    this.drop();
  }

  resume(): void {
    if (this.ended || !this.paused) return;
    this.paused = false;
    this.open();
  }

  /** Ends the watch with an error for the handler (the store closed, or it could not be kept). */
  fail(error: Error): void {
    if (this.ended) return;
    this.end();
    this.options.handler.onError(error);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.drop();
    this.options.onEnded(this);
  }

  private drop(): void {
    this.generation++;
    this.held = [];
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    if (stream !== undefined) {
      // Its late events and the CANCELLED error are ignored by the generation check.
      stream.cancel();
    }
  }

  private open(): void {
    if (this.ended || this.paused || this.stream !== undefined || this.retryTimer !== undefined) return;
    const generation = ++this.generation;
    this.options.client.watchClient.watch().then(
      (stream) => {
        if (generation !== this.generation) {
          stream.on('error', () => undefined);
          stream.cancel();
          return;
        }
        this.stream = stream;
        stream.on('data', (response: IWatchResponse) => this.onResponse(response, generation));
        stream.on('error', (error: unknown) => this.broken(generation, error));
        stream.on('end', () => this.broken(generation, new KvError('KV_UNAVAILABLE', 'etcd ended the watch stream')));
        const { key, rangeEnd } = this.options;
        // Fragments keep each response under etcd's request limit: unfragmented,
        // a replay batches up to 1,000 revisions into one message of any size.
        const create = { key, range_end: rangeEnd, start_revision: this.next === 0n ? undefined : this.next.toString(), fragment: true };
        stream.write({ create_request: create });
      },
      (error: unknown) => this.broken(generation, error),
    );
  }

  private broken(generation: number, error: unknown): void {
    if (generation !== this.generation || this.ended) return;
    this.drop();
    // Only a lost connection or leader is waited out; anything else (a message
    // over the size limit, a permission) would fail the same way on every retry.
    const mapped = etcdError('etcd watch', error);
    if (mapped.code !== 'KV_UNAVAILABLE') return this.fail(mapped);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 2000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.open();
    }, delay);
  }

  private onResponse(response: IWatchResponse, generation: number): void {
    if (generation !== this.generation || this.ended) return;
    this.backoffMs = 50;
    const compacted = BigInt(response.compact_revision ?? '0');
    if (compacted > 0n) {
      this.end();
      this.options.handler.onCompacted(compacted);
      return;
    }
    if (response.canceled) return this.fail(new KvError('KV_STORAGE', `etcd cancelled the watch: ${response.cancel_reason}`));
    if (response.created && this.next === 0n) this.next = BigInt(response.header.revision) + 1n;
    const events = [...this.held, ...(response.events ?? [])];
    this.held = [];
    // A fragment may end inside a revision: hold that revision's events back until the next response.
    const fragment = (response as { fragment?: boolean }).fragment === true;
    let complete = events.length;
    if (fragment && complete > 0) {
      const lastRevision = events[complete - 1]!.kv.mod_revision;
      while (complete > 0 && events[complete - 1]!.kv.mod_revision === lastRevision) complete--;
      this.held = events.slice(complete);
    }
    let at = 0;
    while (at < complete && !this.ended && generation === this.generation) {
      const revision = BigInt(events[at]!.kv.mod_revision);
      const changes: KvChange[] = [];
      for (; at < complete && BigInt(events[at]!.kv.mod_revision) === revision; at++) changes.push(toChange(events[at]!, this.options.unprefix));
      if (revision < this.next) continue;
      this.next = revision + 1n;
      try {
        this.options.handler.onChanges(changes, revision);
      } catch (error) {
        this.end();
        this.options.onHandlerError(error);
      }
    }
  }
}
