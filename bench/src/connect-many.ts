import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../runtime/dist/testing/vectors.js';
import { EmulatedSwitch } from './loadgen/emulated-switch.js';
import { LatencyHistogram } from './loadgen/histogram.js';
import { TrafficPlan } from './loadgen/traffic.js';
import { Child, cpuSecondsOf, freePort, listenOverflows, openFilesLimit } from './proc.js';
import { BENCH_CONNECTION_LIMIT_FLAGS } from './runtime-process.js';

/**
 * The connection benchmark: N emulated switches (default 1,000) connect to the
 * runtime (a child process, no apps). Measures the time from the first connect
 * until the runtime reports every switch up (/healthz), and the runtime's memory
 * per switch from its own /metrics before and after. Bounded by --timeout.
 */

const USAGE = `usage: node bench/dist/connect-many.js [--switches 1000] [--ports 4] [--concurrency 128] [--timeout 60] [--cpu-prof DIR] [--json]
  --switches N     emulated switches (default 1000)
  --ports N        ports each switch reports in PORT_DESC (default 4)
  --concurrency N  TCP connects in progress at once (default 128)
  --timeout S      give up after this many seconds (default 60)
  --cpu-prof DIR   run the runtime under node --cpu-prof, writing the profile into DIR
  --json           print machine-readable results`;

const HOST = '127.0.0.1';
/** File descriptors the process needs besides one per switch (stdio, listeners, pipes). */
const SPARE_FDS = 64;
const POLL_MS = 20;
/** Memory is read this many times, this far apart, once every switch is up; the median is kept. */
const MEMORY_SAMPLES = 5;
const MEMORY_SAMPLE_GAP_MS = 400;

interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  const value = Number(line?.slice(name.length + 1));
  if (line === undefined || !Number.isFinite(value)) throw new Error(`/metrics has no ${name}`);
  return value;
}

async function scrape(httpPort: number): Promise<Memory> {
  const text = await (await fetch(`http://${HOST}:${httpPort}/metrics`)).text();
  return {
    rss: metric(text, 'sdn_runtime_process_resident_memory_bytes'),
    heapUsed: metric(text, 'sdn_runtime_nodejs_heap_size_used_bytes'),
    heapTotal: metric(text, 'sdn_runtime_nodejs_heap_size_total_bytes'),
    external: metric(text, 'sdn_runtime_nodejs_external_memory_bytes'),
  };
}

/** Median of each field over a few scrapes: one scrape can land just before or after a GC. */
async function memory(httpPort: number): Promise<Memory> {
  const samples: Memory[] = [];
  for (let i = 0; i < MEMORY_SAMPLES; i++) {
    if (i > 0) await sleep(MEMORY_SAMPLE_GAP_MS);
    samples.push(await scrape(httpPort));
  }
  const median = (pick: (m: Memory) => number): number => samples.map(pick).sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
  return { rss: median((m) => m.rss), heapUsed: median((m) => m.heapUsed), heapTotal: median((m) => m.heapTotal), external: median((m) => m.external) };
}

async function switchesUp(httpPort: number): Promise<number> {
  const health = (await (await fetch(`http://${HOST}:${httpPort}/healthz`)).json()) as { switches?: unknown };
  if (typeof health.switches !== 'number') throw new Error(`/healthz has no switches count: ${JSON.stringify(health)}`);
  return health.switches;
}

/** Polls `check` until it is true; throws `what` at the deadline (performance.now() time). */
async function until(check: () => Promise<boolean>, deadlineMs: number, what: () => string): Promise<void> {
  for (;;) {
    if (await check().catch(() => false)) return;
    if (performance.now() > deadlineMs) throw new Error(what());
    await sleep(POLL_MS);
  }
}

function ephemeralPorts(): number {
  const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  return high! - low! + 1;
}

/** Connects every switch, at most `concurrency` TCP connects in progress at once. */
async function connectAll(switches: readonly EmulatedSwitch[], port: number, concurrency: number, deadlineMs: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < switches.length) await switches[next++]!.connect(HOST, port, deadlineMs);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, switches.length) }, worker));
}

interface Options {
  readonly switches: number;
  readonly ports: number;
  readonly concurrency: number;
  readonly timeoutSec: number;
  readonly cpuProfDir: string | undefined;
  readonly json: boolean;
}

