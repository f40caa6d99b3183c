import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../runtime/dist/testing/vectors.js';
import { CABLED_PORTS, ringWithChords, type Cable } from './loadgen/cabling.js';
import { EmulatedSwitch } from './loadgen/emulated-switch.js';
import { LatencyHistogram } from './loadgen/histogram.js';
import { TrafficPlan } from './loadgen/traffic.js';
import { machineLine, positiveNumber, runCli } from './cli.js';
import { Child, cpuSecondsOf, freePort, openFilesLimit } from './proc.js';
import { metricSum, runtimeArgs, scrapeMetrics, waitForRuntime } from './runtime-process.js';

/**
 * `npm run bench:discovery`: link discovery of a real `serve` (topology on, its
 * default 2 s probe interval; no apps) over N emulated OpenFlow 1.3 switches
 * cabled as a ring plus random chords (loadgen/cabling.ts), 4 ports each (3
 * cabled, 1 edge port). An LLDP probe the runtime sends out of a cabled port
 * comes back as the peer's PACKET_IN, bytes unchanged (the HMAC is checked).
 * Measures, per size, the time from the first switch connecting (and from the
 * last switch's handshake) until the runtime knows every link (its
 * `sdn_runtime_topology_links` gauge, polled every --poll-ms; the set is then
 * checked against the wiring through /api/v1/topology), and the probe load at
 * rest: PACKET_OUTs/s over --rest-seconds, total and per probed port, and the
 * runtime's CPU meanwhile. Each size runs against a fresh runtime; every wait
 * is bounded by --timeout.
 */

const USAGE = `usage: npm run bench:discovery -- [--switches 16,100,1000] [--rest-seconds 10] [--poll-ms 50] [--seed 1] [--timeout 120] [--cpu-prof DIR] [--json]
  --switches LIST    network sizes, comma-separated, each run on a fresh runtime (default 16,100,1000)
  --rest-seconds S   window over which the probe load is measured once every link is known (default 10)
  --poll-ms MS       how often the links gauge is read: the resolution of the times (default 50)
  --seed N           seed of the chords' random matching (default 1)
  --timeout S        give up on a size after this many seconds (default 120)
  --cpu-prof DIR     run the runtime under node --cpu-prof, writing the profiles into DIR
  --json             print machine-readable results`;

const HOST = '127.0.0.1';
const PORTS = CABLED_PORTS + 1;
const CONCURRENCY = 128;
/** File descriptors the two processes need besides one per switch. */
const SPARE_FDS = 64;

interface Options {
  readonly help: boolean;
  readonly sizes: readonly number[];
  readonly restSeconds: number;
  readonly pollMs: number;
  readonly seed: number;
  readonly timeoutSec: number;
  readonly cpuProfDir: string | undefined;
  readonly json: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      switches: { type: 'string' },
      'rest-seconds': { type: 'string' },
      'poll-ms': { type: 'string' },
      seed: { type: 'string' },
      timeout: { type: 'string' },
      'cpu-prof': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const sizes = (values.switches ?? '16,100,1000').split(',').map((text) => positiveNumber('switches', text, 0, { max: 10_000 }));
  if (sizes.some((n) => n < 3)) throw new Error('--switches: a ring needs at least 3 switches');
  return {
    help: values.help === true,
    sizes,
    restSeconds: positiveNumber('rest-seconds', values['rest-seconds'], 10, { integer: false, max: 600 }),
    pollMs: positiveNumber('poll-ms', values['poll-ms'], 50, { max: 10_000 }),
    seed: positiveNumber('seed', values.seed, 1, { max: 2 ** 31 }),
    timeoutSec: positiveNumber('timeout', values.timeout, 120, { max: 3600 }),
    cpuProfDir: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
    json: values.json === true,
  };
}

