import { connect } from 'node:net';
import { join } from 'node:path';
import type { OpenFlowVersion } from './loadgen/switch-wire.js';

/**
 * `sdn-runtime serve` as a benchmark starts it (loopback only, warn-level JSON
 * logs, a scratch data folder), and what the benchmarks read from it: its
 * Prometheus metrics and when its gRPC API takes connections.
 */

export interface RuntimePorts {
  readonly openflowPort: number;
  readonly httpPort: number;
  readonly grpcPort: number;
}

export interface RuntimeLaunchOptions extends RuntimePorts {
  readonly root: string;
  /** The scratch folder of this run; the data folder goes inside. */
  readonly scratch: string;
  /** Built-in apps (`--app`); [] for a runtime that only serves clients. */
  readonly apps: readonly string[];
  /** Write a V8 CPU profile into this folder. */
  readonly cpuProfDir: string | undefined;
  /** The one OpenFlow version to negotiate (`--openflow-versions`); the runtime's default (1.3) when absent. */
  readonly openflow?: OpenFlowVersion;
  /** Link discovery on (the runtime's default); off when absent, see `runtimeArgs`. */
  readonly topology?: boolean;
}

/** Node flags that write a CPU profile into `dir` (nothing when undefined). */
export function cpuProfFlags(dir: string | undefined): string[] {
  return dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/**
 * Every emulated switch connects from 127.0.0.1, so the runtime's per-source and
 * handshake limits (256 and 512 by default) would refuse most of a large bench.
 */
export const BENCH_CONNECTION_LIMIT_FLAGS: readonly string[] = ['--max-switch-connections', '1000000', '--max-switch-connections-per-source', '1000000', '--max-switch-handshakes', '1000000'];

/** The arguments of `node` that run the runtime. */
export function runtimeArgs(o: RuntimeLaunchOptions): string[] {
  return [
    ...cpuProfFlags(o.cpuProfDir),
    join(o.root, 'runtime', 'dist', 'cli', 'main.js'),
    'serve',
    ...o.apps.flatMap((app) => ['--app', app]),
    '--openflow-host', '127.0.0.1',
    '--openflow-port', String(o.openflowPort),
    ...(o.openflow === undefined ? [] : ['--openflow-versions', o.openflow]),
    '--http-host', '127.0.0.1',
    '--http-port', String(o.httpPort),
    '--grpc-host', '127.0.0.1',
    '--grpc-port', String(o.grpcPort),
    '--data-dir', join(o.scratch, 'runtime-data'),
    '--log-level', 'warn',
    '--log-format', 'json',
    ...BENCH_CONNECTION_LIMIT_FLAGS,
    // The peers discover nothing: LLDP probes would be traffic only one contestant sends.
    ...(o.topology === true ? [] : ['--no-topology']),
  ];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The runtime's /metrics text. */
export async function scrapeMetrics(httpPort: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  return res.text();
}

/** The sum of the samples of `name` whose labels include every `labels` pair (0 when none). */
export function metricSum(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    const close = line.lastIndexOf('}');
    const labelText = close < 0 ? '' : line.slice(name.length + 1, close);
    if (Object.entries(labels).some(([k, v]) => !labelText.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice((close < 0 ? name.length : close + 1)).trim());
  }
  return total;
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until the runtime answers /metrics and its gRPC port takes connections. */
export async function waitForRuntime(ports: RuntimePorts, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const up = await scrapeMetrics(ports.httpPort).then(
      () => tcpOpen(ports.grpcPort),
      () => false,
    );
    if (up) return;
    if (performance.now() > deadline) throw new Error(`the runtime did not serve /metrics and gRPC within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Waits until `n` event streams are subscribed (`sdn_runtime_api_streams`). */
export async function waitForStreams(httpPort: number, n: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (metricSum(await scrapeMetrics(httpPort), 'sdn_runtime_api_streams') >= n) return;
    if (performance.now() > deadline) throw new Error(`no ${n} event stream(s) subscribed to the runtime within ${timeoutMs} ms`);
    await sleep(50);
  }
}
