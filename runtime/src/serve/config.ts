import { hostname } from 'node:os';
import type { TokenConfig } from '../api/index.js';
import { OFP_VERSION_NAMES } from '../openflow/constants.js';
import { HANDSHAKE_VERSIONS } from '../switch/connection-types.js';
import { DEFAULT_GRPC_HOST } from './exposure.js';

export { ConfigError } from './config-error.js';

/**
 * What `sdn-runtime serve` can be told, its defaults and environment names: what
 * the CLI needs to describe the command. Reading and checking a configuration
 * (load-config.ts) is kept apart: it checks token scopes, and through them loads
 * the gRPC API, which `--help` must not wait for.
 */

/** Everything `sdn-runtime serve` can be told. Times in milliseconds. */
export interface ServeConfig {
  readonly openflowHost: string;
  readonly openflowPort: number;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly dataDir: string;
  /** Folder of Wasm plugins (one subfolder each), loaded at start and watched; undefined: `<dataDir>/plugins`. */
  readonly pluginsDir: string | undefined;
  /** More folders `Plugins.Load` may read a path from (the plugins folder always); nothing else on the machine. */
  readonly pluginLoadDirs: readonly string[];
  /** Largest plugin component (file or upload) accepted, in bytes. */
  readonly pluginMaxBytes: number;
  /** Wire versions switches may negotiate: 0x04 (1.3), the only one whose handshake the runtime completes. */
  readonly openflowVersions: readonly number[];
  readonly missSendLen: number;
  readonly echoIntervalMs: number;
  readonly echoTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxMessagesPerSecond: number;
  /** Per switch: bytes that may wait for a switch not taking them; beyond it commands to it are refused (SWITCH_BUSY). */
  readonly switchSendQueueBytes: number;
  /**
   * OpenFlow connections open at once (handshaking or ready). Lowered at start to
   * leave SWITCH_FD_RESERVE file descriptors for the API, HTTP, the store and plugins.
   */
  readonly maxSwitchConnections: number;
  /** OpenFlow connections open at once from one source address. */
  readonly maxSwitchConnectionsPerSource: number;
  /** OpenFlow connections that have not finished the handshake, at once; each lasts at most handshakeTimeoutMs. */
  readonly maxSwitchHandshakes: number;
  /** TLS for OpenFlow: PEM file paths. `tlsCa` turns on client-certificate checks (mutual TLS). */
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
  readonly tlsCa: string | undefined;
  /** Loopback by default; any other address needs tokens or `grpcTlsCa` (exposure.ts). */
  readonly grpcHost: string;
  readonly grpcPort: number;
  /** TLS for the gRPC API: PEM file paths. `grpcTlsCa` requires client certificates (mutual TLS). */
  readonly grpcTlsCert: string | undefined;
  readonly grpcTlsKey: string | undefined;
  readonly grpcTlsCa: string | undefined;
  /** API tokens; from the config file only (never flags or env, which other users may read). */
  readonly tokens: readonly TokenConfig[];
  /** A JSON file with more tokens (same form as `tokens`); env SDN_RUNTIME_TOKENS_FILE. */
  readonly tokensFile: string | undefined;
  /** The node's name in the API (default: the host name). */
  readonly nodeId: string;
  /** Lifecycle events kept for event-stream clients that resume. */
  readonly eventLogSize: number;
  /** Per event-stream client: lifecycle events that may wait for credit before they are dropped (and a Gap sent). */
  readonly clientLifecycleQueue: number;
  /** Per event-stream client: packet-ins that may wait for credit before the oldest are shed. */
  readonly clientPacketInQueue: number;
  /** Per event-stream client: shortest time between two event batches while events keep coming (0: one batch per event-loop turn). */
  readonly clientBatchIntervalMs: number;
  /** The KV store: 'lmdb' (embedded, in `<dataDir>/kv`) or 'etcd' (an etcd v3 cluster). */
  readonly store: 'lmdb' | 'etcd';
  /** etcd members, `host:port` each (store 'etcd'). */
  readonly etcdEndpoints: readonly string[];
  /** The etcd key prefix the store's keys live under. */
  readonly etcdPrefix: string;
  /** TLS to etcd: PEM file paths. `etcdTlsCa` turns TLS on; cert + key add a client certificate. */
  readonly etcdTlsCa: string | undefined;
  readonly etcdTlsCert: string | undefined;
  readonly etcdTlsKey: string | undefined;
  /** etcd user; its password comes from `etcdPasswordFile` or env SDN_RUNTIME_ETCD_PASSWORD, never a flag. */
  readonly etcdUser: string | undefined;
  readonly etcdPasswordFile: string | undefined;
  /** From env or the config file only (a flag's value is visible to every user in the process list). */
  readonly etcdPassword: string | undefined;
  /**
   * Switch mastership: 'none' (this node controls every switch that connects to
   * it) or 'etcd' (several nodes share the switches; per switch one master,
   * elected in the etcd cluster of --store etcd: mastership/README.md).
   */
  readonly mastership: 'none' | 'etcd';
  /** The cluster's name: mastership keys live under /sdn-runtime/<cluster>/mastership/. */
  readonly cluster: string;
  /** The mastership lease's TTL, in whole seconds: a dead master's switches move after about this long. */
  readonly mastershipLeaseTtlSeconds: number;
  /**
   * How long a master keeps its claim on a switch whose connection to it dropped,
   * in ms (undefined: the lease TTL): a switch back within it (an ovs-vswitchd
   * restart) gets the same master and generation; after it the master resigns and
   * the first node the switch reconnects to wins. The switch has no master meanwhile.
   */
  readonly mastershipDisconnectGraceMs: number | undefined;
  /** Built-in apps to start, e.g. ['learning-switch']. */
  readonly apps: readonly string[];
  /** Link discovery and host tracking (runtime/src/topology); on unless `--no-topology` or `"topology": false`. */
  readonly topology: boolean;
  /** Time between two LLDP probes of one switch port; a link is down after 3 probes missed. */
  readonly topologyProbeIntervalMs: number;
  /** File holding the cluster secret that signs probes (the same on every node of a cluster, at least 16 bytes). */
  readonly topologySecretFile: string | undefined;
  /**
   * The cluster secret itself: config file or env SDN_RUNTIME_TOPOLOGY_SECRET only,
   * never a flag. With neither it nor a file, each run makes its own (logged as a warning).
   */
  readonly topologySecret: string | undefined;
  /** Flows one app may hold on one switch (0: no limit); docs/apps-sharing-a-switch.md. */
  readonly appFlowQuota: number;
  /** Per app name, a quota other than `appFlowQuota` (config file only). */
  readonly appFlowQuotas: Readonly<Record<string, number>>;
  /** App name -> app id (1..65534), for an app whose id must not depend on which names hash alike (config file only). */
  readonly appIds: Readonly<Record<string, number>>;
  /** How long an API client's flows outlive its event stream: a client back within it keeps them; after it they are deleted. */
  readonly appFlowGraceMs: number;
  /** One of LOG_LEVELS. */
  readonly logLevel: string;
  /** 'pretty' for people, 'json' for machines; 'auto' picks pretty on a terminal. */
  readonly logFormat: 'auto' | 'pretty' | 'json';
  /** The overlay between runtime nodes (serve/overlay-runner.ts) runs when `overlayPort` or `seeds` is given. */
  readonly overlayHost: string;
  /** Port of overlay links from other nodes; undefined with seeds: any free port. */
  readonly overlayPort: number | undefined;
  /** Nodes to dial at start, `ID@HOST:PORT` each (ID: the other node's 32-bit id, `nodeIdOf(its --node-id)`). */
  readonly seeds: readonly string[];
  /** More names of this node in the overlay (the Cluster service shows them). */
  readonly nodeAliases: readonly string[];
  /** Mutual TLS of overlay links: PEM file paths; the cluster CA signs every node's certificate, whose CN or DNS SAN names the node. */
  readonly overlayTlsCa: string | undefined;
  readonly overlayTlsCert: string | undefined;
  readonly overlayTlsKey: string | undefined;
  /** Plain TCP overlay links, allowed only with overlayHost and every seed on loopback. */
  readonly overlayInsecure: boolean;
}

