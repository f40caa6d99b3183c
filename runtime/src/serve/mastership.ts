import type { Logger } from 'pino';
import type { EtcdMastership, MastershipError } from '../mastership/index.js';
import { oncePer } from '../observability/log-limit.js';
import type { RuntimeMetrics } from '../observability/metrics.js';
import { envName, type ServeConfig } from './config.js';
import { etcdTls } from './kv-store.js';
import { StartError } from './start-checks.js';

/** Longest a run of mastership etcd failures goes without a log line, in ms. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * Starts switch mastership for `--mastership etcd` (undefined for `none`): the
 * node's lease and the watch of who holds which switch, in the etcd cluster of
 * `--store etcd`. The etcd client is imported only here, on demand. etcd calls
 * that fail later are counted (`sdn_runtime_errors_total{cause="mastership_unavailable"}`)
 * and logged once a minute at most; safety does not depend on them (a master
 * whose lease cannot be renewed stops writing at its local deadline).
 * @throws StartError when etcd cannot be reached (naming the endpoints), or another live node has this node's name.
 */
export async function startMastership(config: ServeConfig, log: Logger, metrics: RuntimeMetrics): Promise<EtcdMastership | undefined> {
  if (config.mastership === 'none') return undefined;
  const { EtcdMastership } = await import('../mastership/campaign.js');
  let lastError: MastershipError | undefined;
  const logFailure = oncePer(FAILURE_LOG_INTERVAL_MS, (failures) =>
    log.warn({ err: lastError, failures, endpoints: config.etcdEndpoints }, 'mastership: etcd calls fail (a master whose lease is not renewed stops writing at its deadline)'),
  );
  const onEtcdError = (err: MastershipError): void => {
    metrics.errors.inc({ cause: 'mastership_unavailable' });
    lastError = err;
    logFailure();
  };
  try {
    const mastership = await EtcdMastership.start({
      endpoints: config.etcdEndpoints,
      tls: config.etcdTlsCa === undefined ? undefined : etcdTls(config.etcdTlsCa, config.etcdTlsCert, config.etcdTlsKey),
      auth: config.etcdUser === undefined || config.etcdPassword === undefined ? undefined : { user: config.etcdUser, password: config.etcdPassword },
      node: config.nodeId,
      cluster: config.cluster,
      leaseTtlSeconds: config.mastershipLeaseTtlSeconds,
      disconnectGraceMs: config.mastershipDisconnectGraceMs,
      onEtcdError,
    });
    log.info({ node: config.nodeId, cluster: config.cluster, leaseTtlSeconds: config.mastershipLeaseTtlSeconds, disconnectGraceMs: config.mastershipDisconnectGraceMs ?? config.mastershipLeaseTtlSeconds * 1000 }, 'mastership on etcd: switches are shared with the other nodes of the cluster');
    return mastership;
  } catch (err) {
    if ((err as MastershipError).code === 'MASTERSHIP_CONFLICT') throw new StartError(`--node-id ${config.nodeId} (env ${envName('nodeId')}): ${(err as Error).message}`, { cause: err });
    throw new StartError(`--mastership etcd: etcd at --etcd-endpoints ${config.etcdEndpoints.join(',')} (env ${envName('etcdEndpoints')}) cannot be reached: ${(err as Error).message}`, { cause: err });
  }
}
