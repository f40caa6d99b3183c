import type { LatencyHistogram } from './histogram.js';

/** Sequence numbers travel as u32 in the frame; a run stops numbering before they wrap. */
const MAX_SEQ = 0xffffffff;

/** What happened to the PACKET_INs of one switch. */
export interface InFlightCounts {
  /** Answered by a PACKET_OUT carrying their frame, in time. */
  answered: number;
  /** Of those, sent inside the measured window (their latency is in the histogram). */
  answeredInWindow: number;
  /** No PACKET_OUT within the response timeout (or still unanswered when the run ended). */
  lost: number;
  /** Of those, sent inside the measured window. */
  lostInWindow: number;
  /** A PACKET_OUT for a frame already answered or already counted lost. */
  late: number;
  /** A PACKET_OUT whose frame is not one we sent (no sequence number, or one never used). */
  unmatched: number;
}

/**
 * The PACKET_INs one switch has sent and not yet seen answered: a ring of send
 * times indexed by sequence number. Answers may come in any order; the oldest
 * unanswered one expires after the response timeout, which keeps a lossy
 * controller from stalling the window forever. Times are `performance.now()`
 * milliseconds (hrtime-based, sub-microsecond resolution).
 */
export class InFlight {
  /** The next sequence number to send. */
  nextSeq = 0;
  /** The oldest sequence number not yet answered or expired. */
  private oldest = 0;
  /** Sent and neither answered nor expired. */
  outstanding = 0;
  /** Packets with seq in [measureFrom, measureTo) are the measured window's. */
  measureFrom = Number.POSITIVE_INFINITY;
  measureTo = Number.POSITIVE_INFINITY;
  readonly counts: InFlightCounts = { answered: 0, answeredInWindow: 0, lost: 0, lostInWindow: 0, late: 0, unmatched: 0 };
  private readonly mask: number;
  private readonly sentMs: Float64Array;
  private readonly done: Uint8Array;

  /** @param capacity ring size, a power of two: the most PACKET_INs in flight at once. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2 || (capacity & (capacity - 1)) !== 0) throw new RangeError(`capacity must be a power of two, got ${capacity}`);
    this.mask = capacity - 1;
    this.sentMs = new Float64Array(capacity);
    this.done = new Uint8Array(capacity);
  }

  /** False when the ring is full (the oldest packet has neither been answered nor expired yet). */
  canSend(): boolean {
    return this.nextSeq - this.oldest <= this.mask && this.nextSeq < MAX_SEQ;
  }

  /** Takes the next sequence number; `stamp` sets its send time once the batch is written. */
  take(): number {
    const seq = this.nextSeq++;
    this.done[seq & this.mask] = 0;
    this.outstanding++;
    return seq;
  }

  /** Sets the send time of every packet taken since `fromSeq`. */
  stamp(fromSeq: number, nowMs: number): void {
    for (let s = fromSeq; s < this.nextSeq; s++) this.sentMs[s & this.mask] = nowMs;
  }

  /** Records the answer to `seq` received at `nowMs`; the window's latencies go to `histogram`. */
  answer(seq: number, nowMs: number, histogram: LatencyHistogram): void {
    if (seq < 0 || seq >= this.nextSeq) {
      this.counts.unmatched++;
      return;
    }
    const i = seq & this.mask;
    if (seq < this.oldest || this.done[i] === 1) {
      this.counts.late++;
      return;
    }
    this.done[i] = 1;
    this.outstanding--;
    this.counts.answered++;
    if (seq >= this.measureFrom && seq < this.measureTo) {
      this.counts.answeredInWindow++;
      histogram.record((nowMs - this.sentMs[i]!) * 1000);
    }
    while (this.oldest < this.nextSeq && this.done[this.oldest & this.mask] === 1) this.oldest++;
  }

  /** Counts as lost every packet sent `timeoutMs` or longer before `nowMs` and still unanswered. */
  expire(nowMs: number, timeoutMs: number): void {
    while (this.oldest < this.nextSeq) {
      const i = this.oldest & this.mask;
      if (this.done[i] === 0) {
        if (nowMs - this.sentMs[i]! < timeoutMs) return;
        this.lose(this.oldest);
      }
      this.oldest++;
    }
  }

  /** Ends the run: everything still unanswered is lost. */
  expireAll(): void {
    for (; this.oldest < this.nextSeq; this.oldest++) {
      if (this.done[this.oldest & this.mask] === 0) this.lose(this.oldest);
    }
  }

  private lose(seq: number): void {
    this.done[seq & this.mask] = 1;
    this.outstanding--;
    this.counts.lost++;
    if (seq >= this.measureFrom && seq < this.measureTo) this.counts.lostInWindow++;
  }
}
