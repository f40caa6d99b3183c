import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { credentials, Metadata } from '@grpc/grpc-js';
import { nodeIdOf } from '../../runtime/dist/core/index.js';
import { ClusterClient, type ListClusterRoutesResponse } from '../../runtime/dist/generated/sdn/runtime/v1/cluster.js';
import { projectRoot } from '../../runtime/dist/testing/vectors.js';
import { listOption, machineLine, positiveNumber, runCli } from './cli.js';
import { sustains, type ClientWindow } from './events-report.js';
import type { LatencySummary } from './loadgen/histogram.js';
import { DEFAULT_ONE_WAY_OPTIONS, runOneWay, type OneWayMode } from './loadgen/one-way.js';
import { Child, cpuSecondsOf, freePort } from './proc.js';
import { metricSum, runtimeArgs, scrapeMetrics, waitForRuntime, waitForStreams, type RuntimePorts } from './runtime-process.js';

/**
 * `npm run bench:overlay-processes`: the overlay across real processes on
 * loopback. 2, then 3, `sdn-runtime serve` processes joined by `--seeds` in a
 * line (node k seeds node k-1 only, so node 3 reaches node 1 through node 2:
 * checked on node 3's Cluster service before measuring). The load generator's
 * emulated switches connect to node 1; an sdk-ts client subscribes to packet-ins
 * on node 1 (no hop), node 2 (one hop) or node 3 (two hops), one at a time:
 * packet-ins per second into the client when the generator floods, and
 * write -> handler latency p50/p99 at a paced rate (the generator stamps each
 * frame with CLOCK_MONOTONIC, as bench/src/events.ts). Then an sdk-ts client on
 * the same node times sequential commands to a switch of node 1: barrier, and a
 * flow-mod confirmed by a barrier, p50/p99. Also reported: packet-ins published
 * on the nodes without a client (interest-based fan-out: should be 0), overlay
 * links closed because a peer stopped reading (should be 0), and event frames
 * the relays shed instead (overlay/README.md, "Shedding").
 */

const USAGE = `usage: npm run bench:overlay-processes -- [options]
  --rate N        latency window: PACKET_IN/s (default 10000)
  --seconds N     measured seconds of each window (default 5)
  --warmup N      seconds of traffic before a window (default 3: the client's interest reaches node 1)
  --sweep LIST    paced PACKET_IN/s steps, 2 s each, until the client gets less than 99 % of two in a row
                  (default 10000,25000,50000,75000,100000,150000)
  --switches N    emulated switches on node 1 (default 16)
  --commands N    round trips per command series (default 3000)
  --max-wall-s S  stop a command series after this long (default 30)
  --topologies L  which line topologies to run, of 2,3 (default 2,3: in the 2-node one the client is on node 1, then 2; in the 3-node one on node 3)
  --cpu-prof DIR  run every runtime under node --cpu-prof, profiles in DIR
  --only-commands skip the event windows (flood, paced, sweep): only the command series, for quick A/B of its tail
  --json          print machine-readable results instead of the table`;

interface Options {
  readonly rate: number;
  readonly seconds: number;
  readonly warmup: number;
  readonly sweep: readonly number[];
  readonly switches: number;
  readonly commands: number;
  readonly maxWallS: number;
  readonly topologies: readonly number[];
  readonly cpuProfDir: string | undefined;
  readonly onlyCommands: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values: v } = parseArgs({
    args: argv,
    options: { rate: { type: 'string' }, sweep: { type: 'string' }, seconds: { type: 'string' }, warmup: { type: 'string' }, switches: { type: 'string' }, commands: { type: 'string' }, 'max-wall-s': { type: 'string' }, topologies: { type: 'string' }, 'cpu-prof': { type: 'string' }, 'only-commands': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
    strict: true,
  });
  return {
    rate: positiveNumber('rate', v.rate, 10_000, { max: 10_000_000 }),
    seconds: positiveNumber('seconds', v.seconds, 5, { integer: false, max: 3600 }),
    warmup: positiveNumber('warmup', v.warmup, 3, { integer: false, max: 3600 }),
    sweep: (v.sweep ?? '10000,25000,50000,75000,100000,150000').split(',').map((r) => positiveNumber('sweep', r, 0, { max: 10_000_000 })),
    switches: positiveNumber('switches', v.switches, 16, { max: 10_000 }),
    commands: positiveNumber('commands', v.commands, 3000, { max: 1_000_000 }),
    maxWallS: positiveNumber('max-wall-s', v['max-wall-s'], 30, { integer: false }),
    topologies: listOption('topologies', v.topologies, ['2', '3'] as const).map(Number),
    cpuProfDir: v['cpu-prof'] === undefined ? undefined : resolve(v['cpu-prof']),
    onlyCommands: v['only-commands'] === true,
    json: v.json === true,
    help: v.help === true,
  };
}

