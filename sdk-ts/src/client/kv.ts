import type { ClientReadableStream } from '@grpc/grpc-js';
import { utf8 } from '../convert/bytes.js';
import { keyValueFromProto, type KeyValue } from '../convert/events.js';
import { ErrorCode, invalid, SdnClientError } from '../errors.js';
import * as pb from '../generated/sdn/runtime/v1/kv.js';
import { oneOf, u64, uint } from '../openflow/numbers.js';
import { unary, type RpcContext } from './rpc.js';
import { StreamWatch } from './stream-watch.js';

/** A key or value: UTF-8 text or bytes. */
export type KvBytes = string | Uint8Array;

/** One condition of a transaction. `value` is compared for target 'value', `number` for the others. */
export interface KvCompare {
  readonly key: KvBytes;
  readonly target: 'value' | 'version' | 'createRevision' | 'modRevision';
  readonly result: 'equal' | 'notEqual' | 'greater' | 'less';
  readonly value?: KvBytes;
  /** 0 for a missing key. */
  readonly number?: bigint;
}

export type KvOp =
  | { readonly type: 'put'; readonly key: KvBytes; readonly value: KvBytes }
  | { readonly type: 'delete'; readonly key: KvBytes; readonly prefix?: boolean }
  | { readonly type: 'get'; readonly key: KvBytes };

/** If every compare holds, `success` runs, else `failure`; atomically, at one revision. */
export interface KvTxn {
  readonly compare?: readonly KvCompare[];
  readonly success?: readonly KvOp[];
  readonly failure?: readonly KvOp[];
}

export interface KvGetResult {
  /** Undefined when the key does not exist. */
  readonly kv: KeyValue | undefined;
  readonly revision: bigint;
}
export interface KvPutResult {
  readonly revision: bigint;
  /** The pair before this put, when there was one. */
  readonly previous: KeyValue | undefined;
}
export interface KvDeleteResult {
  readonly revision: bigint;
  readonly deleted: bigint;
}
export interface KvRangeResult {
  readonly kvs: readonly KeyValue[];
  /** More keys matched than `limit` returned. */
  readonly more: boolean;
  readonly revision: bigint;
}
export type KvOpResult = ({ readonly type: 'put' } & KvPutResult) | ({ readonly type: 'delete' } & KvDeleteResult) | ({ readonly type: 'get' } & KvGetResult);
export interface KvTxnResult {
  readonly succeeded: boolean;
  readonly results: readonly KvOpResult[];
  readonly revision: bigint;
}

/** One change seen by a watch. For a delete, `kv.modRevision` is the delete's revision. */
export interface KvChange {
  readonly change: 'put' | 'delete';
  readonly kv: KeyValue;
}

export interface KvRangeOptions {
  /** Keys in [key, end); absent: just `key` (unless `prefix`). */
  readonly end?: KvBytes;
  /** Every key starting with `key`. */
  readonly prefix?: boolean;
  /** At most this many pairs (0: no limit); for `rangePages`, over all pages. */
  readonly limit?: number;
  /**
   * Bytes of keys and values one response may hold (0: the runtime's cap, 4 MiB
   * unless configured; a larger value is lowered to the cap). A pair larger than
   * this comes alone; `more` tells that keys were left out.
   */
  readonly maxBytes?: number;
}

export interface KvWatchOptions {
  readonly prefix?: boolean;
  /** Replay changes from this revision on first, inclusive (default 0: only changes from now on). */
  readonly startRevision?: bigint;
}

const TARGETS = { value: pb.Compare_Target.TARGET_VALUE, version: pb.Compare_Target.TARGET_VERSION, createRevision: pb.Compare_Target.TARGET_CREATE_REVISION, modRevision: pb.Compare_Target.TARGET_MOD_REVISION } as const;
const RESULTS = { equal: pb.Compare_Result.RESULT_EQUAL, notEqual: pb.Compare_Result.RESULT_NOT_EQUAL, greater: pb.Compare_Result.RESULT_GREATER, less: pb.Compare_Result.RESULT_LESS } as const;

function key(k: unknown, what: string): Buffer {
  if (typeof k !== 'string' && !(k instanceof Uint8Array)) throw invalid(what, 'a key is a string or bytes');
  const b = utf8(k);
  if (b.length === 0) throw invalid(what, 'a key cannot be empty');
  return b;
}

