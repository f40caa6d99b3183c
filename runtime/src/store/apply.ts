import { compareBytes } from './bytes.js';
import type { StoredRecord } from './encoding.js';
import { KvError } from './errors.js';
import type { Compare, KeyValue, KvChange, TxnOpResult } from './types.js';

/**
 * How writes change the key space, independent of lmdb: given a view of the keys
 * inside one write transaction and the revision the write would get, compute the
 * result and the changes. A write that changes nothing (a delete that matched no
 * key, a txn of gets) uses no revision; the caller assigns the revision only when
 * `changes` is not empty.
 */

/** The keys as seen inside the current write transaction (earlier writes included). */
export interface WriteView {
  get(key: Uint8Array): StoredRecord | undefined;
  put(key: Uint8Array, record: StoredRecord): void;
  remove(key: Uint8Array): void;
  /** Keys in [start, end) (to the last key when `end` is undefined), materialized, in key order. */
  entries(start: Uint8Array, end: Uint8Array | undefined): { key: Uint8Array; record: StoredRecord }[];
}

/** Resolves a delete's key set: the key, or [prefix, prefixEnd) for a prefix delete. */
export type KeySpan = { readonly start: Uint8Array; readonly end: Uint8Array | undefined } | { readonly key: Uint8Array };

/** A validated txn operation (a delete's key set already resolved). */
export type TxnStep =
  | { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'delete'; readonly span: KeySpan }
  | { readonly type: 'get'; readonly key: Uint8Array };

export type WriteRequest =
  | { readonly kind: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly kind: 'delete'; readonly span: KeySpan }
  | {
      readonly kind: 'txn';
      readonly compares: readonly Compare[];
      readonly success: readonly TxnStep[];
      readonly failure: readonly TxnStep[];
      /** Bytes of keys and values the results (gets, puts' previous pairs) may hold. */
      readonly maxResultBytes: number;
    };

export type WriteOutcome =
  | { readonly kind: 'put'; readonly previous: KeyValue | undefined }
  | { readonly kind: 'delete'; readonly deleted: number }
  | { readonly kind: 'txn'; readonly succeeded: boolean; readonly results: (revision: bigint) => TxnOpResult[] };

export interface Applied {
  readonly outcome: WriteOutcome;
  readonly changes: KvChange[];
}

const EMPTY = new Uint8Array(0);

export function toKeyValue(key: Uint8Array, record: StoredRecord): KeyValue {
  return { key, value: record.value, createRevision: record.createRevision, modRevision: record.modRevision, version: record.version };
}

function put(view: WriteView, key: Uint8Array, value: Uint8Array, revision: bigint, changes: KvChange[]): KeyValue | undefined {
  const previous = view.get(key);
  const record: StoredRecord = {
    createRevision: previous?.createRevision ?? revision,
    modRevision: revision,
    version: (previous?.version ?? 0n) + 1n,
    value,
  };
  view.put(key, record);
  changes.push({ type: 'put', kv: toKeyValue(key, record) });
  return previous === undefined ? undefined : toKeyValue(key, previous);
}

function remove(view: WriteView, span: KeySpan, revision: bigint, changes: KvChange[]): number {
  const keys = 'key' in span ? (view.get(span.key) === undefined ? [] : [span.key]) : view.entries(span.start, span.end).map((e) => e.key);
  for (const key of keys) {
    view.remove(key);
    changes.push({ type: 'delete', kv: { key, value: EMPTY, createRevision: 0n, modRevision: revision, version: 0n } });
  }
  return keys.length;
}

function order(a: bigint | number, b: bigint | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** etcd's rule: a value compare on a missing key fails whatever the operator; numbers of a missing key are 0. */
export function compareHolds(view: WriteView, compare: Compare): boolean {
  const record = view.get(compare.key);
  let sign: number;
  switch (compare.target) {
    case 'value':
      if (record === undefined) return false;
      sign = compareBytes(record.value, compare.value ?? EMPTY);
      break;
    case 'version':
      sign = order(record?.version ?? 0n, compare.number ?? 0n);
      break;
    case 'createRevision':
      sign = order(record?.createRevision ?? 0n, compare.number ?? 0n);
      break;
    case 'modRevision':
      sign = order(record?.modRevision ?? 0n, compare.number ?? 0n);
      break;
  }
  switch (compare.result) {
    case 'equal':
      return sign === 0;
    case 'notEqual':
      return sign !== 0;
    case 'greater':
      return sign > 0;
    case 'less':
      return sign < 0;
  }
}

type PendingResult = (revision: bigint) => TxnOpResult;

/**
 * A txn of small gets can ask for up to `maxTxnOps` values of `maxValueBytes`
 * (1 GiB by default): its results are capped like a range. The check throws
 * inside the request's nested transaction, so nothing of it is written.
 */
function countResult(kv: KeyValue | undefined, total: { bytes: number }, max: number): void {
  if (kv === undefined) return;
  total.bytes += kv.key.length + kv.value.length;
  if (total.bytes > max) {
    throw new KvError('KV_INVALID', `txn: its results (gets and the pairs its puts replace) hold more than ${max} bytes of keys and values; split it, or read with a paged range`);
  }
}

function applyTxn(view: WriteView, request: WriteRequest & { kind: 'txn' }, revision: bigint, changes: KvChange[]): WriteOutcome {
  const succeeded = request.compares.every((c) => compareHolds(view, c));
  const pending: PendingResult[] = [];
  const total = { bytes: 0 };
  for (const op of succeeded ? request.success : request.failure) {
    switch (op.type) {
      case 'put': {
        const previous = put(view, op.key, op.value, revision, changes);
        countResult(previous, total, request.maxResultBytes);
        pending.push((r) => ({ type: 'put', revision: r, previous }));
        break;
      }
      case 'delete': {
        const deleted = remove(view, op.span, revision, changes);
        pending.push((r) => ({ type: 'delete', revision: r, deleted }));
        break;
      }
      case 'get': {
        const record = view.get(op.key);
        const kv = record === undefined ? undefined : toKeyValue(op.key, record);
        countResult(kv, total, request.maxResultBytes);
        pending.push((r) => ({ type: 'get', kv, revision: r }));
        break;
      }
    }
  }
  return { kind: 'txn', succeeded, results: (r) => pending.map((p) => p(r)) };
}

/** Applies one request at `revision` (the store's revision + 1). */
export function applyWrite(view: WriteView, request: WriteRequest, revision: bigint): Applied {
  const changes: KvChange[] = [];
  switch (request.kind) {
    case 'put':
      return { outcome: { kind: 'put', previous: put(view, request.key, request.value, revision, changes) }, changes };
    case 'delete':
      return { outcome: { kind: 'delete', deleted: remove(view, request.span, revision, changes) }, changes };
    case 'txn':
      return { outcome: applyTxn(view, request, revision, changes), changes };
  }
}
