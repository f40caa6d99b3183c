#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { SdnError } from '../errors.js';
import { registerClusterCommands } from './cluster.js';
import { registerOfpCommands } from './ofp.js';
import { registerPluginCommands } from './plugin.js';
import { registerRemoteCommands } from './remote.js';
import { registerTopologyCommands } from './topology.js';
import { registerServe } from './serve.js';

/**
 * The `sdn-runtime` command. Each command group lives in its own module and
 * registers itself here; add new ones to COMMANDS.
 */
const COMMANDS: readonly ((program: Command) => void)[] = [registerServe, registerOfpCommands, registerRemoteCommands, registerTopologyCommands, registerClusterCommands, registerPluginCommands];

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function buildProgram(): Command {
  const program = new Command('sdn-runtime')
    .description('OpenFlow controller and SDN application runtime')
    .version(packageVersion(), '-V, --version', 'print the sdn-runtime version')
    // Options after a command belong to that command (ofp encode has its own --version).
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)');
  for (const register of COMMANDS) register(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  // Bad input is reported as one line; anything else is a bug and keeps its stack.
  process.stderr.write(err instanceof SdnError ? `sdn-runtime: ${err.message}\n` : `sdn-runtime: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
