/**
 * The key-value store behind the KV API, with etcd's model: every change gets the
 * next store-wide revision; each key remembers the revision that created it, the
 * one that last changed it, and its version (puts since creation). An
 * implementation must make every acknowledged write durable before its promise
 * resolves (it survives `kill -9`), and must apply a transaction atomically.
 *
 * Implementations: lmdb, embedded (store/lmdb-store.ts), and etcd
 * (store/etcd-store.ts); testing/kv-conformance.ts holds what both must do.
 */

export interface KeyValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly createRevision: bigint;
  readonly modRevision: bigint;
  readonly version: bigint;
}

export interface RangeOptions {
  /** Keys in [start, end); ignored when `prefix`. An empty end means only `start`. */
  readonly end?: Uint8Array;
  readonly prefix?: boolean;
  /** 0 or absent: no limit. */
  readonly limit?: number;
  /**
   * Bytes of keys and values the result may hold at most; 0, absent or more than
   * the store's cap: the store's cap. At least one pair is returned (a pair larger
   * than the cap comes alone); `more` tells that keys were left out.
   */
  readonly maxBytes?: number;
}

export type CompareTarget = 'value' | 'version' | 'createRevision' | 'modRevision';
export type CompareResult = 'equal' | 'notEqual' | 'greater' | 'less';

export interface Compare {
  readonly key: Uint8Array;
  readonly target: CompareTarget;
  readonly result: CompareResult;
  /** For target 'value'. */
  readonly value?: Uint8Array;
  /** For the numeric targets (0 for a missing key). */
  readonly number?: bigint;
}

export type TxnOp =
  | { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'delete'; readonly key: Uint8Array; readonly prefix?: boolean }
  | { readonly type: 'get'; readonly key: Uint8Array };

export type TxnOpResult =
  | { readonly type: 'put'; readonly revision: bigint; readonly previous: KeyValue | undefined }
  | { readonly type: 'delete'; readonly revision: bigint; readonly deleted: number }
  | { readonly type: 'get'; readonly kv: KeyValue | undefined; readonly revision: bigint };

export interface TxnResult {
  readonly succeeded: boolean;
  readonly results: readonly TxnOpResult[];
  readonly revision: bigint;
}

export interface KvChange {
  readonly type: 'put' | 'delete';
  /**
   * For a delete: the key with an empty value, `modRevision` = the delete's
   * revision, `createRevision` and `version` 0 (etcd does the same).
   */
  readonly kv: KeyValue;
}

export interface WatchOptions {
  /** Watch every key that starts with `key` (an empty key then means every key). */
  readonly prefix?: boolean;
  /**
   * Replay changes with revision >= this first, then continue live; 0 or absent:
   * only changes committed after the call. A revision beyond the current one
   * waits for it.
   */
  readonly startRevision?: bigint;
}

/**
 * A running watch. `close()` stops it for good. `pause()` stops deliveries
 * (a consumer that cannot keep up, e.g. a gRPC stream whose client does not
 * read); `resume()` catches up from the change log, so nothing is buffered for a
 * paused watch and nothing is lost unless the history it still needs gets
 * compacted meanwhile (then `onCompacted`). All three are idempotent and may be
 * called from inside a handler.
 */
export interface Watch {
  close(): void;
  pause(): void;
  resume(): void;
}

/**
 * Called on the event loop thread, never from inside `watch()` itself. A handler
 * that throws has its watch closed (the store reports the error through its
 * `onWatchHandlerError` option); other watches are unaffected.
 */
export interface WatchHandler {
  /**
   * Committed, durable changes in revision order, each revision exactly once; one
   * call per revision (a txn's changes together), only the changes that match.
   */
  onChanges(changes: readonly KvChange[], revision: bigint): void;
  /**
   * The history the watch needs is gone: `firstAvailable` is the oldest revision
   * still kept. The watch is closed; re-read the state (range) and watch again
   * from the range's revision + 1.
   */
  onCompacted(firstAvailable: bigint): void;
  /** The watch ended: the store could not read the history (`KV_STORAGE`, `KV_CORRUPT`) or was closed (`KV_CLOSED`). */
  onError(error: Error): void;
}

/**
 * All promises reject with `KvError` (store/errors.ts): `KV_INVALID` for a bad
 * argument (checked before anything is written), `KV_CLOSED`, `KV_STORAGE`,
 * `KV_CORRUPT`. Single-threaded: call from the event loop thread only.
 */
export interface KvStore {
  /** The revision of the last commit announced to watchers; its writers' promises are resolved (0 for a new store). */
  revision(): bigint;
  get(key: Uint8Array): Promise<KeyValue | undefined>;
  /**
   * Reads run on one snapshot; the revision returned is that snapshot's, which may
   * be ahead of `revision()` while a commit is being announced. Without `end` or
   * `prefix`, the range is `start` alone (a get that also tells the revision);
   * `end` = one 0x00 byte means every key from `start` on (etcd's convention).
   * A result is bounded by `limit` and by a byte cap (RangeOptions.maxBytes);
   * `more` says keys were left out: continue from the last key + 0x00.
   */
  put(key: Uint8Array, value: Uint8Array): Promise<{ revision: bigint; previous: KeyValue | undefined }>;
  delete(key: Uint8Array, options?: { prefix?: boolean }): Promise<{ revision: bigint; deleted: number }>;
  range(start: Uint8Array, options?: RangeOptions): Promise<{ kvs: KeyValue[]; more: boolean; revision: bigint }>;
  txn(compares: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[]): Promise<TxnResult>;
  /** @throws KvError `KV_INVALID` (empty key without `prefix`, negative start) or `KV_CLOSED`, synchronously. */
  watch(key: Uint8Array, options: WatchOptions, handler: WatchHandler): Watch;
  /** Waits for queued writes to commit, ends every watch (`onError` with `KV_CLOSED`), releases the directory. */
  close(): Promise<void>;
}
