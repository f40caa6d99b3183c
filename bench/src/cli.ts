import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

/**
 * What every benchmark command shares: option checks that name the flag, the
 * machine line printed above each table, the CPU profiles a run left, and the
 * parse / --help / run / exit-code frame.
 */

/** `text` as a positive number (the fallback when absent); an error names `--name` and the bound. */
export function positiveNumber(name: string, text: string | undefined, fallback: number, { integer = true, max = Number.POSITIVE_INFINITY } = {}): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n))) {
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}${max === Number.POSITIVE_INFINITY ? '' : ` up to ${max}`}, got ${text}`);
  }
  return n;
}

/** A comma-separated subset of `allowed` (all of them when absent). */
export function listOption<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): readonly T[] {
  if (text === undefined) return allowed;
  const items = text.split(',');
  const unknown = items.filter((i) => !(allowed as readonly string[]).includes(i));
  if (unknown.length > 0) throw new Error(`--${name}: unknown ${unknown.join(', ')} (choose from ${allowed.join(', ')})`);
  return items as T[];
}

/** "Machine: 2 cores (model), Node v20...; load average at start ...; <extra>". */
export function machineLine(extra: string): string {
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; load average at start ${load}; ${extra}`;
}

/** The .cpuprofile files in `dir` written by the processes `pids` (node names them by pid). */
export function cpuProfilesOf(dir: string | undefined, pids: readonly number[]): string[] {
  if (dir === undefined) return [];
  const marks = pids.map((pid) => `.${pid}.`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile') && marks.some((m) => f.includes(m)))
    .map((f) => join(dir, f));
}

/**
 * Parses the options (a bad one: its message and the usage on stderr, exit 2),
 * prints the usage for --help (exit 0), else runs and returns its exit code.
 */
export async function runCli<O extends { readonly help: boolean }>(argv: string[], usage: string, parse: (argv: string[]) => O, run: (options: O) => Promise<number>): Promise<number> {
  let options: O;
  try {
    options = parse(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return run(options);
}
