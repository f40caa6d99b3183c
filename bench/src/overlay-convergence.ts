import { parseArgs } from 'node:util';
import type { NodeId } from '../../runtime/dist/overlay/index.js';
import { advanceUntilConverged, expectedCosts, randomGeometricGraph, seededRandom, simulate, wrongRoutes } from '../../runtime/dist/overlay/testing/index.js';
import { machineLine, positiveNumber, runCli } from './cli.js';

/**
 * `npm run bench:overlay`: route convergence of the overlay in the simulator
 * (runtime/src/overlay/testing/) on random geometric graphs: simulated time
 * from a cold start until every node's route to every other is the cheapest by
 * Dijkstra (RTT + 10 ms per hop), the control messages per node per second at
 * rest, the simulated time to reconverge after the best-connected node
 * crashes, and after it comes back (a join). Wall time of each phase beside it.
 */

const USAGE = `usage: npm run bench:overlay -- [--sizes N,N] [--neighbours K] [--seed S] [--max-wall-s S]
  --sizes N,N      graph sizes (default 50,500; 2000 needs a few GB of heap: --max-old-space-size)
  --neighbours K   each node linked to its K nearest (default 6: ~8 links per node on average)
  --seed S         graph and loss seed (default 1)
  --max-wall-s S   skip the sizes after one whose start took longer than this (default 120)`;

interface Options {
  readonly help: boolean;
  readonly sizes: readonly number[];
  readonly neighbours: number;
  readonly seed: number;
  readonly maxWallS: number;
}

const HOP_PENALTY_MS = 10;
/** One-way latency across the square (ms): a continent. */
const SIDE_MS = 60;
const STEP_MS = 20;

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean' }, sizes: { type: 'string' }, neighbours: { type: 'string' }, seed: { type: 'string' }, 'max-wall-s': { type: 'string' } } });
  const sizes = (values.sizes ?? '50,500').split(',').map((s) => positiveNumber('sizes', s, 0, { max: 5000 }));
  return {
    help: values.help === true,
    sizes,
    neighbours: positiveNumber('neighbours', values.neighbours, 6, { max: 64 }),
    seed: positiveNumber('seed', values.seed, 1),
    maxWallS: positiveNumber('max-wall-s', values['max-wall-s'], 120, { integer: false }),
  };
}

interface Row {
  readonly nodes: number;
  readonly links: number;
  readonly meanDegree: number;
  readonly maxHops: number;
  readonly linksUpMs: number | undefined;
  readonly convergedMs: number | undefined;
  readonly startWallS: number;
  readonly restPerNodePerS: Record<string, number>;
  readonly restBytesPerNodePerS: number;
  readonly killed: NodeId;
  readonly reconvergedMs: number | undefined;
  readonly killWallS: number;
  readonly rejoinedMs: number | undefined;
  readonly relinkedMs: number;
  readonly heapMiB: number;
  /** The process's peak resident memory so far (every size run before this one included). */
  readonly peakRssMiB: number;
}

