/** Limits on OpenFlow connections; see `Admission`. */
export interface AdmissionLimits {
  /** Connections open at once, handshaking or ready. */
  readonly maxConnections: number;
  /** Connections open at once from one source address. */
  readonly maxPerSource: number;
  /** Connections that have not finished the OpenFlow handshake, at once. */
  readonly maxHandshakes: number;
  /** A refused source is logged at most once per this many milliseconds. */
  readonly logIntervalMs: number;
}

/** Why a connection was refused: a stable label for the refusal metric. */
export type RefusalReason = 'total' | 'perSource' | 'handshakes';

export type AdmissionDecision =
  | { readonly admitted: true }
  /** `log`: whether this refusal is the one to log for its source in this interval. */
  | { readonly admitted: false; readonly reason: RefusalReason; readonly detail: string; readonly log: boolean };

/**
 * Sources whose last logged refusal is remembered. Past it the memory is
 * cleared; the cost is at most one extra log line per source.
 */
const MAX_REMEMBERED_SOURCES = 4096;

/**
 * Which OpenFlow connections the listener takes: a pure count of open
 * connections (in total, per source address, and still handshaking), asked
 * before a connection gets a session. Idle or hostile connections then cost at
 * most these numbers of file descriptors, and each handshaking one lasts at
 * most the handshake timeout. Not thread-safe; no I/O: the server feeds it.
 */
export class Admission {
  private readonly limits: AdmissionLimits;
  private readonly bySource = new Map<string, number>();
  private readonly lastLoggedMs = new Map<string, number>();
  private open = 0;
  /** Open connections past the handshake (may briefly include one whose socket is still closing). */
  private ready = 0;

  constructor(limits: AdmissionLimits) {
    this.limits = limits;
  }

  /** Connections counted as open now. */
  get connections(): number {
    return this.open;
  }

  /** Open connections that have not finished the handshake. */
  get handshakes(): number {
    return this.open - this.ready;
  }

  /** Decides on a new connection from `source` (an IP address); an admitted one counts until `release`. */
  admit(source: string, nowMs: number): AdmissionDecision {
    const fromSource = this.bySource.get(source) ?? 0;
    const { maxConnections, maxPerSource, maxHandshakes } = this.limits;
    if (this.open >= maxConnections) return this.refuse(source, nowMs, 'total', `${this.open} switch connections are open (limit ${maxConnections})`);
    if (fromSource >= maxPerSource) return this.refuse(source, nowMs, 'perSource', `${fromSource} switch connections are open from ${source} (limit ${maxPerSource} per source)`);
    if (this.handshakes >= maxHandshakes) return this.refuse(source, nowMs, 'handshakes', `${this.handshakes} switch connections are in the handshake (limit ${maxHandshakes})`);
    this.open++;
    this.bySource.set(source, fromSource + 1);
    return { admitted: true };
  }

  /** An admitted connection finished the OpenFlow handshake. */
  handshakeDone(): void {
    this.ready++;
  }

  /** A connection that had finished the handshake is closing. */
  readyEnded(): void {
    this.ready--;
  }

  /** An admitted connection's socket closed. */
  release(source: string): void {
    const fromSource = this.bySource.get(source) ?? 0;
    if (fromSource <= 1) this.bySource.delete(source);
    else this.bySource.set(source, fromSource - 1);
    this.open--;
  }

  /**
   * Whether a problem with `source` (a refusal, a failed TLS handshake) should be
   * logged now: true at most once per `logIntervalMs` per source; counts it as logged.
   */
  shouldLog(source: string, nowMs: number): boolean {
    const last = this.lastLoggedMs.get(source);
    if (last !== undefined && nowMs - last < this.limits.logIntervalMs) return false;
    if (this.lastLoggedMs.size >= MAX_REMEMBERED_SOURCES) this.lastLoggedMs.clear();
    this.lastLoggedMs.set(source, nowMs);
    return true;
  }

  private refuse(source: string, nowMs: number, reason: RefusalReason, detail: string): AdmissionDecision {
    return { admitted: false, reason, detail, log: this.shouldLog(source, nowMs) };
  }
}
