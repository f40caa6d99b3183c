import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import { OFP_VERSION_NAMES } from '../openflow/index.js';
import { HANDSHAKE_VERSIONS } from '../switch/connection-types.js';
import { BUILT_IN_APPS, DEFAULT_SERVE_CONFIG, envName, KV_STORES, LOG_LEVELS, MASTERSHIP_KINDS, SUPPORTED_OPENFLOW_VERSIONS, type ServeConfig } from './config.js';
import { MIN_SECRET_BYTES } from '../topology/index.js';
import { checkApiExposure } from './exposure.js';
import { overlaySettings } from './overlay-config.js';
import { mergeTokens, parseTokens, readTokensFile } from './tokens.js';

/** The effective `serve` configuration from the config file, environment variables and flags, checked. */

function checkVersion(version: number, given: string): number {
  if (HANDSHAKE_VERSIONS.includes(version)) return version;
  const known = OFP_VERSION_NAMES[version] === undefined ? 'is not an OpenFlow version' : 'is not supported: the runtime completes the switch handshake only';
  throw new ConfigError(`openflowVersions: "${given}" ${known} for OpenFlow ${SUPPORTED_OPENFLOW_VERSIONS.join(', ')}`);
}

/** "1.3" -> [0x04]; a config file may also give wire numbers ([4]). Only versions in SUPPORTED_OPENFLOW_VERSIONS pass. */
export function parseVersions(value: unknown): number[] {
  const parts = Array.isArray(value) ? value : String(value).split(',');
  const versions = parts.map((part) => {
    if (typeof part === 'number') return checkVersion(part, String(part));
    const name = String(part).trim();
    const entry = Object.entries(OFP_VERSION_NAMES).find(([, n]) => n === name);
    return checkVersion(entry === undefined ? -1 : Number(entry[0]), name);
  });
  if (versions.length === 0) throw new ConfigError(`openflowVersions must name at least one version (${SUPPORTED_OPENFLOW_VERSIONS.join(', ')})`);
  return versions;
}

type Raw = Partial<Record<keyof ServeConfig, unknown>>;

/** Options that only the config file may set. */
const FILE_ONLY: ReadonlySet<keyof ServeConfig> = new Set(['tokens', 'appFlowQuotas', 'appIds']);

