import type { Etcd3, ICompare, IKeyValue, IRequestOp, IResponseOp } from 'etcd3';
import { prefixEnd } from './bytes.js';
import { etcdClient, type EtcdConnectionOptions } from './etcd-client.js';
import { etcdError } from './etcd-errors.js';
import { EtcdWatch } from './etcd-watch.js';
import { KvError } from './errors.js';
import type { Compare, KeyValue, KvStore, RangeOptions, TxnOp, TxnOpResult, TxnResult, Watch, WatchHandler, WatchOptions } from './types.js';
import { checkKey, checkLimit, checkMaxBytes, deleteRequest, putRequest, txnRequest, type Limits } from './validate.js';

export interface EtcdStoreOptions extends EtcdConnectionOptions {
  /** Every store key lives under this etcd key prefix (default `/sdn-runtime/kv/`). */
  readonly prefix?: string;
  /** Deadline of each etcd call, in ms (default 5,000); a call past it fails `KV_UNAVAILABLE`. */
  readonly requestTimeoutMs?: number;
  /** Largest value accepted, in bytes (default 1 MiB, under etcd's 1.5 MiB request limit). */
  readonly maxValueBytes?: number;
  /** Operations per txn branch and compares per txn (default 128, etcd's `--max-txn-ops`). */
  readonly maxTxnOps?: number;
  /** Bytes of keys and values one range result holds at most (default 4 MiB; at least one pair always). */
  readonly maxRangeBytes?: number;
  /** A watch handler threw; its watch is closed. Wire this to the log. */
  readonly onWatchHandlerError?: (error: unknown) => void;
  /** A call failed because etcd could not be reached (`KV_UNAVAILABLE`). Wire this to a counter. */
  readonly onUnavailable?: (error: KvError) => void;
}

/** The key limit of the lmdb store, kept here too so that data moves between the two stores unchanged. */
const MAX_KEY_BYTES = 1978;
/** Pairs asked of etcd per page of a range at most: with values up to maxValueBytes a page stays bounded. */
const MAX_PAGE_KEYS = 256;

function toKeyValue(kv: IKeyValue, unprefix: (key: Buffer) => Uint8Array): KeyValue {
  return {
    key: unprefix(kv.key),
    value: new Uint8Array(kv.value),
    createRevision: BigInt(kv.create_revision),
    modRevision: BigInt(kv.mod_revision),
    version: BigInt(kv.version),
  };
}

const TARGET = { value: 'Value', version: 'Version', createRevision: 'Create', modRevision: 'Mod' } as const;
const RESULT = { equal: 'Equal', notEqual: 'NotEqual', greater: 'Greater', less: 'Less' } as const;

/**
 * The KV store on an etcd cluster (v3 API, through the `etcd3` client, which
 * speaks gRPC to it). Keys live under a prefix, so revisions, durability (a write is
 * acknowledged after a quorum has it in its log) and compaction are etcd's.
 * Reads are linearizable (served through the leader). Arguments are checked
 * like the lmdb store's before anything is sent (`KV_INVALID`). The client
 * retries a call that failed on a lost connection or a missing leader up to 3
 * times (100 ms, 200 ms, 400 ms apart) on the other members; past that, or past
 * `requestTimeoutMs` per attempt, the call fails `KV_UNAVAILABLE`. Such a
 * failure is ambiguous for a write (it may have been applied), and so is a
 * retried one: a compare txn whose first attempt was applied but not answered
 * reports `succeeded: false` on its retry. Callers that must know write a value
 * they can recognise and read it back.
 *
 * Differences from the lmdb store: `revision()` is the newest revision this
 * process has seen from etcd (other writers move it too); a range's pages after
 * the first are read at the first page's revision, so one range is one snapshot
 * (unless etcd compacts it meanwhile); compaction is etcd's (`etcdctl compact`
 * or its `--auto-compaction-*` flags).
 */
export class EtcdKvStore implements KvStore {
  private seen = 0n;
  private closed = false;
  /** Off during `open`'s first read: a cluster unreachable at start is open's error, not a counted outage. */
  private reporting = false;
  private readonly watches = new Set<EtcdWatch>();
  private readonly prefix: Buffer;
  private readonly unprefix = (key: Buffer): Uint8Array => new Uint8Array(key.subarray(this.prefix.length));

  private constructor(
    private readonly client: Etcd3,
    private readonly options: EtcdStoreOptions,
    private readonly limits: Limits,
  ) {
    this.prefix = Buffer.from(options.prefix ?? '/sdn-runtime/kv/');
  }

