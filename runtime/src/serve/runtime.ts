import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { ApiServer, pluginsService } from '../api/index.js';
import { learningSwitch } from '../apps/learning-switch.js';
import type { App } from '../core/app-types.js';
import { Controller } from '../core/controller.js';
import { createHttpServer } from '../observability/http.js';
import type { LogDrops } from '../observability/logger.js';
import { RuntimeMetrics } from '../observability/metrics.js';
import { PluginManager } from '../plugins/index.js';
import type { PubSubBus } from '../pubsub/types.js';
import { guardService } from '../api/guard.js';
import { KVService } from '../generated/sdn/runtime/v1/kv.js';
import { PluginsService } from '../generated/sdn/runtime/v1/plugins.js';
import { PubSubService } from '../generated/sdn/runtime/v1/pubsub.js';
import { InProcessBus } from '../pubsub/bus.js';
import { PUBSUB_METHOD_SCOPES, pubSubServiceImpl } from '../pubsub/pubsub-service.js';
import { KV_METHOD_SCOPES, kvServiceImpl } from '../store/kv-service.js';
import { LmdbKvStore } from '../store/lmdb-store.js';
import type { KvStore } from '../store/types.js';
import { OpenFlowServer } from '../switch/server.js';
import type { ServeConfig } from './config.js';

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
  readonly controller: Controller;
  readonly metrics: RuntimeMetrics;
  /** Bound ports (differ from the config when it asked for port 0). */
  readonly openflowPort: number;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly api: ApiServer;
  /** The Wasm plugin host, loading and watching `config.pluginsDir`. */
  readonly plugins: PluginManager;
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
 * plugin host are created.
 */
export async function startRuntime(config: ServeConfig, log: Logger, services: RuntimeServices = {}): Promise<RunningRuntime> {
  const started = Date.now();
  mkdirSync(config.dataDir, { recursive: true });
  // The embedded KV store and pubsub bus unless the caller brings its own.
  const ownStore = services.store === undefined ? await LmdbKvStore.open({ dataDir: config.dataDir, onWatchHandlerError: (err) => log.error({ err }, 'a KV watch handler threw; its watch is closed') }) : undefined;
  const store = services.store ?? ownStore!;
  const bus = services.bus ?? new InProcessBus();
  const metrics = new RuntimeMetrics();
  if (services.logDrops !== undefined) metrics.countLogDrops(services.logDrops);
  const controller = new Controller(log, metrics);
  for (const name of config.apps) await controller.use(builtInApp(name));
  let openflowPort = 0;
  let httpPort = 0;
  // Before the OpenFlow listener: the event log must see the first switch come up.
  const api = await ApiServer.create({
    host: config.grpcHost,
    port: config.grpcPort,
    tls:
      config.grpcTlsCert === undefined || config.grpcTlsKey === undefined
        ? undefined
        : { cert: readFileSync(config.grpcTlsCert), key: readFileSync(config.grpcTlsKey), ca: config.grpcTlsCa === undefined ? undefined : readFileSync(config.grpcTlsCa) },
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

  const tls =
    config.tlsCert === undefined || config.tlsKey === undefined
      ? undefined
      : {
          cert: readFileSync(config.tlsCert),
          key: readFileSync(config.tlsKey),
          ...(config.tlsCa === undefined ? {} : { ca: readFileSync(config.tlsCa), requestCert: true, rejectUnauthorized: true }),
        };
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
    },
    controller,
  );
  const http = createHttpServer(metrics, () => ({ status: 'ok', switches: controller.switches().length, uptimeSec: Math.round((Date.now() - started) / 1000) }));
  // Before the OpenFlow listener, so the plugins found at start see the first switches
  // come up as they do (a plugin loaded later gets a switch-up for each connected switch).
  const plugins = new PluginManager({ dataDir: config.dataDir, pluginsDir: config.pluginsDir, loadDirs: config.pluginLoadDirs, maxComponentBytes: config.pluginMaxBytes, metrics, kv: store, pubsub: bus });
  await controller.use(plugins);
  await plugins.ready();
  const pluginsApi = pluginsService({ auth: api.auth, log: log.child({ component: 'grpc' }), plugins });
  api.addService(PluginsService, pluginsApi.implementation);
  let grpcPort: number;
  try {
    openflowPort = await openflow.listen();
    httpPort = await listenHttp(http, config.httpHost, config.httpPort);
    grpcPort = await api.listen();
  } catch (err) {
    // A port in use: nothing started here may keep the process alive (the plugins folder watcher, listeners).
    await controller.stopApps();
    if (openflowPort !== 0) await openflow.close();
    if (http.listening) http.close();
    await ownStore?.close();
    throw err;
  }
  log.info(
    { openflow: `${config.openflowHost}:${openflowPort}`, tls: tls !== undefined, http: `${config.httpHost}:${httpPort}`, grpc: `${config.grpcHost}:${grpcPort}`, grpcTls: config.grpcTlsCert !== undefined, nodeId: config.nodeId, apps: config.apps, plugins: plugins.pluginsDir },
    'sdn-runtime serving',
  );

  let stopping: Promise<void> | undefined;
  return {
    config,
    controller,
    metrics,
    openflowPort,
    httpPort,
    grpcPort,
    api,
    plugins,
    stop() {
      stopping ??= (async () => {
        pluginsApi.endWatches();
        await api.stop();
        await openflow.close();
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
