import { spawn, type ChildProcess } from 'node:child_process';

/** Output kept per process for failure messages. */
const KEEP_OUTPUT = 16 * 1024;
const STOP_MS = 5_000;

export interface ShellResult {
  readonly code: number | null;
  readonly output: string;
}

/**
 * Runs `script` with `bash -eo pipefail` (a failing line fails the block, as a
 * reader would notice), in `cwd`, killed after `timeoutMs`. Resolves with the
 * exit code and the tail of stdout + stderr.
 */
export function runShell(script: string, options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly timeoutMs: number }): Promise<ShellResult> {
  const child = spawn('bash', ['-eo', 'pipefail', '-c', script], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const out = collect(child);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      out.add(`\n[killed after ${options.timeoutMs} ms]\n`);
      killGroup(child, 'SIGKILL');
    }, options.timeoutMs);
    child.once('error', (err) => out.add(`could not start bash: ${err.message}\n`));
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: out.text() });
    });
  });
}

/** A long-running program (a snippet app): its output tail, and a stop that ends its whole process group. */
export class SnippetProcess {
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly out: ReturnType<typeof collect>;

  constructor(program: string, args: readonly string[], options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }) {
    this.child = spawn(program, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.out = collect(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.out.add(`could not start ${program}: ${err.message}\n`);
        resolve(null);
      });
      this.child.once('close', (code) => resolve(code));
    });
  }

  get output(): string {
    return this.out.text();
  }

  /** Resolves once the output (what is kept of it) matches `pattern`; rejects when the process exits first or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(this.output)) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.child.stdout?.off('data', check);
        this.child.stderr?.off('data', check);
      };
      this.child.stdout?.on('data', check);
      this.child.stderr?.on('data', check);
      void this.exited.then((code) => {
        done();
        reject(new Error(`exited (${code}) before printing ${pattern}:\n${this.output}`));
      });
      check();
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  async stop(): Promise<void> {
    killGroup(this.child, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        killGroup(this.child, 'SIGKILL');
        resolve();
      }, STOP_MS);
    });
    await Promise.race([this.exited, late]);
    clearTimeout(timer);
    await this.exited;
  }
}

function collect(child: ChildProcess): { add(s: string): void; text(): string } {
  let output = '';
  const add = (s: string): void => {
    output = (output + s).slice(-KEEP_OUTPUT);
  };
  child.stdout?.on('data', (c: Buffer) => add(c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => add(c.toString('utf8')));
  return { add, text: () => output };
}

/** Signals the process group the child leads (it was spawned detached): a shell's children go too. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