function value(v: unknown, what: string): Buffer {
  if (typeof v !== 'string' && !(v instanceof Uint8Array)) throw invalid(what, 'a value is a string or bytes');
  return utf8(v);
}

function opToProto(op: KvOp, what: string): pb.TxnOp {
  switch (op?.type) {
    case 'put':
      return { kind: { $case: 'put', value: { key: key(op.key, `${what} key`), value: value(op.value, `${what} value`) } } };
    case 'delete':
      return { kind: { $case: 'delete', value: { key: key(op.key, `${what} key`), prefix: op.prefix === true } } };
    case 'get':
      return { kind: { $case: 'get', value: { key: key(op.key, `${what} key`) } } };
    default:
      throw invalid(what, 'an operation is put, delete or get');
  }
}

function compareToProto(c: KvCompare, what: string): pb.Compare {
  const target = oneOf(c?.target, Object.keys(TARGETS) as (keyof typeof TARGETS)[], `${what} target`);
  const result = oneOf(c.result, Object.keys(RESULTS) as (keyof typeof RESULTS)[], `${what} result`);
  if (target === 'value' && c.value === undefined) throw invalid(what, 'a value compare needs `value`');
  if (target !== 'value' && c.number === undefined) throw invalid(what, `a ${target} compare needs \`number\``);
  return { key: key(c.key, `${what} key`), target: TARGETS[target], result: RESULTS[result], value: c.value === undefined ? Buffer.alloc(0) : value(c.value, `${what} value`), number: c.number === undefined ? 0n : u64(c.number, `${what} number`) };
}

const ZERO = Buffer.of(0);
/** etcd's range end for "every key from start on". */
const ANY_KEY = ZERO;

/** The first key after every key that starts with `prefix`; undefined when there is none (empty or all 0xff). */
function prefixEnd(prefix: Uint8Array): Buffer | undefined {
  let last = prefix.length - 1;
  while (last >= 0 && prefix[last] === 0xff) last--;
  if (last < 0) return undefined;
  const end = Buffer.from(prefix.subarray(0, last + 1));
  end[last] = (end[last] ?? 0) + 1;
  return end;
}

function rangeRequest(start: KvBytes, options: KvRangeOptions, what: string): pb.RangeRequest {
  return {
    start: key(start, `${what} start`),
    end: options.end === undefined ? Buffer.alloc(0) : key(options.end, `${what} end`),
    prefix: options.prefix === true,
    limit: uint(options.limit ?? 0, 32, `${what} limit`),
    maxBytes: uint(options.maxBytes ?? 0, 32, `${what} maxBytes`),
  };
}

const rangeResult = (r: pb.RangeResponse): KvRangeResult => ({ kvs: r.kvs.map(keyValueFromProto), more: r.more, revision: r.revision });
const getResult = (r: pb.GetResponse): KvGetResult => ({ kv: r.kv === undefined ? undefined : keyValueFromProto(r.kv), revision: r.revision });
const putResult = (r: pb.PutResponse): KvPutResult => ({ revision: r.revision, previous: r.previous === undefined ? undefined : keyValueFromProto(r.previous) });
const deleteResult = (r: pb.DeleteResponse): KvDeleteResult => ({ revision: r.revision, deleted: r.deleted });

function opResult(r: pb.TxnOpResult): KvOpResult {
  switch (r.kind?.$case) {
    case 'put':
      return { type: 'put', ...putResult(r.kind.value) };
    case 'delete':
      return { type: 'delete', ...deleteResult(r.kind.value) };
    case 'get':
      return { type: 'get', ...getResult(r.kind.value) };
    default:
      throw new SdnClientError(ErrorCode.PROTOCOL, 'the runtime sent a transaction result without a kind');
  }
}

/**
 * The runtime's key-value store through the KV service's unary RPCs and its
 * Watch stream: each call is independent of the event stream (it works while
 * that reconnects) and fails with the RPC's status. Revisions are bigint.
 */
export class KvClient {
  private readonly watches = new Set<KvWatch>();

  constructor(
    private readonly client: pb.KVClient,
    private readonly ctx: RpcContext,
  ) {}

  async get(k: KvBytes): Promise<KvGetResult> {
    return unary(this.ctx, this.client.get.bind(this.client), { key: key(k, 'kv.get key') }, 'kv.get').then(getResult);
  }

  async put(k: KvBytes, v: KvBytes): Promise<KvPutResult> {
    return unary(this.ctx, this.client.put.bind(this.client), { key: key(k, 'kv.put key'), value: value(v, 'kv.put value') }, 'kv.put').then(putResult);
  }

