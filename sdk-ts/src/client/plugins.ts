import type { ClientReadableStream } from '@grpc/grpc-js';
import { invalid, SdnClientError, ErrorCode } from '../errors.js';
import * as pb from '../generated/sdn/runtime/v1/plugins.js';
import { unary, type RpcContext } from './rpc.js';
import { StreamWatch } from './stream-watch.js';

/** Where a plugin is in its life (docs/plugins.md has the diagram); `unloaded` only in changes. */
export type PluginState = 'loading' | 'running' | 'restarting' | 'disabled' | 'failed' | 'unloaded';

/** A problem of a plugin: a fault (deadline, trap, crash, init), a rejected version (load), an invalid command. */
export interface PluginError {
  readonly cause: string;
  readonly message: string;
  /** Milliseconds since the Unix epoch. */
  readonly atMs: bigint;
}

/** Totals since the plugin was first loaded (a swap keeps counting). */
export interface PluginCounters {
  readonly batches: bigint;
  readonly events: bigint;
  readonly eventsShed: bigint;
  readonly eventsDropped: bigint;
  readonly commands: bigint;
  readonly commandsInvalid: bigint;
  readonly commandsCut: bigint;
  readonly commandsUndeliverable: bigint;
  readonly restarts: bigint;
  /** By cause: deadline, trap, crash, init. */
  readonly faults: Readonly<Record<string, bigint>>;
  /** Host calls by interface (openflow, pubsub, kv, log, clock). */
  readonly hostCalls: Readonly<Record<string, bigint>>;
  /** Calls to an interface the manifest does not grant. */
  readonly denied: Readonly<Record<string, bigint>>;
}

export interface PluginStatus {
  readonly name: string;
  /** The running version (for a `failed` plugin: the one that failed). */
  readonly version: string;
  /** The plugin.json it was loaded from, on the runtime's machine. */
  readonly manifestPath: string;
  /** sha256 of the component, hex ('' when loading never got that far). */
  readonly componentHash: string;
  readonly state: PluginState;
  readonly capabilities: readonly string[];
  readonly subscriptions: readonly string[];
  /** Events waiting for the plugin's next batch. */
  readonly queued: number;
  readonly counters: PluginCounters;
  readonly lastError: PluginError | undefined;
  /** When the running version was swapped in, milliseconds since the epoch (0n if none runs). */
  readonly loadedAtMs: bigint;
}

/**
 * A plugin changed state. `current`: not a change but the state when the watch
 * started. `previous` is undefined for a plugin's first change; equal to
 * `state` (and `current` false) when a new version was rejected and the plugin
 * stays as it was (`error` says why).
 */
export interface PluginStateChange {
  readonly name: string;
  /** The version the change concerns: the new one for a swap or a rejection. */
  readonly version: string;
  readonly state: PluginState;
  readonly previous: PluginState | undefined;
  readonly reason: string;
  /** The fault or rejection behind the change, when there was one. */
  readonly error: PluginError | undefined;
  readonly atMs: bigint;
  readonly current: boolean;
}

export interface PluginLoadOptions {
  /** Milliseconds the runtime may take (a first load transpiles the component; default: the app's requestTimeoutMs). */
  readonly timeoutMs?: number;
}

const STATES: Readonly<Record<number, PluginState>> = {
  [pb.PluginState.PLUGIN_STATE_LOADING]: 'loading',
  [pb.PluginState.PLUGIN_STATE_RUNNING]: 'running',
  [pb.PluginState.PLUGIN_STATE_RESTARTING]: 'restarting',
  [pb.PluginState.PLUGIN_STATE_DISABLED]: 'disabled',
  [pb.PluginState.PLUGIN_STATE_FAILED]: 'failed',
  [pb.PluginState.PLUGIN_STATE_UNLOADED]: 'unloaded',
};

function state(s: pb.PluginState, what: string): PluginState {
  const known = STATES[s];
  if (known === undefined) throw new SdnClientError(ErrorCode.PROTOCOL, `${what}: the runtime sent plugin state ${s}, which this SDK does not know`);
  return known;
}

const pluginError = (e: pb.PluginError | undefined): PluginError | undefined => (e === undefined ? undefined : { cause: e.cause, message: e.message, atMs: e.atMs });

function status(s: pb.PluginStatus, what: string): PluginStatus {
  const c = s.counters;
  const counters: PluginCounters = {
    batches: c?.batches ?? 0n,
    events: c?.events ?? 0n,
    eventsShed: c?.eventsShed ?? 0n,
    eventsDropped: c?.eventsDropped ?? 0n,
    commands: c?.commands ?? 0n,
    commandsInvalid: c?.commandsInvalid ?? 0n,
    commandsCut: c?.commandsCut ?? 0n,
    commandsUndeliverable: c?.commandsUndeliverable ?? 0n,
    restarts: c?.restarts ?? 0n,
    faults: { ...c?.faults },
    hostCalls: { ...c?.hostCalls },
    denied: { ...c?.denied },
  };
  return {
    name: s.name,
    version: s.version,
    manifestPath: s.manifestPath,
    componentHash: s.componentHash,
    state: state(s.state, what),
    capabilities: s.capabilities,
    subscriptions: s.subscriptions,
    queued: s.queued,
    counters,
    lastError: pluginError(s.lastError),
    loadedAtMs: s.loadedAtMs,
  };
}

