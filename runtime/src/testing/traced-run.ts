import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a traced child process did: its exit status, output and every module it loaded. */
export interface TracedRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** file: and node: URLs, in load order, without repeats. */
  readonly modules: readonly string[];
}

const TRACE = fileURLToPath(new URL('./module-trace.js', import.meta.url));

/**
 * Runs `node SCRIPT ARGS` with module-trace.ts preloaded, `input` on stdin, and
 * kills it after `timeoutMs`.
 * @throws when the process cannot start or does not exit in time.
 */
export async function tracedRun(script: string, args: readonly string[], { input = '', timeoutMs = 30_000, env = {} }: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<TracedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'sdn-module-trace-'));
  const file = join(dir, 'modules.txt');
  try {
    const { status, stdout, stderr } = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = execFile(process.execPath, ['--import', TRACE, script, ...args], { env: { ...process.env, ...env, SDN_MODULE_TRACE: file }, timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, out, errOut) => {
        if (err !== null && typeof err.code !== 'number') reject(new Error(`${script} ${args.join(' ')}: ${err.killed ? `did not exit within ${timeoutMs} ms` : err.message}`, { cause: err }));
        else resolve({ status: err === null ? 0 : (err.code as number), stdout: out, stderr: errOut });
      });
      child.stdin?.end(input);
    });
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`${script} ${args.join(' ')} left no module trace (exit status ${status}, stderr: ${stderr})`, { cause: err });
    }
    return { status, stdout, stderr, modules: [...new Set(text.split('\n').filter((l) => l !== ''))] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