  /** Deletes `k`, or every key starting with it when `prefix`. */
  async delete(k: KvBytes, options: { readonly prefix?: boolean } = {}): Promise<KvDeleteResult> {
    return unary(this.ctx, this.client.delete.bind(this.client), { key: key(k, 'kv.delete key'), prefix: options.prefix === true }, 'kv.delete').then(deleteResult);
  }

  /**
   * One response: at most `limit` pairs and the runtime's byte cap (see
   * `maxBytes`); `more` says keys were left out. `rangePages` reads them all.
   */
  async range(start: KvBytes, options: KvRangeOptions = {}): Promise<KvRangeResult> {
    return unary(this.ctx, this.client.range.bind(this.client), rangeRequest(start, options, 'kv.range'), 'kv.range').then(rangeResult);
  }

  /**
   * Every page of a range, following `more` as etcd clients do: the next page
   * starts after the last key (a prefix becomes [prefix, end of prefix)), so a
   * range larger than one response is read whole in bounded pieces. Each page
   * is its own snapshot (its `revision`): a key written between two pages is
   * seen in either state. `limit` counts pairs over all pages.
   */
  async *rangePages(start: KvBytes, options: KvRangeOptions = {}): AsyncGenerator<KvRangeResult, void, undefined> {
    let request = rangeRequest(start, options, 'kv.rangePages');
    const end = request.prefix ? (prefixEnd(request.start) ?? ANY_KEY) : request.end;
    let left = request.limit;
    for (;;) {
      const page = await unary(this.ctx, this.client.range.bind(this.client), request, 'kv.rangePages').then(rangeResult);
      yield page;
      const last = page.kvs.at(-1);
      if (left > 0) left -= page.kvs.length;
      if (!page.more || last === undefined || (request.limit > 0 && left <= 0)) return;
      request = { ...request, start: Buffer.concat([last.key, ZERO]), end, prefix: false, limit: left };
    }
  }


  async txn(t: KvTxn): Promise<KvTxnResult> {
    const request: pb.TxnRequest = {
      compares: (t.compare ?? []).map((c, i) => compareToProto(c, `kv.txn compare[${i}]`)),
      success: (t.success ?? []).map((op, i) => opToProto(op, `kv.txn success[${i}]`)),
      failure: (t.failure ?? []).map((op, i) => opToProto(op, `kv.txn failure[${i}]`)),
    };
    return unary(this.ctx, this.client.txn.bind(this.client), request, 'kv.txn').then((r) => ({ succeeded: r.succeeded, results: r.results.map(opResult), revision: r.revision }));
  }

  /**
   * Changes to `k` (or every key under it) as they happen, after replaying those
   * from `startRevision` on (inclusive). Ends when the loop breaks, `return()` is called (from
   * anywhere, even while a `next()` waits) or the app closes; throws COMPACTED
   * when the store no longer holds the requested history.
   */
  watch(k: KvBytes, options: KvWatchOptions = {}): KvWatch {
    const request: pb.WatchRequest = { key: key(k, 'kv.watch key'), prefix: options.prefix === true, startRevision: u64(options.startRevision ?? 0n, 'kv.watch startRevision') };
    if (this.ctx.isClosed()) throw new SdnClientError(ErrorCode.CANCELLED, 'kv.watch: the app is closed');
    const watch: KvWatch = new KvWatch(this.client.watch(request, this.ctx.metadata()), () => this.watches.delete(watch));
    this.watches.add(watch);
    return watch;
  }

  /** Ends every open watch (the app is closing): their loops end without error. */
  closeWatches(): void {
    for (const w of [...this.watches]) w.return();
  }
}

/** One KV watch: an async iterator of changes over the Watch stream, cancelled by `return()`. */
export class KvWatch extends StreamWatch<pb.WatchResponse, KvChange> {
  constructor(call: ClientReadableStream<pb.WatchResponse>, onEnd: () => void) {
    super(call, onEnd, 'kv.watch');
  }

  protected unpack(r: pb.WatchResponse): KvChange[] {
    if (r.compactedRevision > 0n) throw new SdnClientError(ErrorCode.COMPACTED, `kv.watch: history before revision ${r.compactedRevision} is compacted`);
    return r.events.map((e) => ({ change: e.type === pb.KvEvent_Type.TYPE_DELETE ? 'delete' : 'put', kv: keyValueFromProto(e.kv) }));
  }
}
