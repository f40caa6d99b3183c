import { hasPrefix } from './bytes.js';
import type { KvChange, Watch, WatchHandler } from './types.js';

/**
 * Watch fan-out. Every watcher has a cursor: the next revision it must see. A
 * watcher is either live (told about each revision as it commits) or catching up
 * (reading the change log, a chunk per event-loop turn, up to the last revision
 * the store announced, then turning live). Both paths advance the same cursor,
 * and the store announces revisions only after their commit is durable and in
 * order, so a watcher sees every revision once, in order, with no gap between
 * replay and live. A paused watcher falls back to catching up, so nothing is
 * buffered for it.
 */

export interface LogEntry {
  readonly revision: bigint;
  readonly changes: readonly KvChange[];
}

export interface ChangeLog {
  /**
   * Entries with revision in [from, to], at most `max`, in revision order;
   * compacted ones are absent. Throws `KvError` when the log cannot be read or
   * has a gap after its first entry.
   */
  read(from: bigint, to: bigint, max: number): LogEntry[];
  /** The oldest revision the log still holds (the current revision + 1 when it holds none). */
  firstRevision(): bigint;
}

export interface WatchHubOptions {
  readonly log: ChangeLog;
  /** Revisions replayed per event-loop turn. */
  readonly replayChunk: number;
  readonly onHandlerError: (error: unknown) => void;
}

class Watcher implements Watch {
  next: bigint;
  live: boolean;
  paused = false;
  closed = false;
  replayScheduled = false;

  constructor(
    private readonly hub: WatchHub,
    readonly key: Uint8Array,
    readonly prefix: boolean,
    readonly handler: WatchHandler,
    next: bigint,
    live: boolean,
  ) {
    this.next = next;
    this.live = live;
  }

  matches(key: Uint8Array): boolean {
    return this.prefix ? hasPrefix(key, this.key) : Buffer.compare(key, this.key) === 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.remove(this);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    if (!this.live) this.hub.scheduleReplay(this);
  }
}

export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private announced: bigint;

  constructor(
    private readonly options: WatchHubOptions,
    currentRevision: bigint,
  ) {
    this.announced = currentRevision;
  }

  get size(): number {
    return this.watchers.size;
  }

  add(key: Uint8Array, prefix: boolean, startRevision: bigint, handler: WatchHandler): Watch {
    const replay = startRevision > 0n && startRevision <= this.announced;
    const next = startRevision > 0n ? startRevision : this.announced + 1n;
    const watcher = new Watcher(this, key, prefix, handler, next, !replay);
    this.watchers.add(watcher);
    if (replay) this.scheduleReplay(watcher);
    return watcher;
  }

  remove(watcher: Watcher): void {
    this.watchers.delete(watcher);
  }

  /** Ends every watch, telling each handler why through `onError`. */
  closeAll(reason: Error): void {
    for (const watcher of [...this.watchers]) {
      watcher.close();
      this.call(watcher, () => watcher.handler.onError(reason));
    }
  }

  /** One committed, durable revision; called in revision order, each revision once. */
  announce(revision: bigint, changes: readonly KvChange[]): void {
    this.announced = revision;
    for (const watcher of [...this.watchers]) {
      if (watcher.closed || !watcher.live || revision < watcher.next) continue;
      if (watcher.paused) {
        watcher.live = false;
        continue;
      }
      watcher.next = revision + 1n;
      this.deliver(watcher, changes, revision);
    }
  }

  scheduleReplay(watcher: Watcher): void {
    if (watcher.replayScheduled) return;
    watcher.replayScheduled = true;
    setImmediate(() => {
      watcher.replayScheduled = false;
      this.replay(watcher);
    });
  }

  private replay(watcher: Watcher): void {
    if (watcher.closed || watcher.paused || watcher.live) return;
    if (watcher.next > this.announced) {
      watcher.live = true;
      return;
    }
    const to = this.announced;
    let entries: LogEntry[];
    try {
      entries = this.options.log.read(watcher.next, to, this.options.replayChunk);
    } catch (error) {
      watcher.close();
      this.call(watcher, () => watcher.handler.onError(error instanceof Error ? error : new Error(String(error))));
      return;
    }
    if (entries.length === 0 || entries[0]?.revision !== watcher.next) {
      // The log is contiguous up to the announced revision, so a missing first
      // entry means compaction removed it (perhaps in a commit not announced yet).
      const found = entries[0]?.revision ?? to + 1n;
      const logFirst = this.options.log.firstRevision();
      watcher.close();
      this.call(watcher, () => watcher.handler.onCompacted(found > logFirst ? found : logFirst));
      return;
    }
    for (const entry of entries) {
      watcher.next = entry.revision + 1n;
      this.deliver(watcher, entry.changes, entry.revision);
      if (watcher.closed || watcher.paused) return;
    }
    if (watcher.next > this.announced) watcher.live = true;
    else this.scheduleReplay(watcher);
  }

  private deliver(watcher: Watcher, changes: readonly KvChange[], revision: bigint): void {
    const matching = changes.filter((c) => watcher.matches(c.kv.key));
    if (matching.length > 0) this.call(watcher, () => watcher.handler.onChanges(matching, revision));
  }

  private call(watcher: Watcher, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      watcher.close();
      this.options.onHandlerError(error);
    }
  }
}
