import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { PLUGIN_EVENT_TYPES, type App, type AppContext } from '../core/index.js';
import type { RuntimeMetrics } from '../observability/metrics.js';
import type { PubSubBus } from '../pubsub/index.js';
import type { KvStore } from '../store/index.js';
import { checkPreamble, CompileCache } from './compile-cache.js';
import { PluginLoadError, PluginManifestError, PluginNotFoundError } from './errors.js';
import type { HostEvent } from './events-wire.js';
import { parseManifest, type PluginManifest } from './manifest.js';
import { SpinGate } from './cpu-pressure.js';
import type { SpinPolicy } from './channel.js';
import { ModuleCache } from './module-cache.js';
import { DEFAULT_MAX_COMPONENT_BYTES, MAX_MANIFEST_BYTES, PluginFiles } from './plugin-files.js';
import { PluginSlot, type SlotHost, type SlotPolicy } from './plugin-slot.js';
import { PluginRunner } from './runner.js';
import { emptyCounters, type PluginState, type PluginStateChange, type PluginStatus } from './status.js';
import { PluginUploads } from './uploads.js';
import { PluginsDirWatcher } from './watcher.js';
import { WorkerSupply } from './worker-supply.js';
import { checkKindsOfWorld } from './world-version.js';

export interface PluginManagerOptions {
  /** The runtime's data folder: plugins live in `<dataDir>/plugins`, the compile cache in `<dataDir>/plugin-cache`. */
  readonly dataDir: string;
  readonly pluginsDir?: string;
  readonly cacheDir?: string;
  /** Where plugins sent over the API are written (default `<dataDir>/plugin-uploads`). */
  readonly uploadsDir?: string;
  /**
   * Folders besides the plugins folder that `load(path)` may read from (an
   * administrator's choice, `--plugin-load-dirs`); paths anywhere else are
   * refused, symlinks and `..` resolved first.
   */
  readonly loadDirs?: readonly string[];
  /** Largest component file or upload accepted, in bytes (default 64 MiB). */
  readonly maxComponentBytes?: number;
  /** Watch the plugins folder and load, replace or unload on changes (default true). */
  readonly watch?: boolean;
  readonly watchDebounceMs?: number;
  readonly metrics: RuntimeMetrics;
  /** Backs kv-read / kv-write and kv-change events; without it those calls answer `unavailable`. */
  readonly kv?: KvStore;
  /** Backs pubsub publish and message events. */
  readonly pubsub?: PubSubBus;
  readonly policy?: Partial<SlotPolicy>;
  /**
   * Keep one plugin worker started ahead of need (default true): a load, a swap
   * or a restart then skips starting a thread (80-200 ms here). Costs one idle
   * thread (about 10 MiB).
   */
  readonly spareWorker?: boolean;
}

export const DEFAULT_POLICY: SlotPolicy = { maxFaults: 5, faultWindowMs: 60_000, backoffBaseMs: 50, backoffMaxMs: 5_000, queueBatches: 64, initTimeoutMs: 10_000, spinMicros: 100, replySpinMicros: 2_000, logLinesPerSecond: 100, logBurst: 500 };

/** A plugin being loaded for the first time, or whose first load failed. */
interface Placeholder {
  readonly status: PluginStatus;
}

/**
 * The Wasm plugin host, as an in-process app: it turns the runtime's events into
 * WIT events for the plugins that subscribe to them, and their commands into
 * OpenFlow messages to switches. `load / unload / reload / list` are the surface
 * the Plugins gRPC service and the `sdn-runtime plugin` CLI call; state changes
 * are published through `onStateChange`. Threading: everything here runs on the
 * main thread and never blocks it; plugins run in worker threads.
 */
export class PluginManager implements App {
  readonly name = 'plugins';
  readonly pluginsDir: string;
  readonly cache: CompileCache;
  readonly uploads: PluginUploads;
  private readonly files: PluginFiles;
  private readonly modules = new ModuleCache();
  private readonly spinGate = new SpinGate();
  private readonly workers: WorkerSupply;
  private readonly options: PluginManagerOptions;
  private readonly policy: SlotPolicy;
  private readonly slots = new Map<string, PluginSlot>();
  private readonly placeholders = new Map<string, Placeholder>();
  private readonly busSubscriptions = new Map<string, (() => void)[]>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<(change: PluginStateChange) => void>();
  /** Folder -> what was last loaded from it (manifest text + component hash), to skip no-op changes. */
  private readonly folderContent = new Map<string, string>();
  /** Folder -> name of the plugin loaded from it. */
  private readonly folderPlugin = new Map<string, string>();
  private ctx: AppContext | undefined;
  private log: Logger | undefined;
  private watcher: PluginsDirWatcher | undefined;
  /** While a plugin is loaded: the subscription to every app's events, which also holds the node's interest in other nodes' switch events (syncSubscription). */
  private unsubscribe: (() => void) | undefined;
  /** Set by `stop`: the plugins being removed get no more events. */
  private stopped = false;
  private initialScan: Promise<void> = Promise.resolve();
  /** Reasons of refused loads already logged (each is logged once, then only counted). */
  private readonly loggedRefusals = new Set<string>();

