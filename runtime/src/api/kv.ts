import type { handleUnaryCall, handleServerStreamingCall, ServiceError } from '@grpc/grpc-js';
import type { KVServer, WatchRequest, WatchResponse } from '../generated/sdn/runtime/v1/kv.js';
import { SdnError } from '../errors.js';
import type { KvChange, KvStore, Watch } from '../store/index.js';
import { fromKeyValue, fromKvChange, fromOptionalKeyValue, fromTxnResult, kvEventSize, kvInvalid, toTxn } from './convert/index.js';
import { internalServiceError, toServiceError } from './status.js';

/**
 * The gRPC KV service (proto/sdn/runtime/v1/kv.proto) over a `KvStore`. Scopes,
 * checked by the API server's interceptor, not here: `kv:read` for Get, Range
 * and Watch; `kv:write` for Put, Delete and Txn.
 *
 * Watch is a server stream that never buffers on its own: when grpc-js says the
 * client is behind (`write()` returns false) the store watch is paused, and on
 * 'drain' it resumes and catches up from the change log. A client that stops
 * reading therefore costs one paused watch; if the history it still needs is
 * compacted meanwhile, it gets a response with `compacted_revision` (the oldest
 * revision kept) and the stream ends OK. A revision with more events than fit in
 * `maxWatchResponseBytes` is split over several responses with the same
 * revision. A cancelled call closes its watch.
 *
 * Range answers at most the store's byte cap of keys and values per response
 * (LmdbStoreOptions.maxRangeBytes, default 4 MiB, well under grpc-js's 32 MiB
 * message limit) or the request's smaller `max_bytes`; `more` then tells the
 * client to continue from the last key, as etcd clients page.
 */

/** The scope each KV method needs, for the API server's auth check (keys are the service's method names). */
export const KV_METHOD_SCOPES = { get: 'kv:read', range: 'kv:read', watch: 'kv:read', put: 'kv:write', delete: 'kv:write', txn: 'kv:write' } as const;

export interface KvServiceOptions {
  /** Target size of one WatchResponse (default 1 MiB; one event larger than this goes alone). */
  readonly maxWatchResponseBytes?: number;
  /** An error that is not a KvError reached a call (a bug); the client sees INTERNAL. Wire this to the log. */
  readonly onInternalError?: (error: unknown, method: string) => void;
}

/**
 * The gRPC status for a store error (api/status.ts maps the `KV_*` codes);
 * anything else is a bug, reported as INTERNAL without its internals.
 */
export function kvServiceError(error: unknown, method: string, onInternalError: (error: unknown, method: string) => void): Partial<ServiceError> {
  if (error instanceof SdnError) return toServiceError(error);
  onInternalError(error, method);
  return internalServiceError(`KV.${method}`);
}

/** One revision's changes as WatchResponses of at most about `maxBytes` each. */
export function watchResponses(changes: readonly KvChange[], revision: bigint, maxBytes: number): WatchResponse[] {
  const responses: WatchResponse[] = [];
  let current: WatchResponse = { events: [], revision, compactedRevision: 0n };
  let size = 0;
  for (const change of changes) {
    const bytes = kvEventSize(change);
    if (current.events.length > 0 && size + bytes > maxBytes) {
      responses.push(current);
      current = { events: [], revision, compactedRevision: 0n };
      size = 0;
    }
    current.events.push(fromKvChange(change));
    size += bytes;
  }
  if (current.events.length > 0) responses.push(current);
  return responses;
}

export function kvServiceImpl(store: KvStore, options: KvServiceOptions = {}): KVServer {
  const maxBytes = options.maxWatchResponseBytes ?? 1024 * 1024;
  const onInternalError = options.onInternalError ?? (() => {});

  function unary<Req, Res>(method: string, run: (request: Req) => Promise<Res>): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      run(call.request).then(
        (response) => callback(null, response),
        (error: unknown) => callback(kvServiceError(error, method, onInternalError)),
      );
    };
  }

  const watch: handleServerStreamingCall<WatchRequest, WatchResponse> = (call) => {
    let running: Watch | undefined;
    let ended = false;
    const finish = (error?: unknown): void => {
      if (ended) return;
      ended = true;
      running?.close();
      if (error === undefined) call.end();
      else call.emit('error', kvServiceError(error, 'Watch', onInternalError));
    };
    call.on('cancelled', () => {
      ended = true;
      running?.close();
    });
    call.on('drain', () => running?.resume());
    const { key, prefix, startRevision } = call.request;
    try {
      running = store.watch(key, { prefix, startRevision }, {
        onChanges: (changes, revision) => {
          for (const response of watchResponses(changes, revision, maxBytes)) {
            if (!call.write(response)) running?.pause();
          }
        },
        onCompacted: (firstAvailable) => {
          call.write({ events: [], revision: store.revision(), compactedRevision: firstAvailable });
          finish();
        },
        onError: (error) => finish(error),
      });
    } catch (error) {
      finish(error);
    }
  };

  return {
    get: unary('Get', async (request) => {
      // A range of the key alone: the value and its snapshot's revision together.
      const { kvs, revision } = await store.range(request.key);
      return { kv: fromOptionalKeyValue(kvs[0]), revision };
    }),
    put: unary('Put', async (request) => {
      const { revision, previous } = await store.put(request.key, request.value);
      return { revision, previous: fromOptionalKeyValue(previous) };
    }),
    delete: unary('Delete', async (request) => {
      const { revision, deleted } = await store.delete(request.key, { prefix: request.prefix });
      return { revision, deleted: BigInt(deleted) };
    }),
    range: unary('Range', async (request) => {
      const { kvs, more, revision } = await store.range(request.start, { end: request.end, prefix: request.prefix, limit: request.limit, maxBytes: request.maxBytes });
      return { kvs: kvs.map(fromKeyValue), more, revision };
    }),
    txn: unary('Txn', async (request) => {
      const { compares, success, failure } = toTxn(request, '', kvInvalid);
      return fromTxnResult(await store.txn(compares, success, failure));
    }),
    watch,
  };
}
