import fs from 'node:fs';
import path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { applyWrite, toKeyValue, type Applied, type WriteRequest, type WriteView } from './apply.js';
import { compareBytes, describeKey, prefixEnd } from './bytes.js';
import { checkDataFiles, markCreated, wasCreated } from './data-files.js';
import { decodeLogEntry, decodeRecord, encodeLogEntry, encodeRecord, revisionFromKey, revisionKey, type StoredRecord } from './encoding.js';
import { KvError } from './errors.js';
import { DirectoryLock } from './lock.js';
import type { Compare, KeyValue, KvStore, RangeOptions, TxnOp, TxnResult, Watch, WatchHandler, WatchOptions } from './types.js';
import { checkKey, checkLimit, checkMaxBytes, deleteRequest, putRequest, txnRequest, type Limits } from './validate.js';
import { WatchHub, type ChangeLog, type LogEntry } from './watch-hub.js';

export interface LmdbStoreOptions {
  /** The runtime's data directory; the store lives in `<dataDir>/kv/`. */
  readonly dataDir: string;
  /** Revisions kept in the change log for watches with history (default 100,000; at least 1). */
  readonly historyRevisions?: number;
  /** Largest value accepted, in bytes (default 1 MiB). */
  readonly maxValueBytes?: number;
  /** Operations per txn branch and compares per txn (default 1024). */
  readonly maxTxnOps?: number;
  /** Requests applied in one commit at most (default 10,000). */
  readonly maxBatch?: number;
  /** Bytes of keys and values one range result holds at most (default 4 MiB; at least one pair always). */
  readonly maxRangeBytes?: number;
  /** Longest the check of an existing data file may take before the open is refused (default 5 minutes). */
  readonly checkTimeoutMs?: number;
  /** A watch handler threw; its watch is closed. Wire this to the log. */
  readonly onWatchHandlerError?: (error: unknown) => void;
}

type Result = { revision: bigint; previous: KeyValue | undefined } | { revision: bigint; deleted: number } | TxnResult;

interface Pending {
  readonly request: WriteRequest;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
  applied?: Applied;
  /** The revision the request made, or the store's revision at that point when it changed nothing. */
  revision?: bigint;
  error?: unknown;
}

interface BatchOutcome {
  readonly revision: bigint;
  readonly firstRevision: bigint;
  readonly entries: LogEntry[];
}

const REVISION = Buffer.from('revision');
const FORMAT = Buffer.from('format');
const FORMAT_VERSION = 1;
/** Log entries removed per commit at most, so shrinking the history never stalls writes. */
const COMPACT_PER_BATCH = 10_000n;
const REPLAY_CHUNK = 256;
const DEFAULT_MAX_RANGE_BYTES = 4 * 1024 * 1024;
/** etcd's range end meaning "every key from start on". */
const UNBOUNDED_END = Uint8Array.of(0);

function u64(value: bigint): Buffer {
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeBigUInt64BE(value);
  return bytes;
}

type ReadTxn = ReturnType<RootDatabase['useReadTransaction']>;

/** lmdb-js knows the key size limit of its build but does not declare it in its types. */
function maxKeySize(env: RootDatabase): number {
  const size = (env as unknown as { maxKeySize?: unknown }).maxKeySize;
  if (typeof size !== 'number' || size <= 0) throw new KvError('KV_STORAGE', `lmdb reports no key size limit (${String(size)})`);
  return size;
}