function change(c: pb.PluginStateChange): PluginStateChange {
  return {
    name: c.name,
    version: c.version,
    state: state(c.state, 'plugins.watch'),
    previous: c.previous === pb.PluginState.PLUGIN_STATE_UNSPECIFIED ? undefined : state(c.previous, 'plugins.watch'),
    reason: c.reason,
    error: pluginError(c.error),
    atMs: c.atMs,
    current: c.current,
  };
}

function name(n: unknown, what: string): string {
  if (typeof n !== 'string' || n === '') throw invalid(what, 'a plugin name is a non-empty string');
  return n;
}

/**
 * The runtime's Wasm plugins, through the Plugins service (every call needs a
 * token with the `admin` scope: PERMISSION_DENIED otherwise). Failures are
 * SdnClientError: NOT_FOUND for an unknown plugin or a path the runtime cannot
 * read, INVALID for a manifest or component it refused (the running version
 * of the plugin then stays; the message says so).
 */
export class PluginsClient {
  private readonly watches = new Set<PluginWatch>();

  constructor(
    private readonly client: pb.PluginsClient,
    private readonly ctx: RpcContext,
  ) {}

  /** Every plugin, sorted by name. */
  async list(): Promise<readonly PluginStatus[]> {
    const r = await unary(this.ctx, this.client.list.bind(this.client), {}, 'plugins.list');
    return r.plugins.map((p) => status(p, 'plugins.list'));
  }

  async get(plugin: string): Promise<PluginStatus> {
    return status(await unary(this.ctx, this.client.get.bind(this.client), { name: name(plugin, 'plugins.get name') }, 'plugins.get'), 'plugins.get');
  }

  /**
   * Loads the plugin whose folder (with plugin.json) or plugin.json is at
   * `path` on the runtime's machine, replacing the running one of the same
   * name; resolves once it runs.
   */
  async load(path: string, options: PluginLoadOptions = {}): Promise<PluginStatus> {
    if (typeof path !== 'string' || path === '') throw invalid('plugins.load path', 'a path is a non-empty string');
    return status(await unary(this.timed(options), this.client.load.bind(this.client), { source: { $case: 'path', value: path } }, 'plugins.load'), 'plugins.load');
  }

  /**
   * Sends a plugin: the text of its plugin.json and its component's bytes (at
   * most 32 MiB together). The runtime keeps it until it is unloaded or the
   * runtime stops. Otherwise as `load`.
   */
  async upload(manifest: string, component: Uint8Array, options: PluginLoadOptions = {}): Promise<PluginStatus> {
    if (typeof manifest !== 'string' || manifest === '') throw invalid('plugins.upload manifest', 'the text of plugin.json is required');
    if (!(component instanceof Uint8Array)) throw invalid('plugins.upload component', 'the component is bytes');
    const bytes = Buffer.from(component.buffer, component.byteOffset, component.byteLength);
    return status(await unary(this.timed(options), this.client.load.bind(this.client), { source: { $case: 'upload', value: { manifest, component: bytes } } }, 'plugins.upload'), 'plugins.upload');
  }

  /** Stops and removes a plugin; resolves with its status just before. */
  async unload(plugin: string): Promise<PluginStatus> {
    const r = await unary(this.ctx, this.client.unload.bind(this.client), { name: name(plugin, 'plugins.unload name') }, 'plugins.unload');
    if (r.plugin === undefined) throw new SdnClientError(ErrorCode.PROTOCOL, 'plugins.unload: the runtime answered without the plugin');
    return status(r.plugin, 'plugins.unload');
  }

  /** Loads a plugin again from where it was loaded; also revives a disabled or failed one. */
  async reload(plugin: string, options: PluginLoadOptions = {}): Promise<PluginStatus> {
    return status(await unary(this.timed(options), this.client.reload.bind(this.client), { name: name(plugin, 'plugins.reload name') }, 'plugins.reload'), 'plugins.reload');
  }

  /**
   * The state of every plugin (or of `name`) now, each marked `current`, then
   * every change as it happens: faults, restarts, swaps, rejected versions,
   * unloads. Ends when the loop breaks, `return()` is called or the app closes.
   */
  watch(options: { readonly name?: string } = {}): PluginWatch {
    if (this.ctx.isClosed()) throw new SdnClientError(ErrorCode.CANCELLED, 'plugins.watch: the app is closed');
    const request = { name: options.name === undefined ? '' : name(options.name, 'plugins.watch name') };
    const watch: PluginWatch = new PluginWatch(this.client.watchState(request, this.ctx.metadata()), () => this.watches.delete(watch));
    this.watches.add(watch);
    return watch;
  }

  /** Ends every open watch (the app is closing): their loops end without error. */
  closeWatches(): void {
    for (const w of [...this.watches]) void w.return();
  }

  private timed(options: PluginLoadOptions): RpcContext {
    return options.timeoutMs === undefined ? this.ctx : { ...this.ctx, requestTimeoutMs: options.timeoutMs };
  }
}

/** A plugin state watch: an async iterator over the WatchState stream, cancelled by `return()`. */
export class PluginWatch extends StreamWatch<pb.PluginStateChange, PluginStateChange> {
  constructor(call: ClientReadableStream<pb.PluginStateChange>, onEnd: () => void) {
    super(call, onEnd, 'plugins.watch');
  }

  protected unpack(r: pb.PluginStateChange): PluginStateChange[] {
    return [change(r)];
  }
}
