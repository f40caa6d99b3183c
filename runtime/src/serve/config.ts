import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { TokenConfig } from '../api/index.js';
import { ConfigError } from './config-error.js';
import { mergeTokens, parseTokens, readTokensFile } from './tokens.js';

export { ConfigError };

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
  /** Wire versions switches may negotiate: 0x04 (1.3) by default. */
  readonly openflowVersions: readonly number[];
  readonly missSendLen: number;
  readonly echoIntervalMs: number;
  readonly echoTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxMessagesPerSecond: number;
  /** Per switch: bytes that may wait for a switch not taking them; beyond it commands to it are refused (SWITCH_BUSY). */
  readonly switchSendQueueBytes: number;
  /** TLS for OpenFlow: PEM file paths. `tlsCa` turns on client-certificate checks (mutual TLS). */
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
  readonly tlsCa: string | undefined;
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
  /** Built-in apps to start, e.g. ['learning-switch']. */
  readonly apps: readonly string[];
  readonly logLevel: string;
  /** 'pretty' for people, 'json' for machines; 'auto' picks pretty on a terminal. */
  readonly logFormat: 'auto' | 'pretty' | 'json';
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
  tlsCert: undefined,
  tlsKey: undefined,
  tlsCa: undefined,
  grpcHost: '0.0.0.0',
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
  apps: [],
  logLevel: 'info',
  logFormat: 'auto',
};

/** Built-in apps `--app` accepts. */
export const BUILT_IN_APPS = ['learning-switch'] as const;

const VERSION_NAMES: Readonly<Record<string, number>> = { '1.0': 0x01, '1.3': 0x04, '1.4': 0x05, '1.5': 0x06 };

/** "1.3,1.0" -> [0x04, 0x01]. */
export function parseVersions(text: string): number[] {
  return text.split(',').map((part) => {
    const v = VERSION_NAMES[part.trim()];
    if (v === undefined) throw new ConfigError(`unknown OpenFlow version "${part.trim()}": use ${Object.keys(VERSION_NAMES).join(', ')}`);
    return v;
  });
}

type Raw = Partial<Record<keyof ServeConfig, unknown>>;

/** Environment variables: SDN_RUNTIME_ + the option in upper snake case (SDN_RUNTIME_OPENFLOW_PORT). */
export function envName(key: keyof ServeConfig): string {
  return `SDN_RUNTIME_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** Options that only the config file may set. */
const FILE_ONLY: ReadonlySet<keyof ServeConfig> = new Set(['tokens']);

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

/** Checks and converts merged raw values (strings from flags/env, JSON values from a file). */
function normalize(raw: Raw): ServeConfig {
  const c = { ...DEFAULT_SERVE_CONFIG, ...raw } as Record<keyof ServeConfig, unknown>;
  const apps = list(c.apps);
  for (const app of apps) {
    if (!(BUILT_IN_APPS as readonly string[]).includes(app)) throw new ConfigError(`unknown app "${app}": built-in apps are ${BUILT_IN_APPS.join(', ')}`);
  }
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
    openflowVersions: Array.isArray(c.openflowVersions) && c.openflowVersions.every((v) => typeof v === 'number') ? (c.openflowVersions as number[]) : parseVersions(list(c.openflowVersions).join(',')),
    missSendLen: integer('missSendLen', c.missSendLen, 0, 0xffff),
    echoIntervalMs: integer('echoIntervalMs', c.echoIntervalMs, 100, 3_600_000),
    echoTimeoutMs: integer('echoTimeoutMs', c.echoTimeoutMs, 100, 3_600_000),
    handshakeTimeoutMs: integer('handshakeTimeoutMs', c.handshakeTimeoutMs, 100, 3_600_000),
    requestTimeoutMs: integer('requestTimeoutMs', c.requestTimeoutMs, 10, 3_600_000),
    maxMessagesPerSecond: integer('maxMessagesPerSecond', c.maxMessagesPerSecond, 0, 1e9),
    switchSendQueueBytes: integer('switchSendQueueBytes', c.switchSendQueueBytes, 1, 2 ** 31),
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
    apps,
    logLevel: String(c.logLevel),
    logFormat,
  };
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) throw new ConfigError('tlsCert and tlsKey go together: set both for OpenFlow over TLS, or neither');
  if (config.tlsCa !== undefined && config.tlsCert === undefined) throw new ConfigError('tlsCa needs tlsCert and tlsKey');
  if ((config.grpcTlsCert === undefined) !== (config.grpcTlsKey === undefined)) throw new ConfigError('grpcTlsCert and grpcTlsKey go together: set both for gRPC over TLS, or neither');
  if (config.grpcTlsCa !== undefined && config.grpcTlsCert === undefined) throw new ConfigError('grpcTlsCa needs grpcTlsCert and grpcTlsKey');
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
