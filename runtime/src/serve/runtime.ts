import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { ApiServer, clusterService, guardService, KV_METHOD_SCOPES, kvServiceImpl, pluginsService, PUBSUB_METHOD_SCOPES, pubSubServiceImpl } from '../api/index.js';
import { learningSwitch } from '../apps/learning-switch.js';
import { Controller, EventBus, nodeIdOf, SwitchRegistry, type App, type SwitchDirectory } from '../core/index.js';
import { createHttpServer } from '../observability/http.js';
import type { LogDrops } from '../observability/logger.js';
import { RuntimeMetrics } from '../observability/metrics.js';
import { PluginManager } from '../plugins/index.js';
import { ClusterService } from '../generated/sdn/runtime/v1/cluster.js';
import { KVService } from '../generated/sdn/runtime/v1/kv.js';
import { PluginsService } from '../generated/sdn/runtime/v1/plugins.js';
import { PubSubService } from '../generated/sdn/runtime/v1/pubsub.js';
import { InProcessBus, type PubSubBus } from '../pubsub/index.js';
import type { KvStore } from '../store/index.js';
import { OpenFlowServer } from '../switch/server.js';
import { envName, type ServeConfig } from './config.js';
import { describeSurfaces } from './exposure.js';
import { openKvStore } from './kv-store.js';
import { ClusterBus } from './overlay-pubsub.js';
import type { OverlayRunner } from './overlay-runner.js';
import { createOverlay, readOverlayTls, startOverlay } from './overlay-start.js';
import { openFileLimit, SWITCH_FD_RESERVE, switchConnectionBudget } from './fd-limit.js';
import { listenError, prepareFolder, probeListen, readTlsFiles } from './start-checks.js';

/** A source refused for a connection limit is logged at most once per this many milliseconds. */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

/** Services the runtime offers to apps when they exist (the KV store, the pubsub bus). */
export interface RuntimeServices {
  readonly bus?: PubSubBus;
  readonly store?: KvStore;
  /** What the logger dropped (createLogger's `drops`), reported as metrics. */
  readonly logDrops?: LogDrops;
}

/** A running runtime node; `stop()` shuts it down cleanly. */
export interface RunningRuntime {
  readonly config: ServeConfig;
  /** The in-process apps. */
  readonly controller: Controller;
  /** The switches of this node. */
  readonly switches: SwitchDirectory;
  readonly metrics: RuntimeMetrics;
  /** Bound ports (differ from the config when it asked for port 0). */
  readonly openflowPort: number;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly api: ApiServer;
  /** The Wasm plugin host, loading and watching `config.pluginsDir`. */
  readonly plugins: PluginManager;
  /** The overlay to other runtime nodes, when `--overlay-port` or `--seeds` asked for it; its `port` is bound. */
  readonly overlay: OverlayRunner | undefined;
  stop(): Promise<void>;
}

function builtInApp(name: string): App {
  switch (name) {
    case 'learning-switch':
      return learningSwitch();
    default:
      throw new Error(`no built-in app called ${name}`);
  }
}

