import { SdnError } from '../errors.js';

/** A plugin.json that is not valid: `field` names the offending field ("limits.deadlineMs"). */
export class PluginManifestError extends SdnError {
  readonly path: string;
  readonly field: string;

  constructor(path: string, field: string, detail: string) {
    super('PLUGIN_MANIFEST', `${path}: ${field === '' ? '' : `${field}: `}${detail}`);
    this.path = path;
    this.field = field;
  }
}

/** Why a component was rejected; stable, for the gRPC/CLI wiring to switch on. */
export type PluginLoadReason =
  /** plugin.json or the component cannot be read (no such file, no permission, not a regular file). */
  | 'unreadable'
  /** The path is not inside a folder plugins may be loaded from (said alike whether or not it exists). */
  | 'outside'
  /** plugin.json or the component is larger than the runtime allows. */
  | 'tooBig'
  /** The file is not a WebAssembly component (or half-copied). */
  | 'notComponent'
  /** The component imports something the sdn:plugin world does not provide. */
  | 'wrongWorld'
  /** The component lacks `initialize` or `handle`. */
  | 'missingExport'
  /** Its memory needs more than the manifest's cap before it runs a line. */
  | 'memory'
  /** `initialize` returned an error, trapped or did not return in time. */
  | 'initFailed';

/** A component that cannot be loaded; the previous version of the plugin (if any) keeps running. */
export class PluginLoadError extends SdnError {
  readonly plugin: string;
  readonly reason: PluginLoadReason;
  /** The message without the plugin's name. */
  readonly detail: string;

  constructor(plugin: string, reason: PluginLoadReason, detail: string, options?: { cause?: unknown }) {
    super('PLUGIN_LOAD', `plugin ${plugin}: ${detail}`, options);
    this.plugin = plugin;
    this.reason = reason;
    this.detail = detail;
  }
}

/** No plugin with that name is loaded. */
export class PluginNotFoundError extends SdnError {
  readonly plugin: string;

  constructor(plugin: string) {
    super('PLUGIN_NOT_FOUND', `no plugin called ${plugin} is loaded`);
    this.plugin = plugin;
  }
}

/**
 * What a guest returned through the canonical ABI cannot be read: a pointer or
 * length beyond its memory, a discriminant no case has. The call is a guest
 * fault (the worker reports a trap); the host reads nothing beyond the memory.
 */
export class GuestDataError extends SdnError {
  constructor(detail: string) {
    super('PLUGIN_GUEST_DATA', `the guest returned malformed data: ${detail}`);
  }
}