  constructor(options: PluginManagerOptions) {
    this.options = options;
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.pluginsDir = resolve(options.pluginsDir ?? join(options.dataDir, 'plugins'));
    this.cache = new CompileCache(resolve(options.cacheDir ?? join(options.dataDir, 'plugin-cache')));
    this.uploads = new PluginUploads(resolve(options.uploadsDir ?? join(options.dataDir, 'plugin-uploads')));
    this.workers = new WorkerSupply(options.spareWorker ?? true);
    this.files = new PluginFiles([this.pluginsDir, this.uploads.dir, ...(options.loadDirs ?? [])], options.maxComponentBytes ?? DEFAULT_MAX_COMPONENT_BYTES);
  }

  async start(ctx: AppContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log;
    this.workers.start();
    await mkdir(this.pluginsDir, { recursive: true });
    // Uploads of an earlier run (left by a crash): nothing loads them again.
    await rm(this.uploads.dir, { recursive: true, force: true });
    if (this.options.watch ?? true) {
      this.watcher = new PluginsDirWatcher(this.pluginsDir, this.options.watchDebounceMs ?? 200, (folder, hasManifest) => void this.onFolderSettled(folder, hasManifest));
      this.watcher.start();
    }
    this.initialScan = this.scan();
  }

  /** Resolves when the plugins found in the folder at start have been loaded (or rejected). */
  ready(): Promise<void> {
    return this.initialScan;
  }

  async stop(): Promise<void> {
    this.watcher?.stop();
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    // The runtime is stopping: plugins' flows stay on the switches, which keep forwarding.
    await Promise.all([...this.slots.keys()].map((name) => this.remove(name, false)));
    await this.workers.stop();
    this.spinGate.stop();
  }

