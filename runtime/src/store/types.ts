/**
 * The key-value store behind the KV API, with etcd's model: every change gets the
 * next store-wide revision; each key remembers the revision that created it, the
 * one that last changed it, and its version (puts since creation). An
 * implementation must make every acknowledged write durable before its promise
 * resolves (it survives `kill -9`), and must apply a transaction atomically.
 *
 * Embedded implementation: lmdb (store/lmdb-store.ts). A distributed one (etcd)
 * can come later behind the same interface.
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
  /** For a delete: the key with an empty value, `modRevision` = the delete's revision. */
  readonly kv: KeyValue;
}

export interface WatchOptions {
  readonly prefix?: boolean;
  /** Replay changes with revision >= this first; 0 or absent: only new changes. */
  readonly startRevision?: bigint;
}

/** A running watch; `close()` stops it. */
export interface Watch {
  close(): void;
}

export interface WatchHandler {
  /** Changes in revision order; one call per revision (a txn's changes together). */
  onChanges(changes: readonly KvChange[], revision: bigint): void;
  /** The start revision is older than the kept history. */
  onCompacted(compactedRevision: bigint): void;
}

export interface KvStore {
  /** The current store revision (0 for an empty, new store). */
  revision(): bigint;
  get(key: Uint8Array): Promise<KeyValue | undefined>;
  put(key: Uint8Array, value: Uint8Array): Promise<{ revision: bigint; previous: KeyValue | undefined }>;
  delete(key: Uint8Array, options?: { prefix?: boolean }): Promise<{ revision: bigint; deleted: number }>;
  range(start: Uint8Array, options?: RangeOptions): Promise<{ kvs: KeyValue[]; more: boolean; revision: bigint }>;
  txn(compares: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[]): Promise<TxnResult>;
  watch(key: Uint8Array, options: WatchOptions, handler: WatchHandler): Watch;
  close(): Promise<void>;
}
