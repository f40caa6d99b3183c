import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { PluginState, type ListPluginsResponse, type LoadPluginRequest, type PluginStatus, type UnloadPluginResponse } from '../generated/sdn/runtime/v1/plugins.js';
import { CliInputError, CliRemoteError } from './errors.js';
import { duration, table, toJson } from './format.js';
import { writeOutput } from './io.js';
import { loadRemote, type RemoteFlags } from './remote-options.js';
import { sdnErrorCode } from './remote-client.js';

/**
 * What `sdn-runtime plugin list | load | unload | reload` do once their flags are
 * parsed (declared in plugin.ts). Imported by the actions only: it loads gRPC.
 */

/** Loading transpiles a component seen for the first time: seconds for a Python one on a busy machine. */
const LOAD_TIMEOUT_MS = 120_000;
/** The room an upload's framing takes next to the manifest and component, in bytes. */
const UPLOAD_OVERHEAD = 1024;
const ERROR_WIDTH = 80;

async function print(text: string): Promise<void> {
  await writeOutput(Buffer.from(text), { binary: false });
}

export function stateName(state: PluginState): string {
  return PluginState[state]?.replace('PLUGIN_STATE_', '').toLowerCase() ?? `state ${state}`;
}

function sum(record: Readonly<Record<string, bigint>>): bigint {
  return Object.values(record).reduce((a, b) => a + b, 0n);
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= ERROR_WIDTH ? line : `${line.slice(0, ERROR_WIDTH - 1)}…`;
}

export function pluginsText(plugins: readonly PluginStatus[], nowMs: number): string {
  if (plugins.length === 0) return 'no plugins loaded\n';
  const rows = plugins.map((p) => {
    const c = p.counters;
    return [
      p.name,
      p.version,
      stateName(p.state),
      String(c?.events ?? 0n),
      String(c?.commands ?? 0n),
      String(c === undefined ? 0n : sum(c.faults)),
      String(c?.restarts ?? 0n),
      p.loadedAtMs === 0n ? '-' : duration(nowMs - Number(p.loadedAtMs)),
      p.lastError === undefined ? '' : shorten(`${p.lastError.cause}: ${p.lastError.message}`),
    ];
  });
  return table(['NAME', 'VERSION', 'STATE', 'EVENTS', 'COMMANDS', 'FAULTS', 'RESTARTS', 'UP', 'LAST ERROR'], rows);
}

/** proto3 JSON names the enum value. */
function json(p: PluginStatus): unknown {
  return { ...p, state: PluginState[p.state] };
}

function summary(verb: string, p: PluginStatus): string {
  return `${verb} ${p.name} ${p.version} (${stateName(p.state)}) from ${p.manifestPath}\n`;
}

/** The plugin at `path` (a folder with plugin.json, or the plugin.json) read here, for an upload. */
async function readUpload(path: string): Promise<LoadPluginRequest> {
  // The manifest checks and the API's size limit come with the plugin host and the API server: only an upload loads them.
  const [{ parseManifest }, { MAX_RECEIVE_MESSAGE_BYTES }] = await Promise.all([import('../plugins/index.js'), import('../api/index.js')]);
  const absolute = resolve(path);
  const manifestPath = existsSync(absolute) && statSync(absolute).isDirectory() ? join(absolute, 'plugin.json') : absolute;
  const read = async (file: string): Promise<Buffer> => {
    try {
      return await readFile(file);
    } catch (err) {
      throw new CliInputError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  const manifest = (await read(manifestPath)).toString('utf8');
  // Checked here too, so a bad manifest fails before megabytes travel.
  const component = await read(parseManifest(manifest, manifestPath).componentPath);
  const size = Buffer.byteLength(manifest) + component.length + UPLOAD_OVERHEAD;
  if (size > MAX_RECEIVE_MESSAGE_BYTES) {
    throw new CliInputError(`${manifestPath}: the plugin is ${(size / 2 ** 20).toFixed(1)} MiB, more than the ${MAX_RECEIVE_MESSAGE_BYTES / 2 ** 20} MiB a runtime accepts in one upload: copy its folder to the runtime's machine and load it by path (without --upload)`);
  }
  return { source: { $case: 'upload', value: { manifest, component } } };
}

/** Adds what to do to the runtime's NOT_FOUND answers. */
/** Adds `hint` to a NOT_FOUND, or to a refusal that is not about the token's scopes (a path outside the allowed folders). */
function withHint<T>(call: Promise<T>, hint: string): Promise<T> {
  return call.catch((err: unknown) => {
    const cause = err instanceof CliRemoteError ? (err.cause as ServiceError | undefined) : undefined;
    const applies = cause?.code === status.NOT_FOUND || (cause?.code === status.PERMISSION_DENIED && sdnErrorCode(cause) !== 'API_PERMISSION_DENIED');
    throw applies ? new CliRemoteError(`${err instanceof Error ? err.message : String(err)} (${hint})`, { cause: err }) : err;
  });
}

export async function listPlugins(flags: RemoteFlags): Promise<void> {
  const r = await (await loadRemote(flags, process.env)).plugins<object, ListPluginsResponse>('list', {});
  await print(flags.json === true ? toJson({ plugins: r.plugins.map(json) }) : pluginsText(r.plugins, Date.now()));
}

export async function loadPlugin(path: string, flags: RemoteFlags & { upload?: boolean }): Promise<void> {
  const request: LoadPluginRequest = flags.upload === true ? await readUpload(path) : { source: { $case: 'path', value: resolve(path) } };
  const remote = await loadRemote(flags, process.env, LOAD_TIMEOUT_MS);
  const hint = 'the runtime reads the path on its own machine; to send the plugin from this one, add --upload';
  const r = await withHint(remote.plugins<LoadPluginRequest, PluginStatus>('load', request), hint);
  await print(flags.json === true ? toJson(json(r)) : summary('loaded', r));
}

export async function unloadPlugin(name: string, flags: RemoteFlags): Promise<void> {
  const r = await withHint((await loadRemote(flags, process.env)).plugins<{ name: string }, UnloadPluginResponse>('unload', { name }), 'see sdn-runtime plugin list');
  await print(flags.json === true ? toJson({ plugin: r.plugin === undefined ? undefined : json(r.plugin) }) : `unloaded ${name}${r.plugin === undefined ? '' : ` ${r.plugin.version}`}\n`);
}

export async function reloadPlugin(name: string, flags: RemoteFlags): Promise<void> {
  const r = await withHint((await loadRemote(flags, process.env, LOAD_TIMEOUT_MS)).plugins<{ name: string }, PluginStatus>('reload', { name }), 'see sdn-runtime plugin list');
  await print(flags.json === true ? toJson(json(r)) : summary('reloaded', r));
}
