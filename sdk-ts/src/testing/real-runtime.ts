import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Integration tests against a real `sdn-runtime serve` process and the
 * runtime's fake OpenFlow switch over TCP. The runtime must be built
 * (`npx tsc -b` builds it first: sdk-ts references it).
 */
export { FakeSwitch, fakePort } from '../../../runtime/dist/testing/fake-switch.js';
/** A real etcd cluster on loopback (Debian's etcd; fails naming the install command when it is missing), for mastership. */
export { EtcdCluster } from '../../../runtime/dist/testing/etcd-cluster.js';
/** A node's 32-bit id from its name (--node-id), as the overlay, `--seeds` and node events name it. */
export { nodeIdOf } from '../../../runtime/dist/core/node.js';
/** Plugin components built from the runtime's test guests (componentize-qjs, cached by hash). */
export { buildGuest, writePlugin } from '../../../runtime/dist/plugins/testing/guests.js';

const MAIN = fileURLToPath(new URL('../../../runtime/dist/cli/main.js', import.meta.url));

export interface RuntimeProcess {
  readonly child: ChildProcess;
  /** The gRPC address from the "serving" log line, "127.0.0.1:port". */
  readonly target: string;
  readonly openflowPort: number;
  readonly httpPort: number;
  /** Every JSON log line so far. */
  readonly lines: Record<string, unknown>[];
  /** SIGTERM, then waits for the exit; removes the data folder. */
  stop(): Promise<void>;
}

function portOf(address: unknown, what: string, lines: unknown[]): number {
  const port = Number(String(address).split(':').pop());
  if (!Number.isInteger(port) || port <= 0) throw new Error(`the runtime's "serving" line has no ${what} address ("${String(address)}"): ${JSON.stringify(lines)}`);
  return port;
}

/**
 * Starts the runtime on loopback with every port chosen by the OS (or the gRPC
 * port given, to restart on the same address) and waits for its "serving" log
 * line, which names the bound addresses: `openflow`, `http` and `grpc`.
 */
export async function startRuntime(options: { readonly grpcPort?: number; readonly args?: readonly string[]; readonly env?: NodeJS.ProcessEnv } = {}): Promise<RuntimeProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the runtime first (npx tsc -b)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'sdk-ts-runtime-'));
  const args = [
    MAIN,
    'serve',
    '--log-format', 'json',
    '--openflow-host', '127.0.0.1', '--openflow-port', '0',
    '--http-host', '127.0.0.1', '--http-port', '0',
    '--grpc-host', '127.0.0.1', '--grpc-port', String(options.grpcPort ?? 0),
    '--data-dir', dataDir,
    // The fake switches script what they expect: topology's LLDP flow and probes would be traffic they do not.
    '--no-topology',
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...options.env } });
  const lines: Record<string, unknown>[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const serving = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "serving" log line within 15 s: ${JSON.stringify(lines)}`));
    }, 15_000);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        parsed = { msg: line };
      }
      lines.push(parsed);
      if (parsed.msg === 'sdn-runtime serving') {
        clearTimeout(timer);
        resolve(parsed);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sdn-runtime serve exited with ${code} before serving: ${JSON.stringify(lines)}`));
    });
  });
  const grpcPort = portOf(serving.grpc, 'grpc', lines);
  return {
    child,
    target: `127.0.0.1:${grpcPort}`,
    openflowPort: portOf(serving.openflow, 'openflow', lines),
    httpPort: portOf(serving.http, 'http', lines),
    lines,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
