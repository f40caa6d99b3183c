import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../runtime/dist/testing/vectors.js';
import { listOption, machineLine, positiveNumber, runCli } from './cli.js';
import { percentile } from './plugin-measure.js';
import { Child, freePort } from './proc.js';
import { runtimeArgs, waitForRuntime } from './runtime-process.js';

/**
 * The CLI start-up benchmark: whole `sdn-runtime` runs, from spawn to exit, as a
 * user at the shell waits for them: `--help`, `ofp decode` of one message (stdin
 * and file) and `status` against a running runtime; beside `node -e 0` (Node's own
 * start-up, the floor) and os-ken's `osken-manager --help` (the peer), and with
 * --baseline beside the same commands of another checkout (before/after in one
 * run). The commands take turns, run after run, so load that comes and goes hits
 * all of them; each run's output is checked. Per command: wall time, the CPU time
 * the process used (from /usr/bin/time: steadier than wall time on a busy
 * machine), and the CPU pressure read around its runs. Markdown on stdout (or
 * --json), progress on stderr.
 */

const CASES = ['floor', 'help', 'decode-stdin', 'decode-file', 'status', 'peer'] as const;
type CaseId = (typeof CASES)[number];

const USAGE = `usage: node bench/dist/cli-startup.js [options]
  --runs N         runs of each command (default 20, at most 200)
  --only IDS       comma-separated, of: ${CASES.join(', ')} (default all)
  --root DIR       the checkout whose runtime/bin/sdn-runtime.js is measured, built (default this one)
  --baseline DIR   also measure the sdn-runtime commands of this checkout (built), taking turns with --root's
  --json           print machine-readable results instead of the table`;

const PEER_LABEL = "os-ken's osken-manager --help (peer: bench/peers/osken_manager_help.py)";
/** Reports user and system CPU seconds of the command it runs, on the last line of stderr. */
const TIME = '/usr/bin/time';
/** A run that takes longer than this is a hang, not a start-up time. */
const RUN_TIMEOUT_MS = 30_000;
const RUNTIME_START_TIMEOUT_MS = 60_000;

/** An OpenFlow 1.3 HELLO with a version bitmap [1.0, 1.3], xid 7. */
const HELLO = Buffer.from('04000010000000070001000800000012', 'hex');

interface Options {
  readonly runs: number;
  readonly only: readonly CaseId[];
  readonly root: string;
  readonly baseline: string | undefined;
  readonly json: boolean;
  readonly help: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: { runs: { type: 'string' }, only: { type: 'string' }, root: { type: 'string' }, baseline: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
    strict: true,
  });
  return {
    runs: positiveNumber('runs', values.runs, 20, { max: 200 }),
    only: listOption('only', values.only, CASES),
    root: values.root === undefined ? projectRoot() : resolve(values.root),
    baseline: values.baseline === undefined ? undefined : resolve(values.baseline),
    json: values.json === true,
    help: values.help === true,
  };
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** One measured command: what to run, what it is fed, and what its stdout must hold. */
interface Case {
  readonly id: CaseId;
  /** The id in progress lines: with " [baseline]" for the baseline's commands. */
  readonly short: string;
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly input: Buffer;
  readonly expect: RegExp;
  readonly targetMs: number | undefined;
}

interface Sample {
  readonly wallMs: number;
  /** User + system CPU of the process; undefined without /usr/bin/time. */
  readonly cpuMs: number | undefined;
  /** Time in which some runnable task on the machine waited for a CPU, during this run. */
  readonly waitedMs: number | undefined;
}

interface CaseResult {
  readonly id: CaseId;
  readonly label: string;
  readonly targetMs: number | undefined;
  /** Why it was not measured (a missing peer); the samples are then empty. */
  readonly notMeasured: string | undefined;
  readonly samples: readonly Sample[];
}

/** The "some" total of /proc/pressure/cpu, µs; undefined without PSI. */
function cpuPressureTotalUs(): number | undefined {
  try {
    const some = readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0]!;
    const total = Number(/total=(\d+)/.exec(some)?.[1]);
    return Number.isFinite(total) ? total : undefined;
  } catch {
    return undefined;
  }
}

/** User + system ms from /usr/bin/time's "%U %S" line (the last line of stderr). */
function cpuMsOf(stderr: string): number {
  const [user, system] = stderr.trimEnd().split('\n').at(-1)!.split(' ').map(Number);
  if (!Number.isFinite(user) || !Number.isFinite(system)) throw new Error(`${TIME} printed no CPU times: ${stderr.slice(-200)}`);
  return (user! + system!) * 1000;
}