  /** Calls `listener` on every plugin state change; returns the unsubscribe function. */
  onStateChange(listener: (change: PluginStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether the spin gate (cpu-pressure.ts) lets plugin channels spin now: false while the CPUs are contended. */
  get spinAllowed(): boolean {
    return this.spinGate.open;
  }

  /** Whether the spin gate samples the CPU pressure now: only while a plugin is loaded. */
  get spinGateSampling(): boolean {
    return this.spinGate.sampling;
  }

  list(): PluginStatus[] {
    const out = [...this.slots.values()].map((s) => s.status());
    for (const [name, p] of this.placeholders) if (!this.slots.has(name)) out.push(p.status);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** @throws PluginNotFoundError */
  status(name: string): PluginStatus {
    const s = this.slots.get(name)?.status() ?? this.placeholders.get(name)?.status;
    if (s === undefined) throw new PluginNotFoundError(name);
    return s;
  }

  /**
   * Loads the plugin whose plugin.json is `path` (or is in folder `path`). A
   * plugin of the same name already running is replaced without losing or
   * repeating an event; if the new one fails, the old one keeps running.
   * `path` must lie inside the plugins folder, the uploads folder or a
   * `loadDirs` folder once symlinks are resolved (plugin-files.ts).
   * @throws PluginManifestError, PluginLoadError ('outside', 'unreadable', 'tooBig', ...)
   */
  load(path: string): Promise<PluginStatus> {
    return this.counted(async () => {
      const real = await this.files.confine(path, path);
      const stats = await stat(real).catch((err: unknown) => {
        throw new PluginLoadError(path, 'unreadable', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      });
      const manifestPath = stats.isDirectory() ? await this.files.confine(path, join(real, 'plugin.json')) : real;
      const text = (await this.files.read(path, manifestPath, MAX_MANIFEST_BYTES)).toString('utf8');
      const manifest = parseManifest(text, manifestPath);
      return this.exclusive(manifest.name, () => this.loadManifest(manifest, manifestPath));
    });
  }

  /**
   * Loads (or replaces, as `load`) a plugin sent as the text of its plugin.json
   * and its component's bytes: they are written under `uploads.dir` first.
   * @throws PluginManifestError, PluginLoadError
   */
  loadUpload(text: string, component: Uint8Array): Promise<PluginStatus> {
    return this.counted(async () => {
      const uploaded = parseManifest(text, 'uploaded plugin.json');
      if (component.length > this.files.maxComponentBytes) throw new PluginLoadError(uploaded.name, 'tooBig', `the uploaded component has ${component.length} bytes; the limit is ${this.files.maxComponentBytes}`);
      // Before anything is written: garbage costs no disk and no placeholder.
      checkPreamble(uploaded.name, component);
      return this.exclusive(uploaded.name, async () => {
        const manifestPath = await this.uploads.write(uploaded, text, component);
        return this.loadManifest(parseManifest(text, manifestPath), manifestPath);
      });
    });
  }

  /**
   * Runs a load; a failure is counted by reason and logged once per reason
   * (its message is bounded: no file content, no upload). A refused path, size,
   * manifest or garbage upload is logged nowhere else.
   */
  private async counted(load: () => Promise<PluginStatus>): Promise<PluginStatus> {
    try {
      return await load();
    } catch (err) {
      const reason = err instanceof PluginLoadError ? err.reason : err instanceof PluginManifestError ? 'manifest' : 'internal';
      this.options.metrics.plugins.loadsRejected.inc({ reason });
      if (!this.loggedRefusals.has(reason)) {
        this.loggedRefusals.add(reason);
        this.log?.warn({ reason, err: (err as Error).message }, `plugin load refused (${reason}); further refusals for this reason are only counted`);
      }
      throw err;
    }
  }

  /** Loads the plugin again from where it was loaded (its files may have changed). */
  reload(name: string): Promise<PluginStatus> {
    const path = this.slots.get(name)?.manifestPath ?? this.placeholders.get(name)?.status.manifestPath;
    if (path === undefined) return Promise.reject(new PluginNotFoundError(name));
    return this.load(path);
  }

  /**
   * Stops and removes the plugin (its batch in flight is abandoned); resolves
   * with its status just before. @throws PluginNotFoundError
   */
  unload(name: string): Promise<PluginStatus> {
    return this.remove(name, true);
  }

  /** Unloads `name`; with `removeFlows`, its flows are deleted from every switch (docs/apps-sharing-a-switch.md). */
  private remove(name: string, removeFlows: boolean): Promise<PluginStatus> {
    return this.exclusive(name, async () => {
      const slot = this.slots.get(name);
      const placeholder = this.placeholders.get(name);
      if (slot === undefined && placeholder === undefined) throw new PluginNotFoundError(name);
      const last = slot?.status() ?? placeholder!.status;
      this.placeholders.delete(name);
      if (slot !== undefined) {
        this.slots.delete(name);
        this.syncSubscription();
        this.dropBusSubscriptions(name);
        await slot.close();
      } else {
        this.emit({ name, version: placeholder!.status.version, state: 'unloaded', previous: placeholder!.status.state, reason: 'unloaded', atMs: Date.now() });
      }
      this.log?.info({ plugin: name }, 'plugin unloaded');
      if (removeFlows && this.ctx !== undefined) {
        const failures = await this.ctx.apps.scope(name, 'plugin').removeFlows();
        if (failures.length > 0) this.log?.warn({ plugin: name, failures: failures.map(String) }, 'deleting the unloaded plugin\'s flows failed on some switches');
      }
      await this.uploads.prune(name, undefined);
      return last;
    });
  }

  private async loadManifest(manifest: PluginManifest, manifestPath: string): Promise<PluginStatus> {
    const { name } = manifest;
    const existing = this.slots.get(name);
    if (existing === undefined) this.setPlaceholder(manifest, manifestPath, 'loading', undefined);
    let runner: PluginRunner | undefined;
    try {
      const started = performance.now();
      const bytes = await this.readComponent(manifest);
      const compiled = await this.cache.compile(name, bytes);
      checkKindsOfWorld(manifest, compiled.world);
      this.options.metrics.plugins.compilations.inc({ result: compiled.cached ? 'cached' : 'transpiled' });
      const cacheMs = performance.now() - started;
      const modules = await this.modules.modules(name, compiled, manifest.limits.memoryMiB * 16);
      const modulesMs = performance.now() - started - cacheMs;
      runner = new PluginRunner(manifest, compiled, modules, this.options.kv, this.spin(), this.workers.take());
      const initOutputs = await runner.ready(this.policy.initTimeoutMs);
      const version = { manifest, manifestPath, compiled, runner };
      // Before its first commands (initOutputs) are applied: its manifest's flow quota (0: the runtime's).
      this.ctx?.apps.scope(name, 'plugin').limitFlows(manifest.limits.maxFlows);
      /** Where the load went, in ms (logged; `bench/src/plugins.ts` reads it). */
      const timing = (): Record<string, number> => ({ cacheMs, modulesMs, ...runner!.startup, totalMs: performance.now() - started });
      if (existing !== undefined && this.slots.get(name) === existing) {
        const oldTopics = existing.manifest.subscriptions;
        const staging = performance.now();
        await existing.stage(version, initOutputs);
        if (JSON.stringify([oldTopics.topics, oldTopics.kvPrefixes]) !== JSON.stringify([manifest.subscriptions.topics, manifest.subscriptions.kvPrefixes])) this.subscribeBus(existing);
        this.log?.info({ plugin: name, version: manifest.version, hash: compiled.hash, cached: compiled.cached, world: compiled.world, handleGlue: runner.handleGlue, timing: { ...timing(), flipMs: performance.now() - staging } }, 'plugin replaced');
        return existing.status();
      }
      const slot = new PluginSlot(this.slotHost(name), version, initOutputs, this.placeholders.get(name)?.status.state ?? 'new');
      this.placeholders.delete(name);
      this.slots.set(name, slot);
      this.syncSubscription();
      // A new plugin missed the switch-up of every switch already connected. It gets
      // them now, in this same turn, so before any later event of those switches.
      // (A swapped-in version does not: the slot's queue and the switches' flows carry over.)
      for (const view of [...(this.ctx?.switches.list() ?? [])].sort((a, b) => a.connectedAt - b.connectedAt)) slot.offer({ type: 'switchUp', node: view.node, dpid: view.dpid, view });
      this.subscribeBus(slot);
      this.log?.info({ plugin: name, version: manifest.version, hash: compiled.hash, cached: compiled.cached, world: compiled.world, handleGlue: runner.handleGlue, timing: timing() }, 'plugin loaded');
      return slot.status();
    } catch (err) {
      void runner?.terminate();
      const message = (err as Error).message;
      if (existing !== undefined) existing.recordLoadError(manifest.version, message);
      else this.setPlaceholder(manifest, manifestPath, 'failed', message);
      this.log?.warn({ plugin: name, version: manifest.version, err: message }, existing === undefined ? 'plugin rejected' : 'new plugin version rejected; the running version stays');
      if (existing === undefined || !(err instanceof PluginLoadError)) throw err;
      const { version, state } = existing.status();
      throw new PluginLoadError(name, err.reason, `${err.detail}; version ${version} ${state === 'running' ? 'keeps running' : `stays ${state}`}`, { cause: err });
    } finally {
      await this.uploads.prune(name, this.slots.get(name)?.manifestPath ?? this.placeholders.get(name)?.status.manifestPath);
    }
  }

  /** @throws PluginLoadError when the component file is outside the allowed folders, not a regular file or too big. */
  private async readComponent(manifest: PluginManifest): Promise<Buffer> {
    const real = await this.files.confine(manifest.name, manifest.componentPath);
    return this.files.read(manifest.name, real, this.files.maxComponentBytes, manifest.componentPath);
  }

  private setPlaceholder(manifest: PluginManifest, manifestPath: string, state: PluginState, error: string | undefined): void {
    const previous = this.placeholders.get(manifest.name)?.status.state ?? 'new';
    const status: PluginStatus = {
      name: manifest.name,
      version: manifest.version,
      manifestPath,
      componentHash: '',
      state,
      capabilities: [...manifest.capabilities],
      subscriptions: [...manifest.subscriptions.kinds],
      queued: 0,
      counters: emptyCounters(),
      lastError: error === undefined ? undefined : { cause: 'load', message: error, atMs: Date.now() },
      loadedAtMs: 0,
    };
    this.placeholders.set(manifest.name, { status });
    this.emit({ name: manifest.name, version: manifest.version, state, previous, reason: error ?? 'loading', error: status.lastError, atMs: Date.now() });
  }

  /** What the slot of plugin `name` uses: the switches as that plugin reaches them (its commands confined to its flows). */
  private slotHost(name: string): SlotHost {
    const scope = this.ctx!.apps.scope(name, 'plugin');
    return {
      appId: scope.id,
      log: this.log!,
      metrics: this.options.metrics.plugins,
      policy: this.policy,
      spawn: async (manifest, compiled) => {
        const modules = await this.modules.modules(manifest.name, compiled, manifest.limits.memoryMiB * 16);
        return new PluginRunner(manifest, compiled, modules, this.options.kv, this.spin(), this.workers.take());
      },
      stateChanged: (change) => this.emit(change),
      switches: scope.switches,
      publish: (message) => this.options.pubsub?.publish(message),
    };
  }

  private spin(): SpinPolicy {
    return { micros: this.policy.spinMicros, replyMicros: this.policy.replySpinMicros, gate: this.spinGate.buffer };
  }

  private emit(change: PluginStateChange): void {
    for (const l of this.listeners) l(change);
  }

  /**
   * The host subscribes to every app's events (each slot takes its own
   * plugin's, plugin-slot.ts) only while a plugin is loaded: without plugins no
   * handler runs per packet-in, and the node is not sent other nodes'
   * packet-ins (the subscription holds the interest in every kind plugins take,
   * core/event-interest.ts). A plugin loaded later gets the events from the
   * turn its slot is added. The spin gate samples the CPU pressure only then
   * too: only plugin channels spin.
   */
  private syncSubscription(): void {
    if (this.slots.size > 0 && this.unsubscribe === undefined && this.ctx !== undefined && !this.stopped) {
      this.unsubscribe = this.ctx.subscribe(PLUGIN_EVENT_TYPES, (event) => this.offer(event), { everyOwner: true });
      this.spinGate.start();
    } else if (this.slots.size === 0 && this.unsubscribe !== undefined) {
      this.unsubscribe();
      this.unsubscribe = undefined;
      this.spinGate.stop();
    }
  }

  private offer(event: HostEvent): void {
    for (const slot of this.slots.values()) slot.offer(event);
  }

  private subscribeBus(slot: PluginSlot): void {
    const subs = slot.manifest.subscriptions;
    const next: (() => void)[] = [];
    const bus = this.options.pubsub;
    if (bus !== undefined) {
      for (const pattern of subs.topics) {
        const s = bus.subscribe(pattern, (message) => slot.offer({ type: 'pubsub', message }));
        next.push(() => s.unsubscribe());
      }
    }
    const kv = this.options.kv;
    if (kv !== undefined) {
      for (const prefix of subs.kvPrefixes) {
        const w = kv.watch(new TextEncoder().encode(prefix), { prefix: true }, {
          onChanges: (changes) => changes.forEach((change) => slot.offer({ type: 'kvChange', change })),
          onCompacted: () => undefined,
          // A live watch that is never paused ends only when the store closes, at shutdown.
          onError: () => undefined,
        });
        next.push(() => w.close());
      }
    }
    this.dropBusSubscriptions(slot.name);
    this.busSubscriptions.set(slot.name, next);
  }

  private dropBusSubscriptions(name: string): void {
    for (const stop of this.busSubscriptions.get(name) ?? []) stop();
    this.busSubscriptions.delete(name);
  }

  /** Runs `fn` after every earlier operation on the same plugin name has finished. */
  private exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.locks.set(name, settled);
    void settled.then(() => {
      if (this.locks.get(name) === settled) this.locks.delete(name);
    });
    return run;
  }

  private async scan(): Promise<void> {
    const entries = await readdir(this.pluginsDir, { withFileTypes: true });
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && existsSync(join(this.pluginsDir, e.name, 'plugin.json'))) await this.onFolderSettled(join(this.pluginsDir, e.name), true);
    }
  }

  /** A folder under the plugins folder changed and settled: load, replace or unload. */
  private async onFolderSettled(folder: string, hasManifest: boolean): Promise<void> {
    if (!hasManifest) {
      const name = this.folderPlugin.get(folder);
      this.folderContent.delete(folder);
      this.folderPlugin.delete(folder);
      if (name !== undefined) await this.unload(name).catch(() => undefined);
      return;
    }
    try {
      const manifestPath = await this.files.confine(folder, join(folder, 'plugin.json'));
      const text = (await this.files.read(folder, manifestPath, MAX_MANIFEST_BYTES)).toString('utf8');
      const manifest = parseManifest(text, join(folder, 'plugin.json'));
      const digest = createHash('sha256').update(text).update(await this.readComponent(manifest)).digest('hex');
      if (this.folderContent.get(folder) === digest) return;
      this.folderPlugin.set(folder, manifest.name);
      await this.load(folder);
      this.folderContent.set(folder, digest);
    } catch (err) {
      this.log?.warn({ folder, err: (err as Error).message }, 'plugin folder not loaded; it is tried again on its next change');
    }
  }
}