interface Node extends RuntimePorts {
  readonly name: string;
  readonly id: number;
  readonly overlayPort: number;
  readonly child: Child;
}

interface Row {
  readonly nodes: number;
  readonly clientOn: number;
  readonly hops: number;
  readonly floodEventsPerSec: number;
  readonly floodShed: number;
  /** The highest paced rate the client took at least 99 % of (undefined: not even the first step). */
  readonly sustainedPerSec: number | undefined;
  readonly latencyRate: number;
  readonly latency: LatencySummary | null;
  /** CPU (user + system) µs per event the client got in the paced window, of node 1 and of the client's node (the same when it is node 1). */
  readonly cpuUsPerEvent: { readonly node1: number; readonly clientNode: number };
  readonly barrier: LatencySummary;
  readonly flowMod: LatencySummary;
  /** Packet-ins published on the nodes other than node 1 and the client's (interest: expected 0). */
  readonly packetInsElsewhere: number;
  /** Overlay links any node closed because the peer stopped reading (a full send queue: the overlay has no backpressure). */
  readonly slowPeerCloses: number;
  /** Sheddable overlay frames (event batches) the nodes between node 1 and the client dropped instead of closing their link onward. */
  readonly relayShedFrames: number;
}

/** A row of `--only-commands`: the command series alone, on runtimes that carried no event window before. */
interface CommandRow {
  readonly nodes: number;
  readonly clientOn: number;
  readonly hops: number;
  readonly barrier: LatencySummary;
  readonly flowMod: LatencySummary;
}

const READY_MS = 30_000;
const CLIENT_ANSWER_MS = 15_000;