function storageError(what: string, error: unknown): KvError {
  if (error instanceof KvError) return error;
  return new KvError('KV_STORAGE', `${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/**
 * The KV store on lmdb (one environment in `<dataDir>/kv/`, databases `keys`,
 * `log`, `meta`; formats in encoding.ts). Writes queue up and are applied in
 * group commits: while one lmdb transaction is being committed and fsynced,
 * new requests wait, and the next commit takes all of them. lmdb is opened with
 * `overlappingSync: false`, so a commit's promise settles only after the data
 * and the meta page are synced: an acknowledged write survives `kill -9` and
 * power loss. Each request runs in its own nested lmdb transaction, so one that
 * fails leaves the others in its commit intact.
 */
export class LmdbKvStore implements KvStore {
  private readonly queue: Pending[] = [];
  private committing = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private committed: bigint;
  private firstRevision: bigint;
  private readonly hub: WatchHub;
  private readonly view: WriteView;

  private constructor(
    private readonly directory: string,
    private readonly env: RootDatabase,
    private readonly keys: Database<Buffer, Buffer>,
    private readonly log: Database<Buffer, Buffer>,
    private readonly meta: Database<Buffer, Buffer>,
    private readonly lock: DirectoryLock,
    private readonly limits: Limits,
    private readonly history: bigint,
    private readonly maxBatch: number,
    onHandlerError: (error: unknown) => void,
  ) {
    this.committed = this.readRevision();
    const [firstKey] = this.log.getKeys({ limit: 1 });
    this.firstRevision = firstKey === undefined ? this.committed + 1n : revisionFromKey(firstKey);
    const [lastKey] = this.log.getKeys({ limit: 1, reverse: true });
    const last = lastKey === undefined ? this.firstRevision - 1n : revisionFromKey(lastKey);
    if (last !== this.committed) {
      throw new KvError('KV_CORRUPT', `${directory}: the change log ends at revision ${last} but the store is at ${this.committed}`);
    }
    const changeLog: ChangeLog = { read: (from, to, max) => this.readLog(from, to, max), firstRevision: () => this.firstRevision };
    this.hub = new WatchHub({ log: changeLog, replayChunk: REPLAY_CHUNK, onHandlerError }, this.committed);
    this.view = {
      get: (key) => this.readRecord(key, undefined),
      put: (key, record) => this.keys.putSync(Buffer.from(key.buffer, key.byteOffset, key.length), encodeRecord(record)),
      remove: (key) => {
        this.keys.removeSync(Buffer.from(key.buffer, key.byteOffset, key.length));
      },
      entries: (start, end) => this.readEntries(start, end),
    };
  }

  /** Opens (creating when absent) the store in `<dataDir>/kv/`. @throws KvError `KV_LOCKED`, `KV_CORRUPT`, `KV_STORAGE`. */
  static async open(options: LmdbStoreOptions): Promise<LmdbKvStore> {
    const history = options.historyRevisions ?? 100_000;
    if (!Number.isSafeInteger(history) || history < 1) throw new KvError('KV_INVALID', `historyRevisions ${history} is not an integer >= 1`);
    const maxRangeBytes = options.maxRangeBytes ?? DEFAULT_MAX_RANGE_BYTES;
    if (!Number.isSafeInteger(maxRangeBytes) || maxRangeBytes < 1) throw new KvError('KV_INVALID', `maxRangeBytes ${maxRangeBytes} is not an integer >= 1`);
    const directory = path.join(options.dataDir, 'kv');
    fs.mkdirSync(directory, { recursive: true });
    const lock = DirectoryLock.acquire(path.join(directory, 'owner.lock'));
    let env: RootDatabase | undefined;
    try {
      await checkDataFiles(directory, options.checkTimeoutMs ?? 5 * 60_000);
      env = open({ path: directory, overlappingSync: false, noSync: false, maxDbs: 3 });
      const db = (name: string): Database<Buffer, Buffer> =>
        (env as RootDatabase).openDB<Buffer, Buffer>({ name, keyEncoding: 'binary', encoding: 'binary' });
      const meta = db('meta');
      const format = meta.get(FORMAT);
      if (format === undefined && wasCreated(directory)) {
        throw new KvError('KV_CORRUPT', `${directory}/data.mdb holds no store (its header points at an empty database) although one was created here: restore ${directory} from a backup, or move it away to start an empty store`);
      } else if (format === undefined) {
        await meta.put(FORMAT, Buffer.from([FORMAT_VERSION]));
      } else if (format.length !== 1 || format[0] !== FORMAT_VERSION) {
        throw new KvError('KV_CORRUPT', `${directory}: data format ${format.toString('hex')}, this build reads format ${FORMAT_VERSION}`);
      }
      markCreated(directory);
      const limits: Limits = {
        maxKeyBytes: maxKeySize(env),
        maxValueBytes: options.maxValueBytes ?? 1024 * 1024,
        maxTxnOps: options.maxTxnOps ?? 1024,
        maxRangeBytes,
      };
      return new LmdbKvStore(directory, env, db('keys'), db('log'), meta, lock, limits, BigInt(history), options.maxBatch ?? 10_000, options.onWatchHandlerError ?? (() => {}));
    } catch (error) {
      await env?.close();
      lock.release();
      throw storageError(`opening ${directory}`, error);
    }
  }

  revision(): bigint {
    return this.committed;
  }

  async get(key: Uint8Array): Promise<KeyValue | undefined> {
    this.checkOpen();
    checkKey(key, 'get', this.limits);
    return this.inReadTxn('get', (txn) => {
      const record = this.readRecord(key, txn);
      return record === undefined ? undefined : toKeyValue(Uint8Array.from(key), record);
    });
  }

  async range(start: Uint8Array, options: RangeOptions = {}): Promise<{ kvs: KeyValue[]; more: boolean; revision: bigint }> {
    this.checkOpen();
    const prefix = options.prefix === true;
    checkKey(start, 'range', this.limits, prefix);
    const limit = checkLimit(options.limit);
    const maxBytes = checkMaxBytes(options.maxBytes, this.limits);
    return this.inReadTxn('range', (txn) => {
      const revision = this.readRevision(txn);
      if (!prefix && (options.end === undefined || options.end.length === 0)) {
        const record = this.readRecord(start, txn);
        return { kvs: record === undefined ? [] : [toKeyValue(Uint8Array.from(start), record)], more: false, revision };
      }
      const end = prefix ? prefixEnd(start) : options.end !== undefined && compareBytes(options.end, UNBOUNDED_END) === 0 ? undefined : options.end;
      if (end !== undefined && compareBytes(end, start) <= 0) return { kvs: [], more: false, revision };
      return { ...this.readPage(start, end, limit, maxBytes, txn), revision };
    });
  }

  put(key: Uint8Array, value: Uint8Array): Promise<{ revision: bigint; previous: KeyValue | undefined }> {
    return this.enqueue(() => putRequest(key, value, this.limits)) as Promise<{ revision: bigint; previous: KeyValue | undefined }>;
  }

  delete(key: Uint8Array, options: { prefix?: boolean } = {}): Promise<{ revision: bigint; deleted: number }> {
    return this.enqueue(() => deleteRequest(key, options.prefix === true, this.limits)) as Promise<{ revision: bigint; deleted: number }>;
  }

  txn(compares: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[]): Promise<TxnResult> {
    return this.enqueue(() => txnRequest(compares, success, failure, this.limits)) as Promise<TxnResult>;
  }

  watch(key: Uint8Array, options: WatchOptions, handler: WatchHandler): Watch {
    this.checkOpen();
    const prefix = options.prefix === true;
    checkKey(key, 'watch', this.limits, prefix);
    const start = options.startRevision ?? 0n;
    if (start < 0n) throw new KvError('KV_INVALID', `watch: startRevision ${start} is negative`);
    return this.hub.add(Uint8Array.from(key), prefix, start, handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.committing || this.queue.length > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.hub.closeAll(new KvError('KV_CLOSED', `the store in ${this.directory} was closed`));
    await this.env.close();
    this.lock.release();
  }

  private checkOpen(): void {
    if (this.closed) throw new KvError('KV_CLOSED', `the store in ${this.directory} is closed`);
  }

  private enqueue(build: () => WriteRequest): Promise<Result> {
    try {
      this.checkOpen();
      const request = build();
      return new Promise<Result>((resolve, reject) => {
        this.queue.push({ request, resolve, reject });
        this.pump();
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Starts a commit when none is running; the commit takes every request queued by the time lmdb runs it. */
  private pump(): void {
    if (this.committing) return;
    if (this.queue.length === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    this.committing = true;
    void this.commit().finally(() => {
      this.committing = false;
      this.pump();
    });
  }

  private async commit(): Promise<void> {
    let taken: Pending[] | undefined;
    let outcome: BatchOutcome | undefined;
    try {
      await this.env.childTransaction(() => {
        taken = this.queue.splice(0, this.maxBatch);
        outcome = this.applyBatch(taken);
      });
    } catch (error) {
      const failed = storageError('commit failed, nothing of it was written', error);
      for (const pending of taken ?? this.queue.splice(0, this.maxBatch)) pending.reject(failed);
      return;
    }
    if (taken === undefined || outcome === undefined) {
      const skipped = new KvError('KV_STORAGE', 'lmdb finished a transaction without running it; nothing was written');
      for (const pending of taken ?? this.queue.splice(0, this.maxBatch)) pending.reject(skipped);
      return;
    }
    this.committed = outcome.revision;
    this.firstRevision = outcome.firstRevision;
    for (const entry of outcome.entries) this.hub.announce(entry.revision, entry.changes);
    for (const pending of taken) this.settle(pending);
  }

  private applyBatch(taken: Pending[]): BatchOutcome {
    const base = this.readRevision(undefined);
    if (base !== this.committed) {
      throw new KvError('KV_STORAGE', `${this.directory} is at revision ${base} on disk but ${this.committed} here: another process wrote to it`);
    }
    let revision = base;
    const entries: LogEntry[] = [];
    for (const pending of taken) {
      try {
        this.env.childTransaction(() => {
          const applied = applyWrite(this.view, pending.request, revision + 1n);
          if (applied.changes.length > 0) this.log.putSync(revisionKey(revision + 1n), encodeLogEntry(applied.changes));
          pending.applied = applied;
        });
        const applied = pending.applied;
        if (applied === undefined) throw new KvError('KV_STORAGE', 'lmdb did not run a nested transaction synchronously');
        if (applied.changes.length > 0) {
          revision += 1n;
          entries.push({ revision, changes: applied.changes });
        }
        pending.revision = revision;
      } catch (error) {
        pending.applied = undefined;
        pending.error = storageError('write failed', error);
      }
    }
    let firstRevision = this.firstRevision;
    if (revision !== base) {
      this.meta.putSync(REVISION, u64(revision));
      const keepFrom = revision - this.history + 1n;
      const stop = keepFrom < firstRevision + COMPACT_PER_BATCH ? keepFrom : firstRevision + COMPACT_PER_BATCH;
      for (; firstRevision < stop; firstRevision++) this.log.removeSync(revisionKey(firstRevision));
    }
    return { revision, firstRevision, entries };
  }

  private settle(pending: Pending): void {
    const { applied, revision } = pending;
    if (applied === undefined || revision === undefined) {
      pending.reject(pending.error);
      return;
    }
    const outcome = applied.outcome;
    switch (outcome.kind) {
      case 'put':
        pending.resolve({ revision, previous: outcome.previous });
        return;
      case 'delete':
        pending.resolve({ revision, deleted: outcome.deleted });
        return;
      case 'txn':
        pending.resolve({ succeeded: outcome.succeeded, results: outcome.results(revision), revision });
        return;
    }
  }

  /** Runs `read` on one lmdb snapshot. @throws KvError */
  private inReadTxn<T>(what: string, read: (txn: ReadTxn) => T): T {
    let txn: ReadTxn | undefined;
    try {
      txn = this.env.useReadTransaction();
      return read(txn);
    } catch (error) {
      throw storageError(what, error);
    } finally {
      txn?.done();
    }
  }

  private readRevision(txn?: ReadTxn): bigint {
    const bytes = this.meta.get(REVISION, txn === undefined ? undefined : { transaction: txn });
    if (bytes === undefined) return 0n;
    if (bytes.length !== 8) throw new KvError('KV_CORRUPT', `${this.directory}: the stored revision has ${bytes.length} bytes, not 8`);
    return bytes.readBigUInt64BE(0);
  }

  private readRecord(key: Uint8Array, txn: ReadTxn | undefined): StoredRecord | undefined {
    const bytes = this.keys.get(Buffer.from(key.buffer, key.byteOffset, key.length), txn === undefined ? undefined : { transaction: txn });
    return bytes === undefined ? undefined : decodeRecord(bytes, key, describeKey);
  }

  /** Every key in [start, end) in key order, inside the write transaction (a delete's span). */
  private readEntries(start: Uint8Array, end: Uint8Array | undefined): { key: Uint8Array; record: StoredRecord }[] {
    const range = this.keys.getRange({
      start: start.length === 0 ? undefined : Buffer.from(start.buffer, start.byteOffset, start.length),
      end: end === undefined ? undefined : Buffer.from(end.buffer, end.byteOffset, end.length),
    });
    return Array.from(range, ({ key, value }) => ({ key, record: decodeRecord(value, key, describeKey) }));
  }

  /**
   * Keys in [start, end) in key order, pair by pair, until `limit` pairs (0: no
   * limit) or `maxBytes` of keys and values: the pairs left out are never read.
   */
  private readPage(start: Uint8Array, end: Uint8Array | undefined, limit: number, maxBytes: number, txn: ReadTxn): { kvs: KeyValue[]; more: boolean } {
    const kvs: KeyValue[] = [];
    let bytes = 0;
    const range = this.keys.getRange({
      start: start.length === 0 ? undefined : Buffer.from(start.buffer, start.byteOffset, start.length),
      end: end === undefined ? undefined : Buffer.from(end.buffer, end.byteOffset, end.length),
      transaction: txn,
    });
    for (const { key, value } of range) {
      if (limit > 0 && kvs.length === limit) return { kvs, more: true };
      const kv = toKeyValue(key, decodeRecord(value, key, describeKey));
      const size = kv.key.length + kv.value.length;
      if (kvs.length > 0 && bytes + size > maxBytes) return { kvs, more: true };
      kvs.push(kv);
      bytes += size;
    }
    return { kvs, more: false };
  }

  private readLog(from: bigint, to: bigint, max: number): LogEntry[] {
    return this.inReadTxn('reading the change log', (txn) => {
      const entries: LogEntry[] = [];
      for (const { key, value } of this.log.getRange({ start: revisionKey(from), end: revisionKey(to + 1n), limit: max, transaction: txn })) {
        const revision = revisionFromKey(key);
        const previous = entries[entries.length - 1];
        if (previous !== undefined && revision !== previous.revision + 1n) {
          throw new KvError('KV_CORRUPT', `${this.directory}: the change log jumps from revision ${previous.revision} to ${revision}`);
        }
        entries.push({ revision, changes: decodeLogEntry(value, revision) });
      }
      return entries;
    });
  }
}