async function listenHttp(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : port;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * Wires a runtime node from its configuration: the one place where the logger,
 * metrics, controller, OpenFlow listener, gRPC API, HTTP server, apps and the
 * plugin host are created. Logs one line per listener (where, TLS, who is
 * authenticated), then "sdn-runtime serving".
 * @throws ConfigError for unusable TLS files; StartError for an unusable data
 * folder or a listener that cannot bind (nothing started is left running).
 */
export async function startRuntime(config: ServeConfig, log: Logger, services: RuntimeServices = {}): Promise<RunningRuntime> {
  const started = Date.now();
  // What can be wrong with the options is found before anything is opened.
  const grpcTls = config.grpcTlsCert === undefined || config.grpcTlsKey === undefined ? undefined : readTlsFiles({ cert: '--grpc-tls-cert', key: '--grpc-tls-key', ca: '--grpc-tls-ca' }, { cert: config.grpcTlsCert, key: config.grpcTlsKey, ca: config.grpcTlsCa });
  const overlayTls = readOverlayTls(config);
  const openflowTls = config.tlsCert === undefined || config.tlsKey === undefined ? undefined : readTlsFiles({ cert: '--tls-cert', key: '--tls-key', ca: '--tls-ca' }, { cert: config.tlsCert, key: config.tlsKey, ca: config.tlsCa });
  // Both before anything creates folders with mkdir -p, which loops for ever under /proc.
  prepareFolder({ flag: '--data-dir', env: envName('dataDir'), key: 'dataDir' }, config.dataDir);
  if (config.pluginsDir !== undefined) prepareFolder({ flag: '--plugins-dir', env: envName('pluginsDir'), key: 'pluginsDir' }, config.pluginsDir);
  // The embedded KV store and pubsub bus unless the caller brings its own.
  const metrics = new RuntimeMetrics();
  const overlay = createOverlay(config, overlayTls, log, metrics);
  const ownStore = services.store === undefined ? await openKvStore(config, log, metrics) : undefined;
  const store = services.store ?? ownStore!;
  const localBus = services.bus ?? new InProcessBus();
  // Pubsub reaches subscribers on other nodes through the overlay, when there is one.
  const bus = overlay === undefined ? localBus : new ClusterBus(localBus, overlay, log.child({ component: 'overlay' }));
  if (services.logDrops !== undefined) metrics.countLogDrops(services.logDrops);
  // Derived once from the node's name: the same on every start (core/node.ts).
  const node = nodeIdOf(config.nodeId);
  const events = new EventBus({ log, metrics });
  const registry = new SwitchRegistry({ node, log, metrics, bus: events });
  const controller = new Controller({ node, log, switches: registry, bus: events });
  for (const name of config.apps) await controller.use(builtInApp(name));
  let openflowPort = 0;
  let httpPort = 0;
  // Before the OpenFlow listener: the event log must see the first switch come up.
  const api = await ApiServer.create({
    host: config.grpcHost,
    port: config.grpcPort,
    tls: grpcTls,
    tokens: config.tokens,
    eventLogSize: config.eventLogSize,
    limits: { lifecycle: config.clientLifecycleQueue, packetIns: config.clientPacketInQueue },
    batchIntervalMs: config.clientBatchIntervalMs,
    nodeId: config.nodeId,
    version: packageVersion(),
    log,
    metrics,
    core: controller,
    bus,
    store,
    node: () => ({ openflowPort, httpPort, apps: config.apps.length }),
  });

  api.addService(KVService, guardService(api.auth, 'KV', kvServiceImpl(store), KV_METHOD_SCOPES));
  api.addService(PubSubService, guardService(api.auth, 'PubSub', pubSubServiceImpl(bus), PUBSUB_METHOD_SCOPES));
  api.addService(ClusterService, clusterService({ auth: api.auth, log: log.child({ component: 'grpc' }), nodeId: node, overlay: overlay?.node }));

  const tls =
    openflowTls === undefined
      ? undefined
      : { cert: openflowTls.cert, key: openflowTls.key, ...(openflowTls.ca === undefined ? {} : { ca: openflowTls.ca, requestCert: true, rejectUnauthorized: true }) };
  const fdLimit = openFileLimit();
  const maxSwitchConnections = switchConnectionBudget(config.maxSwitchConnections, fdLimit);
  if (maxSwitchConnections < config.maxSwitchConnections) {
    log.warn({ configured: config.maxSwitchConnections, used: maxSwitchConnections, openFileLimit: fdLimit, reserve: SWITCH_FD_RESERVE }, `maxSwitchConnections lowered to ${maxSwitchConnections}: the open-file limit is ${fdLimit} and ${SWITCH_FD_RESERVE} are kept for the API, HTTP and the store (raise the limit with ulimit -n)`);
  }
  const openflow = new OpenFlowServer(
    {
      host: config.openflowHost,
      port: config.openflowPort,
      tls,
      tickMs: Math.min(250, Math.floor(config.echoIntervalMs / 4)),
      connection: {
        versions: config.openflowVersions,
        missSendLen: config.missSendLen,
        echoIntervalMs: config.echoIntervalMs,
        echoTimeoutMs: config.echoTimeoutMs,
        handshakeTimeoutMs: config.handshakeTimeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
        maxMessagesPerSecond: config.maxMessagesPerSecond,
        maxSendQueueBytes: config.switchSendQueueBytes,
      },
      limits: { maxConnections: maxSwitchConnections, maxPerSource: config.maxSwitchConnectionsPerSource, maxHandshakes: config.maxSwitchHandshakes, logIntervalMs: REFUSAL_LOG_INTERVAL_MS },
      log: log.child({ component: 'openflow' }),
      metrics,
    },
    registry,
  );
  const http = createHttpServer(metrics, () => ({ status: 'ok', switches: registry.list().length, uptimeSec: Math.round((Date.now() - started) / 1000) }));
  // Before the OpenFlow listener, so the plugins found at start see the first switches
  // come up as they do (a plugin loaded later gets a switch-up for each connected switch).
  const plugins = new PluginManager({ dataDir: config.dataDir, pluginsDir: config.pluginsDir, loadDirs: config.pluginLoadDirs, maxComponentBytes: config.pluginMaxBytes, metrics, kv: store, pubsub: bus });
  await controller.use(plugins);
  await plugins.ready();
  const pluginsApi = pluginsService({ auth: api.auth, log: log.child({ component: 'grpc' }), plugins });
  api.addService(PluginsService, pluginsApi.implementation);
  let grpcPort: number;
  try {
    openflowPort = await openflow.listen().catch((err: unknown) => {
      throw listenError(err, '--openflow-host', '--openflow-port', config.openflowHost, config.openflowPort);
    });
    httpPort = await listenHttp(http, config.httpHost, config.httpPort).catch((err: unknown) => {
      throw listenError(err, '--http-host', '--http-port', config.httpHost, config.httpPort);
    });
    if (overlay !== undefined) await startOverlay(overlay, config, log);
    grpcPort = await api.listen().catch(async (err: unknown) => {
      // grpc-js says why only in its message; a plain bind of the same address gives the errno.
      throw listenError((await probeListen(config.grpcHost, config.grpcPort)) ?? err, '--grpc-host', '--grpc-port', config.grpcHost, config.grpcPort);
    });
  } catch (err) {
    // A port in use: nothing started here may keep the process alive (the plugins folder watcher, listeners).
    await controller.stopApps();
    await overlay?.stop();
    if (openflowPort !== 0) await openflow.close();
    if (http.listening) http.close();
    await ownStore?.close();
    throw err;
  }
  const surfaces = describeSurfaces({
    openflow: { host: config.openflowHost, port: openflowPort, tls: tls !== undefined, clientCertificates: config.tlsCa !== undefined },
    http: { host: config.httpHost, port: httpPort },
    grpc: { host: config.grpcHost, port: grpcPort, tls: grpcTls !== undefined, clientCertificates: grpcTls?.ca !== undefined, tokenCount: config.tokens.length },
  });
  for (const { msg, ...fields } of surfaces) log.info(fields, msg);
  log.info(
    { openflow: `${config.openflowHost}:${openflowPort}`, tls: tls !== undefined, http: `${config.httpHost}:${httpPort}`, grpc: `${config.grpcHost}:${grpcPort}`, grpcTls: config.grpcTlsCert !== undefined, nodeId: config.nodeId, apps: config.apps, plugins: plugins.pluginsDir },
    'sdn-runtime serving',
  );

  let stopping: Promise<void> | undefined;
  return {
    config,
    controller,
    switches: registry,
    metrics,
    openflowPort,
    httpPort,
    grpcPort,
    api,
    plugins,
    overlay,
    stop() {
      stopping ??= (async () => {
        pluginsApi.endWatches();
        await api.stop();
        await openflow.close();
        await overlay?.stop();
        await controller.stopApps();
        const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await httpClosed;
        await ownStore?.close();
      })();
      return stopping;
    },
  };
}
