import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { AppEvent, SwitchDirectory, SwitchHandle, SwitchView } from '../../runtime/dist/core/index.js';
import type { FeaturesReply, PacketIn } from '../../runtime/dist/openflow/index.js';
import { parseSeeds } from '../../runtime/dist/overlay/index.js';
import { OverlayRunner } from '../../runtime/dist/serve/overlay-runner.js';
import { RemoteSwitchMetrics } from '../../runtime/dist/serve/remote-switch-metrics.js';
import { SwitchOwner } from '../../runtime/dist/serve/remote-switch-owner.js';
import { RemoteSwitches } from '../../runtime/dist/serve/remote-switches.js';
import { machineLine, positiveNumber, runCli } from './cli.js';

/**
 * `npm run bench:overlay-remote`: the cost of the overlay on a switch command
 * and on a switch event, in one process on loopback. Node 1 owns a switch whose
 * handle answers at once (no Open vSwitch: what is measured is the overlay's
 * part), node 2 drives it through `RemoteSwitches`, one overlay hop over plain
 * TCP. Commands: sequential barriers, p50/p99 round trip, against the same
 * handle called on its own node. Events: packet-ins published on node 1 in
 * bursts, events/s and p50/p99 until node 2's bus has them; before node 2
 * announces interest, the CPU the process spends per packet-in nobody wants
 * (the owner's cost when no node subscribed: it should not pack them). Both
 * nodes share one thread, so this is a floor on cost, not two processes' throughput.
 */

const USAGE = `usage: npm run bench:overlay-remote -- [--commands N] [--events N] [--burst N] [--max-wall-s S]
  --commands N   sequential barriers per series (default 5000)
  --events N     packet-ins sent (default 100000)
  --burst N      packet-ins per event-loop turn (default 256)
  --max-wall-s S stop a series after this long (default 30)`;

interface Options {
  readonly help: boolean;
  readonly commands: number;
  readonly events: number;
  readonly burst: number;
  readonly maxWallS: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean' }, commands: { type: 'string' }, events: { type: 'string' }, burst: { type: 'string' }, 'max-wall-s': { type: 'string' } } });
  return {
    help: values.help === true,
    commands: positiveNumber('commands', values.commands, 5000, { max: 1_000_000 }),
    events: positiveNumber('events', values.events, 100_000, { max: 10_000_000 }),
    burst: positiveNumber('burst', values.burst, 256, { max: 65_536 }),
    maxWallS: positiveNumber('max-wall-s', values['max-wall-s'], 30, { integer: false }),
  };
}

const DPID = 1n;
const silent = pino({ level: 'silent' });

function view(): SwitchView {
  const features: FeaturesReply = { type: 'FeaturesReply', version: 4, xid: 0, datapathId: DPID, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0, reserved: 0 };
  return { dpid: DPID, node: 1, version: 4, remote: '127.0.0.1:1', features, desc: undefined, ports: new Map(), connectedAt: 0 };
}

/** A switch that answers every command at once. */
function instantSwitch(theView: SwitchView): SwitchDirectory {
  const handle: SwitchHandle = { dpid: DPID, node: 1, version: 4, send: () => {}, sendEncoded: () => {}, sendConfirmed: () => Promise.resolve(), request: () => Promise.resolve([]), barrier: () => Promise.resolve() };
  return { lookup: (d) => (d === DPID ? handle : undefined), view: (d) => (d === DPID ? theView : undefined), list: () => [theView], role: () => undefined };
}

function packetIn(n: number): PacketIn {
  return { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: 64, reason: 0, tableId: 0, cookie: BigInt(n), match: [{ field: 'in_port', value: 1 }], data: Buffer.alloc(64) };
}

