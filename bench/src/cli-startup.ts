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
 * The CLI start-up benchmark: wall time of whole `sdn-runtime` runs, from spawn to
 * exit, as a user at the shell waits for them: `--help`, `ofp decode` of one
 * message (stdin and file) and `status` against a running runtime; beside
 * `node -e 0` (Node's own start-up, the floor) and os-ken's `osken-manager --help`
 * (the peer). The commands take turns, run after run, so load that comes and goes
 * hits all of them; each run's output is checked. CPU pressure is read around every
 * run and reported per command. Markdown on stdout (or --json), progress on stderr.
 */

const CASES = ['floor', 'help', 'decode-stdin', 'decode-file', 'status', 'peer'] as const;
type CaseId = (typeof CASES)[number];

const USAGE = `usage: node bench/dist/cli-startup.js [options]
  --runs N       runs of each command (default 20, at most 200)
  --only IDS     comma-separated, of: ${CASES.join(', ')} (default all)
  --root DIR     the checkout whose runtime/bin/sdn-runtime.js is measured, built (default this one)
  --json         print machine-readable results instead of the table`;

const PEER_LABEL = "os-ken's osken-manager --help (peer: bench/peers/osken_manager_help.py)";

/** A run that takes longer than this is a hang, not a start-up time. */
const RUN_TIMEOUT_MS = 30_000;
const RUNTIME_START_TIMEOUT_MS = 60_000;

/** An OpenFlow 1.3 HELLO with a version bitmap [1.0, 1.3], xid 7. */
const HELLO = Buffer.from('04000010000000070001000800000012', 'hex');

interface Options {
  readonly runs: number;
  readonly only: readonly CaseId[];
  readonly root: string;
  readonly json: boolean;
  readonly help: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: { runs: { type: 'string' }, only: { type: 'string' }, root: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
    strict: true,
  });
  return {
    runs: positiveNumber('runs', values.runs, 20, { max: 200 }),
    only: listOption('only', values.only, CASES),
    root: values.root === undefined ? projectRoot() : resolve(values.root),
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
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly input: Buffer;
  readonly expect: RegExp;
  readonly targetMs: number | undefined;
}

interface CaseResult {
  readonly id: CaseId;
  readonly label: string;
  readonly targetMs: number | undefined;
  /** Why it was not measured (a missing peer); the wall times are then empty. */
  readonly notMeasured: string | undefined;
  readonly wallMs: readonly number[];
  /** Share of the wall time of its runs in which some runnable task waited for a CPU, %. */
  readonly pressurePercent: number | undefined;
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

/** Runs `c` once; its wall time in ms. @throws when it fails, hangs or prints something else. */
function runOnce(c: Case): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(c.command, c.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${c.label}: cannot start ${c.command}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code !== 0) reject(new Error(`${c.label}: exited with ${code ?? signal}${signal === 'SIGKILL' ? ` (no exit within ${RUN_TIMEOUT_MS} ms)` : ''}: ${stderr.slice(-500)}`));
      else if (!c.expect.test(stdout)) reject(new Error(`${c.label}: stdout does not match ${c.expect}: ${stdout.slice(0, 300)}`));
      else resolve(wallMs);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(c.input);
  });
}