/** The 1-minute load average, for the progress lines: CPU per event is only comparable between runs of similar load. */
function loadAverage(): string {
  return loadavg()[0]!.toFixed(1);
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function startNodes(count: number, root: string, scratch: string, cpuProfDir: string | undefined): Promise<Node[]> {
  const nodes: Node[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `ovp-${count}-${i}`;
    const ports = { openflowPort: await freePort(), httpPort: await freePort(), grpcPort: await freePort() };
    const overlayPort = await freePort();
    const previous = nodes.at(-1);
    const args = [
      ...runtimeArgs({ ...ports, root, scratch: join(scratch, name), apps: [], cpuProfDir }),
      '--node-id', name,
      '--overlay-host', '127.0.0.1', '--overlay-port', String(overlayPort), '--overlay-insecure',
      ...(previous === undefined ? [] : ['--seeds', `${previous.id}@127.0.0.1:${previous.overlayPort}`]),
    ];
    const child = await Child.start(name, process.execPath, args, root);
    nodes.push({ name, id: nodeIdOf(name), overlayPort, child, ...ports });
  }
  for (const node of nodes) await waitForRuntime(node, READY_MS);
  for (const node of nodes) progress(`${node.name}: pid ${node.child.pid}, ports: openflow ${node.openflowPort}, grpc ${node.grpcPort}, overlay ${node.overlayPort}, http ${node.httpPort}`);
  return nodes;
}

/** Waits until `from` routes to `to` along a path of `hops` links (the line topology holds). */
async function waitForRoute(from: Node, to: Node, hops: number): Promise<void> {
  const client = new ClusterClient(`127.0.0.1:${from.grpcPort}`, credentials.createInsecure());
  const deadline = performance.now() + READY_MS;
  try {
    for (;;) {
      const routes = await new Promise<ListClusterRoutesResponse>((resolve, reject) => client.listRoutes({}, new Metadata(), (err, res) => (err === null ? resolve(res) : reject(err))));
      const route = routes.routes.find((r) => r.dest === to.id);
      if (route !== undefined && route.path.length === hops) return;
      if (performance.now() > deadline) throw new Error(`${from.name} has no ${hops}-hop route to ${to.name} within ${READY_MS} ms (route: ${JSON.stringify(route?.path ?? null)})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.close();
  }
}

interface Window {
  readonly client: ClientWindow;
  readonly shed: number;
  readonly cpuUsPerEvent: { readonly node1: number; readonly clientNode: number };
}

/** One window of the generator's; `on` is the client's node (CPU per delivered event is read from /proc for node 1 and it). */
async function window(node1: Node, on: Node, client: Child, mode: OneWayMode, o: Options, label: string): Promise<Window> {
  let result: Window | undefined;
  let shedBefore = 0;
  let cpuBefore = { node1: 0, clientNode: 0 };
  const cpu = (): { node1: number; clientNode: number } => ({ node1: cpuSecondsOf(node1.child.pid), clientNode: cpuSecondsOf(on.child.pid) });
  // Shed on node 1: for a client there (the API's queues), or for another node (its overlay link backed up).
  const shed = async (): Promise<number> => {
    const text = await scrapeMetrics(node1.httpPort);
    return metricSum(text, 'sdn_runtime_events_shed_total', { kind: 'packetIn' }) + metricSum(text, 'sdn_runtime_remote_switch_dropped_total', { reason: 'shed' });
  };
  await runOneWay({
    ...DEFAULT_ONE_WAY_OPTIONS,
    port: node1.openflowPort,
    mode,
    switches: o.switches,
    rates: [o.rate],
    warmupSec: o.warmup,
    seconds: o.seconds,
    progress: (line) => progress(`${label}: ${line}`),
    onWindow: async (edge) => {
      if (edge === 'start') {
        shedBefore = await shed();
        client.send(`start ${mode === 'latency' ? 'latency' : 'throughput'}`);
        cpuBefore = cpu();
        return true;
      }
      const cpuAfter = cpu();
      client.send('stop');
      const line = await client.nextLine((l) => l.startsWith('{"events"'), CLIENT_ANSWER_MS);
      const got = JSON.parse(line) as ClientWindow;
      const perEvent = (seconds: number): number => (got.events === 0 ? 0 : (seconds * 1e6) / got.events);
      result = { client: got, shed: (await shed()) - shedBefore, cpuUsPerEvent: { node1: perEvent(cpuAfter.node1 - cpuBefore.node1), clientNode: perEvent(cpuAfter.clientNode - cpuBefore.clientNode) } };
      return true;
    },
  });
  if (result === undefined) throw new Error(`${label}: the ${mode} window did not run`);
  return result;
}

/** Paced steps of rising rate; returns the highest one the client took at least 99 % of, shedding at most 1 %. */
async function sweep(node1: Node, client: Child, o: Options, label: string): Promise<number | undefined> {
  let best: number | undefined;
  let failedInARow = 0;
  let shedBefore = 0;
  const shed = async (): Promise<number> => {
    const text = await scrapeMetrics(node1.httpPort);
    return metricSum(text, 'sdn_runtime_events_shed_total', { kind: 'packetIn' }) + metricSum(text, 'sdn_runtime_remote_switch_dropped_total', { reason: 'shed' });
  };
  await runOneWay({
    ...DEFAULT_ONE_WAY_OPTIONS,
    port: node1.openflowPort,
    mode: 'sweep',
    switches: o.switches,
    rates: o.sweep,
    warmupSec: 1,
    seconds: 2,
    progress: (line) => progress(`${label}: ${line}`),
    onWindow: async (edge, step) => {
      if (edge === 'start') {
        shedBefore = await shed();
        client.send('start throughput');
        return true;
      }
      client.send('stop');
      const window = JSON.parse(await client.nextLine((l) => l.startsWith('{"events"'), CLIENT_ANSWER_MS)) as ClientWindow;
      const rate = o.sweep[step]!;
      const passed = sustains(window, (await shed()) - shedBefore, rate, 0.99);
      progress(`${label}: sweep ${rate.toLocaleString('en-US')}/s: ${Math.round(window.events / window.seconds).toLocaleString('en-US')} events/s into the client${passed ? '' : ' (not sustained)'}`);
      if (passed) best = Math.max(best ?? 0, rate);
      failedInARow = passed ? 0 : failedInARow + 1;
      return failedInARow < 2;
    },
  });
  return best;
}

/** Times commands from a client on `on` to switch 1 of node 1, while the generator's switches are connected (1 packet-in/s). */
async function commands(node1: Node, on: Node, o: Options, root: string, label: string): Promise<{ barrier: LatencySummary; flowMod: LatencySummary }> {
  let result: { barrier: LatencySummary; flowMod: LatencySummary } | undefined;
  await runOneWay({
    ...DEFAULT_ONE_WAY_OPTIONS,
    port: node1.openflowPort,
    mode: 'latency',
    switches: 1,
    rates: [1],
    warmupSec: 0.5,
    seconds: 0.1,
    progress: (line) => progress(`${label}: ${line}`),
    onWindow: async (edge) => {
      if (edge === 'end') return true;
      const args = [join(root, 'bench', 'dist', 'clients', 'command-timer.js'), '--target', `127.0.0.1:${on.grpcPort}`, '--dpid', String(DEFAULT_ONE_WAY_OPTIONS.firstDpid), '--count', String(o.commands), '--max-wall-s', String(o.maxWallS)];
      const timer = await Child.start('command-timer', process.execPath, args, root);
      progress(`${label}: command-timer pid ${timer.pid}; the switch answers in this process, pid ${process.pid}`);
      try {
        result = JSON.parse(await timer.nextLine((l) => l.startsWith('{"barrier"'), 3 * o.maxWallS * 1000 + READY_MS)) as typeof result;
      } finally {
        await timer.stop();
      }
      return true;
    },
  });
  if (result === undefined) throw new Error(`${label}: the command series did not run`);
  return result;
}

async function measureTopology(count: number, targets: readonly number[], o: Options, root: string): Promise<(Row | CommandRow)[]> {
  const scratch = mkdtempSync(join(tmpdir(), `sdn-bench-overlay-processes-${count}-`));
  const rows: (Row | CommandRow)[] = [];
  let nodes: Node[] = [];
  try {
    nodes = await startNodes(count, root, scratch, o.cpuProfDir);
    const node1 = nodes[0]!;
    await waitForRoute(nodes.at(-1)!, node1, count - 1);
    progress(`${count} nodes: ${nodes.at(-1)!.name} reaches ${node1.name} in ${count - 1} hop(s)`);
    for (const k of targets) {
      const on = nodes[k - 1]!;
      const label = `${count} nodes, client on node ${k}`;
      if (o.onlyCommands) {
        const timed = await commands(node1, on, o, root, label);
        progress(`${label}: barrier p50 ${timed.barrier.p50Us} µs p99 ${timed.barrier.p99Us} µs max ${timed.barrier.maxUs} µs; flow-mod p50 ${timed.flowMod.p50Us} µs p99 ${timed.flowMod.p99Us} µs (load ${loadAverage()})`);
        rows.push({ nodes: count, clientOn: k, hops: k - 1, ...timed });
        continue;
      }
      const elsewhere = nodes.filter((n) => n !== node1 && n !== on);
      const publishedElsewhere = async (): Promise<number> => {
        let total = 0;
        for (const n of elsewhere) total += metricSum(await scrapeMetrics(n.httpPort), 'sdn_runtime_remote_switch_events_total', { kind: 'packetIn' });
        return total;
      };
      const slowCloses = async (): Promise<number> => {
        let total = 0;
        for (const n of nodes) total += metricSum(await scrapeMetrics(n.httpPort), 'sdn_runtime_overlay_links_closed_total', { reason: 'slow-peer' });
        return total;
      };
      const relays = nodes.slice(1, k - 1);
      const relayShed = async (): Promise<number> => {
        let total = 0;
        for (const n of relays) total += metricSum(await scrapeMetrics(n.httpPort), 'sdn_runtime_overlay_drops_total', { reason: 'shed' });
        return total;
      };
      const before = await publishedElsewhere();
      const closesBefore = await slowCloses();
      const relayShedBefore = await relayShed();
      const client = await Child.start('event-counter', process.execPath, [join(root, 'bench', 'dist', 'clients', 'event-counter.js'), '--target', `127.0.0.1:${on.grpcPort}`], root, { stdin: true });
      try {
        await client.nextLine((l) => l.startsWith('{"ready"'), READY_MS);
        await waitForStreams(on.httpPort, 1, READY_MS);
        const flood = await window(node1, on, client, 'flood', o, label);
        const floodEventsPerSec = flood.client.events / flood.client.seconds;
        progress(`${label}: flood: ${Math.round(floodEventsPerSec).toLocaleString('en-US')} events/s into the client, ${flood.shed} shed`);
        const paced = await window(node1, on, client, 'latency', o, label);
        const sustainedPerSec = await sweep(node1, client, o, label);
        progress(`${label}: ${o.rate}/s: p50 ${paced.client.latency?.p50Us} µs, p99 ${paced.client.latency?.p99Us} µs; CPU µs per event: node 1 ${paced.cpuUsPerEvent.node1.toFixed(1)}, node ${k} ${paced.cpuUsPerEvent.clientNode.toFixed(1)} (load ${loadAverage()})`);
        client.send('quit');
        await Promise.race([client.exited, new Promise((resolve) => setTimeout(resolve, CLIENT_ANSWER_MS).unref())]);
        const timed = await commands(node1, on, o, root, label);
        progress(`${label}: barrier p50 ${timed.barrier.p50Us} µs p99 ${timed.barrier.p99Us} µs; flow-mod p50 ${timed.flowMod.p50Us} µs p99 ${timed.flowMod.p99Us} µs`);
        rows.push({ nodes: count, clientOn: k, hops: k - 1, floodEventsPerSec, floodShed: flood.shed, sustainedPerSec, latencyRate: o.rate, latency: paced.client.latency, cpuUsPerEvent: paced.cpuUsPerEvent, ...timed, packetInsElsewhere: (await publishedElsewhere()) - before, slowPeerCloses: (await slowCloses()) - closesBefore, relayShedFrames: (await relayShed()) - relayShedBefore });
      } finally {
        await client.stop();
      }
    }
  } finally {
    for (const n of [...nodes].reverse()) await n.child.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}

function ms(us: number | undefined): string {
  return us === undefined ? '—' : (us / 1000).toFixed(2);
}

function commandReport(rows: readonly CommandRow[], o: Options, machine: string): string {
  return [
    machine,
    '',
    `Serve processes on loopback in a line (plain TCP overlay, \`--overlay-insecure\`); no event window before (\`--only-commands\`). Commands: sequential, from an sdk-ts client on that node to a switch of node 1, ${o.commands.toLocaleString('en-US')} each.`,
    '',
    '| nodes | client on | overlay hops | barrier p50 / p99 / p99.9 / max ms | flow-mod confirmed p50 / p99 / p99.9 / max ms |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.nodes} | ${r.clientOn} | ${r.hops} | ${ms(r.barrier.p50Us)} / ${ms(r.barrier.p99Us)} / ${ms(r.barrier.p999Us)} / ${ms(r.barrier.maxUs)} | ${ms(r.flowMod.p50Us)} / ${ms(r.flowMod.p99Us)} / ${ms(r.flowMod.p999Us)} / ${ms(r.flowMod.maxUs)} |`),
  ].join('\n');
}

function report(rows: readonly Row[], o: Options, machine: string): string {
  return [
    machine,
    '',
    `Serve processes on loopback in a line (plain TCP overlay, \`--overlay-insecure\`); ${o.switches} emulated switches on node 1; one sdk-ts client at a time. Flood: the generator writes as fast as node 1 reads. Sustained: paced steps of ${o.sweep.map((r) => r.toLocaleString('en-US')).join(', ')}/s, 2 s each. Latency: ${o.rate.toLocaleString('en-US')} PACKET_IN/s, generator write -> client handler; in that window, the CPU (user + system, /proc) node 1 and the client's node spent per event the client got. Commands: sequential, from an sdk-ts client on that node to a switch of node 1, ${o.commands.toLocaleString('en-US')} each.`,
    '',
    '| nodes | client on | overlay hops | flood: events/s into the client (shed on node 1) | highest paced rate sustained (99 %) | latency p50 / p99 ms | CPU µs per event: node 1 / client node | barrier p50 / p99 ms | flow-mod confirmed p50 / p99 ms | packet-ins published on other nodes | overlay links closed: peer not reading | event frames shed by relays |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.nodes} | ${r.clientOn} | ${r.hops} | ${Math.round(r.floodEventsPerSec).toLocaleString('en-US')} (${r.floodShed.toLocaleString('en-US')}) | ${r.sustainedPerSec === undefined ? 'none' : r.sustainedPerSec.toLocaleString('en-US')} | ${ms(r.latency?.p50Us)} / ${ms(r.latency?.p99Us)} | ${r.cpuUsPerEvent.node1.toFixed(1)} / ${r.cpuUsPerEvent.clientNode.toFixed(1)} | ${ms(r.barrier.p50Us)} / ${ms(r.barrier.p99Us)} | ${ms(r.flowMod.p50Us)} / ${ms(r.flowMod.p99Us)} | ${r.packetInsElsewhere} | ${r.slowPeerCloses} | ${r.clientOn > 2 ? r.relayShedFrames.toLocaleString('en-US') : '—'} |`),
  ].join('\n');
}

async function run(o: Options): Promise<number> {
  const root = projectRoot();
  for (const file of ['runtime/dist/cli/main.js', 'bench/dist/clients/event-counter.js', 'bench/dist/clients/command-timer.js', 'sdk-ts/dist/index.js']) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npx tsc -b`);
  }
  const machine = machineLine('the generator, the runtimes and the clients share the cores');
  const rows: (Row | CommandRow)[] = [];
  if (o.topologies.includes(2)) rows.push(...(await measureTopology(2, [1, 2], o, root)));
  if (o.topologies.includes(3)) rows.push(...(await measureTopology(3, [3], o, root)));
  const text = o.onlyCommands ? commandReport(rows, o, machine) : report(rows as Row[], o, machine);
  process.stdout.write(o.json ? `${JSON.stringify({ machine, options: o, rows }, null, 2)}\n` : `${text}\n`);
  return 0;
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