function fromEnv(env: NodeJS.ProcessEnv): Raw {
  const raw: Raw = {};
  for (const key of Object.keys(DEFAULT_SERVE_CONFIG) as (keyof ServeConfig)[]) {
    if (FILE_ONLY.has(key)) continue;
    const value = env[envName(key)];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  return raw;
}

function fromFile(path: string): Raw {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(`config file ${path} must hold a JSON object`);
  for (const key of Object.keys(parsed)) {
    if (!(key in DEFAULT_SERVE_CONFIG)) throw new ConfigError(`config file ${path}: unknown option "${key}" (options: ${Object.keys(DEFAULT_SERVE_CONFIG).join(', ')})`);
  }
  return parsed as Raw;
}

function integer(key: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function nonEmpty(key: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(`${key} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** `host:port` with a port from 1 to 65535. */
function endpoints(value: unknown): string[] {
  const parsed = list(value);
  for (const endpoint of parsed) {
    const match = /^(.+):(\d+)$/.exec(endpoint);
    if (match === null || Number(match[2]) < 1 || Number(match[2]) > 65535) throw new ConfigError(`etcdEndpoints: "${endpoint}" is not host:port`);
  }
  return parsed;
}

function boolean(key: string, value: unknown): boolean {
  if (value === true || value === 'true' || value === '1') return true;
  if (value === false || value === 'false' || value === '0') return false;
  throw new ConfigError(`${key} must be true or false, got ${JSON.stringify(value)}`);
}

/** A JSON object of app name -> integer from `min` to `max`. */
function perApp(key: string, value: unknown, min: number, max: number): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${key} must be an object of app name -> number, got ${JSON.stringify(value)}`);
  return Object.fromEntries(Object.entries(value).map(([name, n]) => [name, integer(`${key}.${name}`, n, min, max)]));
}

/** Bytes of a password file read at most: a password, not a file that happens to be there. */
const MAX_PASSWORD_FILE_BYTES = 4096;

/** The probe-signing secret from `topologySecret` or `topologySecretFile` (not both); undefined when neither is set. */
function topologySecret(secret: string | undefined, file: string | undefined): string | undefined {
  if (secret !== undefined && file !== undefined) throw new ConfigError(`topologySecretFile and topologySecret (env ${envName('topologySecret')}) both set: use one`);
  const value = file === undefined ? secret : readSecretFile('topologySecretFile', file);
  if (value !== undefined && Buffer.byteLength(value) < MIN_SECRET_BYTES) throw new ConfigError(`the topology secret is ${Buffer.byteLength(value)} bytes; at least ${MIN_SECRET_BYTES} are needed`);
  return value;
}

function readPassword(path: string): string {
  return readSecretFile('etcdPasswordFile', path);
}

/** A one-line secret from a file (a trailing newline is not part of it), at most MAX_PASSWORD_FILE_BYTES. */
function readSecretFile(key: string, path: string): string {
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${key}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (text.length > MAX_PASSWORD_FILE_BYTES) throw new ConfigError(`${key}: ${path} holds ${text.length} bytes; a secret file holds at most ${MAX_PASSWORD_FILE_BYTES}`);
  const secret = text.toString('utf8').replace(/\r?\n$/, '');
  if (secret === '') throw new ConfigError(`${key}: ${path} is empty`);
  return secret;
}

interface EtcdSettings {
  store: ServeConfig['store'];
  etcdEndpoints: string[];
  etcdPrefix: string;
  etcdTlsCa: string | undefined;
  etcdTlsCert: string | undefined;
  etcdTlsKey: string | undefined;
  etcdUser: string | undefined;
  etcdPasswordFile: string | undefined;
  etcdPassword: string | undefined;
}

function etcdSettings(c: Record<keyof ServeConfig, unknown>, optionalPath: (v: unknown) => string | undefined): EtcdSettings {
  const store = String(c.store);
  if (!(KV_STORES as readonly string[]).includes(store)) throw new ConfigError(`--store "${store}" (env ${envName('store')}, config "store") is not a store: use ${KV_STORES.join(', ')}`);
  const settings: EtcdSettings = {
    store: store as ServeConfig['store'],
    etcdEndpoints: endpoints(c.etcdEndpoints),
    etcdPrefix: nonEmpty('etcdPrefix', c.etcdPrefix),
    etcdTlsCa: optionalPath(c.etcdTlsCa),
    etcdTlsCert: optionalPath(c.etcdTlsCert),
    etcdTlsKey: optionalPath(c.etcdTlsKey),
    etcdUser: optionalPath(c.etcdUser),
    etcdPasswordFile: optionalPath(c.etcdPasswordFile),
    etcdPassword: optionalPath(c.etcdPassword),
  };
  if (settings.store === 'etcd' && settings.etcdEndpoints.length === 0) throw new ConfigError(`--store etcd needs --etcd-endpoints host:port,... (env ${envName('etcdEndpoints')})`);
  if ((settings.etcdTlsCert === undefined) !== (settings.etcdTlsKey === undefined)) throw new ConfigError('etcdTlsCert and etcdTlsKey go together: set both for a client certificate, or neither');
  if (settings.etcdTlsCert !== undefined && settings.etcdTlsCa === undefined) throw new ConfigError('etcdTlsCert needs etcdTlsCa (TLS to etcd)');
  if (settings.etcdPasswordFile !== undefined && settings.etcdPassword !== undefined) throw new ConfigError(`etcdPasswordFile and ${envName('etcdPassword')} both set: use one`);
  if (settings.etcdPasswordFile !== undefined) settings.etcdPassword = readPassword(settings.etcdPasswordFile);
  if ((settings.etcdUser === undefined) !== (settings.etcdPassword === undefined)) throw new ConfigError(`etcdUser needs a password (etcdPasswordFile or env ${envName('etcdPassword')}), and a password needs etcdUser`);
  return settings;
}

function mastershipSettings(c: Record<keyof ServeConfig, unknown>, store: ServeConfig['store']): Pick<ServeConfig, 'mastership' | 'cluster' | 'mastershipLeaseTtlSeconds' | 'mastershipDisconnectGraceMs'> {
  const mastership = String(c.mastership);
  if (!(MASTERSHIP_KINDS as readonly string[]).includes(mastership)) throw new ConfigError(`--mastership "${mastership}" (env ${envName('mastership')}, config "mastership") is not a kind: use ${MASTERSHIP_KINDS.join(', ')}`);
  if (mastership === 'etcd' && store !== 'etcd') throw new ConfigError('--mastership etcd needs --store etcd (the nodes elect masters in that etcd cluster)');
  const cluster = nonEmpty('cluster', c.cluster);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(cluster)) throw new ConfigError(`cluster "${cluster}" must be 1 to 64 letters, digits, '.', '_' or '-' (it is part of etcd keys)`);
  const grace = c.mastershipDisconnectGraceMs;
  return {
    mastership: mastership as ServeConfig['mastership'],
    cluster,
    mastershipLeaseTtlSeconds: integer('mastershipLeaseTtlSeconds', c.mastershipLeaseTtlSeconds, 2, 60),
    mastershipDisconnectGraceMs: grace === undefined || grace === '' ? undefined : integer('mastershipDisconnectGraceMs', grace, 0, 600_000),
  };
}

/** Checks and converts merged raw values (strings from flags/env, JSON values from a file). */
function normalize(raw: Raw): ServeConfig {
  const c = { ...DEFAULT_SERVE_CONFIG, ...raw } as Record<keyof ServeConfig, unknown>;
  const apps = list(c.apps);
  for (const app of apps) {
    if (!(BUILT_IN_APPS as readonly string[]).includes(app)) throw new ConfigError(`unknown app "${app}": built-in apps are ${BUILT_IN_APPS.join(', ')}`);
  }
  const logLevel = String(c.logLevel);
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new ConfigError(`--log-level "${logLevel}" (env ${envName('logLevel')}, config "logLevel") is not a level: use ${LOG_LEVELS.join(', ')}`);
  const logFormat = String(c.logFormat);
  if (logFormat !== 'auto' && logFormat !== 'pretty' && logFormat !== 'json') throw new ConfigError(`logFormat must be auto, pretty or json, got "${logFormat}"`);
  const optionalPath = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));
  const config: ServeConfig = {
    openflowHost: String(c.openflowHost),
    openflowPort: integer('openflowPort', c.openflowPort, 0, 65535),
    httpHost: String(c.httpHost),
    httpPort: integer('httpPort', c.httpPort, 0, 65535),
    dataDir: String(c.dataDir),
    pluginsDir: optionalPath(c.pluginsDir),
    pluginLoadDirs: list(c.pluginLoadDirs),
    pluginMaxBytes: integer('pluginMaxBytes', c.pluginMaxBytes, 1024, 2 ** 31),
    openflowVersions: parseVersions(c.openflowVersions),
    missSendLen: integer('missSendLen', c.missSendLen, 0, 0xffff),
    echoIntervalMs: integer('echoIntervalMs', c.echoIntervalMs, 100, 3_600_000),
    echoTimeoutMs: integer('echoTimeoutMs', c.echoTimeoutMs, 100, 3_600_000),
    handshakeTimeoutMs: integer('handshakeTimeoutMs', c.handshakeTimeoutMs, 100, 3_600_000),
    requestTimeoutMs: integer('requestTimeoutMs', c.requestTimeoutMs, 10, 3_600_000),
    maxMessagesPerSecond: integer('maxMessagesPerSecond', c.maxMessagesPerSecond, 0, 1e9),
    switchSendQueueBytes: integer('switchSendQueueBytes', c.switchSendQueueBytes, 1, 2 ** 31),
    maxSwitchConnections: integer('maxSwitchConnections', c.maxSwitchConnections, 1, 1_000_000),
    maxSwitchConnectionsPerSource: integer('maxSwitchConnectionsPerSource', c.maxSwitchConnectionsPerSource, 1, 1_000_000),
    maxSwitchHandshakes: integer('maxSwitchHandshakes', c.maxSwitchHandshakes, 1, 1_000_000),
    tlsCert: optionalPath(c.tlsCert),
    tlsKey: optionalPath(c.tlsKey),
    tlsCa: optionalPath(c.tlsCa),
    grpcHost: String(c.grpcHost),
    grpcPort: integer('grpcPort', c.grpcPort, 0, 65535),
    grpcTlsCert: optionalPath(c.grpcTlsCert),
    grpcTlsKey: optionalPath(c.grpcTlsKey),
    grpcTlsCa: optionalPath(c.grpcTlsCa),
    tokens: mergeTokens([parseTokens(c.tokens, 'tokens'), ...(optionalPath(c.tokensFile) === undefined ? [] : [readTokensFile(String(c.tokensFile))])]),
    tokensFile: optionalPath(c.tokensFile),
    nodeId: nonEmpty('nodeId', c.nodeId),
    eventLogSize: integer('eventLogSize', c.eventLogSize, 1, 10_000_000),
    clientLifecycleQueue: integer('clientLifecycleQueue', c.clientLifecycleQueue, 1, 10_000_000),
    clientPacketInQueue: integer('clientPacketInQueue', c.clientPacketInQueue, 1, 10_000_000),
    clientBatchIntervalMs: integer('clientBatchIntervalMs', c.clientBatchIntervalMs, 0, 1000),
    ...etcdSettings(c, optionalPath),
    ...mastershipSettings(c, String(c.store) as ServeConfig['store']),
    apps,
    topology: boolean('topology', c.topology),
    topologyProbeIntervalMs: integer('topologyProbeIntervalMs', c.topologyProbeIntervalMs, 100, 3_600_000),
    topologySecretFile: optionalPath(c.topologySecretFile),
    topologySecret: topologySecret(optionalPath(c.topologySecret), optionalPath(c.topologySecretFile)),
    appFlowQuota: integer('appFlowQuota', c.appFlowQuota, 0, 1e9),
    appFlowQuotas: perApp('appFlowQuotas', c.appFlowQuotas, 0, 1e9),
    appIds: perApp('appIds', c.appIds, 1, 65534),
    appFlowGraceMs: integer('appFlowGraceMs', c.appFlowGraceMs, 0, 86_400_000),
    logLevel,
    logFormat,
    ...overlaySettings(c, String(c.nodeId), optionalPath),
  };
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) throw new ConfigError('tlsCert and tlsKey go together: set both for OpenFlow over TLS, or neither');
  if (config.tlsCa !== undefined && config.tlsCert === undefined) throw new ConfigError('tlsCa needs tlsCert and tlsKey');
  if ((config.grpcTlsCert === undefined) !== (config.grpcTlsKey === undefined)) throw new ConfigError('grpcTlsCert and grpcTlsKey go together: set both for gRPC over TLS, or neither');
  if (config.grpcTlsCa !== undefined && config.grpcTlsCert === undefined) throw new ConfigError('grpcTlsCa needs grpcTlsCert and grpcTlsKey');
  checkApiExposure({ grpcHost: config.grpcHost, grpcTlsCa: config.grpcTlsCa, tokenCount: config.tokens.length });
  if (config.echoTimeoutMs <= config.echoIntervalMs) throw new ConfigError(`echoTimeoutMs (${config.echoTimeoutMs}) must be larger than echoIntervalMs (${config.echoIntervalMs})`);
  return config;
}

/**
 * The effective configuration: embedded defaults, then the config file, then
 * environment variables, then command-line flags (each overriding the one before).
 */
export function loadServeConfig(flags: Raw, env: NodeJS.ProcessEnv, configFile: string | undefined): ServeConfig {
  const file = configFile === undefined ? {} : fromFile(configFile);
  const defined = (raw: Raw): Raw => Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as Raw;
  return normalize({ ...file, ...fromEnv(env), ...defined(flags) });
}