/** Runs `c` once. @throws when it fails, hangs or prints something else. */
function runOnce(c: Case, timed: boolean): Promise<Sample> {
  const [command, args] = timed ? [TIME, ['-f', '%U %S', c.command, ...c.args]] : [c.command, c.args];
  return new Promise((resolve, reject) => {
    const pressureBefore = cpuPressureTotalUs();
    const started = performance.now();
    // Its own process group, so a hang is killed with whatever /usr/bin/time started.
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), RUN_TIMEOUT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${c.label}: cannot start ${command}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      const wallMs = performance.now() - started;
      const pressureAfter = cpuPressureTotalUs();
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) reject(new Error(`${c.label}: exited with ${code ?? signal}${signal === 'SIGKILL' ? ` (no exit within ${RUN_TIMEOUT_MS} ms)` : ''}: ${stderr.trim().slice(-500)}`));
      else if (!c.expect.test(stdout)) reject(new Error(`${c.label}: stdout does not match ${c.expect}: ${stdout.slice(0, 300)}`));
      else resolve({ wallMs, cpuMs: timed ? cpuMsOf(stderr) : undefined, waitedMs: pressureBefore === undefined || pressureAfter === undefined ? undefined : (pressureAfter - pressureBefore) / 1000 });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(c.input);
  });
}

/** The sdn-runtime commands of the checkout `root`, their labels ending in `tag`. */
function runtimeCases(root: string, tag: string, helloFile: string, grpcPort: number | undefined): Case[] {
  const bin = join(root, 'runtime', 'bin', 'sdn-runtime.js');
  if (!existsSync(join(root, 'runtime', 'dist', 'cli', 'main.js'))) throw new Error(`${root} is not built: run npm run build there`);
  const node = (label: string, id: CaseId, args: readonly string[], expect: RegExp, targetMs?: number, input = Buffer.alloc(0)): Case => ({ id, short: `${id}${tag}`, label: `${label}${tag}`, command: process.execPath, args: [bin, ...args], input, expect, targetMs });
  const decoded = /^\{"version":4,"xid":7,"OFPHello"/;
  return [
    node('sdn-runtime --help', 'help', ['--help'], /Usage: sdn-runtime/, 150),
    node('sdn-runtime ofp decode < hello.bin (stdin)', 'decode-stdin', ['ofp', 'decode'], decoded, 250, HELLO),
    node('sdn-runtime ofp decode hello.bin (file)', 'decode-file', ['ofp', 'decode', helloFile], decoded, 250),
    node('sdn-runtime status (a running runtime)', 'status', ['status', '--target', `127.0.0.1:${grpcPort ?? 0}`], /^NODE/),
  ];
}

function cases(o: Options, scratch: string, grpcPort: number | undefined): { cases: Case[]; missing: CaseResult[] } {
  const helloFile = join(scratch, 'hello.bin');
  writeFileSync(helloFile, HELLO);
  const all: Case[] = [
    { id: 'floor', short: 'floor', label: 'node -e 0 (the floor)', command: process.execPath, args: ['-e', '0'], input: Buffer.alloc(0), expect: /^$/, targetMs: undefined },
    ...(o.baseline === undefined ? [] : runtimeCases(o.baseline, ' [baseline]', helloFile, grpcPort)),
    ...runtimeCases(o.root, '', helloFile, grpcPort),
  ];
  const missing: CaseResult[] = [];
  // The peer lives in this checkout's venv, whichever checkout's CLI is measured.
  const python = join(projectRoot(), 'bench', '.venv', 'bin', 'python');
  const peer = join(projectRoot(), 'bench', 'peers', 'osken_manager_help.py');
  if (existsSync(python)) all.push({ id: 'peer', short: 'peer', label: PEER_LABEL, command: python, args: [peer, '--help'], input: Buffer.alloc(0), expect: /usage: osken-manager/, targetMs: undefined });
  else if (o.only.includes('peer')) missing.push({ id: 'peer', label: PEER_LABEL, targetMs: undefined, notMeasured: `not measured: ${python} is missing (run bash bench/peers/setup.sh)`, samples: [] });
  return { cases: all.filter((c) => o.only.includes(c.id)), missing };
}

/** `sdn-runtime serve` of `root` on free loopback ports, for the status runs. */
async function startRuntime(root: string, scratch: string): Promise<{ runtime: Child; grpcPort: number }> {
  const ports = { openflowPort: await freePort(), httpPort: await freePort(), grpcPort: await freePort() };
  const runtime = await Child.start('sdn-runtime serve', process.execPath, runtimeArgs({ ...ports, root, scratch, apps: [], cpuProfDir: undefined }), root);
  try {
    await waitForRuntime(ports, RUNTIME_START_TIMEOUT_MS);
  } catch (err) {
    await runtime.stop();
    throw new Error(`${(err as Error).message}; its output: ${runtime.output()}`, { cause: err });
  }
  progress(`runtime serving gRPC on 127.0.0.1:${ports.grpcPort}`);
  return { runtime, grpcPort: ports.grpcPort };
}

async function measure(o: Options, scratch: string, timed: boolean): Promise<CaseResult[]> {
  const served = o.only.includes('status') ? await startRuntime(o.root, scratch) : undefined;
  try {
    const { cases: measured, missing } = cases(o, scratch, served?.grpcPort);
    const samples = measured.map((): Sample[] => []);
    // One warm-up run each: the first run reads files the page cache may not hold yet.
    for (const c of measured) await runOnce(c, timed);
    for (let i = 0; i < o.runs; i++) {
      for (const [k, c] of measured.entries()) samples[k]!.push(await runOnce(c, timed));
      progress(`run ${i + 1}/${o.runs}: ${measured.map((c, k) => `${c.short} ${samples[k]!.at(-1)!.wallMs.toFixed(0)} ms`).join(', ')}`);
    }
    return [...measured.map((c, k) => ({ id: c.id, label: c.label, targetMs: c.targetMs, notMeasured: undefined, samples: samples[k]! })), ...missing];
  } finally {
    await served?.runtime.stop();
  }
}

const ms = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '' : n.toFixed(0));

