import type { LinkNotice } from '../../generated/sdn/overlay/v1/overlay.js';
import type { NodeId } from '../types.js';

interface Report {
  readonly epoch: number;
  readonly seq: number;
  readonly up: boolean;
  readonly atMs: number;
}

/**
 * The links reported down (router README, "Link notices"): per reporter and
 * peer the newest notice, and per undirected edge how many of its two ends
 * report it down. A route whose path uses a down edge is not used. Reports
 * are forgotten after `holdMs` (by then every stale path has been withdrawn)
 * and at most `maxReports` are kept (oldest dropped first).
 */
export class LinkNotices {
  private readonly reports = new Map<string, Report>();
  private readonly down = new Map<string, number>();
  /** Per node, how many of the down edges it is an end of: most steps of `breaks` stop at this number lookup, without making an edge's key. */
  private readonly ends = new Map<NodeId, number>();
  /** Per source (a reporter, or the neighbour a notice came from): notices it may still send now (a token bucket), and whether its overflow was reported. */
  private readonly budgets = new Map<string, { tokens: number; atMs: number; reported: boolean }>();

  /**
   * @param burst notices one reporter may send at once (all its links at a crash)
   * @param refillMs one more notice allowed per this many ms
   */
  constructor(
    private readonly holdMs: number,
    private readonly maxReports: number,
    private readonly burst: number,
    private readonly refillMs: number,
  ) {}

  /**
   * Takes one notice from `source`'s budget (`source` names a reporter or a
   * neighbour): 'ok', or 'limited' (drop it; the first drop of a run is
   * 'limited-first', to be reported once). Bounds the floods a node that invents
   * notices can start: per reporter it claims, and per link it sends them on.
   */
  admit(source: string, nowMs: number, burst = this.burst): 'ok' | 'limited' | 'limited-first' {
    let budget = this.budgets.get(source);
    if (budget === undefined) {
      budget = { tokens: burst, atMs: nowMs, reported: false };
      this.budgets.set(source, budget);
      if (this.budgets.size > this.maxReports) this.budgets.delete(this.budgets.keys().next().value as string);
    }
    budget.tokens = Math.min(burst, budget.tokens + (nowMs - budget.atMs) / this.refillMs);
    budget.atMs = nowMs;
    if (budget.tokens >= 1) {
      budget.tokens -= 1;
      budget.reported = false;
      return 'ok';
    }
    if (budget.reported) return 'limited';
    budget.reported = true;
    return 'limited-first';
  }

  get downEdges(): number {
    return this.down.size;
  }

  /**
   * Applies a notice. `fresh`: newer than what was known (flood it on);
   * `changed`: the edge's state changed (recompute the routes that use it).
   * A notice from another epoch (the reporter restarted) replaces the old one.
   */
  apply(notice: LinkNotice, nowMs: number): { fresh: boolean; changed: boolean } {
    const key = `${notice.reporter}>${notice.peer}`;
    const old = this.reports.get(key);
    if (old !== undefined && old.epoch === notice.epoch && notice.seq <= old.seq) return { fresh: false, changed: false };
    const wasDown = this.isDown(notice.reporter, notice.peer);
    if (old !== undefined && !old.up) this.count(notice.reporter, notice.peer, -1);
    this.reports.delete(key);
    this.reports.set(key, { epoch: notice.epoch, seq: notice.seq, up: notice.up, atMs: nowMs });
    if (!notice.up) this.count(notice.reporter, notice.peer, 1);
    if (this.reports.size > this.maxReports) this.forget(this.reports.keys().next().value as string);
    return { fresh: true, changed: wasDown !== this.isDown(notice.reporter, notice.peer) };
  }

  /** Whether this node itself reported its link to `peer` down (and has not reported it up since). */
  reportedDown(reporter: NodeId, peer: NodeId): boolean {
    return this.reports.get(`${reporter}>${peer}`)?.up === false;
  }

  isDown(a: NodeId, b: NodeId): boolean {
    return this.down.has(edge(a, b));
  }

  /** Whether `path` crosses an edge reported down. */
  breaks(path: Iterable<NodeId>): boolean {
    if (this.down.size === 0) return false;
    let previous: NodeId | undefined;
    for (const node of path) {
      if (previous !== undefined && this.ends.has(node) && this.down.has(edge(previous, node))) return true;
      previous = node;
    }
    return false;
  }

  /** Forgets reports older than the hold time; returns the edges that came back up. */
  expire(nowMs: number): [NodeId, NodeId][] {
    const back: [NodeId, NodeId][] = [];
    for (const [key, report] of this.reports) {
      if (nowMs - report.atMs < this.holdMs) break;
      const [a, b] = key.split('>').map(Number) as [NodeId, NodeId];
      const wasDown = this.isDown(a, b);
      this.forget(key);
      if (wasDown && !this.isDown(a, b)) back.push([a, b]);
    }
    return back;
  }

  private forget(key: string): void {
    const report = this.reports.get(key);
    if (report === undefined) return;
    this.reports.delete(key);
    if (!report.up) {
      const [a, b] = key.split('>').map(Number) as [NodeId, NodeId];
      this.count(a, b, -1);
    }
  }

  private count(a: NodeId, b: NodeId, delta: number): void {
    const key = edge(a, b);
    const was = this.down.has(key);
    const next = (this.down.get(key) ?? 0) + delta;
    if (next <= 0) this.down.delete(key);
    else this.down.set(key, next);
    const is = this.down.has(key);
    if (was !== is) for (const end of [a, b]) this.countEnd(end, is ? 1 : -1);
  }

  private countEnd(node: NodeId, delta: number): void {
    const next = (this.ends.get(node) ?? 0) + delta;
    if (next <= 0) this.ends.delete(node);
    else this.ends.set(node, next);
  }
}

function edge(a: NodeId, b: NodeId): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}
