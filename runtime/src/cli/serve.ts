import { Option, type Command } from 'commander';
import { BUILT_IN_APPS, DEFAULT_SERVE_CONFIG, envName, KV_STORES, LOG_LEVELS, MASTERSHIP_KINDS, SUPPORTED_OPENFLOW_VERSIONS, type ServeConfig } from '../serve/config.js';
import { SWITCH_FD_RESERVE } from '../serve/fd-limit.js';
// The constants alone (not the codec's index): `--help` must not load the codec.
import { OFP_VERSION_NAMES } from '../openflow/constants.js';

/** The flags of `serve` as commander hands them to the action. */
export interface ServeFlags {
  config?: string;
  openflowHost?: string;
  openflowPort?: string;
  httpHost?: string;
  httpPort?: string;
  dataDir?: string;
  pluginsDir?: string;
  pluginLoadDirs?: string;
  pluginMaxBytes?: string;
  openflowVersions?: string;
  missSendLen?: string;
  echoIntervalMs?: string;
  echoTimeoutMs?: string;
  handshakeTimeoutMs?: string;
  requestTimeoutMs?: string;
  maxMessagesPerSecond?: string;
  switchSendQueueBytes?: string;
  maxSwitchConnections?: string;
  maxSwitchConnectionsPerSource?: string;
  maxSwitchHandshakes?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  grpcHost?: string;
  grpcPort?: string;
  grpcTlsCert?: string;
  grpcTlsKey?: string;
  grpcTlsCa?: string;
  nodeId?: string;
  eventLogSize?: string;
  clientLifecycleQueue?: string;
  clientPacketInQueue?: string;
  clientBatchIntervalMs?: string;
  store?: string;
  etcdEndpoints?: string;
  etcdPrefix?: string;
  etcdTlsCa?: string;
  etcdTlsCert?: string;
  etcdTlsKey?: string;
  etcdUser?: string;
  etcdPasswordFile?: string;
  mastership?: string;
  cluster?: string;
  mastershipLeaseTtlSeconds?: string;
  mastershipDisconnectGraceMs?: string;
  app?: string[];
  /** false for --no-topology, undefined without it (see the option). */
  topology?: boolean;
  topologyProbeIntervalMs?: string;
  topologySecretFile?: string;
  appFlowQuota?: string;
  appFlowGraceMs?: string;
  logLevel?: string;
  logFormat?: string;
  overlayHost?: string;
  overlayPort?: string;
  seeds?: string;
  nodeAlias?: string[];
  overlayTlsCa?: string;
  overlayTlsCert?: string;
  overlayTlsKey?: string;
  overlayInsecure?: boolean;
}

/** One flag per config option; its help names the env variable and the default. */
function option(flags: string, key: keyof ServeConfig, help: string, shownDefault?: string): Option {
  const fallback = DEFAULT_SERVE_CONFIG[key];
  const shown = shownDefault ?? (Array.isArray(fallback) ? fallback.join(',') || 'none' : String(fallback ?? 'unset'));
  return new Option(flags, `${help} [env ${envName(key)}] (default: ${shown})`);
}

