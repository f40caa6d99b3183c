import type { Command } from 'commander';
import { remoteOptions, type RemoteFlags } from './remote-options.js';

/**
 * `sdn-runtime plugin list | load PATH | unload NAME | reload NAME`: the Plugins
 * service of a running runtime (every call needs a token with the admin scope).
 * Exit status 0 on success, 1 on any failure (the message says what to do). The
 * actions live in plugin-run.ts, loaded when one runs.
 */

export function registerPluginCommands(program: Command): void {
  const plugin = program.command('plugin').description("a running runtime's Wasm plugins (needs a token with the admin scope)");

  remoteOptions(plugin.command('list').description('every plugin: version, state, counters, last error')).action(async (flags: RemoteFlags) => (await import('./plugin-run.js')).listPlugins(flags));

  remoteOptions(
    plugin
      .command('load')
      .description('load a plugin, or replace the running one of the same name (if the new one is rejected, the old one keeps running)')
      .argument('<path>', 'a plugin folder (with plugin.json) or its plugin.json; without --upload, a path on the runtime\'s machine')
      .option('--upload', 'send the plugin from this machine (manifest and component, at most 32 MiB) instead of naming a path the runtime reads'),
  )
    .addHelpText('after', '\nExamples:\n  sdn-runtime plugin load /srv/plugins/echo\n  sdn-runtime plugin load ./dist/echo --upload --target runtime.example:50051')
    .action(async (path: string, flags: RemoteFlags & { upload?: boolean }) => (await import('./plugin-run.js')).loadPlugin(path, flags));

  remoteOptions(plugin.command('unload').description('stop and remove a plugin (a plugin folder stays on disk and loads again at the next start)').argument('<name>', 'the plugin')).action(
    async (name: string, flags: RemoteFlags) => (await import('./plugin-run.js')).unloadPlugin(name, flags),
  );

  remoteOptions(plugin.command('reload').description('load a plugin again from where it was loaded (its files may have changed); also revives a disabled plugin').argument('<name>', 'the plugin')).action(
    async (name: string, flags: RemoteFlags) => (await import('./plugin-run.js')).reloadPlugin(name, flags),
  );
}
