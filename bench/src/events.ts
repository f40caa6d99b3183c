import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../runtime/dist/testing/vectors.js';
import { cpuProfilesOf, listOption, machineLine, positiveNumber, runCli } from './cli.js';
import { type ClientWindow, type EventsResult, type EventsSettings, eventsPerSec, formatEventsReport, type ModeResult, sustains, type WindowResult } from './events-report.js';
import { DEFAULT_ONE_WAY_OPTIONS, type OneWayMode, runOneWay } from './loadgen/one-way.js';
import { Child, cpuSecondsOf, freePort } from './proc.js';
import { cpuProfFlags, metricSum, runtimeArgs, scrapeMetrics, waitForRuntime, waitForStreams } from './runtime-process.js';

/**
 * The event-stream benchmark: emulated switches send PACKET_INs to a runtime
 * with no apps (its CLI, its own process), which streams them as events to one
 * client in another process, an sdk-ts or an sdk-python app that counts what its
 * handler sees. 'throughput' sends as fast as the runtime reads and counts the
 * events the client takes per second; 'latency' sends a paced rate and the
 * client records, per event, the time since the generator wrote the frame
 * (CLOCK_MONOTONIC, shared by the processes). One client after the other.
 * Markdown on stdout (JSON with --json), progress on stderr; exits 1 when a
 * selected client could not be measured.
 */

const CLIENT_IDS = ['ts', 'python'] as const;
type ClientId = (typeof CLIENT_IDS)[number];
const MODES: readonly OneWayMode[] = ['sweep', 'latency', 'flood'];
const DEFAULT_MODES: readonly OneWayMode[] = ['sweep', 'latency'];
const DEFAULT_SWEEP = [25_000, 50_000, 75_000, 100_000, 125_000, 150_000, 200_000, 250_000, 300_000, 400_000, 500_000];
/** A sweep window passes when the client got at least this share of what was sent, and the runtime shed at most 1 - it. */
const SUSTAINED = 0.99;

interface EventClient {
  readonly id: ClientId;
  readonly label: string;
  readonly files: readonly (readonly [string, string])[];
  /** `profDir`: where a Node client writes its CPU profile (undefined: none). */
  command(root: string, target: string, o: Options, profDir: string | undefined): { command: string; args: string[] };
}

function clientFlags(o: Options): string[] {
  return [...(o.credit === undefined ? [] : ['--credit', String(o.credit)]), ...(o.maxBatch === undefined ? [] : ['--max-batch', String(o.maxBatch)])];
}

const CLIENTS: readonly EventClient[] = [
  {
    id: 'ts',
    label: 'TypeScript (sdk-ts)',
    files: [['bench/dist/clients/event-counter.js', 'run npx tsc -b']],
    command: (root, target, o, profDir) => ({ command: process.execPath, args: [...cpuProfFlags(profDir), join(root, 'bench', 'dist', 'clients', 'event-counter.js'), '--target', target, ...clientFlags(o)] }),
  },
  {
    id: 'python',
    label: 'Python (sdk-python)',
    files: [['sdk-python/.venv/bin/python', 'run bash sdk-python/scripts/setup-venv.sh']],
    command: (root, target, o) => ({ command: join(root, 'sdk-python', '.venv', 'bin', 'python'), args: [join(root, 'bench', 'clients', 'event_counter.py'), '--target', target, ...clientFlags(o)] }),
  },
];

const USAGE = `usage: node bench/dist/events.js [options]
  --modes MODES      comma-separated, of: ${MODES.join(', ')} (default ${DEFAULT_MODES.join(',')})
                     sweep: rising paced rates until the client gets less than ${SUSTAINED * 100} % of two in a row;
                     latency: one paced rate, write -> handler latency; flood: as fast as the runtime reads
  --rates LIST       sweep: PACKET_IN/s per step (default ${DEFAULT_SWEEP.join(',')})
  --rate N           latency: PACKET_IN/s (default ${DEFAULT_ONE_WAY_OPTIONS.rates[0]})
  --seconds N        measured seconds of a latency or flood window (default ${DEFAULT_ONE_WAY_OPTIONS.seconds})
  --step-seconds N   measured seconds of each sweep step (default 2)
  --warmup N         seconds of traffic before a window (default ${DEFAULT_ONE_WAY_OPTIONS.warmupSec}; 1 between sweep steps)
  --switches N       emulated switches (default ${DEFAULT_ONE_WAY_OPTIONS.switches})
  --only IDS         comma-separated clients, of: ${CLIENT_IDS.join(', ')}
  --credit N         the client's credit window (default: its SDK's)
  --max-batch N      events per batch the client asks for (default: the runtime's)
  --cpu-prof DIR     run the runtime (and the TS client) under node --cpu-prof, profiles in DIR/<client>/
  --json             print machine-readable results instead of the tables`;