function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      switches: { type: 'string' },
      ports: { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      'cpu-prof': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) return 'help';
  const int = (name: string, text: string | undefined, fallback: number, max: number): number => {
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be an integer in 1..${max}, got ${text}`);
    return n;
  };
  return {
    switches: int('switches', values.switches, 1000, 60_000),
    ports: int('ports', values.ports, 4, 0xff00),
    concurrency: int('concurrency', values.concurrency, 128, 10_000),
    timeoutSec: int('timeout', values.timeout, 60, 3600),
    cpuProfDir: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
    json: values.json === true,
  };
}

async function run(options: Options): Promise<Record<string, unknown>> {
  const n = options.switches;
  const fds = openFilesLimit();
  if (fds < n + SPARE_FDS) throw new Error(`the open-files limit is ${fds}; ${n} switches need ${n + SPARE_FDS} here and in the runtime: raise it (ulimit -n ${n + 1024}) and run again`);
  if (ephemeralPorts() < n + SPARE_FDS) throw new Error(`net.ipv4.ip_local_port_range holds ${ephemeralPorts()} ports, fewer than ${n} switches need`);

  const root = projectRoot();
  const scratch = mkdtempSync(join(tmpdir(), 'sdn-bench-connect-'));
  const [openflowPort, httpPort] = [await freePort(), await freePort()];
  const plan = new TrafficPlan(2, options.ports);
  const histogram = new LatencyHistogram();
  const switches = Array.from({ length: n }, (_, index) => new EmulatedSwitch({ index, dpid: BigInt(index + 1), openflow: '1.3', plan, inFlightCapacity: 2, histogram, window: 0, batch: 256, traffic: 'none' }));
  const deadline = performance.now() + options.timeoutSec * 1000;
  const profile = options.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`];
  const args = [...profile, join(root, 'runtime', 'dist', 'cli', 'main.js'), 'serve', '--openflow-host', HOST, '--openflow-port', String(openflowPort), '--http-host', HOST, '--http-port', String(httpPort), '--data-dir', join(scratch, 'data'), '--log-level', 'warn', '--log-format', 'json', '--no-topology', ...BENCH_CONNECTION_LIMIT_FLAGS];
  process.stderr.write(`starting the runtime: node ${args.join(' ')}\n`);
  const child = await Child.start('sdn-runtime', process.execPath, args, root);
  try {
    await until(async () => (await fetch(`http://${HOST}:${httpPort}/healthz`)).ok, deadline, () => `the runtime did not serve /healthz within ${options.timeoutSec} s; its output: ${child.output()}`);
    const before = await memory(httpPort);
    const cpuBefore = cpuSecondsOf(child.pid);
    const overflowsBefore = listenOverflows();
    process.stderr.write(`connecting ${n} switches (${options.concurrency} connects at a time) ...\n`);
    const startMs = performance.now();
    await connectAll(switches, openflowPort, options.concurrency, deadline);
    const connectedMs = performance.now();
    let up = 0;
    await until(async () => (up = await switchesUp(httpPort)) >= n, deadline, () => `only ${up} of ${n} switches were up after ${options.timeoutSec} s`);
    const upMs = performance.now();
    const cpuAfter = cpuSecondsOf(child.pid);
    const overflows = listenOverflows() - overflowsBefore;
    await Promise.all(switches.map((sw) => sw.ready));
    const answeredMs = Math.max(...switches.map((sw) => sw.handshakeAnsweredMs ?? Number.NaN));
    process.stderr.write(`all ${n} switches up after ${((upMs - startMs) / 1000).toFixed(2)} s; reading memory ...\n`);
    const after = await memory(httpPort);
    const dropped = switches.filter((sw) => sw.state === 'closed');
    if (dropped.length > 0) throw new Error(`the runtime closed ${dropped.length} connection(s): ${dropped[0]!.closedBy}`);
    const perSwitch = (pick: (m: Memory) => number): number => (pick(after) - pick(before)) / n;
    return {
      machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      switches: n,
      portsPerSwitch: options.ports,
      concurrency: options.concurrency,
      allTcpConnectedSec: (connectedMs - startMs) / 1000,
      allHandshakesAnsweredSec: (answeredMs - startMs) / 1000,
      allSwitchesUpSec: (upMs - startMs) / 1000,
      runtimeCpuSec: cpuAfter - cpuBefore,
      listenOverflows: overflows,
      before,
      after,
      perSwitchBytes: { rss: perSwitch((m) => m.rss), heapUsed: perSwitch((m) => m.heapUsed), heapTotal: perSwitch((m) => m.heapTotal), external: perSwitch((m) => m.external) },
    };
  } finally {
    await Promise.all(switches.map((sw) => sw.close()));
    const exit = await child.stop();
    if (exit !== 'exit code 0') process.stderr.write(`the runtime ended with ${exit}\n`);
    if (options.cpuProfDir !== undefined) process.stderr.write(`CPU profile in ${options.cpuProfDir} (summarise: node bench/dist/profile-summary.js FILE)\n`);
    rmSync(scratch, { recursive: true, force: true });
  }
}

function format(r: Record<string, unknown>): string {
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const kib = (b: number): string => `${(b / 1024).toFixed(1)} KiB`;
  const before = r.before as Memory;
  const after = r.after as Memory;
  const per = r.perSwitchBytes as Memory;
  const sec = (k: string): string => `${(r[k] as number).toFixed(2)} s`;
  return [
    `${r.switches as number} switches connecting to sdn-runtime (no apps), ${r.portsPerSwitch as number} ports each, ${r.concurrency as number} TCP connects at a time`,
    `Machine: ${r.machine as string}; the emulated switches run in this process, on the same cores`,
    '',
    '| measure | value |',
    '| --- | ---: |',
    `| first connect -> all TCP connections open | ${sec('allTcpConnectedSec')} |`,
    `| first connect -> all handshakes answered (switch side) | ${sec('allHandshakesAnsweredSec')} |`,
    `| first connect -> /healthz reports every switch up | ${sec('allSwitchesUpSec')} |`,
    `| runtime CPU until then | ${sec('runtimeCpuSec')} |`,
    `| connections dropped by a full accept queue (TcpExt ListenOverflows, whole machine) | ${r.listenOverflows as number} |`,
    `| RSS before -> after | ${mib(before.rss)} -> ${mib(after.rss)} |`,
    `| RSS per switch | ${kib(per.rss)} |`,
    `| V8 heap used before -> after | ${mib(before.heapUsed)} -> ${mib(after.heapUsed)} |`,
    `| V8 heap used per switch | ${kib(per.heapUsed)} |`,
    `| V8 heap total per switch | ${kib(per.heapTotal)} |`,
    `| external (Buffers) per switch | ${kib(per.external)} |`,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const result = await run(options);
    process.stdout.write(`${options.json ? JSON.stringify(result, null, 2) : format(result)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`connect benchmark: ${(err as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
