/**
 * The node's bounded log of lifecycle events (switch up/down, port status, flow
 * removed, switch errors). Each entry gets the next sequence number, starting at
 * 1; the oldest entry falls out when the log is full. A reader that reconnects
 * asks for everything after the last seq it saw and learns which seqs it can no
 * longer get. Pure data structure: no clock, no I/O. Seqs are JS numbers (exact
 * up to 2^53, far beyond a node's lifetime at any event rate).
 */

export interface LogEntry<T> {
  readonly seq: number;
  readonly item: T;
}

export interface ReadResult<T> {
  /** Seqs after the requested one that fell out of the log (inclusive range), if any. */
  readonly missed: { readonly fromSeq: number; readonly toSeq: number } | undefined;
  readonly entries: readonly LogEntry<T>[];
}

export class EventLog<T> {
  readonly capacity: number;
  private readonly ring: (LogEntry<T> | undefined)[];
  private last = 0;

  /** @throws RangeError when `capacity` is not a positive integer. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`event log capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.ring = new Array<LogEntry<T> | undefined>(capacity);
  }

  /** Appends `make(seq)` under the next seq and returns the entry. */
  append(make: (seq: number) => T): LogEntry<T> {
    const seq = ++this.last;
    const entry = { seq, item: make(seq) };
    this.ring[(seq - 1) % this.capacity] = entry;
    return entry;
  }

  /** The newest seq (0 before the first event). */
  lastSeq(): number {
    return this.last;
  }

  /** The oldest seq still held (lastSeq() + 1 when empty). */
  oldestSeq(): number {
    return Math.max(1, this.last - this.capacity + 1);
  }

  /**
   * Entries with a seq above `afterSeq`, oldest first. When some of them fell
   * out, `missed` names their range. An `afterSeq` above lastSeq() comes from an
   * earlier run of the node (seqs restart at 1): everything held is returned, and
   * the seqs this run lost (if any) are reported missed.
   */
  readAfter(afterSeq: number): ReadResult<T> {
    const from = afterSeq > this.last ? 1 : afterSeq + 1;
    const oldest = this.oldestSeq();
    const missed = from < oldest ? { fromSeq: from, toSeq: oldest - 1 } : undefined;
    const entries: LogEntry<T>[] = [];
    for (let seq = Math.max(from, oldest); seq <= this.last; seq++) entries.push(this.ring[(seq - 1) % this.capacity]!);
    return { missed, entries };
  }
}