  /**
   * Connects and reads the store's revision once, so a cluster that cannot be
   * reached fails here. @throws KvError `KV_UNAVAILABLE` naming the endpoints, `KV_INVALID`.
   */
  static async open(options: EtcdStoreOptions): Promise<EtcdKvStore> {
    if (options.endpoints.length === 0) throw new KvError('KV_INVALID', 'etcd: no endpoints');
    const timeoutMs = options.requestTimeoutMs ?? 5000;
    const maxValueBytes = options.maxValueBytes ?? 1024 * 1024;
    const maxRangeBytes = options.maxRangeBytes ?? 4 * 1024 * 1024;
    // The etcd client's gRPC channel takes 4 MiB per message by default; a range page may hold the
    // byte budget plus one value more (see range), a watch fragment etcd's
    // 1.5 MiB request limit. Anything larger is refused, not buffered.
    const client = etcdClient(options, timeoutMs, maxRangeBytes + 2 * maxValueBytes + 64 * 1024);
    const limits: Limits = {
      maxKeyBytes: MAX_KEY_BYTES,
      maxValueBytes,
      maxTxnOps: options.maxTxnOps ?? 128,
      maxRangeBytes,
    };
    const store = new EtcdKvStore(client, options, limits);
    try {
      await store.range(Uint8Array.of(0));
      store.reporting = true;
    } catch (error) {
      client.close();
      const cause = error instanceof Error ? error.message : String(error);
      throw new KvError('KV_UNAVAILABLE', `etcd at ${options.endpoints.join(',')} cannot be reached: ${cause}`, { cause: error });
    }
    return store;
  }

  revision(): bigint {
    return this.seen;
  }

  private key(key: Uint8Array): Buffer {
    return Buffer.concat([this.prefix, key]);
  }

  /** The etcd range end for a store span: a prefix's end, or [start, end) moved under the store's prefix. */
  private end(start: Uint8Array, end: Uint8Array | undefined, prefix: boolean): Buffer | undefined {
    if (prefix) return Buffer.from(prefixEnd(this.key(start)) ?? Uint8Array.of(0));
    if (end === undefined || end.length === 0) return undefined;
    if (end.length === 1 && end[0] === 0) return Buffer.from(prefixEnd(this.prefix) ?? Uint8Array.of(0));
    return this.key(end);
  }

  private observe(revision: string | undefined): bigint {
    const value = BigInt(revision ?? '0');
    if (value > this.seen) this.seen = value;
    return value;
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (this.closed) throw new KvError('KV_CLOSED', `${what}: the store is closed`);
    try {
      return await run();
    } catch (error) {
      const mapped = etcdError(`etcd ${what}`, error);
      if (mapped.code === 'KV_UNAVAILABLE' && this.reporting) this.options.onUnavailable?.(mapped);
      throw mapped;
    }
  }

