import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Processes the benchmarks start and measure: CPU time and peak memory from
 * /proc (Linux only), free loopback ports, and children that are always stopped.
 */

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat. */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const text = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim();
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`getconf CLK_TCK printed "${text}", not a positive integer`);
    ticksPerSecond = n;
  }
  return ticksPerSecond;
}

/** User + system CPU seconds of a process, all its threads (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`/proc/${pid}/stat has no utime/stime: ${stat.slice(0, 120)}`);
  return (utime + stime) / clockTicksPerSecond();
}

function statusKiB(pid: number, key: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}:`));
  const kib = Number(line?.split(/\s+/)[1]);
  if (!Number.isFinite(kib)) throw new Error(`/proc/${pid}/status has no ${key}`);
  return kib;
}

/** Peak resident set size (VmHWM) of a running process, bytes. */
export function peakRssBytesOf(pid: number): number {
  return statusKiB(pid, 'VmHWM') * 1024;
}

/** The soft limit on open files of this process (children inherit it). */
export function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Bytes of a child's output kept for error messages. */
const OUTPUT_TAIL = 4096;

/**
 * A child process whose output is kept (its tail) and that is stopped by `stop()`.
 * Its stdout is also split into lines, which `nextLine` hands out in order (a
 * child that talks a line protocol on stdin/stdout: the benchmark clients).
 */
export class Child {
  readonly name: string;
  readonly pid: number;
  /** Settles with the exit code or signal once the process has exited. */
  readonly exited: Promise<string>;
  private readonly process: ChildProcess;
  private tail = '';
  private partial = '';
  private readonly lines: string[] = [];
  private lineWaiter: (() => void) | undefined;

  private constructor(name: string, child: ChildProcess, pid: number) {
    this.name = name;
    this.process = child;
    this.pid = pid;
    const keep = (chunk: Buffer): void => {
      this.tail = (this.tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      keep(chunk);
      const parts = (this.partial + chunk.toString('utf8')).split('\n');
      this.partial = parts.pop()!;
      this.lines.push(...parts);
      this.lineWaiter?.();
    });
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code === null ? String(signal) : `exit code ${code}`)));
    void this.exited.then(() => this.lineWaiter?.());
  }

  /** Starts `command`; rejects when it cannot be started (not installed, not executable). `stdin`: keep a pipe to it for `send`. */
  static start(name: string, command: string, args: readonly string[], cwd: string, { stdin = false } = {}): Promise<Child> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
      child.once('error', (err) => reject(new Error(`cannot start ${name} (${command}): ${err.message}`)));
      child.once('spawn', () => resolve(new Child(name, child, child.pid!)));
    });
  }

  /** Writes one line to the child's stdin (started with `stdin: true`). */
  send(line: string): void {
    if (this.process.stdin === null) throw new Error(`${this.name} was started without a stdin pipe`);
    this.process.stdin.write(`${line}\n`);
  }

  /** The next stdout line that `accept` takes (others are skipped); rejects after `timeoutMs` or when the child exits first. */
  async nextLine(accept: (line: string) => boolean, timeoutMs: number): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      while (this.lines.length > 0) {
        const line = this.lines.shift()!;
        if (accept(line)) return line;
      }
      if (!this.running) throw new Error(`${this.name} exited (${await this.exited}) before printing the line awaited`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`${this.name} printed no awaited line within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.lineWaiter = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      this.lineWaiter = undefined;
    }
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** The last few KiB the child printed. */
  output(): string {
    return this.tail.trim();
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it exited. */
  async stop(graceMs = 5000): Promise<string> {
    if (!this.running) return this.exited;
    this.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<string>((resolve) => {
      timer = setTimeout(() => {
        this.process.kill('SIGKILL');
        resolve(this.exited.then((how) => `${how} (did not stop within ${graceMs} ms of SIGTERM)`));
      }, graceMs);
    });
    try {
      return await Promise.race([this.exited, killed]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * TcpExt ListenOverflows from /proc/net/netstat: connections the kernel dropped
 * because a listener's accept queue was full. Counted for the whole network
 * namespace, so other programs' listeners count too.
 */
export function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const at = names.indexOf('ListenOverflows');
  const n = Number(values[at]);
  if (at < 0 || !Number.isFinite(n)) throw new Error('/proc/net/netstat has no TcpExt ListenOverflows');
  return n;
}