interface Result {
  readonly switches: number;
  readonly cables: number;
  readonly links: number;
  readonly probedPorts: number;
  readonly loadAverage: string;
  readonly allHandshakesSec: number;
  readonly firstConnectToAllLinksSec: number;
  readonly lastHandshakeToAllLinksSec: number;
  readonly probesPerSec: number;
  readonly probesPerPortPerSec: number;
  readonly carriedPerSec: number;
  readonly runtimeCpuAtRestPercent: number;
  readonly refusedFrames: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The directed links a wiring proves, as `src dpid:port>dst dpid:port` (dpid = index + 1). */
function expectedLinks(cables: readonly Cable[]): Set<string> {
  const key = (a: number, ap: number, b: number, bp: number): string => `${a + 1}:${ap}>${b + 1}:${bp}`;
  return new Set(cables.flatMap((c) => [key(c.a, c.aPort, c.b, c.bPort), key(c.b, c.bPort, c.a, c.aPort)]));
}

/** The runtime's links from /api/v1/topology, in the form of `expectedLinks`. */
async function knownLinks(httpPort: number): Promise<Set<string>> {
  const res = await fetch(`http://${HOST}:${httpPort}/api/v1/topology`);
  if (!res.ok) throw new Error(`GET /api/v1/topology answered ${res.status}`);
  /** dpid: 16 hex digits. */
  type End = { dpid: string; port: number };
  const doc = (await res.json()) as { links: { src: End; dst: End }[] };
  const end = (e: End): string => `${BigInt(`0x${e.dpid}`)}:${e.port}`;
  return new Set(doc.links.map((l) => `${end(l.src)}>${end(l.dst)}`));
}

async function connectAll(switches: readonly EmulatedSwitch[], port: number, deadlineMs: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < switches.length) await switches[next++]!.connect(HOST, port, deadlineMs);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, switches.length) }, worker));
}

async function runSize(n: number, options: Options): Promise<Result> {
  const root = projectRoot();
  const scratch = mkdtempSync(join(tmpdir(), 'sdn-bench-discovery-'));
  const ports = { openflowPort: await freePort(), httpPort: await freePort(), grpcPort: await freePort() };
  const cables = ringWithChords(n, options.seed);
  const expected = expectedLinks(cables);
  const plan = new TrafficPlan(2, PORTS);
  const histogram = new LatencyHistogram();
  const switches = Array.from({ length: n }, (_, index) => new EmulatedSwitch({ index, dpid: BigInt(index + 1), openflow: '1.3', plan, inFlightCapacity: 2, histogram, window: 0, batch: 256, traffic: 'none' }));
  for (const c of cables) switches[c.a]!.cable(c.aPort, switches[c.b]!, c.bPort);
  if (options.cpuProfDir !== undefined) mkdirSync(options.cpuProfDir, { recursive: true });
  const child = await Child.start('sdn-runtime', process.execPath, runtimeArgs({ ...ports, root, scratch, apps: [], cpuProfDir: options.cpuProfDir, topology: true }), root);
  const timeoutMs = options.timeoutSec * 1000;
  try {
    await waitForRuntime(ports, timeoutMs);
    const loadAverage = loadavg().map((l) => l.toFixed(2)).join(' ');
    const deadline = performance.now() + timeoutMs;
    const startMs = performance.now();
    await connectAll(switches, ports.openflowPort, deadline);
    await Promise.all(switches.map((sw) => sw.ready)).catch((err: Error) => {
      throw new Error(`${err.message}: the runtime ends a handshake after 10 s; on a loaded machine try fewer switches or a quieter moment`, { cause: err });
    });
    const lastHandshakeMs = Math.max(...switches.map((sw) => sw.handshakeAnsweredMs ?? Number.NaN));
    let links = 0;
    for (;;) {
      links = metricSum(await scrapeMetrics(ports.httpPort), 'sdn_runtime_topology_links');
      if (links >= expected.size) break;
      if (performance.now() > deadline) throw new Error(`the runtime knew ${links} of ${expected.size} links after ${options.timeoutSec} s`);
      await sleep(options.pollMs);
    }
    const allLinksMs = performance.now();
    const known = await knownLinks(ports.httpPort);
    const missing = [...expected].filter((l) => !known.has(l));
    const extra = [...known].filter((l) => !expected.has(l));
    if (missing.length > 0 || extra.length > 0) throw new Error(`the runtime's links differ from the wiring: missing ${missing.slice(0, 5).join(', ')} (${missing.length}), extra ${extra.slice(0, 5).join(', ')} (${extra.length})`);

    const sentBefore = metricSum(await scrapeMetrics(ports.httpPort), 'sdn_runtime_topology_probes_sent_total');
    const carriedBefore = switches.reduce((sum, sw) => sum + sw.counts.lldpCarried, 0);
    const cpuBefore = cpuSecondsOf(child.pid);
    const restFrom = performance.now();
    await sleep(options.restSeconds * 1000);
    const text = await scrapeMetrics(ports.httpPort);
    const restSec = (performance.now() - restFrom) / 1000;
    const cpuAtRest = cpuSecondsOf(child.pid) - cpuBefore;
    const probesPerSec = (metricSum(text, 'sdn_runtime_topology_probes_sent_total') - sentBefore) / restSec;
    const carriedPerSec = (switches.reduce((sum, sw) => sum + sw.counts.lldpCarried, 0) - carriedBefore) / restSec;
    const linksAtEnd = metricSum(text, 'sdn_runtime_topology_links');
    if (linksAtEnd !== expected.size) throw new Error(`links flapped at rest: ${linksAtEnd} known at the end of the window, ${expected.size} cabled`);
    const dropped = switches.filter((sw) => sw.state === 'closed');
    if (dropped.length > 0) throw new Error(`the runtime closed ${dropped.length} connection(s): ${dropped[0]!.closedBy}`);
    return {
      switches: n,
      cables: cables.length,
      links: expected.size,
      probedPorts: n * PORTS,
      loadAverage,
      allHandshakesSec: (lastHandshakeMs - startMs) / 1000,
      firstConnectToAllLinksSec: (allLinksMs - startMs) / 1000,
      lastHandshakeToAllLinksSec: (allLinksMs - lastHandshakeMs) / 1000,
      probesPerSec,
      probesPerPortPerSec: probesPerSec / (n * PORTS),
      carriedPerSec,
      runtimeCpuAtRestPercent: (100 * cpuAtRest) / restSec,
      refusedFrames: metricSum(text, 'sdn_runtime_topology_frames_refused_total'),
    };
  } finally {
    await Promise.all(switches.map((sw) => sw.close()));
    const exit = await child.stop();
    if (exit !== 'exit code 0') process.stderr.write(`the runtime ended with ${exit}: ${child.output().slice(-1000)}\n`);
    rmSync(scratch, { recursive: true, force: true });
  }
}

