import type { Logger } from 'pino';
import type { RuntimeMetrics } from '../observability/metrics.js';
import { KvError, LmdbKvStore, type KvStore } from '../store/index.js';
import { envName, type ServeConfig } from './config.js';
import { readCaBundle, readTlsFiles, StartError } from './start-checks.js';

/** Longest a run of etcd-unreachable failures goes without a log line, in ms. */
const UNAVAILABLE_LOG_INTERVAL_MS = 60_000;

/** TLS files of `--etcd-tls-*`, read and checked (shared with mastership). @throws ConfigError */
export function etcdTls(caPath: string, certPath: string | undefined, keyPath: string | undefined): { ca: Buffer; cert?: Buffer; key?: Buffer } {
  const ca = readCaBundle('--etcd-tls-ca', caPath);
  if (certPath === undefined || keyPath === undefined) return { ca };
  const { cert, key } = readTlsFiles({ cert: '--etcd-tls-cert', key: '--etcd-tls-key', ca: '--etcd-tls-ca' }, { cert: certPath, key: keyPath, ca: undefined });
  return { ca, cert, key };
}

/**
 * Opens the KV store `config.store` names. The etcd client (and its protobuf
 * loader) is imported only for `--store etcd`, so the lmdb default never loads it.
 * Calls that fail because etcd cannot be reached are counted
 * (`sdn_runtime_errors_total{cause="kv_unavailable"}`) and logged once per minute
 * at most, with the count since the last line; the node keeps serving switches.
 * @throws StartError when etcd cannot be reached (naming the endpoints), ConfigError for unusable TLS files, KvError from lmdb.
 */
export async function openKvStore(config: ServeConfig, log: Logger, metrics: RuntimeMetrics): Promise<KvStore> {
  const onWatchHandlerError = (err: unknown): void => log.error({ err }, 'a KV watch handler threw; its watch is closed');
  if (config.store === 'lmdb') return LmdbKvStore.open({ dataDir: config.dataDir, onWatchHandlerError });
  const tls = config.etcdTlsCa === undefined ? undefined : etcdTls(config.etcdTlsCa, config.etcdTlsCert, config.etcdTlsKey);
  const { EtcdKvStore } = await import('../store/etcd-store.js');
  let unlogged = 0;
  let lastLogged = 0;
  const onUnavailable = (err: KvError): void => {
    metrics.errors.inc({ cause: 'kv_unavailable' });
    unlogged++;
    if (Date.now() - lastLogged < UNAVAILABLE_LOG_INTERVAL_MS) return;
    log.warn({ err, failures: unlogged, endpoints: config.etcdEndpoints }, 'KV calls fail: etcd cannot be reached (switches are still served)');
    lastLogged = Date.now();
    unlogged = 0;
  };
  try {
    return await EtcdKvStore.open({
      endpoints: config.etcdEndpoints,
      prefix: config.etcdPrefix,
      tls,
      auth: config.etcdUser === undefined || config.etcdPassword === undefined ? undefined : { user: config.etcdUser, password: config.etcdPassword },
      onWatchHandlerError,
      onUnavailable,
    });
  } catch (err) {
    if (err instanceof KvError && err.code === 'KV_UNAVAILABLE') {
      throw new StartError(`--etcd-endpoints ${config.etcdEndpoints.join(',')} (env ${envName('etcdEndpoints')}): etcd cannot be reached; start etcd or fix the endpoints (${(err.cause as Error | undefined)?.message ?? err.message})`, { cause: err });
    }
    throw err;
  }
}
