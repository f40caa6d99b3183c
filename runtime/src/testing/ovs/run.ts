import { execFile } from 'node:child_process';
import { OvsHarnessError } from './errors.js';

/** What a finished command left behind. `code` is null when a signal ended it. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Killed with SIGKILL after this many ms; a hung `ip` or `ovs-vsctl` must not hang a CI run. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Runs `program` with `args` (an argv array: nothing goes through a shell) and
 * resolves with its exit code and output, whatever the code. Only a program that
 * cannot be started at all rejects (OvsHarnessError).
 */
export function tryRun(program: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      {
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ code: 0, stdout, stderr });
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'number') return resolve({ code, stdout, stderr });
        if (error.killed || (error as { signal?: unknown }).signal) return resolve({ code: null, stdout, stderr });
        reject(new OvsHarnessError(`cannot run ${describe(program, args)}: ${error.message}`, { cause: error }));
      },
    );
  });
}

/**
 * Like tryRun, but a non-zero exit (or a timeout) rejects with an OvsHarnessError
 * that quotes the argv and the command's stderr.
 * @returns the command's stdout.
 */
export async function run(program: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await tryRun(program, args, options);
  if (result.code !== 0) {
    const how = result.code === null ? `timed out after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms` : `exited ${result.code}`;
    throw new OvsHarnessError(`${describe(program, args)} ${how}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}

/** The command as a person would type it, for error messages only. */
export function describe(program: string, args: readonly string[]): string {
  return [program, ...args].map((a) => (/^[\w./:=@,+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}
