import { Option, type Command } from 'commander';
import type { Remote } from './remote-client.js';

/**
 * The connection flags of the commands that call a running runtime, and the
 * gRPC client loaded when one of them runs: registering these commands (and
 * --help) loads no gRPC.
 */

export interface RemoteFlags {
  target?: string;
  token?: string;
  ca?: string;
  cert?: string;
  key?: string;
  timeoutMs?: string;
  json?: boolean;
}

export const DEFAULT_TARGET = 'localhost:50051';

/** Adds the connection flags every remote command takes. */
export function remoteOptions(command: Command): Command {
  return command
    .addOption(new Option('--target <host:port>', `the runtime's gRPC address [env SDN_RUNTIME_TARGET] (default: ${DEFAULT_TARGET})`))
    .addOption(new Option('--token <token>', 'API token [env SDN_RUNTIME_TOKEN]'))
    .addOption(new Option('--ca <file>', 'PEM CA that signed the runtime\'s certificate: connect over TLS [env SDN_RUNTIME_CA]'))
    .addOption(new Option('--cert <file>', 'PEM client certificate, when the runtime wants one (mutual TLS)'))
    .addOption(new Option('--key <file>', 'PEM private key of --cert'))
    .addOption(new Option('--timeout-ms <ms>', 'give up after this long (default: 10000; 120000 for plugin load and reload)'))
    .addOption(new Option('--json', 'print JSON (the proto3 JSON form: 64-bit numbers as strings, bytes as base64)'));
}

/**
 * The gRPC client for one command run (`defaultTimeoutMs` applies without --timeout-ms).
 * @throws CliInputError for flags that do not fit together or unreadable TLS files.
 */
export async function loadRemote(flags: RemoteFlags, env: NodeJS.ProcessEnv, defaultTimeoutMs?: number): Promise<Remote> {
  const { Remote } = await import('./remote-client.js');
  return new Remote(flags, env, defaultTimeoutMs);
}
