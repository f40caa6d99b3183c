import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { ApiServer, clusterService, guardService, KV_METHOD_SCOPES, kvServiceImpl, pluginsService, PUBSUB_METHOD_SCOPES, pubSubServiceImpl, topologyGrpcService } from '../api/index.js';
import { learningSwitch } from '../apps/learning-switch.js';
import { startTopologyCluster, type TopologyCluster } from '../apps/topology-cluster.js';
import { topologyService, type TopologyService } from '../apps/topology-service.js';
import { Controller, EventBus, EventInterest, MergedDirectory, nodeIdOf, Ownership, SwitchRegistry, type App, type AppEvent, type SwitchDirectory } from '../core/index.js';
import { createHttpServer } from '../observability/http.js';
import type { LogDrops } from '../observability/logger.js';
import { RuntimeMetrics } from '../observability/metrics.js';
import { PluginManager } from '../plugins/index.js';
import { ClusterService } from '../generated/sdn/runtime/v1/cluster.js';
import { KVService } from '../generated/sdn/runtime/v1/kv.js';
import { PluginsService } from '../generated/sdn/runtime/v1/plugins.js';
import { PubSubService } from '../generated/sdn/runtime/v1/pubsub.js';
import { TopologyService as TopologyGrpcService } from '../generated/sdn/runtime/v1/topology.js';
import { InProcessBus, type PubSubBus } from '../pubsub/index.js';
import type { KvStore } from '../store/index.js';
import { OpenFlowServer } from '../switch/server.js';
import type { TopologyEvent, TopologyQuery } from '../topology/index.js';
import { WebView, webAccess } from '../web/index.js';
import { envName, type ServeConfig } from './config.js';
import { describeSurfaces, isLoopback } from './exposure.js';
import { openKvStore } from './kv-store.js';
import { startMastership } from './mastership.js';
import { ClusterBus } from './overlay-pubsub.js';
import type { OverlayRunner } from './overlay-runner.js';
import { createOverlay, readOverlayTls, startOverlay } from './overlay-start.js';
import { RemoteSwitchMetrics } from './remote-switch-metrics.js';
import { InterestAnnouncer } from './remote-switch-interest.js';
import { SwitchOwner } from './remote-switch-owner.js';
import { NodeEvents } from './node-events.js';
import { remoteSwitchDefaults, RemoteSwitches } from './remote-switches.js';
import { openFileLimit, SWITCH_FD_RESERVE, switchConnectionBudget } from './fd-limit.js';
import { listenError, prepareFolder, probeListen, readTlsFiles } from './start-checks.js';

/** A source refused for a connection limit is logged at most once per this many milliseconds. */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

/** Web view event streams: at most this many open, each at most this many unsent bytes behind. */
const WEB_SSE_LIMITS = { maxClients: 32, maxBufferBytes: 1024 * 1024 };
/** How often the web view samples flow counts and packet-in rates while a page watches. */
const WEB_STATS_INTERVAL_MS = 5_000;

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
  /** The links and hosts this node knows, with an overlay every node's (read-only queries); undefined with `topology: false`. */
  readonly topology: TopologyQuery | undefined;
  /** The web view on the HTTP port (`/`, `/api/v1/...`). */
  readonly web: WebView;
  /** The overlay to other runtime nodes, when `--overlay-port` or `--seeds` asked for it; its `port` is bound. */
  readonly overlay: OverlayRunner | undefined;
  stop(): Promise<void>;
}

/** App and reason pairs whose first refusal is logged. */
const MAX_LOGGED_REFUSALS = 1000;

/** The node's flow ownership from the config; each refusal counted, and logged once per app and reason. */
function ownershipOf(config: ServeConfig, log: Logger, metrics: RuntimeMetrics): Ownership {
  const logged = new Set<string>();
  const quota = (n: number): number => (n === 0 ? Infinity : n);
  return new Ownership({
    defaultQuota: quota(config.appFlowQuota),
    quotas: new Map(Object.entries(config.appFlowQuotas).map(([name, n]) => [name, quota(n)])),
    pinnedIds: new Map(Object.entries(config.appIds)),
    onRefused: (err) => {
      metrics.ownershipRefusals.inc({ app: err.app, reason: err.reason });
      const key = `${err.app}\0${err.reason}`;
      // Client app names are the clients' to choose: past the bound, refusals are only counted.
      if (logged.has(key) || logged.size >= MAX_LOGGED_REFUSALS) return;
      logged.add(key);
      log.warn({ app: err.app, reason: err.reason, detail: err.message }, 'app command refused to protect other apps\' flows (further ones of this app and reason are only counted)');
    },
  });
}

