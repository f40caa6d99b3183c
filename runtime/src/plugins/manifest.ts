import { dirname, join } from 'node:path';
import { WIT_EVENT_KINDS, type WitEventKind } from '../core/index.js';
import { PluginManifestError } from './errors.js';

/** Host capabilities a manifest may grant; `log` and `clock` are always granted. */
export const CAPABILITIES = ['openflow', 'pubsub', 'kv-read', 'kv-write'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Event kinds, named as the WIT `event` variant cases (core/event-kinds.ts). */
export const EVENT_KINDS = WIT_EVENT_KINDS;
export type EventKind = WitEventKind;

export interface PluginLimits {
  /** Time one `handle` call may take, in milliseconds. */
  readonly deadlineMs: number;
  /** Cap on the component's linear memory, in MiB. */
  readonly memoryMiB: number;
  /** Commands one batch may produce (returned and sent together); the rest are cut and counted. */
  readonly maxCommandsPerBatch: number;
  /** Events in one `handle` call. */
  readonly maxBatchSize: number;
  /** Flows the plugin may hold on one switch (docs/apps-sharing-a-switch.md); 0: the runtime's `appFlowQuota`. */
  readonly maxFlows: number;
}

export interface PluginSubscriptions {
  readonly kinds: ReadonlySet<EventKind>;
  /** Only these switches; empty: every switch. */
  readonly dpids: ReadonlySet<bigint>;
  /** Pubsub subject patterns delivered as `message` events. */
  readonly topics: readonly string[];
  /** Key prefixes (UTF-8) whose changes are delivered as `kv-change` events. */
  readonly kvPrefixes: readonly string[];
}

/** A validated plugin.json. */
export interface PluginManifest {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the component file. */
  readonly componentPath: string;
  readonly capabilities: ReadonlySet<Capability>;
  readonly subscriptions: PluginSubscriptions;
  readonly limits: PluginLimits;
  /** The `config` value as JSON text, passed to `initialize`. */
  readonly config: string;
  /** The only switches its commands may go to; undefined: every switch. */
  readonly switches: ReadonlySet<bigint> | undefined;
  /** The only keys (UTF-8 prefixes) kv-read and kv-write reach; undefined: every key. */
  readonly kvPrefixes: readonly string[] | undefined;
}

export const DEFAULT_LIMITS: PluginLimits = { deadlineMs: 100, memoryMiB: 64, maxCommandsPerBatch: 1024, maxBatchSize: 64, maxFlows: 0 };

const LIMIT_RANGES: Readonly<Record<keyof PluginLimits, readonly [number, number]>> = {
  deadlineMs: [1, 60_000],
  memoryMiB: [1, 4096],
  maxCommandsPerBatch: [1, 100_000],
  maxBatchSize: [1, 4096],
  maxFlows: [0, 1_000_000_000],
};

const TOP_LEVEL = ['name', 'version', 'component', 'capabilities', 'switches', 'kvPrefixes', 'subscriptions', 'limits', 'config'];
const SUBSCRIPTION_KEYS = ['kinds', 'dpids', 'topics', 'kvPrefixes'];
const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/;
const DPID = /^[0-9a-fA-F]{1,16}$/;
const SUBJECT_TOKEN = /^[^\s.*>]+$/;

type Json = Record<string, unknown>;

/** Longest quote of a manifest's own text in an error: the manifest may be anything a client sent. */
const QUOTE_CHARS = 40;

function quote(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length <= QUOTE_CHARS ? text : `${text.slice(0, QUOTE_CHARS)}... (${text.length} characters)`;
}

/** A field name taken from the manifest's keys, bounded like a quote. */
function key(k: string): string {
  return k.length <= QUOTE_CHARS ? k : `${k.slice(0, QUOTE_CHARS)}...`;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses and validates the text of a plugin.json found at `path` (the component
 * path is resolved against the folder of `path`). Strict: an unknown field, a
 * wrong type, a value out of range or a contradiction (subscribing to `message`
 * without the `pubsub` capability) is a PluginManifestError naming the field.
 */
export function parseManifest(text: string, path: string): PluginManifest {
  const fail = (field: string, detail: string): never => {
    throw new PluginManifestError(path, field, detail);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // V8's message quotes the text, which may be any file or upload: say how long it is, not what it says.
    return fail('', `not valid JSON (${text.length} characters)`);
  }
  if (!isObject(raw)) return fail('', 'must hold a JSON object');
  for (const k of Object.keys(raw)) if (!TOP_LEVEL.includes(k)) fail(key(k), `unknown field (fields: ${TOP_LEVEL.join(', ')})`);

  const name = raw.name;
  if (typeof name !== 'string' || !NAME.test(name)) fail('name', `must be lowercase letters, digits and '-', starting with a letter, at most 63 characters; got ${quote(name)}`);
  const version = raw.version;
  if (typeof version !== 'string' || !VERSION.test(version)) fail('version', `must be a version text like "1.2.0"; got ${quote(version)}`);
  const component = raw.component;
  if (typeof component !== 'string' || !/^[^/\\]+\.wasm$/.test(component) || component.startsWith('.')) {
    fail('component', `must be the name of a .wasm file in the plugin's folder; got ${quote(component)}`);
  }

  const capabilities = new Set<Capability>();
  const caps = raw.capabilities ?? [];
  if (!Array.isArray(caps)) fail('capabilities', 'must be a list');
  (caps as unknown[]).forEach((c, i) => {
    if (!(CAPABILITIES as readonly unknown[]).includes(c)) fail(`capabilities[${i}]`, `unknown capability ${quote(c)} (capabilities: ${CAPABILITIES.join(', ')}; log and clock are always granted)`);
    if (capabilities.has(c as Capability)) fail(`capabilities[${i}]`, `${String(c)} is listed twice`);
    capabilities.add(c as Capability);
  });

  const switches = raw.switches === undefined ? undefined : parseDpids(raw.switches, 'switches', fail);
  const kvPrefixes = raw.kvPrefixes === undefined ? undefined : parsePrefixes(raw.kvPrefixes, 'kvPrefixes', fail);
  const subscriptions = parseSubscriptions(raw.subscriptions, capabilities, fail);
  if (kvPrefixes !== undefined) {
    subscriptions.kvPrefixes.forEach((p, i) => {
      if (!kvPrefixes.some((allowed) => p.startsWith(allowed))) fail(`subscriptions.kvPrefixes[${i}]`, `${quote(p)} is outside the kvPrefixes the plugin may read`);
    });
  }
  const limits = parseLimits(raw.limits, fail);
  const config = JSON.stringify(raw.config ?? {});
  return { name: name as string, version: version as string, componentPath: join(dirname(path), component as string), capabilities, subscriptions, limits, config, switches, kvPrefixes };
}

function parseDpids(value: unknown, field: string, fail: (field: string, detail: string) => never): Set<bigint> {
  if (!Array.isArray(value)) fail(field, 'must be a list');
  const dpids = new Set<bigint>();
  (value as unknown[]).forEach((d, i) => {
    if (typeof d !== 'string' || !DPID.test(d)) fail(`${field}[${i}]`, `must be a datapath id as 1 to 16 hex digits; got ${quote(d)}`);
    dpids.add(BigInt(`0x${d as string}`));
  });
  return dpids;
}

function parsePrefixes(value: unknown, field: string, fail: (field: string, detail: string) => never): string[] {
  if (!Array.isArray(value)) fail(field, 'must be a list');
  return (value as unknown[]).map((p, i) => {
    if (typeof p !== 'string' || p === '') fail(`${field}[${i}]`, `must be a non-empty key prefix; got ${quote(p)}`);
    return p as string;
  });
}

function parseSubscriptions(value: unknown, capabilities: ReadonlySet<Capability>, fail: (field: string, detail: string) => never): PluginSubscriptions {
  if (value === undefined) return { kinds: new Set(), dpids: new Set(), topics: [], kvPrefixes: [] };
  if (!isObject(value)) return fail('subscriptions', 'must be an object');
  for (const k of Object.keys(value)) if (!SUBSCRIPTION_KEYS.includes(k)) fail(`subscriptions.${key(k)}`, `unknown field (fields: ${SUBSCRIPTION_KEYS.join(', ')})`);
  const list = (field: string): unknown[] => {
    const v = value[field] ?? [];
    if (!Array.isArray(v)) fail(`subscriptions.${field}`, 'must be a list');
    return v as unknown[];
  };
  const kinds = new Set<EventKind>();
  list('kinds').forEach((k, i) => {
    if (!(EVENT_KINDS as readonly unknown[]).includes(k)) fail(`subscriptions.kinds[${i}]`, `unknown event kind ${quote(k)} (kinds: ${EVENT_KINDS.join(', ')})`);
    kinds.add(k as EventKind);
  });
  const dpids = parseDpids(list('dpids'), 'subscriptions.dpids', fail);
  const topics = list('topics').map((t, i) => {
    const tokens = typeof t === 'string' ? t.split('.') : [];
    const ok = tokens.length > 0 && tokens.every((tok, j) => tok === '*' || (tok === '>' && j === tokens.length - 1) || SUBJECT_TOKEN.test(tok));
    if (!ok) fail(`subscriptions.topics[${i}]`, `must be a subject pattern like "topology.*" or "stats.>"; got ${quote(t)}`);
    return t as string;
  });
  const kvPrefixes = parsePrefixes(list('kvPrefixes'), 'subscriptions.kvPrefixes', fail);
  if (kinds.has('message') !== topics.length > 0) fail('subscriptions.topics', 'the "message" kind and topics go together: list topics to receive messages, and subscribe to "message" to list topics');
  if (kinds.has('message') && !capabilities.has('pubsub')) fail('subscriptions.kinds', 'receiving "message" events needs the pubsub capability');
  if (kinds.has('kv-change') !== kvPrefixes.length > 0) fail('subscriptions.kvPrefixes', 'the "kv-change" kind and kvPrefixes go together');
  if (kinds.has('kv-change') && !capabilities.has('kv-read')) fail('subscriptions.kinds', 'receiving "kv-change" events needs the kv-read capability');
  return { kinds, dpids, topics, kvPrefixes };
}

function parseLimits(value: unknown, fail: (field: string, detail: string) => never): PluginLimits {
  if (value === undefined) return DEFAULT_LIMITS;
  if (!isObject(value)) return fail('limits', 'must be an object');
  const limits: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(value)) {
    const range = LIMIT_RANGES[k as keyof PluginLimits];
    if (range === undefined) fail(`limits.${key(k)}`, `unknown limit (limits: ${Object.keys(LIMIT_RANGES).join(', ')})`);
    const [min, max] = range!;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`limits.${k}`, `must be an integer from ${min} to ${max}; got ${quote(v)}`);
    limits[k] = v as number;
  }
  return limits as unknown as PluginLimits;
}
