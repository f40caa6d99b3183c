import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { LOG_LEVELS } from './wire.js';

/** How fast one plugin may log: a sustained rate and a burst, in lines. */
export interface LogRate {
  readonly linesPerSecond: number;
  readonly burst: number;
}

/**
 * One plugin's log lines on their way to the runtime's log: a token bucket
 * (`burst` lines, refilled at `linesPerSecond`), so a plugin that logs in a loop
 * costs the log a bounded rate and the main heap nothing. Lines over the budget
 * are dropped and counted (`dropped`, labelled by plugin); one warning says
 * when dropping starts, and one line, once the bucket is half full again (the
 * plugin slowed down, not just paused between two batches), says how many were
 * dropped. Main thread only; time comes in as `nowMs` (any monotonic clock).
 */
export class PluginLogGate {
  private readonly plugin: string;
  private readonly log: Logger;
  private readonly dropped: Counter<'plugin'>;
  private readonly rate: LogRate;
  private tokens: number;
  private lastMs: number;
  /** Lines dropped since dropping last started (0: not dropping). */
  private dropping = 0;

  constructor(plugin: string, log: Logger, dropped: Counter<'plugin'>, rate: LogRate, nowMs: number) {
    this.plugin = plugin;
    this.log = log;
    this.dropped = dropped;
    this.rate = rate;
    this.tokens = rate.burst;
    this.lastMs = nowMs;
  }

  /** Logs one line of the plugin at `level` (an index into LOG_LEVELS), or drops it when over the budget. */
  write(level: number, text: string, nowMs: number): void {
    this.tokens = Math.min(this.rate.burst, this.tokens + ((nowMs - this.lastMs) * this.rate.linesPerSecond) / 1000);
    this.lastMs = nowMs;
    if (this.tokens < 1) {
      this.drop(1);
      return;
    }
    this.tokens--;
    if (this.dropping > 0 && this.tokens >= this.rate.burst / 2) {
      this.log.info({ plugin: this.plugin, dropped: this.dropping }, `plugin ${this.plugin}: its log lines are written again; ${this.dropping} were dropped`);
      this.dropping = 0;
    }
    this.log[LOG_LEVELS[level] ?? 'info']({ plugin: this.plugin }, text);
  }

  /** Counts `n` lines dropped elsewhere (the worker's cap per call) like lines over the budget. */
  drop(n: number): void {
    if (n <= 0) return;
    if (this.dropping === 0) {
      this.log.warn(
        { plugin: this.plugin, cause: 'logFlood' },
        `plugin ${this.plugin}: logs more than ${this.rate.linesPerSecond} lines/s (burst ${this.rate.burst}); its lines are dropped and counted (sdn_runtime_plugin_log_lines_dropped_total) until it slows down`,
      );
    }
    this.dropping += n;
    this.dropped.inc({ plugin: this.plugin }, n);
  }
}
