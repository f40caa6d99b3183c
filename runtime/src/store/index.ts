/** The KV store: the interface and the lmdb implementation (the gRPC service is api/kv.ts). */
export type * from './types.js';
export { KvError, type KvErrorCode } from './errors.js';
export { LmdbKvStore, type LmdbStoreOptions } from './lmdb-store.js';
export { prefixEnd } from './bytes.js';
// EtcdKvStore (etcd-store.ts) is not re-exported: it loads the etcd client and
// its protobuf loader, which only `serve --store etcd` should pay for
// (serve/kv-store.ts imports it on demand). store/etcd.ts is the entry for
// the etcd pieces, for modules loaded on demand.