export const DEFAULT_SERVE_CONFIG: ServeConfig = {
  openflowHost: '0.0.0.0',
  openflowPort: 6653,
  httpHost: '0.0.0.0',
  httpPort: 8080,
  dataDir: './.sdn-runtime',
  pluginsDir: undefined,
  pluginLoadDirs: [],
  pluginMaxBytes: 64 * 1024 * 1024,
  openflowVersions: [0x04],
  missSendLen: 0xffff,
  echoIntervalMs: 5_000,
  echoTimeoutMs: 15_000,
  handshakeTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  maxMessagesPerSecond: 0,
  switchSendQueueBytes: 4 * 1024 * 1024,
  maxSwitchConnections: 4096,
  maxSwitchConnectionsPerSource: 256,
  maxSwitchHandshakes: 512,
  tlsCert: undefined,
  tlsKey: undefined,
  tlsCa: undefined,
  grpcHost: DEFAULT_GRPC_HOST,
  grpcPort: 50051,
  grpcTlsCert: undefined,
  grpcTlsKey: undefined,
  grpcTlsCa: undefined,
  tokens: [],
  tokensFile: undefined,
  nodeId: hostname(),
  eventLogSize: 10_000,
  clientLifecycleQueue: 10_000,
  clientPacketInQueue: 1_000,
  clientBatchIntervalMs: 1,
  store: 'lmdb',
  etcdEndpoints: [],
  etcdPrefix: '/sdn-runtime/kv/',
  etcdTlsCa: undefined,
  etcdTlsCert: undefined,
  etcdTlsKey: undefined,
  etcdUser: undefined,
  etcdPasswordFile: undefined,
  etcdPassword: undefined,
  mastership: 'none',
  cluster: 'default',
  mastershipLeaseTtlSeconds: 2,
  mastershipDisconnectGraceMs: undefined,
  apps: [],
  topology: true,
  topologyProbeIntervalMs: 2000,
  topologySecretFile: undefined,
  topologySecret: undefined,
  appFlowQuota: 65_536,
  appFlowQuotas: {},
  appIds: {},
  appFlowGraceMs: 30_000,
  logLevel: 'info',
  logFormat: 'auto',
  overlayHost: '0.0.0.0',
  overlayPort: undefined,
  seeds: [],
  nodeAliases: [],
  overlayTlsCa: undefined,
  overlayTlsCert: undefined,
  overlayTlsKey: undefined,
  overlayInsecure: false,
};

/** pino's levels, most verbose first; 'silent' logs nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** The OpenFlow versions `openflowVersions` accepts, by name ("1.3"). */
export const SUPPORTED_OPENFLOW_VERSIONS: readonly string[] = HANDSHAKE_VERSIONS.map((v) => OFP_VERSION_NAMES[v]!);

/** Values of `--store`. */
export const KV_STORES = ['lmdb', 'etcd'] as const;

/** Values of `--mastership`. */
export const MASTERSHIP_KINDS = ['none', 'etcd'] as const;

/** Built-in apps `--app` accepts. */
export const BUILT_IN_APPS = ['learning-switch'] as const;

/** Environment variables: SDN_RUNTIME_ + the option in upper snake case (SDN_RUNTIME_OPENFLOW_PORT). */
export function envName(key: keyof ServeConfig): string {
  return `SDN_RUNTIME_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}
