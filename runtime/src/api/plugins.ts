import { Metadata, status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { PluginsServer, PluginStateChange as PbPluginStateChange } from '../generated/sdn/runtime/v1/plugins.js';
import type { PluginManager } from '../plugins/index.js';
import { BoundedStreamWriter } from './bounded-writer.js';
import { requireScope, type Authenticator } from './auth.js';
import { currentPluginState, fromPluginStateChange, fromPluginStatus } from './convert/index.js';
import { ApiInputError } from './errors.js';
import { toServiceError } from './status.js';
import { unary } from './switches.js';

/** What the Plugins service drives: the node's plugin host. */
export type PluginHost = Pick<PluginManager, 'list' | 'status' | 'load' | 'loadUpload' | 'unload' | 'reload' | 'onStateChange'>;

export interface PluginsContext {
  readonly auth: Authenticator;
  readonly log: Logger;
  readonly plugins: PluginHost;
}

/** Changes a WatchState client may have unread before it is cut off. */
export const MAX_WATCH_BACKLOG = 1024;

/** The Plugins service and a way to end its open watches (at shutdown). */
export interface PluginsService {
  readonly implementation: PluginsServer;
  /** Ends every open WatchState stream with UNAVAILABLE: the runtime is shutting down. */
  endWatches(): void;
}

function name(value: string, path: string): string {
  if (value === '') throw new ApiInputError(path, 'is required: the name of a plugin (see Plugins.List)');
  return value;
}

/**
 * The Plugins service (proto/sdn/runtime/v1/plugins.proto) over the plugin
 * host: every method needs the `admin` scope and does nothing for a caller
 * without it. Errors are the host's (manifest, load, not found), mapped to
 * statuses in status.ts.
 */
export function pluginsService(ctx: PluginsContext): PluginsService {
  const call = <Req, Res>(what: string, body: (req: Req) => Res | Promise<Res>) => unary(ctx.auth, ctx.log, 'admin', what, body);
  const { plugins } = ctx;
  /** Each open watch, by the function that ends it. */
  const watches = new Set<(reason: 'shutdown' | 'cancelled') => void>();

  const implementation: PluginsServer = {
    list: call('Plugins.List', () => ({ plugins: plugins.list().map(fromPluginStatus) })),
    get: call('Plugins.Get', (req: { name: string }) => fromPluginStatus(plugins.status(name(req.name, 'name')))),
    load: call('Plugins.Load', async (req: { source?: { $case: 'path'; value: string } | { $case: 'upload'; value: { manifest: string; component: Buffer } } | undefined }) => {
      const source = req.source;
      if (source === undefined) throw new ApiInputError('source', 'give a path on the runtime\'s machine or an upload');
      if (source.$case === 'path') return fromPluginStatus(await plugins.load(name(source.value, 'path')));
      if (source.value.manifest === '') throw new ApiInputError('upload.manifest', 'is required: the text of plugin.json');
      return fromPluginStatus(await plugins.loadUpload(source.value.manifest, source.value.component));
    }),
    unload: call('Plugins.Unload', async (req: { name: string }) => ({ plugin: fromPluginStatus(await plugins.unload(name(req.name, 'name'))) })),
    reload: call('Plugins.Reload', async (req: { name: string }) => fromPluginStatus(await plugins.reload(name(req.name, 'name')))),
    watchState: (stream) => {
      try {
        requireScope(ctx.auth.identify(stream.metadata), 'admin', 'Plugins.WatchState');
      } catch (err) {
        stream.emit('error', toServiceError(err));
        return;
      }
      const wanted = stream.request.name;
      let stop = (): void => {};
      const writer = new BoundedStreamWriter<PbPluginStateChange>(stream, { maxMessages: MAX_WATCH_BACKLOG, maxBytes: Number.POSITIVE_INFINITY }, () => 0, (waiting) => {
        stop();
        stream.emit('error', { code: status.RESOURCE_EXHAUSTED, details: `the client is not reading: ${waiting} plugin state changes waited (the limit is ${MAX_WATCH_BACKLOG}); watch again`, metadata: new Metadata() });
      });
      // The current states and the subscription in one turn: no change falls between them.
      for (const s of plugins.list()) if (wanted === '' || s.name === wanted) writer.push(currentPluginState(s, Date.now()));
      const unsubscribe = plugins.onStateChange((c) => {
        if (wanted === '' || c.name === wanted) writer.push(fromPluginStateChange(c));
      });
      const end = (reason: 'shutdown' | 'cancelled'): void => {
        stop();
        if (reason === 'shutdown') stream.emit('error', { code: status.UNAVAILABLE, details: 'the runtime is shutting down', metadata: new Metadata() });
      };
      stop = () => {
        unsubscribe();
        writer.stop();
        watches.delete(end);
      };
      watches.add(end);
      stream.on('cancelled', () => end('cancelled'));
    },
  };

  return {
    implementation,
    endWatches() {
      for (const end of [...watches]) end('shutdown');
    },
  };
}
