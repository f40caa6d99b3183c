import type { Logger } from 'pino';
import { nodeIdOf } from '../core/index.js';
import type { RuntimeMetrics } from '../observability/metrics.js';
import type { ServeConfig } from './config.js';
import { hostPort } from './exposure.js';
import { overlayEnabled, overlaySeeds } from './overlay-config.js';
import { OverlayRunner, type OverlayTlsFiles } from './overlay-runner.js';
import { listenError, readTlsFiles } from './start-checks.js';

/**
 * The overlay's TLS files, read and checked (undefined: no overlay, or plain TCP
 * on loopback). Called with the other TLS files, before anything is opened.
 * @throws ConfigError for unusable TLS files.
 */
export function readOverlayTls(config: ServeConfig): OverlayTlsFiles | undefined {
  if (!overlayEnabled(config) || config.overlayTlsCert === undefined || config.overlayTlsKey === undefined || config.overlayTlsCa === undefined) return undefined;
  const files = readTlsFiles({ cert: '--overlay-tls-cert', key: '--overlay-tls-key', ca: '--overlay-tls-ca' }, { cert: config.overlayTlsCert, key: config.overlayTlsKey, ca: config.overlayTlsCa });
  return { cert: files.cert, key: files.key, ca: files.ca! };
}

/** The overlay runner `config` asks for, not yet listening (undefined: no `--overlay-port` and no `--seeds`). */
export function createOverlay(config: ServeConfig, tls: OverlayTlsFiles | undefined, log: Logger, metrics: RuntimeMetrics): OverlayRunner | undefined {
  if (!overlayEnabled(config)) return undefined;
  return new OverlayRunner({
    nodeId: nodeIdOf(config.nodeId),
    host: config.overlayHost,
    port: config.overlayPort ?? 0,
    seeds: overlaySeeds(config, config.nodeId),
    aliases: config.nodeAliases,
    tls,
    log: log.child({ component: 'overlay' }),
    registry: metrics.registry,
  });
}

/**
 * Binds the overlay listener and starts the node; logs where, how links are
 * authenticated, and this node's id (what other nodes' `--seeds` name).
 * @throws StartError naming --overlay-host/--overlay-port when it cannot bind.
 */
export async function startOverlay(overlay: OverlayRunner, config: ServeConfig, log: Logger): Promise<number> {
  const port = await overlay.start().catch((err: unknown) => {
    throw listenError(err, '--overlay-host', '--overlay-port', config.overlayHost, config.overlayPort ?? 0);
  });
  const address = hostPort(config.overlayHost, port);
  const tls = config.overlayTlsCa !== undefined;
  log.info(
    { surface: 'overlay', address, tls, authentication: tls ? 'client certificate' : 'none', overlayNodeId: overlay.node.nodeId, seeds: config.seeds },
    `overlay listening on ${address}: ${tls ? 'mutual TLS, peers need a certificate signed by --overlay-tls-ca naming their node' : 'plain TCP on loopback (--overlay-insecure), peers are not authenticated'}; this node is ${overlay.node.nodeId}@${address}`,
  );
  return port;
}