/** CPU (user + system) µs per packet-in `owner` takes while no node wants them: `count` in bursts, a turn of the event loop after each. */
async function unwantedCpuUs(owner: SwitchOwner, count: number, burst: number): Promise<number> {
  const before = process.cpuUsage();
  for (let sent = 0; sent < count; ) {
    for (let i = 0; i < burst && sent < count; i++, sent++) owner.onLocalEvent({ type: 'packetIn', node: 1, dpid: DPID, message: packetIn(sent) });
    await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function barriers(handle: SwitchHandle, n: number, maxWallS: number): Promise<number[]> {
  const samples: number[] = [];
  const deadline = performance.now() + maxWallS * 1000;
  for (let i = 0; i < n && performance.now() < deadline; i++) {
    const started = performance.now();
    await handle.barrier();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

function row(name: string, samples: readonly number[]): string {
  return `| ${name} | ${samples.length} | ${percentile(samples, 50).toFixed(3)} ms | ${percentile(samples, 99).toFixed(3)} ms | ${(samples[samples.length - 1] ?? Number.NaN).toFixed(3)} ms |`;
}

async function run(options: Options): Promise<number> {
  process.stdout.write(`${machineLine('two overlay nodes in one process, plain TCP on loopback, one hop')}\n\n`);
  const a = new OverlayRunner({ nodeId: 1, host: '127.0.0.1', port: 0, seeds: [], aliases: [], tls: undefined, log: silent, registry: new Registry() });
  await a.start();
  const b = new OverlayRunner({ nodeId: 2, host: '127.0.0.1', port: 0, seeds: parseSeeds(`1@127.0.0.1:${a.port}`, 2), aliases: [], tls: undefined, log: silent, registry: new Registry() });
  await b.start();
  try {
    const local = instantSwitch(view());
    const owner = new SwitchOwner(a, local, silent, new RemoteSwitchMetrics(new Registry()));
    owner.onLocalEvent({ type: 'switchUp', node: 1, dpid: DPID, view: local.view(DPID)! });
    const sentAt: number[] = [];
    const latencies: number[] = [];
    let received = 0;
    const bus = {
      publish: (event: AppEvent): void => {
        if (event.type !== 'packetIn') return;
        latencies.push(performance.now() - sentAt[Number(event.message.cookie)]!);
        received++;
      },
    };
    const remote = new RemoteSwitches(b, bus, silent, new RemoteSwitchMetrics(new Registry()));
    const joinDeadline = performance.now() + 10_000;
    while (remote.lookup(DPID) === undefined || a.node.record(2) === undefined) {
      if (performance.now() > joinDeadline) throw new Error('node 2 did not learn node 1 switch, or node 1 the record of node 2, within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const unwantedUs = await unwantedCpuUs(owner, options.events, options.burst);
    process.stdout.write('| packet-ins no node wants | sent | received by node 2 | CPU µs per packet-in (both nodes) |\n| --- | ---: | ---: | ---: |\n');
    process.stdout.write(`| burst ${options.burst} per turn, 64-byte frames | ${options.events} | ${received} | ${unwantedUs.toFixed(3)} |\n\n`);
    // Node 1 sends packet-ins only to nodes that announce interest in them (serve/remote-switch-interest.ts).
    b.control((node) => node.setSwitchInterests([{ kind: 'packetIn', dpids: [], packed: true }]));
    while (a.node.record(2)?.switchInterests.length !== 1) {
      if (performance.now() > joinDeadline) throw new Error('node 2 did not learn node 1 switch, or node 1 its interest, within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const localSamples = await barriers(local.lookup(DPID)!, options.commands, options.maxWallS);
    const remoteSamples = await barriers(remote.lookup(DPID)!, options.commands, options.maxWallS);
    process.stdout.write('| barrier, sequential | samples | p50 | p99 | max |\n| --- | ---: | ---: | ---: | ---: |\n');
    process.stdout.write(`${row('on the owning node (the handle alone)', localSamples)}\n${row('from another node (one overlay hop)', remoteSamples)}\n\n`);

    const started = performance.now();
    const deadline = started + options.maxWallS * 1000;
    for (let sent = 0; sent < options.events && performance.now() < deadline; ) {
      for (let i = 0; i < options.burst && sent < options.events; i++, sent++) {
        sentAt[sent] = performance.now();
        owner.onLocalEvent({ type: 'packetIn', node: 1, dpid: DPID, message: packetIn(sent) });
      }
      // Lets the sockets move: the receiver runs on this thread too.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const sent = sentAt.length;
    while (received < sent && performance.now() < deadline + 5000) await new Promise((resolve) => setTimeout(resolve, 5));
    const wallS = (performance.now() - started) / 1000;
    latencies.sort((x, y) => x - y);
    process.stdout.write('| packet-ins, one hop | sent | received | events/s | p50 | p99 |\n| --- | ---: | ---: | ---: | ---: | ---: |\n');
    process.stdout.write(`| burst ${options.burst} per turn, 64-byte frames | ${sent} | ${received} | ${Math.round(received / wallS)} | ${percentile(latencies, 50).toFixed(2)} ms | ${percentile(latencies, 99).toFixed(2)} ms |\n`);
    return received === sent ? 0 : 1;
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