function cases(o: Options, scratch: string, grpcPort: number | undefined): { cases: Case[]; missing: Map<CaseId, string> } {
  const bin = join(o.root, 'runtime', 'bin', 'sdn-runtime.js');
  if (!existsSync(join(o.root, 'runtime', 'dist', 'cli', 'main.js'))) throw new Error(`${o.root} is not built: run npm run build there`);
  const helloFile = join(scratch, 'hello.bin');
  writeFileSync(helloFile, HELLO);
  const node = (label: string, id: CaseId, args: readonly string[], expect: RegExp, targetMs?: number, input = Buffer.alloc(0)): Case => ({ id, label, command: process.execPath, args: [bin, ...args], input, expect, targetMs });
  const decoded = /^\{"version":4,"xid":7,"OFPHello"/;
  const all: Case[] = [
    { id: 'floor', label: 'node -e 0 (the floor)', command: process.execPath, args: ['-e', '0'], input: Buffer.alloc(0), expect: /^$/, targetMs: undefined },
    node('sdn-runtime --help', 'help', ['--help'], /Usage: sdn-runtime/, 150),
    node('sdn-runtime ofp decode < hello.bin (stdin)', 'decode-stdin', ['ofp', 'decode'], decoded, 250, HELLO),
    node('sdn-runtime ofp decode hello.bin (file)', 'decode-file', ['ofp', 'decode', helloFile], decoded, 250),
    node('sdn-runtime status (a running runtime)', 'status', ['status', '--target', `127.0.0.1:${grpcPort ?? 0}`], /^NODE/),
  ];
  const missing = new Map<CaseId, string>();
  // The peer lives in this checkout's venv, whichever checkout's CLI is measured.
  const python = join(projectRoot(), 'bench', '.venv', 'bin', 'python');
  const peer = join(projectRoot(), 'bench', 'peers', 'osken_manager_help.py');
  if (existsSync(python)) all.push({ id: 'peer', label: PEER_LABEL, command: python, args: [peer, '--help'], input: Buffer.alloc(0), expect: /usage: osken-manager/, targetMs: undefined });
  else missing.set('peer', `not measured: ${python} is missing (run bash bench/peers/setup.sh)`);
  return { cases: all.filter((c) => o.only.includes(c.id)), missing };
}

async function measure(o: Options, scratch: string): Promise<CaseResult[]> {
  let runtime: Child | undefined;
  let grpcPort: number | undefined;
  try {
    if (o.only.includes('status')) {
      const ports = { openflowPort: await freePort(), httpPort: await freePort(), grpcPort: await freePort() };
      runtime = await Child.start('sdn-runtime serve', process.execPath, runtimeArgs({ ...ports, root: o.root, scratch, apps: [], cpuProfDir: undefined }), o.root);
      await waitForRuntime(ports, RUNTIME_START_TIMEOUT_MS).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}; its output: ${runtime?.output()}`);
      });
      grpcPort = ports.grpcPort;
      progress(`runtime serving gRPC on 127.0.0.1:${grpcPort}`);
    }
    const { cases: measured, missing } = cases(o, scratch, grpcPort);
    const wall = new Map<CaseId, number[]>(measured.map((c) => [c.id, []]));
    const waited = new Map<CaseId, number>(measured.map((c) => [c.id, 0]));
    let pressureKnown = true;
    // One warm-up run each: the first run reads files the page cache may not hold yet.
    for (const c of measured) await runOnce(c);
    for (let i = 0; i < o.runs; i++) {
      for (const c of measured) {
        const before = cpuPressureTotalUs();
        const ms = await runOnce(c);
        const after = cpuPressureTotalUs();
        wall.get(c.id)!.push(ms);
        if (before === undefined || after === undefined) pressureKnown = false;
        else waited.set(c.id, waited.get(c.id)! + (after - before) / 1000);
      }
      progress(`run ${i + 1}/${o.runs}: ${measured.map((c) => `${c.id} ${wall.get(c.id)!.at(-1)!.toFixed(0)} ms`).join(', ')}`);
    }
    return CASES.filter((id) => o.only.includes(id)).map((id) => {
      const c = measured.find((m) => m.id === id);
      if (c === undefined) return { id, label: id === 'peer' ? PEER_LABEL : id, targetMs: undefined, notMeasured: missing.get(id), wallMs: [], pressurePercent: undefined };
      const times = wall.get(id)!;
      const total = times.reduce((a, b) => a + b, 0);
      return { id, label: c.label, targetMs: c.targetMs, notMeasured: undefined, wallMs: times, pressurePercent: pressureKnown ? (100 * waited.get(id)!) / total : undefined };
    });
  } finally {
    await runtime?.stop();
  }
}

function format(results: readonly CaseResult[], machine: string, runs: number): string {
  const lines = [machine, '', `Wall time of a whole run, spawn to exit; ${runs} runs each, taking turns.`, '', '| command | p50 ms | p90 ms | min ms | CPU pressure during its runs | target |', '| --- | ---: | ---: | ---: | ---: | --- |'];
  for (const r of results) {
    if (r.notMeasured !== undefined) {
      lines.push(`| ${r.label} | | | | | ${r.notMeasured} |`);
      continue;
    }
    const sorted = [...r.wallMs].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const target = r.targetMs === undefined ? '' : `<= ${r.targetMs} ms (p50): ${p50 <= r.targetMs ? 'met' : 'not met'}`;
    const pressure = r.pressurePercent === undefined ? 'unknown' : `${r.pressurePercent.toFixed(0)} %`;
    lines.push(`| ${r.label} | ${p50.toFixed(0)} | ${percentile(sorted, 90).toFixed(0)} | ${sorted[0]!.toFixed(0)} | ${pressure} | ${target} |`);
  }
  return `${lines.join('\n')}\n`;
}

async function run(o: Options): Promise<number> {
  const scratch = mkdtempSync(join(tmpdir(), 'sdn-bench-cli-'));
  try {
    const pressureAtStart = cpuPressureTotalUs();
    const startedMs = performance.now();
    const results = await measure(o, scratch);
    const pressureAtEnd = cpuPressureTotalUs();
    const overall = pressureAtStart === undefined || pressureAtEnd === undefined ? 'no /proc/pressure/cpu' : `CPU pressure during the run ${((100 * (pressureAtEnd - pressureAtStart)) / 1000 / (performance.now() - startedMs)).toFixed(0)} % ("some")`;
    const machine = machineLine(`${overall}; measured: ${o.root}`);
    if (o.json) process.stdout.write(`${JSON.stringify({ machine, runs: o.runs, results }, null, 2)}\n`);
    else process.stdout.write(format(results, machine, o.runs));
    return 0;
  } catch (err) {
    process.stderr.write(`cli-startup: ${(err as Error).message}\n`);
    return 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
