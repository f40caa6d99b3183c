import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The built CLI, `node runtime/dist/cli/main.js`. */
export const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** How a `serve` that was expected to fail at start ended. */
export interface ServeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Runs `sdn-runtime serve ...args` and waits for it to exit by itself; after
 * `timeoutMs` it is killed (SIGKILL), which the result shows as `signal`.
 */
export async function serveUntilExit(args: readonly string[], timeoutMs = 15_000): Promise<ServeExit> {
  const child = spawn(process.execPath, [MAIN, 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, stderr };
}

/** A `serve` process that reached its "sdn-runtime serving" log line. */
export interface ServeProcess {
  readonly child: ChildProcess;
  /** Its JSON log lines so far. */
  readonly lines: Record<string, unknown>[];
  /** The "sdn-runtime serving" line: `openflow`, `http`, `grpc` hold host:port. */
  readonly serving: Record<string, unknown>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `sdn-runtime serve --log-format json ...args`; rejects if it exits or is not serving within `timeoutMs`. */
export async function startServe(args: readonly string[], timeoutMs = 20_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--log-format', 'json', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const serving = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve: no "sdn-runtime serving" line within ${timeoutMs} ms: ${JSON.stringify(lines)}`));
    }, timeoutMs);
    const exited = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before serving: ${JSON.stringify(lines)}`));
    };
    child.once('exit', exited);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        parsed = { text: line };
      }
      lines.push(parsed);
      if (parsed.msg === 'sdn-runtime serving') {
        clearTimeout(timer);
        child.off('exit', exited);
        resolve(parsed);
      }
    });
  });
  return {
    child,
    lines,
    serving,
    async stop() {
      // A child killed by a signal has exited too (exitCode stays null): waiting for 'exit' again would hang.
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
