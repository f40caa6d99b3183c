import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildGuest, writePlugin } from '../../runtime/dist/plugins/testing/guests.js';
import { buildProject, EXAMPLES } from '../../runtime/dist/plugins/testing/kits.js';
import { listOption, machineLine, positiveNumber, runCli } from './cli.js';
import { percentile, perEvent, readManifest, saturated, stopTimes, swaps, type SwapSample } from './plugin-measure.js';
import { formatPluginReport, type GuestResult, type PluginReport } from './plugin-report.js';
import { PluginRig } from './plugin-rig.js';

/**
 * The Wasm plugin host benchmark: per-event cost through a plugin (batch 1 and
 * 64) against the guest alone, events/s with a full queue, swap time of a
 * cached component, and how long a looping plugin runs past its deadline.
 * Prints markdown tables (or JSON with --json) on stdout, progress on stderr.
 */

const GUESTS = ['echo', 'ts', 'py', 'rs'] as const;
type GuestId = (typeof GUESTS)[number];
const PARTS = ['events', 'swap', 'stop'] as const;
type Part = (typeof PARTS)[number];

const USAGE = `usage: node bench/dist/plugins.js [options]
  --seconds N     measured seconds per per-event row, host and guest alone together (default 4)
  --swaps N       reloads of a cached component (default 10)
  --swap-gap MS   time between two reloads (default 500)
  --stops N       looping plugins stopped (default 5)
  --deadline MS   deadline of the looping plugin (default 100)
  --guests IDS    comma-separated, of: echo (test guest, QuickJS), ts (learning switch, TypeScript kit), py (learning switch, Python kit), rs (learning switch, Rust kit); default all
  --batches LIST  batch sizes of the per-event rows (default 1,64)
  --spin US       the manager's spinMicros policy: the worker's wait for a batch (default: the runtime's default)
  --reply-spin US the manager's replySpinMicros policy: the main thread's wait for a reply (default: the runtime's default)
  --parts PARTS   comma-separated, of: ${PARTS.join(', ')} (default all)
  --json          print machine-readable results instead of the tables`;

interface Options {
  readonly seconds: number;
  readonly swaps: number;
  readonly swapGapMs: number;
  readonly stops: number;
  readonly deadlineMs: number;
  readonly guests: readonly GuestId[];
  readonly batches: readonly number[];
  readonly parts: readonly Part[];
  readonly spinMicros: number | undefined;
  readonly replySpinMicros: number | undefined;
  readonly json: boolean;
  readonly help: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      swaps: { type: 'string' },
      'swap-gap': { type: 'string' },
      stops: { type: 'string' },
      deadline: { type: 'string' },
      guests: { type: 'string' },
      batches: { type: 'string' },
      parts: { type: 'string' },
      spin: { type: 'string' },
      'reply-spin': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  const batches = (values.batches ?? '1,64').split(',').map((b) => Math.round(positiveNumber('batches', b, 1, { integer: false, max: 600 })));
  return {
    seconds: positiveNumber('seconds', values.seconds, 4, { integer: false, max: 600 }),
    swaps: Math.round(positiveNumber('swaps', values.swaps, 10, { integer: false, max: 600 })),
    swapGapMs: values['swap-gap'] === '0' ? 0 : Math.round(positiveNumber('swap-gap', values['swap-gap'], 500, { integer: false, max: 600 })),
    stops: Math.round(positiveNumber('stops', values.stops, 5, { integer: false, max: 600 })),
    deadlineMs: Math.round(positiveNumber('deadline', values.deadline, 100, { integer: false, max: 600 })),
    guests: listOption('guests', values.guests, GUESTS),
    batches,
    parts: listOption('parts', values.parts, PARTS),
    spinMicros: values.spin === undefined ? undefined : Number(values.spin),
    replySpinMicros: values['reply-spin'] === undefined ? undefined : Number(values['reply-spin']),
    json: values.json === true,
    help: values.help === true,
  };
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The kernel's CPU pressure line ("some": share of time runnable tasks waited for a CPU), or why there is none. */
function cpuPressure(): string {
  try {
    const some = readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0]!;
    return `CPU pressure ${some.replace(/ total=\d+/, '')}`;
  } catch {
    return 'no /proc/pressure/cpu (plugin channels spin without a contention check)';
  }
}

const KIT_NAMES = { ts: 'TypeScript', py: 'Python', rs: 'Rust' } as const;

/** Compile cache of this benchmark, kept between runs (entries are keyed by component hash). */
const CACHE = join(tmpdir(), 'sdn-bench-plugin-cache');

