import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { OvsHarnessError } from './errors.js';

/** One answered echo request: its sequence number and when the reply came (ping -D, ms since the epoch). */
export interface PingReply {
  readonly seq: number;
  readonly atMs: number;
}

/** What a finished stream saw. */
export interface PingStreamSummary {
  readonly sent: number;
  readonly received: number;
  /** Requests never answered (sent - received). */
  readonly lost: number;
  /** The longest time between two consecutive replies (or from the start to the first), in ms: the outage. */
  readonly longestGapMs: number;
}

/** `ping -D -n -i <interval> -W 1 -c <count> -w <deadline>` lines: `[1765000000.123456] 64 bytes from ...: icmp_seq=5 ttl=64 time=0.1 ms`. */
const REPLY = /^\[(\d+\.\d+)\] \d+ bytes from [^:]+: icmp_seq=(\d+) /;
const SENT = /^(\d+) packets transmitted, (\d+) received/;

/**
 * A continuous, bounded ping (`count` requests every `intervalMs`, at most
 * `count * intervalMs + 5 s`), its replies recorded as they come, so a test
 * measures an outage (the longest gap between replies) and the requests lost
 * while it injects a fault. `stop()` ends it early (SIGINT: ping prints its
 * summary) and returns what it saw; it is idempotent. Built by `OvsHarness.pingStream`.
 */
export class PingStream {
  readonly replies: PingReply[] = [];
  readonly startedAtMs = Date.now();
  private readonly child: ChildProcess;
  private readonly exited: Promise<unknown>;
  private readonly lines: string[] = [];
  private waiters: (() => void)[] = [];

  constructor(argv: readonly string[]) {
    this.child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = once(this.child, 'exit');
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      // Bounded: a stream of `count` requests prints about `count` lines.
      const reply = REPLY.exec(line);
      if (reply !== null) this.replies.push({ seq: Number(reply[2]), atMs: Math.round(Number(reply[1]) * 1000) });
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => this.lines.push(chunk.toString().trimEnd()));
  }

  /** Resolves with the first reply that came at or after `sinceMs`; rejects after `timeoutMs` or when ping ended without one. */
  async replyAfter(sinceMs: number, timeoutMs: number): Promise<PingReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = this.replies.find((r) => r.atMs >= sinceMs);
      if (reply !== undefined) return reply;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new OvsHarnessError(`ping ended with no reply after ${new Date(sinceMs).toISOString()}: ${this.lines.slice(-3).join(' | ')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new OvsHarnessError(`no ping reply within ${timeoutMs} ms after ${new Date(sinceMs).toISOString()}; last lines: ${this.lines.slice(-3).join(' | ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
        void this.exited.then(() => resolve());
      });
    }
  }

  /** Ends the stream (if it still runs) and summarises it. */
  async stop(): Promise<PingStreamSummary> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    await this.exited;
    const totals = this.lines.map((l) => SENT.exec(l)).find((m) => m !== null);
    const sent = totals === undefined ? Math.max(0, ...this.replies.map((r) => r.seq)) : Number(totals[1]);
    const received = totals === undefined ? this.replies.length : Number(totals[2]);
    let longestGapMs = 0;
    let previous = this.startedAtMs;
    for (const reply of this.replies) {
      longestGapMs = Math.max(longestGapMs, reply.atMs - previous);
      previous = reply.atMs;
    }
    return { sent, received, lost: sent - received, longestGapMs };
  }
}