function table(results: readonly Result[], options: Options): string {
  const s = (x: number): string => x.toFixed(2);
  return [
    machineLine(`ring + random chords, ${PORTS} ports per switch (${CABLED_PORTS} cabled), default probe interval (2 s, jitter 0.2), links polled every ${options.pollMs} ms, load over ${options.restSeconds} s at rest; the switches run in this process, on the same cores`),
    '',
    '| switches | cables | links | load average | all handshakes s | first connect -> all links s | last handshake -> all links s | probe PACKET_OUTs/s | per port /s | carried /s | runtime CPU at rest | refused |',
    '| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.switches} | ${r.cables} | ${r.links} | ${r.loadAverage} | ${s(r.allHandshakesSec)} | ${s(r.firstConnectToAllLinksSec)} | ${s(r.lastHandshakeToAllLinksSec)} | ${r.probesPerSec.toFixed(0)} | ${s(r.probesPerPortPerSec)} | ${r.carriedPerSec.toFixed(0)} | ${r.runtimeCpuAtRestPercent.toFixed(1)} % | ${r.refusedFrames} |`),
  ].join('\n');
}

async function run(options: Options): Promise<number> {
  const largest = Math.max(...options.sizes);
  const fds = openFilesLimit();
  if (fds < largest + SPARE_FDS) throw new Error(`the open-files limit is ${fds}; ${largest} switches need ${largest + SPARE_FDS}: raise it (ulimit -n ${largest + 1024}) and run again`);
  const results: Result[] = [];
  for (const n of options.sizes) {
    process.stderr.write(`${n} switches ...\n`);
    results.push(await runSize(n, options));
  }
  process.stdout.write(`${options.json ? JSON.stringify(results, null, 2) : table(results, options)}\n`);
  return 0;
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