/**
 * The topology service (on unless `config.topology` is false): started before the
 * other apps, and claiming packet-ins on the bus so no app sees an LLDP frame.
 */
async function startTopology(config: ServeConfig, node: number, log: Logger, metrics: RuntimeMetrics, events: EventBus, controller: Controller, clusterBus: PubSubBus | undefined): Promise<{ service: TopologyService; cluster: TopologyCluster | undefined } | undefined> {
  if (!config.topology) return undefined;
  let secret: Buffer;
  if (config.topologySecret === undefined) {
    secret = randomBytes(32);
    log.warn(
      { option: 'topologySecretFile', env: envName('topologySecret') },
      'no topology secret configured: this run signs its LLDP probes with a secret of its own, so other nodes cannot verify them (links between nodes are not found, and with an overlay the nodes do not share their links and hosts); give every node the same secret',
    );
  } else {
    secret = Buffer.from(config.topologySecret, 'utf8');
  }
  let cluster: TopologyCluster | undefined;
  const onEvent = (e: TopologyEvent): void => cluster?.localEvent(e);
  const service = topologyService({ node, secret, probeIntervalMs: config.topologyProbeIntervalMs, registry: metrics.registry, publish: (e) => events.publish(e), onEvent });
  events.claimPacketIns(service.name, (e) => service.claimPacketIn(e));
  await controller.use(service);
  // A secret of this run alone: no other node could verify what this one announces, nor this one theirs.
  if (clusterBus !== undefined && config.topologySecret !== undefined) {
    // Every node announces what it learned; the others merge it (README "Across nodes"), refreshed once a link timeout.
    cluster = startTopologyCluster({
      node,
      secret,
      refreshIntervalMs: service.topology.linkTimeoutMs,
      local: service.topology,
      bus: clusterBus,
      registry: metrics.registry,
      publish: (e) => events.publish(e),
      log: log.child({ component: 'topology' }),
    });
  }
  return { service, cluster };
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
  const ownership = ownershipOf(config, log, metrics);
  // With an overlay, what this node's subscribers want is announced: other nodes send their switches' packet-ins by it.
  const interest = overlay === undefined ? undefined : new EventInterest();
  const events = new EventBus({ log, metrics, ownership, interest });
  let mastership: Awaited<ReturnType<typeof startMastership>>;
  try {
    mastership = await startMastership(config, log, metrics);
  } catch (err) {
    await ownStore?.close();
    throw err;
  }
  // With an overlay, this node's switch events also go to the other nodes, taken before the
  // bus routes them (ownership rewrites owned packet-ins); other nodes' switches join the directory.
  let owner: SwitchOwner | undefined;
  let remote: RemoteSwitches | undefined;
  const tap = {
    publish: (event: AppEvent): void => {
      owner?.onLocalEvent(event);
      // Before the bus: a remote switch this node just became master of goes down before it comes up here.
      remote?.onLocalEvent(event);
      events.publish(event);
    },
  };
  const registry = new SwitchRegistry({ node, log, metrics, bus: overlay === undefined ? events : tap, mastership });
  let switches: SwitchDirectory = registry;
  if (overlay !== undefined) {
    const remoteLog = log.child({ component: 'remote-switches' });
    const remoteMetrics = new RemoteSwitchMetrics(metrics.registry);
    new InterestAnnouncer(overlay, interest!, remoteLog, remoteMetrics);
    remote = new RemoteSwitches(overlay, events, remoteLog, remoteMetrics, remoteSwitchDefaults, registry);
    switches = new MergedDirectory(registry, remote);
    // Other nodes' apps' commands are confined here, in the scopes this node's apps get (over `switches`, as the Controller's).
    owner = new SwitchOwner(overlay, registry, remoteLog, remoteMetrics, { ownership, directory: switches });
    // Straight to the bus: other nodes learn of a node from their own overlay, not from this one.
    const nodeEvents = new NodeEvents(node, overlay.node, events);
    overlay.onOutput((output) => nodeEvents.onOutput(output));
  }
  const controller = new Controller({ node, log, switches, bus: events, ownership });
  const topologyParts = await startTopology(config, node, log, metrics, events, controller, overlay === undefined ? undefined : bus);
  const topology = topologyParts?.service;
  const topologyView: TopologyQuery | undefined = topologyParts?.cluster?.view ?? topology?.topology;
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
    appFlowGraceMs: config.appFlowGraceMs,
    nodeId: config.nodeId,
    version: packageVersion(),
    log,
    metrics,
    core: controller,
    bus,
    store,
    interest,
    node: () => ({ openflowPort, httpPort, apps: config.apps.length }),
  });

  api.addService(KVService, guardService(api.auth, 'KV', kvServiceImpl(store), KV_METHOD_SCOPES));
  api.addService(PubSubService, guardService(api.auth, 'PubSub', pubSubServiceImpl(bus), PUBSUB_METHOD_SCOPES));
  api.addService(TopologyGrpcService, topologyGrpcService({ auth: api.auth, log: log.child({ component: 'grpc' }), topology: topologyView }));
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
  // Before the OpenFlow listener, so the plugins found at start see the first switches
  // come up as they do (a plugin loaded later gets a switch-up for each connected switch).
  const plugins = new PluginManager({ dataDir: config.dataDir, pluginsDir: config.pluginsDir, loadDirs: config.pluginLoadDirs, maxComponentBytes: config.pluginMaxBytes, metrics, kv: store, pubsub: bus });
  await controller.use(plugins);
  await plugins.ready();
  const web = new WebView({
    node: { id: node, name: config.nodeId, version: packageVersion(), startedAtMs: started },
    access: webAccess(config.tokens.length),
    isLoopback,
    auth: api.auth,
    feed: api.hub,
    topology: topologyView,
    plugins,
    apps: [...(topology === undefined ? [] : [topology.name]), ...config.apps],
    appName: (id) => ownership.ids.nameOf(id),
    cluster: overlay?.node,
    sse: WEB_SSE_LIMITS,
    statsIntervalMs: WEB_STATS_INTERVAL_MS,
    registry: metrics.registry,
    log: log.child({ component: 'web' }),
  });
  await controller.use(web);
  const http = createHttpServer(
    metrics,
    () => ({ status: 'ok', switches: registry.list().length, uptimeSec: Math.round((Date.now() - started) / 1000) }),
    (req, res) => web.handle(req, res),
  );
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
    topologyParts?.cluster?.stop();
    await controller.stopApps();
    await overlay?.stop();
    if (openflowPort !== 0) await openflow.close();
    if (http.listening) http.close();
    await mastership?.close();
    await ownStore?.close();
    throw err;
  }
  const surfaces = describeSurfaces({
    openflow: { host: config.openflowHost, port: openflowPort, tls: tls !== undefined, clientCertificates: config.tlsCa !== undefined },
    http: { host: config.httpHost, port: httpPort, tokenCount: config.tokens.length },
    grpc: { host: config.grpcHost, port: grpcPort, tls: grpcTls !== undefined, clientCertificates: grpcTls?.ca !== undefined, tokenCount: config.tokens.length },
  });
  for (const { msg, ...fields } of surfaces) log.info(fields, msg);
  log.info(
    { openflow: `${config.openflowHost}:${openflowPort}`, tls: tls !== undefined, http: `${config.httpHost}:${httpPort}`, grpc: `${config.grpcHost}:${grpcPort}`, grpcTls: config.grpcTlsCert !== undefined, nodeId: config.nodeId, apps: config.apps, topology: topology !== undefined, plugins: plugins.pluginsDir },
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
    topology: topologyView,
    web,
    overlay,
    stop() {
      stopping ??= (async () => {
        pluginsApi.endWatches();
        await api.stop();
        await openflow.close();
        topologyParts?.cluster?.stop();
        await overlay?.stop();
        await controller.stopApps();
        const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await httpClosed;
        // After the switches: revoking the lease hands them to the other nodes at once.
        await mastership?.close();
        await ownStore?.close();
      })();
      return stopping;
    },
  };
}