interface Options {
  readonly settings: EventsSettings;
  readonly only: readonly ClientId[];
  readonly modes: readonly OneWayMode[];
  readonly credit: number | undefined;
  readonly maxBatch: number | undefined;
  readonly cpuProfDir: string | undefined;
  readonly json: boolean;
  readonly help: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      'step-seconds': { type: 'string' },
      warmup: { type: 'string' },
      switches: { type: 'string' },
      rate: { type: 'string' },
      rates: { type: 'string' },
      only: { type: 'string' },
      modes: { type: 'string' },
      credit: { type: 'string' },
      'max-batch': { type: 'string' },
      'cpu-prof': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  const d = DEFAULT_ONE_WAY_OPTIONS;
  return {
    settings: {
      seconds: positiveNumber('seconds', v.seconds, d.seconds, { integer: false, max: 10_000_000 }),
      stepSeconds: positiveNumber('step-seconds', v['step-seconds'], 2, { integer: false, max: 10_000_000 }),
      warmupSec: positiveNumber('warmup', v.warmup, d.warmupSec, { integer: false, max: 10_000_000 }),
      switches: positiveNumber('switches', v.switches, d.switches, { max: 10_000_000 }),
      rate: positiveNumber('rate', v.rate, d.rates[0]!, { integer: false, max: 10_000_000 }),
      sweep: v.rates === undefined ? DEFAULT_SWEEP : v.rates.split(',').map((r) => positiveNumber('rates', r, 0, { integer: false, max: 10_000_000 })),
      sustained: SUSTAINED,
    },
    only: listOption('only', v.only, CLIENT_IDS),
    modes: v.modes === undefined ? DEFAULT_MODES : listOption('modes', v.modes, MODES),
    credit: v.credit === undefined ? undefined : positiveNumber('credit', v.credit, 0, { max: 10_000_000 }),
    maxBatch: v['max-batch'] === undefined ? undefined : positiveNumber('max-batch', v['max-batch'], 0, { max: 10_000_000 }),
    cpuProfDir: v['cpu-prof'] === undefined ? undefined : resolve(v['cpu-prof']),
    json: v.json === true,
    help: v.help === true,
  };
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

const CLIENT_ANSWER_MS = 15_000;
const READY_MS = 30_000;

/** What the runtime counted: PACKET_INs read, and packet-ins shed for clients. */
function runtimeCounts(metrics: string): { read: number; shed: number } {
  return {
    read: metricSum(metrics, 'sdn_runtime_openflow_messages_received_total', { type: 'PACKET_IN' }),
    shed: metricSum(metrics, 'sdn_runtime_events_shed_total', { kind: 'packetIn' }),
  };
}

async function runMode(runtime: Child, client: Child, httpPort: number, openflowPort: number, mode: OneWayMode, o: Options, label: string): Promise<ModeResult> {
  let cpuStart = [0, 0];
  let before = { read: 0, shed: 0 };
  const windows: Omit<WindowResult, 'load'>[] = [];
  let failedInARow = 0;
  const s = o.settings;
  const sweep = mode === 'sweep';
  const loads = await runOneWay({
    ...DEFAULT_ONE_WAY_OPTIONS,
    port: openflowPort,
    mode,
    switches: s.switches,
    rates: sweep ? s.sweep : [s.rate],
    warmupSec: sweep ? 1 : s.warmupSec,
    seconds: sweep ? s.stepSeconds : s.seconds,
    progress: (line) => progress(`${label}: ${line}`),
    onWindow: async (edge, step) => {
      if (edge === 'start') {
        before = runtimeCounts(await scrapeMetrics(httpPort));
        cpuStart = [cpuSecondsOf(runtime.pid), cpuSecondsOf(client.pid)];
        client.send(`start ${mode === 'latency' ? 'latency' : 'throughput'}`);
        return true;
      }
      client.send('stop');
      const cpuEnd = [cpuSecondsOf(runtime.pid), cpuSecondsOf(client.pid)];
      const after = runtimeCounts(await scrapeMetrics(httpPort));
      const window = JSON.parse(await client.nextLine((l) => l.startsWith('{"events"'), CLIENT_ANSWER_MS)) as ClientWindow;
      const w = { step, client: window, runtimeRead: after.read - before.read, runtimeShed: after.shed - before.shed, runtimeCpuSec: cpuEnd[0]! - cpuStart[0]!, clientCpuSec: cpuEnd[1]! - cpuStart[1]! };
      windows.push(w);
      const rate = sweep ? s.sweep[step]! : undefined;
      if (rate !== undefined) progress(`${label}: ${rate.toLocaleString('en-US')}/s: ${Math.round(window.events / window.seconds).toLocaleString('en-US')} events/s into the client, ${w.runtimeShed} shed`);
      if (!sweep) return true;
      // A step can fail to a passing hiccup of a shared machine: the sweep ends after two failures in a row.
      failedInARow = sustains(window, w.runtimeShed, rate!, s.sustained) ? 0 : failedInARow + 1;
      return failedInARow < 2;
    },
  });
  return { mode, windows: windows.map((w, i) => ({ ...w, load: loads[i]! })) };
}

async function measure(c: EventClient, o: Options, root: string): Promise<EventsResult> {
  const base = { id: c.id, label: c.label, modes: [] as ModeResult[], cpuProfiles: [] as string[] };
  const absent = c.files.find(([file]) => !existsSync(join(root, file))) ?? (existsSync(join(root, 'runtime/dist/cli/main.js')) ? undefined : ['runtime/dist/cli/main.js', 'run npx tsc -b']);
  if (absent !== undefined) return { ...base, error: `not measured: ${absent[0]} is missing: ${absent[1]}` };
  const scratch = mkdtempSync(join(tmpdir(), `sdn-bench-events-${c.id}-`));
  const profDir = o.cpuProfDir === undefined ? undefined : join(o.cpuProfDir, c.id);
  if (profDir !== undefined) mkdirSync(profDir, { recursive: true });
  const ports = { openflowPort: await freePort(), httpPort: await freePort(), grpcPort: await freePort() };
  const children: Child[] = [];
  let error: string | undefined;
  try {
    const rt = await Child.start('runtime', process.execPath, runtimeArgs({ ...ports, root, scratch, apps: [], cpuProfDir: profDir }), root);
    children.push(rt);
    await waitForRuntime(ports, READY_MS);
    const launch = c.command(root, `127.0.0.1:${ports.grpcPort}`, o, profDir);
    progress(`${c.label}: starting ${launch.command} ${launch.args.join(' ')}`);
    const client = await Child.start('client', launch.command, launch.args, root, { stdin: true });
    children.push(client);
    await client.nextLine((l) => l.startsWith('{"ready"'), READY_MS);
    await waitForStreams(ports.httpPort, 1, READY_MS);
    for (const mode of o.modes) {
      const r = await runMode(rt, client, ports.httpPort, ports.openflowPort, mode, o, c.label);
      base.modes.push(r);
      const last = r.windows.at(-1);
      if (last !== undefined) progress(`${c.label}: ${mode}: ${Math.round(eventsPerSec(last))} events/s into the client, ${last.runtimeShed} shed${last.client.latency === null ? '' : `, p99 ${Math.round(last.client.latency.p99Us)} µs`}`);
    }
    client.send('quit');
    // Exiting on its own is what writes a client's CPU profile; stop() below is the fallback.
    await Promise.race([client.exited, new Promise((resolve) => setTimeout(resolve, CLIENT_ANSWER_MS).unref())]);
  } catch (err) {
    const output = children.map((ch) => ch.output() && `${ch.name}: ${ch.output().slice(-600)}`).filter(Boolean).join('; ');
    error = `${(err as Error).message}${output ? `; output ends with: ${output}` : ''}`;
    progress(`${c.label}: failed: ${error}`);
  }
  for (const child of [...children].reverse()) await child.stop();
  rmSync(scratch, { recursive: true, force: true });
  const profiles = cpuProfilesOf(profDir, children.map((ch) => ch.pid));
  return { ...base, error, cpuProfiles: profiles };
}

async function run(o: Options): Promise<number> {
  const root = projectRoot();
  const machine = machineLine('the generator runs in this process, on the same cores');
  const results: EventsResult[] = [];
  for (const c of CLIENTS.filter((x) => o.only.includes(x.id))) results.push(await measure(c, o, root));
  if (o.json) process.stdout.write(`${JSON.stringify({ machine, settings: o.settings, credit: o.credit ?? null, maxBatch: o.maxBatch ?? null, results }, null, 2)}\n`);
  else process.stdout.write(`${formatEventsReport(results, o.settings, machine)}\n`);
  return results.some((r) => r.error !== undefined) ? 1 : 0;
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
