import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../runtime/dist/testing/vectors.js';
import { cpuProfilesOf, listOption, machineLine, positiveNumber, runCli } from './cli.js';
import { CONTESTANT_IDS, CONTESTANTS, type Contestant, type ContestantId, OPENFLOW_10_IDS } from './contestants.js';
import { type ContestantResult, formatReport, type PhaseResult, type RunSettings } from './controller-report.js';
import { DEFAULT_LOAD_OPTIONS, LOAD_MODES, type LoadMode, runLoad } from './loadgen/run.js';
import { OPENFLOW_VERSIONS, type OpenFlowVersion } from './loadgen/switch-wire.js';
import { Child, cpuSecondsOf, freePort, peakRssBytesOf } from './proc.js';

/**
 * The learning-switch benchmark: the same emulated switches and traffic against
 * sdn-runtime (its built-in app, and the learning-switch examples as gRPC
 * clients of a runtime with no apps), os-ken and ovs-testcontroller, one controller after the other
 * (never at once: the machine has 2 cores, and the generator uses them too).
 * With --openflow 1.0 it is the cbench-style run: 1.0 switches, cbench's two
 * modes, the built-in app against os-ken and ovs-testcontroller.
 * Prints markdown tables (or JSON with --json) on stdout, progress on stderr.
 * Exits 1 when a selected controller could not be measured.
 */

/** The modes run unless --modes says otherwise: 1.3's, and cbench's two on 1.0. */
const DEFAULT_MODES: Readonly<Record<OpenFlowVersion, readonly LoadMode[]>> = {
  '1.3': ['throughput', 'latency'],
  '1.0': ['throughput', 'cbench-latency'],
};

const USAGE = `usage: node bench/dist/controller.js [options]
  --seconds N       measured seconds per mode (default ${DEFAULT_LOAD_OPTIONS.seconds})
  --warmup N        warm-up seconds before measuring, at least (default ${DEFAULT_LOAD_OPTIONS.warmupSec})
  --switches N      emulated switches (default ${DEFAULT_LOAD_OPTIONS.switches})
  --macs N          hosts the traffic cycles through (default ${DEFAULT_LOAD_OPTIONS.macs})
  --window N        throughput mode: PACKET_INs outstanding per switch (default ${DEFAULT_LOAD_OPTIONS.window})
  --rate N          latency mode: PACKET_IN/s offered in total (default ${DEFAULT_LOAD_OPTIONS.rate})
  --openflow V      the OpenFlow version of the switches and controllers, ${OPENFLOW_VERSIONS.join(' or ')} (default ${DEFAULT_LOAD_OPTIONS.openflow});
                    1.0 is the cbench-style run (default --only ${OPENFLOW_10_IDS.join(',')}, --modes ${DEFAULT_MODES['1.0'].join(',')})
  --only IDS        comma-separated controllers, of: ${CONTESTANT_IDS.join(', ')}
  --modes MODES     comma-separated, of: ${LOAD_MODES.join(', ')} (default ${DEFAULT_MODES['1.3'].join(',')});
                    cbench-latency: one PACKET_IN outstanding per switch, cbench's latency mode
  --cpu-prof DIR    run every Node process (runtime, TS client) under --cpu-prof, profiles in DIR/<id>/
  --json            print machine-readable results instead of the tables`;