  async get(key: Uint8Array): Promise<KeyValue | undefined> {
    const { kvs } = await this.range(checkKey(key, 'get', this.limits));
    return kvs[0];
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<{ revision: bigint; previous: KeyValue | undefined }> {
    putRequest(key, value, this.limits);
    const response = await this.call('put', () => this.client.kv.put({ key: this.key(key), value: Buffer.from(value), prev_kv: true }));
    return { revision: this.observe(response.header.revision), previous: response.prev_kv ? toKeyValue(response.prev_kv, this.unprefix) : undefined };
  }

  async delete(key: Uint8Array, options: { prefix?: boolean } = {}): Promise<{ revision: bigint; deleted: number }> {
    const prefix = options.prefix === true;
    deleteRequest(key, prefix, this.limits);
    const response = await this.call('delete', () => this.client.kv.deleteRange({ key: this.key(key), range_end: this.end(key, undefined, prefix) }));
    return { revision: this.observe(response.header.revision), deleted: Number(response.deleted) };
  }

  async range(start: Uint8Array, options: RangeOptions = {}): Promise<{ kvs: KeyValue[]; more: boolean; revision: bigint }> {
    const prefix = options.prefix === true;
    checkKey(start, 'range', this.limits, prefix || options.end !== undefined);
    const limit = checkLimit(options.limit);
    const maxBytes = checkMaxBytes(options.maxBytes, this.limits);
    const rangeEnd = this.end(start, options.end, prefix);
    const kvs: KeyValue[] = [];
    let bytes = 0;
    let from = this.key(start);
    let revision = 0n;
    // Pages sized by the byte budget left and the largest value allowed, so no
    // page can hold much more than the budget; the first page fixes the revision.
    for (;;) {
      const wanted = limit === 0 ? MAX_PAGE_KEYS : Math.min(MAX_PAGE_KEYS, limit - kvs.length);
      const pageKeys = Math.max(1, Math.min(wanted, Math.floor((maxBytes - bytes) / this.limits.maxValueBytes) + 1));
      const response = await this.call('range', () =>
        this.client.kv.range({ key: from, range_end: rangeEnd, limit: rangeEnd === undefined ? undefined : pageKeys, revision: revision === 0n ? undefined : revision.toString() }),
      );
      if (revision === 0n) revision = this.observe(response.header.revision);
      for (const kv of response.kvs) {
        const size = kv.key.length - this.prefix.length + kv.value.length;
        if (kvs.length > 0 && bytes + size > maxBytes) return { kvs, more: true, revision };
        kvs.push(toKeyValue(kv, this.unprefix));
        bytes += size;
        if (limit !== 0 && kvs.length === limit) return { kvs, more: response.more || kv !== response.kvs[response.kvs.length - 1], revision };
      }
      if (!response.more || rangeEnd === undefined || response.kvs.length === 0) return { kvs, more: false, revision };
      from = Buffer.concat([response.kvs[response.kvs.length - 1]!.key, Uint8Array.of(0)]);
    }
  }

  private compare(compare: Compare): ICompare {
    const base = { key: this.key(compare.key), target: TARGET[compare.target], result: RESULT[compare.result] };
    switch (compare.target) {
      case 'value':
        return { ...base, value: Buffer.from(compare.value ?? new Uint8Array(0)) };
      case 'version':
        return { ...base, version: (compare.number ?? 0n).toString() };
      case 'createRevision':
        return { ...base, create_revision: (compare.number ?? 0n).toString() };
      case 'modRevision':
        return { ...base, mod_revision: (compare.number ?? 0n).toString() };
    }
  }

  private op(op: TxnOp): IRequestOp {
    switch (op.type) {
      case 'put':
        return { request_put: { key: this.key(op.key), value: Buffer.from(op.value), prev_kv: true } };
      case 'delete':
        return { request_delete_range: { key: this.key(op.key), range_end: this.end(op.key, undefined, op.prefix === true) } };
      case 'get':
        return { request_range: { key: this.key(op.key) } };
    }
  }

  private opResult(response: IResponseOp, revision: bigint): TxnOpResult {
    if (response.response_put) {
      const previous = response.response_put.prev_kv;
      return { type: 'put', revision, previous: previous ? toKeyValue(previous, this.unprefix) : undefined };
    }
    if (response.response_delete_range) return { type: 'delete', revision, deleted: Number(response.response_delete_range.deleted) };
    if (response.response_range) {
      const [kv] = response.response_range.kvs;
      return { type: 'get', kv: kv === undefined ? undefined : toKeyValue(kv, this.unprefix), revision };
    }
    throw new KvError('KV_STORAGE', 'etcd txn: a response of an unknown kind');
  }

  async txn(compares: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[]): Promise<TxnResult> {
    txnRequest(compares, success, failure, this.limits);
    const response = await this.call('txn', () =>
      this.client.kv.txn({ compare: compares.map((c) => this.compare(c)), success: success.map((o) => this.op(o)), failure: failure.map((o) => this.op(o)) }),
    );
    const revision = this.observe(response.header.revision);
    return { succeeded: response.succeeded, results: response.responses.map((r) => this.opResult(r, revision)), revision };
  }

  watch(key: Uint8Array, options: WatchOptions, handler: WatchHandler): Watch {
    if (this.closed) throw new KvError('KV_CLOSED', 'watch: the store is closed');
    const prefix = options.prefix === true;
    checkKey(key, 'watch', this.limits, prefix);
    const start = options.startRevision ?? 0n;
    if (typeof start !== 'bigint' || start < 0n) throw new KvError('KV_INVALID', `watch: startRevision ${String(start)} is not >= 0`);
    const watch = new EtcdWatch({
      client: this.client,
      key: this.key(key),
      rangeEnd: this.end(key, undefined, prefix),
      startRevision: start,
      unprefix: this.unprefix,
      handler,
      onHandlerError: this.options.onWatchHandlerError ?? (() => undefined),
      onEnded: (ended) => this.watches.delete(ended),
    });
    this.watches.add(watch);
    return watch;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.fail(new KvError('KV_CLOSED', 'the store was closed'));
    this.client.close();
  }
}