function format(results: readonly CaseResult[], machine: string, runs: number, timed: boolean): string {
  const cpuNote = timed ? '' : ` CPU ms not measured: no ${TIME} (apt-get install time).`;
  const lines = [
    machine,
    '',
    `Wall time of a whole run, spawn to exit, and the CPU time the process used; ${runs} runs each, taking turns. Pressure: share of the wall time of its runs in which some runnable task waited for a CPU.${cpuNote}`,
    '',
    '| command | wall p50 ms | wall p90 ms | wall min ms | wall p50 over the floor | CPU p50 ms | CPU pressure | target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const floor = results.find((r) => r.id === 'floor' && r.notMeasured === undefined);
  const floorP50 = floor === undefined ? undefined : percentile([...floor.samples.map((s) => s.wallMs)].sort((a, b) => a - b), 50);
  for (const r of results) {
    if (r.notMeasured !== undefined) {
      lines.push(`| ${r.label} | | | | | | | ${r.notMeasured} |`);
      continue;
    }
    const wall = r.samples.map((s) => s.wallMs).sort((a, b) => a - b);
    const cpu = r.samples.flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs])).sort((a, b) => a - b);
    const waited = r.samples.every((s) => s.waitedMs !== undefined) ? r.samples.reduce((sum, s) => sum + s.waitedMs!, 0) : undefined;
    const pressure = waited === undefined ? 'unknown' : `${((100 * waited) / wall.reduce((a, b) => a + b, 0)).toFixed(0)} %`;
    const p50 = percentile(wall, 50);
    const target = r.targetMs === undefined ? '' : `<= ${r.targetMs} ms wall p50: ${p50 <= r.targetMs ? 'met' : 'not met'}`;
    const over = floorP50 === undefined || r.id === 'floor' ? '' : `${p50 >= floorP50 ? '+' : ''}${ms(p50 - floorP50)}`;
    lines.push(`| ${r.label} | ${ms(p50)} | ${ms(percentile(wall, 90))} | ${ms(wall[0])} | ${over} | ${ms(percentile(cpu, 50))} | ${pressure} | ${target} |`);
  }
  return `${lines.join('\n')}\n`;
}

async function run(o: Options): Promise<number> {
  const scratch = mkdtempSync(join(tmpdir(), 'sdn-bench-cli-'));
  try {
    const timed = existsSync(TIME);
    const pressureAtStart = cpuPressureTotalUs();
    const startedMs = performance.now();
    const results = await measure(o, scratch, timed);
    const pressureAtEnd = cpuPressureTotalUs();
    const overall = pressureAtStart === undefined || pressureAtEnd === undefined ? 'no /proc/pressure/cpu' : `CPU pressure during the run ${((100 * (pressureAtEnd - pressureAtStart)) / 1000 / (performance.now() - startedMs)).toFixed(0)} % ("some")`;
    const machine = machineLine(`${overall}; measured: ${o.root}${o.baseline === undefined ? '' : `, baseline: ${o.baseline}`}`);
    if (o.json) process.stdout.write(`${JSON.stringify({ machine, runs: o.runs, results }, null, 2)}\n`);
    else process.stdout.write(format(results, machine, o.runs, timed));
    return 0;
  } catch (err) {
    process.stderr.write(`cli-startup: ${(err as Error).message}\n`);
    return 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
