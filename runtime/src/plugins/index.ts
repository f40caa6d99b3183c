/**
 * The WebAssembly plugin host: components built for wit/plugin.wit, loaded from
 * a plugin.json manifest, each in its own worker thread with the capabilities,
 * limits and subscriptions its manifest states. README.md has the state diagram
 * and the worker protocol; docs/plugins.md is the user's guide.
 */
export { PluginManager, DEFAULT_POLICY, type PluginManagerOptions } from './manager.js';
export { PluginLoadError, PluginManifestError, PluginNotFoundError, type PluginLoadReason } from './errors.js';
export { parseManifest, CAPABILITIES, EVENT_KINDS, DEFAULT_LIMITS, type Capability, type EventKind, type PluginLimits, type PluginManifest, type PluginSubscriptions } from './manifest.js';
export type { PluginCounters, PluginError, PluginState, PluginStateChange, PluginStatus } from './status.js';
export type { SlotPolicy } from './plugin-slot.js';
export { TRANSPILER } from './compile-cache.js';
