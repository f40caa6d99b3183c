import { randomBytes } from 'node:crypto';
import { ErrorCode, SdnClientError } from '../errors.js';
import type { CommandResult as PbCommandResult } from '../generated/sdn/runtime/v1/events.js';

interface Entry {
  readonly deadline: number;
  readonly what: string;
  readonly resolve: (r: PbCommandResult) => void;
  readonly reject: (e: SdnClientError) => void;
}

/**
 * Commands waiting for their CommandResult, by correlation id. Ids are a random
 * per-app prefix and a counter, so results of an earlier connection can never be
 * mistaken for a later command's. Every entry has the same timeout, so entries
 * expire in insertion order and one sweeping timer serves them all.
 */
export class PendingResults {
  private readonly entries = new Map<string, Entry>();
  private readonly prefix = randomBytes(4).toString('hex');
  private counter = 0;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** A fresh correlation id and the promise its result settles. */
  create(what: string): { readonly id: string; readonly result: Promise<PbCommandResult> } {
    const id = `${this.prefix}-${(++this.counter).toString(36)}`;
    const result = new Promise<PbCommandResult>((resolve, reject) => {
      this.entries.set(id, { deadline: Date.now() + this.timeoutMs, what, resolve, reject });
    });
    this.sweeper ??= setInterval(() => this.sweep(), Math.max(10, Math.min(1000, this.timeoutMs / 4))).unref();
    return { id, result };
  }

  /** Settles the command the result answers; false when no command waits for that id. */
  settle(result: PbCommandResult): boolean {
    const entry = this.entries.get(result.correlationId);
    if (entry === undefined) return false;
    this.entries.delete(result.correlationId);
    entry.resolve(result);
    this.stopWhenIdle();
    return true;
  }

  /** Rejects one command (its message could not be sent). */
  fail(id: string, err: SdnClientError): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    entry.reject(err);
    this.stopWhenIdle();
  }

  /** Rejects every waiting command with an error made for it. */
  failAll(make: (what: string, id: string) => SdnClientError): void {
    const all = [...this.entries];
    this.entries.clear();
    for (const [id, entry] of all) entry.reject(make(entry.what, id));
    this.stopWhenIdle();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (entry.deadline > now) break;
      this.entries.delete(id);
      entry.reject(new SdnClientError(ErrorCode.TIMEOUT, `${entry.what}: no result within ${this.timeoutMs} ms`, { correlationId: id }));
    }
    this.stopWhenIdle();
  }

  private stopWhenIdle(): void {
    if (this.entries.size === 0 && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
