/**
 * The etcd side of store/, a second entry loaded on demand only (dynamic
 * `import()` or from modules that are themselves loaded so): it pulls in the
 * etcd client and its protobuf loader, which the lmdb default never needs.
 * Used by `serve --store etcd` and by mastership/ (`serve --ha`).
 */
export { EtcdKvStore, type EtcdStoreOptions } from './etcd-store.js';
export { etcdClient, type EtcdConnectionOptions } from './etcd-client.js';
export { EtcdWatch, type EtcdWatchOptions } from './etcd-watch.js';