/** `sdn-runtime serve`: runs a runtime node until SIGINT/SIGTERM. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the runtime: accept OpenFlow switches, serve the gRPC API, metrics and health over HTTP')
    .addOption(new Option('-c, --config <file>', 'JSON config file; flags and env variables override it [env SDN_RUNTIME_CONFIG]'))
    .addOption(option('--openflow-port <port>', 'openflowPort', 'TCP port switches connect to'))
    .addOption(option('--openflow-host <host>', 'openflowHost', 'address the OpenFlow listener binds'))
    .addOption(option('--http-port <port>', 'httpPort', 'HTTP port for /metrics and /healthz'))
    .addOption(option('--http-host <host>', 'httpHost', 'address the HTTP server binds'))
    .addOption(option('--data-dir <dir>', 'dataDir', 'folder for the runtime\'s state'))
    .addOption(option('--plugins-dir <dir>', 'pluginsDir', 'folder of Wasm plugins (a subfolder with plugin.json each), loaded at start and watched', '<data-dir>/plugins'))
    .addOption(option('--plugin-load-dirs <list>', 'pluginLoadDirs', 'more folders (comma-separated) that Plugins.Load and `plugin load PATH` may read plugins from; paths elsewhere are refused', 'only the plugins folder'))
    .addOption(option('--plugin-max-bytes <bytes>', 'pluginMaxBytes', 'largest plugin component (file or upload) accepted'))
    .addOption(option('--openflow-versions <list>', 'openflowVersions', `OpenFlow versions to negotiate, comma-separated; supported: ${SUPPORTED_OPENFLOW_VERSIONS.join(', ')}`, DEFAULT_SERVE_CONFIG.openflowVersions.map((v) => OFP_VERSION_NAMES[v]).join(',')))
    .addOption(option('--miss-send-len <bytes>', 'missSendLen', 'bytes of a table-miss packet sent to the controller (65535: whole packet)'))
    .addOption(option('--echo-interval-ms <ms>', 'echoIntervalMs', 'send ECHO_REQUEST to a switch silent this long'))
    .addOption(option('--echo-timeout-ms <ms>', 'echoTimeoutMs', 'declare a switch dead when silent this long'))
    .addOption(option('--handshake-timeout-ms <ms>', 'handshakeTimeoutMs', 'drop a switch that has not finished the handshake by then'))
    .addOption(option('--request-timeout-ms <ms>', 'requestTimeoutMs', 'fail a request the switch has not answered by then'))
    .addOption(option('--max-messages-per-second <n>', 'maxMessagesPerSecond', 'per-switch message budget; above it PACKET_INs are shed, and a switch over it for 5 s is disconnected (0: no limit)'))
    .addOption(option('--switch-send-queue-bytes <bytes>', 'switchSendQueueBytes', 'per switch: bytes that may wait for a switch not taking them; beyond it commands to that switch are refused (clients get UNAVAILABLE)'))
    .addOption(option('--max-switch-connections <n>', 'maxSwitchConnections', `OpenFlow connections open at once; more are closed as they arrive (lowered to the open-file limit minus ${SWITCH_FD_RESERVE}, kept for the API)`))
    .addOption(option('--max-switch-connections-per-source <n>', 'maxSwitchConnectionsPerSource', 'OpenFlow connections open at once from one IP address'))
    .addOption(option('--max-switch-handshakes <n>', 'maxSwitchHandshakes', 'OpenFlow connections that have not finished the handshake, at once (each lasts at most --handshake-timeout-ms)'))
    .addOption(option('--tls-cert <file>', 'tlsCert', 'PEM certificate: OpenFlow over TLS'))
    .addOption(option('--tls-key <file>', 'tlsKey', 'PEM private key of --tls-cert'))
    .addOption(option('--tls-ca <file>', 'tlsCa', 'PEM CA bundle: switches must present a certificate it signed (mutual TLS)'))
    .addOption(option('--grpc-port <port>', 'grpcPort', 'TCP port of the gRPC API (events, commands, switches)'))
    .addOption(option('--grpc-host <host>', 'grpcHost', 'address the gRPC API binds; other than loopback it needs tokens or --grpc-tls-ca'))
    .addOption(option('--grpc-tls-cert <file>', 'grpcTlsCert', 'PEM certificate: gRPC over TLS'))
    .addOption(option('--grpc-tls-key <file>', 'grpcTlsKey', 'PEM private key of --grpc-tls-cert'))
    .addOption(option('--grpc-tls-ca <file>', 'grpcTlsCa', 'PEM CA bundle: gRPC clients must present a certificate it signed (mutual TLS)'))
    .addOption(option('--node-id <name>', 'nodeId', 'this node\'s name in the API', 'the host name'))
    .addOption(option('--event-log-size <n>', 'eventLogSize', 'lifecycle events kept for event-stream clients that resume'))
    .addOption(option('--client-lifecycle-queue <n>', 'clientLifecycleQueue', 'per client: lifecycle events that may wait for credit before they are dropped (the client gets a Gap)'))
    .addOption(option('--client-packet-in-queue <n>', 'clientPacketInQueue', 'per client: packet-ins that may wait for credit before the oldest are shed'))
    .addOption(option('--client-batch-interval-ms <ms>', 'clientBatchIntervalMs', 'per client: shortest time between two event batches while events keep coming (0: a batch per event-loop turn)'))
    .addOption(option('--store <store>', 'store', `the KV store: ${KV_STORES.join(' (embedded, in <data-dir>/kv) or ')} (an etcd v3 cluster)`))
    .addOption(option('--etcd-endpoints <list>', 'etcdEndpoints', 'etcd members for --store etcd, host:port comma-separated'))
    .addOption(option('--etcd-prefix <prefix>', 'etcdPrefix', 'etcd key prefix the KV store\'s keys live under'))
    .addOption(option('--etcd-tls-ca <file>', 'etcdTlsCa', 'PEM CA bundle that signed the etcd members\' certificates: TLS to etcd'))
    .addOption(option('--etcd-tls-cert <file>', 'etcdTlsCert', 'PEM client certificate for etcd (with --etcd-tls-key)'))
    .addOption(option('--etcd-tls-key <file>', 'etcdTlsKey', 'PEM private key of --etcd-tls-cert'))
    .addOption(option('--etcd-user <name>', 'etcdUser', `etcd user; its password from --etcd-password-file or env ${envName('etcdPassword')}, never a flag`))
    .addOption(option('--etcd-password-file <file>', 'etcdPasswordFile', 'file holding the etcd user\'s password'))
    .addOption(option('--mastership <kind>', 'mastership', `${MASTERSHIP_KINDS.join(' or ')}: with etcd, several nodes share the switches (set-controller to all of them); per switch one master, elected in the --store etcd cluster`))
    .addOption(option('--cluster <name>', 'cluster', 'the cluster\'s name in etcd keys (nodes of one cluster share switches)'))
    .addOption(option('--mastership-lease-ttl-seconds <s>', 'mastershipLeaseTtlSeconds', 'lease TTL of a master: its switches move about this long after it dies'))
    .addOption(option('--mastership-disconnect-grace-ms <ms>', 'mastershipDisconnectGraceMs', 'how long a master keeps a switch whose connection dropped (an ovs-vswitchd restart within it keeps master and generation)', 'the lease TTL'))
    .addOption(option('--app <name...>', 'apps', `built-in app to run (${BUILT_IN_APPS.join(', ')}); repeatable`))
    // With --topology declared too, commander sets no default for --no-topology; alone it would set
    // true, overriding "topology": false from env or the config file.
    .addOption(new Option('--topology').hideHelp())
    .addOption(option('--no-topology', 'topology', 'turn off link discovery (LLDP probes out of every switch port) and host tracking'))
    .addOption(option('--topology-probe-interval-ms <ms>', 'topologyProbeIntervalMs', 'time between two LLDP probes of one switch port; a link is down after 3 missed'))
    .addOption(option('--topology-secret-file <file>', 'topologySecretFile', `file holding the cluster secret that signs probes (same on every node, >= 16 bytes; or env ${envName('topologySecret')}, never a flag)`, 'a secret made for each run'))
    .addOption(option('--app-flow-quota <n>', 'appFlowQuota', 'flows one app may hold on one switch; more are refused (0: no limit; per app: appFlowQuotas in the config file)'))
    .addOption(option('--app-flow-grace-ms <ms>', 'appFlowGraceMs', 'how long an API client\'s flows outlive its event stream before they are deleted (a client back in time keeps them)'))
    .addOption(option('--log-level <level>', 'logLevel', LOG_LEVELS.join(', ')))
    .addOption(option('--log-format <format>', 'logFormat', 'auto (pretty on a terminal), pretty or json'))
    .addOption(option('--overlay-port <port>', 'overlayPort', 'TCP port of overlay links from other runtime nodes; the overlay runs when this or --seeds is given (0: any free port)', 'off'))
    .addOption(option('--overlay-host <host>', 'overlayHost', 'address the overlay listener binds'))
    .addOption(option('--seeds <list>', 'seeds', 'runtime nodes to join, ID@HOST:PORT comma-separated (ID: the 32-bit node id the other node logs at start)'))
    .addOption(option('--node-alias <name...>', 'nodeAliases', 'another name of this node in the overlay; repeatable'))
    .addOption(option('--overlay-tls-ca <file>', 'overlayTlsCa', 'PEM cluster CA: overlay peers must present a certificate it signed (mutual TLS)'))
    .addOption(option('--overlay-tls-cert <file>', 'overlayTlsCert', 'PEM certificate of this node, signed by the cluster CA; its CN or a DNS SAN is this node\'s --node-id'))
    .addOption(option('--overlay-tls-key <file>', 'overlayTlsKey', 'PEM private key of --overlay-tls-cert'))
    .addOption(option('--overlay-insecure', 'overlayInsecure', 'plain TCP overlay links without TLS: only with --overlay-host and every seed on loopback'))
    .addHelpText(
      'after',
      `
Precedence: flags > environment variables > config file > embedded defaults.

API tokens are read from the config file ("tokens": [{ "name", "token" or
"tokenFile", "scopes" }]) or from the JSON file named by SDN_RUNTIME_TOKENS_FILE
(or "tokensFile"), never from flags. Scopes: events:read, flows:write, kv:read,
kv:write, pubsub, admin. Without tokens the API is open to every client that
can connect, so it binds loopback only (--grpc-host 127.0.0.1): binding another
address needs tokens or client certificates (--grpc-tls-ca). See docs/security.md.

Exit status: 2 for a configuration error, 1 when the machine does not allow the
start (a port in use, a data folder that cannot be written); one line on stderr
says which option and what to do.

Examples:
  sdn-runtime serve                                  OpenFlow on 6653, HTTP on 8080, gRPC on 127.0.0.1:50051
  sdn-runtime serve --app learning-switch            hosts behind connected switches can talk
  sdn-runtime serve --plugins-dir ./plugins          load and watch the plugins in ./plugins
  sdn-runtime serve --store etcd --etcd-endpoints 10.0.0.1:2379,10.0.0.2:2379,10.0.0.3:2379
  sdn-runtime serve --store etcd --etcd-endpoints ... --mastership etcd --node-id a   one of 3 nodes sharing switches (docs/ha.md)
  sdn-runtime serve --openflow-port 16653 --http-port 18080 --grpc-port 15051
  SDN_RUNTIME_LOG_FORMAT=json sdn-runtime serve -c runtime.json`,
    )
    // The runtime (gRPC, store, logging, metrics, plugin host) loads only when it runs.
    .action(async (flags: ServeFlags) => (await import('./serve-run.js')).runServe(flags));
}