async function guestFolder(rig: PluginRig, id: GuestId): Promise<{ label: string; folder: string }> {
  if (id === 'echo') {
    const echo = await buildGuest('echo');
    return { label: 'echo (test guest, QuickJS)', folder: writePlugin(join(rig.dir, 'echo'), { name: 'echo', version: '1', capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] }, limits: { deadlineMs: 1000 } }, echo) };
  }
  progress(`building examples/learning-switch-plugin-${id} with its kit (cached by content hash)`);
  const built = await buildProject(EXAMPLES[id], id);
  return { label: `learning switch (${KIT_NAMES[id]} kit)`, folder: built.folder };
}

async function measureGuest(rig: PluginRig, id: GuestId, seconds: number, batches: readonly number[]): Promise<GuestResult> {
  const { label, folder } = await guestFolder(rig, id);
  const manifest = readManifest(folder);
  const status = await rig.manager.load(folder);
  const compiled = await rig.manager.cache.compile(manifest.name, readFileSync(manifest.componentPath));
  progress(`${label}: loaded (${status.state})`);
  const rows = [];
  for (const batch of batches) {
    const measured = await perEvent(rig, manifest.name, compiled, manifest.config, batch, seconds);
    progress(`${label}, batch ${batch}: ${measured.hostUs.toFixed(1)} µs/event through the host, ${measured.inWorkerUs.toFixed(1)} inside the guest, overhead ${measured.overheadUs.toFixed(1)}; guest alone ${measured.guestUs.toFixed(1)} (core ${measured.guestCoreUs.toFixed(1)})`);
    rows.push({ batch, measured });
  }
  const eventsPerSec = await saturated(rig, seconds);
  progress(`${label}: ${Math.round(eventsPerSec)} events/s with a full queue`);
  await rig.manager.unload(manifest.name);
  return { id, label, rows, saturatedEventsPerSec: eventsPerSec };
}

async function measureSwaps(rig: PluginRig, count: number, gapMs: number, flowing: boolean): Promise<SwapSample[]> {
  const echo = await buildGuest('echo');
  const manifest = (version: string, outPort: number): Record<string, unknown> => ({ name: 'swapped', version, capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] }, config: { outPort } });
  const folders = [writePlugin(join(rig.dir, 'swap-a'), manifest('a', 2), echo), writePlugin(join(rig.dir, 'swap-b'), manifest('b', 3), echo)];
  await rig.manager.load(folders[1]!);
  const samples = await swaps(rig, folders, count, gapMs, flowing);
  await rig.manager.unload('swapped');
  return samples;
}

async function measureStops(rig: PluginRig, count: number, deadlineMs: number): Promise<{ faultMs: number[]; exitedMs: number[] }> {
  const hostile = await buildGuest('hostile');
  const folder = writePlugin(join(rig.dir, 'looper'), { name: 'looper', version: '1', capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] }, limits: { deadlineMs }, config: { mode: 'loop' } }, hostile);
  const manifest = readManifest(folder);
  const compiled = await rig.manager.cache.compile('looper', readFileSync(manifest.componentPath));
  const samples = await stopTimes(manifest, compiled, count);
  return { faultMs: samples.map((s) => s.faultMs), exitedMs: samples.map((s) => s.exitedMs) };
}

async function run(options: Options): Promise<number> {
  const machine = machineLine(cpuPressure());
  const rig = await PluginRig.start(CACHE, {
    ...(options.spinMicros === undefined ? {} : { spinMicros: options.spinMicros }),
    ...(options.replySpinMicros === undefined ? {} : { replySpinMicros: options.replySpinMicros }),
  });
  try {
    const guests: GuestResult[] = [];
    const has = (part: Part): boolean => options.parts.includes(part);
    if (has('events')) for (const id of options.guests) guests.push(await measureGuest(rig, id, options.seconds, options.batches));
    const swapRuns: { flowing: boolean; samples: SwapSample[] }[] = [];
    if (has('swap')) {
      for (const flowing of [false, true]) {
        progress(`swapping a cached component ${options.swaps} times${flowing ? ' while events flow' : ''}`);
        const samples = await measureSwaps(rig, options.swaps, options.swapGapMs, flowing);
        progress(`swap: median ${percentile(samples.map((s) => s.totalMs).sort((a, b) => a - b), 50).toFixed(0)} ms`);
        swapRuns.push({ flowing, samples });
      }
    }
    let stops = { faultMs: [] as number[], exitedMs: [] as number[] };
    if (has('stop')) {
      progress(`stopping a looping plugin ${options.stops} times (deadline ${options.deadlineMs} ms)`);
      stops = await measureStops(rig, options.stops, options.deadlineMs);
    }
    const report: PluginReport = { machine, pressureAtEnd: cpuPressure(), seconds: options.seconds, guests, swaps: swapRuns, swapGapMs: options.swapGapMs, deadlineMs: options.deadlineMs, ...stops, loadAtEnd: loadavg()[0]! };
    process.stdout.write(`${options.json ? JSON.stringify(report, null, 2) : formatPluginReport(report)}\n`);
    return 0;
  } finally {
    await rig.stop();
  }
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
