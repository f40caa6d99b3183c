import { createLogger } from '../observability/logger.js';
import { loadServeConfig } from '../serve/load-config.js';
import { startRuntime } from '../serve/runtime.js';
import type { ServeFlags } from './serve.js';

/**
 * What `sdn-runtime serve` does once its flags are parsed: the configuration,
 * the logger and the runtime, until SIGINT/SIGTERM. Imported by the command's
 * action only, so the other commands and --help never load the runtime.
 */
export async function runServe(flags: ServeFlags): Promise<void> {
  const config = loadServeConfig(
    {
      openflowHost: flags.openflowHost,
      openflowPort: flags.openflowPort,
      httpHost: flags.httpHost,
      httpPort: flags.httpPort,
      dataDir: flags.dataDir,
      pluginsDir: flags.pluginsDir,
      openflowVersions: flags.openflowVersions,
      missSendLen: flags.missSendLen,
      echoIntervalMs: flags.echoIntervalMs,
      echoTimeoutMs: flags.echoTimeoutMs,
      handshakeTimeoutMs: flags.handshakeTimeoutMs,
      requestTimeoutMs: flags.requestTimeoutMs,
      maxMessagesPerSecond: flags.maxMessagesPerSecond,
      switchSendQueueBytes: flags.switchSendQueueBytes,
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
      apps: flags.app,
      logLevel: flags.logLevel,
      logFormat: flags.logFormat,
    },
    process.env,
    flags.config ?? process.env.SDN_RUNTIME_CONFIG,
  );
  const log = createLogger(config.logLevel, config.logFormat);
  const runtime = await startRuntime(config, log);
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
