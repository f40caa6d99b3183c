/** The KV store: the interface, the lmdb implementation and its gRPC service. */
export type * from './types.js';
export { KvError, type KvErrorCode } from './errors.js';
export { LmdbKvStore, type LmdbStoreOptions } from './lmdb-store.js';
export { KV_METHOD_SCOPES, kvServiceImpl, type KvServiceOptions } from './kv-service.js';
