import { readFileSync, readdirSync } from 'node:fs';
import { waitFor } from './wait.js';

/**
 * Process facts read from /proc. The harness kills daemons by pid only after
 * checking the pid still names the program it expects, so a pid reused by an
 * unrelated process after a crash is never killed.
 */

/**
 * The process's short name (`comm`, at most 15 chars), or undefined when it is
 * gone or has fully exited. A detached daemon's parent is pid 1, which may reap
 * it late (here: seconds after SIGKILL), so a zombie whose threads have all
 * exited (its fds, sockets and taps are closed by then) counts as gone; a
 * zombie leader whose other threads are still exiting does not.
 */
export function liveCommand(pid: number): string | undefined {
  const stat = readStat(pid);
  if (stat === undefined || (stat.state === 'Z' && stat.threads <= 1)) return undefined;
  return stat.comm;
}

/** Clock ticks since boot when the process started: with the pid, it names one process for good. */
export function startTime(pid: number): string | undefined {
  return readStat(pid)?.startTime;
}

/** Pids of every live process whose `comm` is `name`. */
export function pidsByCommand(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => liveCommand(pid) === name);
}

/** The pid in `pidfile`, or undefined when the file is absent or does not hold one. */
export function readPidfile(pidfile: string): number | undefined {
  try {
    const text = readFileSync(pidfile, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SIGKILLs `pid` if it is still `expectedCommand`, then waits until it is gone.
 * A daemon killed with SIGKILL cannot leave work half done that we depend on,
 * and it cannot ignore the signal. No-op when the pid is already gone.
 */
export async function killAndWait(pid: number, expectedCommand: string, deadlineMs = 5_000): Promise<void> {
  if (liveCommand(pid) !== expectedCommand) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitFor(`${expectedCommand} (pid ${pid}) to exit after SIGKILL`, deadlineMs, async () =>
    liveCommand(pid) === undefined ? true : undefined,
  );
}

function readStat(pid: number): { comm: string; state: string; threads: number; startTime: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm is in parentheses and may itself hold spaces or ')': cut at the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  // Fields from `state` (3rd) on: num_threads is the 20th, starttime the 22nd.
  return { comm: text.slice(open + 1, close), state: rest[0] ?? '', threads: Number(rest[17]), startTime: rest[19] ?? '' };
}
