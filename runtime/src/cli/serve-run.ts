import { setLogger as setGrpcLogger } from '@grpc/grpc-js';
import { SdnError } from '../errors.js';
import { createLogger, LogDrops } from '../observability/logger.js';
import { ConfigError } from '../serve/config.js';
import { loadServeConfig } from '../serve/load-config.js';
import { startRuntime, type RunningRuntime } from '../serve/runtime.js';
import type { ServeFlags } from './serve.js';

/** Exit status of a start that failed on its configuration (2) or on the machine (1). */
export const EXIT_CONFIG = 2;
export const EXIT_ENVIRONMENT = 1;

/**
 * Runs `start`; a known failure (an SdnError) becomes one line on stderr and an
 * exit status instead of a stack trace. Anything else is a bug and propagates.
 */
async function startOrExplain<T>(start: () => Promise<T>): Promise<T | undefined> {
  try {
    return await start();
  } catch (err) {
    if (!(err instanceof SdnError)) throw err;
    process.stderr.write(`sdn-runtime serve: ${err.message}\n`);
    process.exitCode = err instanceof ConfigError ? EXIT_CONFIG : EXIT_ENVIRONMENT;
    return undefined;
  }
}

/**
 * What `sdn-runtime serve` does once its flags are parsed: the configuration,
 * the logger and the runtime, until SIGINT/SIGTERM. Imported by the command's
 * action only, so the other commands and --help never load the runtime.
 */
export async function runServe(flags: ServeFlags): Promise<void> {
  const started = await startOrExplain(async (): Promise<{ runtime: RunningRuntime; log: ReturnType<typeof createLogger> }> => {
    const config = loadServeConfig(
      {
        openflowHost: flags.openflowHost,
        openflowPort: flags.openflowPort,
        httpHost: flags.httpHost,
        httpPort: flags.httpPort,
        dataDir: flags.dataDir,
        pluginsDir: flags.pluginsDir,
        pluginLoadDirs: flags.pluginLoadDirs,
        pluginMaxBytes: flags.pluginMaxBytes,
        openflowVersions: flags.openflowVersions,
        missSendLen: flags.missSendLen,
        echoIntervalMs: flags.echoIntervalMs,
        echoTimeoutMs: flags.echoTimeoutMs,
        handshakeTimeoutMs: flags.handshakeTimeoutMs,
        requestTimeoutMs: flags.requestTimeoutMs,
        maxMessagesPerSecond: flags.maxMessagesPerSecond,
        switchSendQueueBytes: flags.switchSendQueueBytes,
        maxSwitchConnections: flags.maxSwitchConnections,
        maxSwitchConnectionsPerSource: flags.maxSwitchConnectionsPerSource,
        maxSwitchHandshakes: flags.maxSwitchHandshakes,
        tlsCert: flags.tlsCert,
        tlsKey: flags.tlsKey,
        tlsCa: flags.tlsCa,
        grpcHost: flags.grpcHost,
        grpcPort: flags.grpcPort,
        grpcTlsCert: flags.grpcTlsCert,
        grpcTlsKey: flags.grpcTlsKey,
        grpcTlsCa: flags.grpcTlsCa,
        nodeId: flags.nodeId,
        eventLogSize: flags.eventLogSize,
        clientLifecycleQueue: flags.clientLifecycleQueue,
        clientPacketInQueue: flags.clientPacketInQueue,
        clientBatchIntervalMs: flags.clientBatchIntervalMs,
        store: flags.store,
        etcdEndpoints: flags.etcdEndpoints,
        etcdPrefix: flags.etcdPrefix,
        etcdTlsCa: flags.etcdTlsCa,
        etcdTlsCert: flags.etcdTlsCert,
        etcdTlsKey: flags.etcdTlsKey,
        etcdUser: flags.etcdUser,
        etcdPasswordFile: flags.etcdPasswordFile,
        mastership: flags.mastership,
        cluster: flags.cluster,
        mastershipLeaseTtlSeconds: flags.mastershipLeaseTtlSeconds,
        mastershipDisconnectGraceMs: flags.mastershipDisconnectGraceMs,
        apps: flags.app,
        topology: flags.topology,
        topologyProbeIntervalMs: flags.topologyProbeIntervalMs,
        topologySecretFile: flags.topologySecretFile,
        appFlowQuota: flags.appFlowQuota,
        appFlowGraceMs: flags.appFlowGraceMs,
        logLevel: flags.logLevel,
        logFormat: flags.logFormat,
        overlayHost: flags.overlayHost,
        overlayPort: flags.overlayPort,
        seeds: flags.seeds,
        nodeAliases: flags.nodeAlias,
        overlayTlsCa: flags.overlayTlsCa,
        overlayTlsCert: flags.overlayTlsCert,
        overlayTlsKey: flags.overlayTlsKey,
        overlayInsecure: flags.overlayInsecure,
      },
      process.env,
      flags.config ?? process.env.SDN_RUNTIME_CONFIG,
    );
    const logDrops = new LogDrops();
    const log = createLogger(config.logLevel, config.logFormat, logDrops);
    // grpc-js writes its errors to stderr itself ("E No address added ..."); those that
    // matter reach us as errors we report once, so its own lines are debug detail.
    const grpcLog = log.child({ component: 'grpc-js' });
    setGrpcLogger({ error: (...args: unknown[]) => grpcLog.debug(args.map(String).join(' ')) });
    return { runtime: await startRuntime(config, log, { logDrops }), log };
  });
  if (started === undefined) return;
  const { runtime, log } = started;
  let signals = 0;
  const shutdown = (signal: string): void => {
    if (signals++ > 0) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    log.info({ signal }, 'shutting down');
    runtime.stop().then(
      () => {
        log.info('stopped');
        log.flush();
        process.exitCode = 0;
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