function measure(n: number, options: Options): Row {
  const graph = randomGeometricGraph(n, options.neighbours, SIDE_MS, seededRandom(options.seed));
  const degree = new Map<NodeId, number>();
  for (const { a, b } of graph.edges) for (const x of [a, b]) degree.set(x, (degree.get(x) ?? 0) + 1);
  // The overlay's defaults bound paths to 32 nodes; a 2,000-node geometric graph's diameter is longer.
  const config = { maxPathLength: 128, maxTtl: 128, announceLinks: false };
  let wall = performance.now();
  const expected = expectedCosts(graph, HOP_PENALTY_MS);
  const sim = simulate(graph, { seed: options.seed, tickMs: 10, record: false }, config);
  let linksUpMs: number | undefined;
  const wantLinks = graph.edges.length * 2;
  for (let t = 0; t < 10_000 && linksUpMs === undefined; t += STEP_MS) {
    sim.advance(STEP_MS);
    const up = sim.running().reduce((sum, id) => sum + sim.node(id).links().length, 0);
    if (up === wantLinks) linksUpMs = sim.nowMs;
  }
  const rest = advanceUntilConverged(sim, expected, STEP_MS, 60_000);
  const convergedMs = rest === undefined ? undefined : sim.nowMs;
  const startWallS = (performance.now() - wall) / 1000;
  progress(n, `cold start: all routes correct at ${ms(convergedMs)} simulated, ${startWallS.toFixed(1)} s wall`);
  let maxHops = 0;
  for (const id of sim.running()) for (const route of sim.node(id).routes().values()) maxHops = Math.max(maxHops, route.path.length);

  sim.advance(5000);
  const before = new Map(sim.sent);
  const bytesBefore = sim.sentBytes;
  const restS = 10;
  sim.advance(restS * 1000);
  const restPerNodePerS: Record<string, number> = {};
  for (const [kind, count] of sim.sent) {
    const delta = count - (before.get(kind) ?? 0);
    if (delta > 0) restPerNodePerS[kind] = delta / n / restS;
  }
  const restBytesPerNodePerS = (sim.sentBytes - bytesBefore) / n / restS;

  const killed = [...degree.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] as NodeId;
  wall = performance.now();
  const afterKill = expectedCosts(graph, HOP_PENALTY_MS, new Set([killed]));
  sim.crash(killed);
  const reconvergedMs = advanceUntilConverged(sim, afterKill, STEP_MS, 60_000);
  const killWallS = (performance.now() - wall) / 1000;
  progress(n, `crash of node ${killed}: all routes correct after ${ms(reconvergedMs)} simulated, ${killWallS.toFixed(1)} s wall`);
  if (reconvergedMs === undefined) process.stderr.write(`n=${n}: not reconverged; first wrong routes ${JSON.stringify(wrongRoutes(sim, afterKill, 3))}\n`);
  // The same node comes back: a join into a converged network. Its lower-id
  // neighbours redial it with backoff (seconds after a 10 s outage), so the
  // clock for routing starts when all its links are up again.
  sim.advance(10_000);
  sim.restart(killed);
  const restartedAt = sim.nowMs;
  const want = degree.get(killed) ?? 0;
  while (sim.node(killed).links().length < want && sim.nowMs - restartedAt < 120_000) sim.advance(STEP_MS);
  const relinkedMs = sim.nowMs - restartedAt;
  const rejoinedMs = advanceUntilConverged(sim, expected, STEP_MS, 60_000);
  return {
    nodes: n,
    links: graph.edges.length,
    meanDegree: (2 * graph.edges.length) / n,
    maxHops,
    linksUpMs,
    convergedMs,
    startWallS,
    restPerNodePerS,
    restBytesPerNodePerS,
    killed,
    reconvergedMs,
    killWallS,
    rejoinedMs,
    relinkedMs,
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/** A phase done, on stderr: a large size runs for minutes before its row. */
function progress(n: number, what: string): void {
  const { heapUsed } = process.memoryUsage();
  process.stderr.write(`n=${n}: ${what}; heap ${(heapUsed / 2 ** 20).toFixed(0)} MiB, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`);
}

function ms(value: number | undefined): string {
  return value === undefined ? 'not reached' : `${value} ms`;
}

async function run(options: Options): Promise<number> {
  process.stdout.write(`${machineLine('overlay simulator, one thread')}\n`);
  process.stdout.write(`Random geometric graphs (seed ${options.seed}): nodes in a square ${SIDE_MS} ms of one-way latency across, each linked to its ${options.neighbours} nearest; route cost = RTT + ${HOP_PENALTY_MS} ms per hop; correctness = every route's cost equals Dijkstra's.\n\n`);
  process.stdout.write('| nodes | links (mean degree) | longest path | all links up | all routes correct (from start) | wall | control msgs/node/s at rest | bytes/node/s at rest | crash of the best-connected node: all routes correct after | wall | its restart (a join): all its links up (redial backoff), then all routes correct | heap at end | peak RSS |\n');
  process.stdout.write('| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n');
  let failed = 0;
  for (const n of options.sizes) {
    const row = measure(n, options);
    const rest = Object.entries(row.restPerNodePerS).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
    const total = Object.values(row.restPerNodePerS).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `| ${row.nodes} | ${row.links} (${row.meanDegree.toFixed(1)}) | ${row.maxHops} nodes | ${ms(row.linksUpMs)} | ${ms(row.convergedMs)} | ${row.startWallS.toFixed(1)} s | ${total.toFixed(1)} (${rest}) | ${row.restBytesPerNodePerS.toFixed(0)} | ${ms(row.reconvergedMs)} (node ${row.killed}) | ${row.killWallS.toFixed(1)} s | ${row.relinkedMs} ms, then ${ms(row.rejoinedMs)} | ${row.heapMiB.toFixed(0)} MiB | ${row.peakRssMiB.toFixed(0)} MiB |\n`,
    );
    if (row.convergedMs === undefined || row.reconvergedMs === undefined || row.rejoinedMs === undefined) failed += 1;
    if (row.startWallS > options.maxWallS) {
      process.stdout.write(`\nStopping: the start of ${n} nodes took ${row.startWallS.toFixed(0)} s of wall time (--max-wall-s ${options.maxWallS}).\n`);
      break;
    }
  }
  process.stdout.write('\nSimulated times include the links coming up (TCP connect, Hello, first ping/pong). A crash closes its links after one latency (the kernel resets them); a silent failure adds the liveness timeout (4 s).\n');
  return failed === 0 ? 0 : 1;
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