interface Options {
  readonly openflow: OpenFlowVersion;
  readonly settings: RunSettings;
  readonly only: readonly ContestantId[];
  readonly modes: readonly LoadMode[];
  readonly cpuProfDir: string | undefined;
  readonly json: boolean;
  readonly help: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      switches: { type: 'string' },
      macs: { type: 'string' },
      window: { type: 'string' },
      rate: { type: 'string' },
      openflow: { type: 'string' },
      only: { type: 'string' },
      modes: { type: 'string' },
      'cpu-prof': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  const d = DEFAULT_LOAD_OPTIONS;
  const openflow = (values.openflow ?? d.openflow) as OpenFlowVersion;
  if (!OPENFLOW_VERSIONS.includes(openflow)) throw new Error(`--openflow: unknown ${openflow} (choose from ${OPENFLOW_VERSIONS.join(', ')})`);
  return {
    openflow,
    settings: {
      seconds: positiveNumber('seconds', values.seconds, d.seconds, { integer: false, max: 300 }),
      warmupSec: positiveNumber('warmup', values.warmup, d.warmupSec, { integer: false, max: 300 }),
      switches: positiveNumber('switches', values.switches, d.switches, { max: 10_000 }),
      macs: positiveNumber('macs', values.macs, d.macs, { max: 1 << 24 }),
      ports: d.ports,
      window: positiveNumber('window', values.window, d.window, { max: 1 << 16 }),
      rate: positiveNumber('rate', values.rate, d.rate, { integer: false, max: 10_000_000 }),
      responseTimeoutMs: d.responseTimeoutMs,
    },
    only: values.only === undefined && openflow === '1.0' ? OPENFLOW_10_IDS : listOption('only', values.only, CONTESTANT_IDS),
    modes: values.modes === undefined ? DEFAULT_MODES[openflow] : listOption('modes', values.modes, LOAD_MODES),
    cpuProfDir: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
    json: values.json === true,
    help: values.help === true,
  };
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function runPhase(children: readonly Child[], port: number, mode: LoadMode, openflow: OpenFlowVersion, s: RunSettings, label: string): Promise<PhaseResult> {
  const cpu = (): number[] => children.map((c) => cpuSecondsOf(c.pid));
  let cpuStart: number[] = [];
  let cpuEnd: number[] = [];
  const result = await runLoad({
    ...DEFAULT_LOAD_OPTIONS,
    port,
    mode,
    openflow,
    switches: s.switches,
    macs: s.macs,
    ports: s.ports,
    window: s.window,
    rate: s.rate,
    warmupSec: s.warmupSec,
    seconds: s.seconds,
    responseTimeoutMs: s.responseTimeoutMs,
    progress: (line) => progress(`${label}: ${line}`),
    onWindow: (edge) => {
      if (edge === 'start') cpuStart = cpu();
      else cpuEnd = cpu();
    },
  });
  const byProcess = children.map((c, i) => ({ role: c.name, cpuSec: cpuEnd[i]! - cpuStart[i]! }));
  return { ...result, controllerCpuSec: byProcess.reduce((sum, p) => sum + p.cpuSec, 0), cpuByProcess: byProcess };
}

async function measure(contestant: Contestant, options: Options, root: string): Promise<ContestantResult> {
  const label = options.openflow === '1.0' ? (contestant.label10 ?? contestant.label) : contestant.label;
  const base = { id: contestant.id, label, throughput: undefined, latency: undefined, cbenchLatency: undefined, peakRss: [], exit: undefined, cpuProfiles: [] };
  const missing = contestant.missing(root);
  if (missing !== undefined) return { ...base, error: `not measured: ${missing}` };
  const scratch = mkdtempSync(join(tmpdir(), `sdn-bench-${contestant.id}-`));
  const cpuProfDir = options.cpuProfDir === undefined ? undefined : join(options.cpuProfDir, contestant.id);
  if (cpuProfDir !== undefined) mkdirSync(cpuProfDir, { recursive: true });
  const openflowPort = await freePort();
  const context = { root, openflowPort, httpPort: await freePort(), grpcPort: await freePort(), scratch, cpuProfDir, openflow: options.openflow };
  const launches = contestant.launch(context);
  const children: Child[] = [];
  const phases: Partial<Record<LoadMode, PhaseResult>> = {};
  let peakRss: { role: string; bytes: number }[] = [];
  let error: string | undefined;
  try {
    await contestant.prepare?.(context, progress);
    for (const launch of launches) {
      progress(`${label}: starting ${launch.role}: ${launch.command} ${launch.args.join(' ')}`);
      children.push(await Child.start(launch.role, launch.command, launch.args, root));
      await launch.ready?.();
    }
    for (const mode of options.modes) {
      const phase = await runPhase(children, openflowPort, mode, options.openflow, options.settings, label);
      phases[mode] = phase;
      progress(`${label}: ${mode}: ${Math.round(phase.responsesPerSec)} responses/s, p99 ${Math.round(phase.latency.p99Us)} µs, ${phase.lost} lost`);
    }
    peakRss = children.map((c) => ({ role: c.name, bytes: peakRssBytesOf(c.pid) }));
  } catch (err) {
    const output = children.map((c) => c.output() && `${c.name}: ${c.output().slice(-600)}`).filter(Boolean).join('; ');
    error = `${(err as Error).message}${output ? `; output ends with: ${output}` : ''}`;
    progress(`${label}: failed: ${error}`);
  }
  // The client first: a runtime stopped under its client would make it log a broken stream.
  const exits: string[] = [];
  for (const child of [...children].reverse()) exits.unshift(`${child.name}: ${await child.stop()}`);
  rmSync(scratch, { recursive: true, force: true });
  const profiles = cpuProfilesOf(cpuProfDir, children.map((c) => c.pid));
  return { ...base, throughput: phases.throughput, latency: phases.latency, cbenchLatency: phases['cbench-latency'], peakRss, error, exit: exits.length === 0 ? undefined : exits.join(', '), cpuProfiles: profiles };
}

async function run(options: Options): Promise<number> {
  const root = projectRoot();
  const machine = machineLine('the generator runs in this process, on the same cores');
  const results: ContestantResult[] = [];
  for (const contestant of CONTESTANTS.filter((c) => options.only.includes(c.id))) results.push(await measure(contestant, options, root));

  if (options.json) {
    const json = JSON.stringify({ machine, openflow: options.openflow, settings: options.settings, modes: options.modes, results }, null, 2);
    process.stdout.write(`${json}\n`);
  } else {
    process.stdout.write(`${formatReport(results, options.settings, machine, { openflow: options.openflow, modes: options.modes })}\n`);
  }
  return results.some((r) => r.error !== undefined) ? 1 : 0;
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
