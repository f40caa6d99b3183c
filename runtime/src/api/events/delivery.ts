import { Fifo } from './fifo.js';
import { gapEvent, type DeliveryClass, type StreamEvent } from './event.js';

/**
 * One client's pending events and its credit: the flow control between the
 * node's event fan-out (which must never wait) and a client that reads at its
 * own pace. Pure: events and credit in, batches out.
 *
 * Events wait in one queue per delivery class and leave in arrival order across
 * classes, so per switch a client sees events in the order the switch sent them.
 * Each class has its own bound and its own policy when a client falls behind
 * (no credit, or a socket that does not drain):
 * - lifecycle: up to `lifecycle` events wait; beyond that they are dropped and
 *   one Gap marker at their place records the seq range, so the client can
 *   reconnect with `resume_after_seq` and get them from the log.
 * - packet-ins: up to `packetIns` wait; the oldest are shed first, counted, and
 *   reported in the next batch as Gap.packet_ins_shed.
 * - pubsub: like packet-ins (delivery is at most once), counted but not in Gap.
 * - kv: up to `lifecycle` wait; beyond that `push` reports an overflow and the
 *   stream must end (a watch cannot skip changes, the client re-watches from
 *   the revision it has).
 * A queue at its bound first asks its host to send what credit allows now
 * (`onFull`, the runner writes synchronously when the socket takes it), so a
 * client that keeps up loses nothing however many events one turn brings; only
 * what still finds the queue full is dropped or shed.
 * Every event in a batch, Gaps included, uses one unit of credit.
 */

export interface DeliveryLimits {
  readonly lifecycle: number;
  readonly packetIns: number;
}

export type ShedKind = 'lifecycle' | 'packetIn' | 'pubsub';

interface Item {
  readonly order: number;
  /** Undefined for a Gap marker. */
  readonly event: StreamEvent | undefined;
  readonly gap: { readonly fromSeq: number; toSeq: number } | undefined;
}

export class Delivery {
  private credit: number;
  private readonly maxBatch: number;
  private readonly limits: DeliveryLimits;
  private readonly onShed: (kind: ShedKind) => void;
  private readonly onFull: () => void;
  /** The stream's app: packet-in cookies as it may see them (StreamEvent.encodedFor); undefined: as the switch sent them. */
  private readonly appId: number | undefined;
  private readonly queues: Record<DeliveryClass, Fifo<Item>> = { lifecycle: new Fifo(), packetIn: new Fifo(), pubsub: new Fifo(), kv: new Fifo() };
  private readonly classes = Object.values(this.queues);
  private order = 0;
  /** Lifecycle events queued (Gap markers not counted). */
  private lifecycleQueued = 0;
  private packetInsShed = 0;

  /** The client's window: its initial credit, which a client that keeps up keeps granting back. */
  private readonly window: number;

  constructor(limits: DeliveryLimits, credit: number, maxBatch: number, hooks: { onShed(kind: ShedKind): void; onFull(): void; readonly appId?: number }) {
    this.limits = limits;
    this.credit = credit;
    this.window = credit;
    this.maxBatch = maxBatch;
    this.onShed = hooks.onShed;
    this.onFull = hooks.onFull;
    this.appId = hooks.appId;
  }

  /** Events waiting (Gap markers included). */
  get queued(): number {
    return this.classes.reduce((n, q) => n + q.length, 0);
  }

  get remainingCredit(): number {
    return this.credit;
  }

  /** Whether the client has more than three quarters of its window unconsumed: it is behind. */
  get behind(): boolean {
    return this.credit * 4 < this.window;
  }

  /** Queues `e`. Returns false when a KV event found its queue full: the stream must end. */
  push(e: StreamEvent): boolean {
    const cls = e.deliveryClass;
    const q = this.queues[cls];
    // Without credit a flush could send nothing: a client far behind costs no flush per event.
    if (this.credit > 0 && this.atBound(cls)) this.onFull();
    switch (cls) {
      case 'lifecycle': {
        if (this.lifecycleQueued < this.limits.lifecycle) {
          this.lifecycleQueued++;
          q.push({ order: ++this.order, event: e, gap: undefined });
          return true;
        }
        const tail = q.peekLast();
        if (tail?.gap !== undefined) tail.gap.toSeq = e.seq;
        else q.push({ order: ++this.order, event: undefined, gap: { fromSeq: e.seq, toSeq: e.seq } });
        this.onShed('lifecycle');
        return true;
      }
      case 'packetIn':
      case 'pubsub':
        q.push({ order: ++this.order, event: e, gap: undefined });
        if (q.length > this.limits.packetIns) {
          q.shift();
          if (cls === 'packetIn') this.packetInsShed++;
          this.onShed(cls);
        }
        return true;
      case 'kv':
        if (q.length >= this.limits.lifecycle) return false;
        q.push({ order: ++this.order, event: e, gap: undefined });
        return true;
    }
  }

  /** Queues a Gap for lifecycle seqs the client cannot get (they fell out of the log before a resume). */
  pushGap(fromSeq: number, toSeq: number): void {
    this.queues.lifecycle.push({ order: ++this.order, event: undefined, gap: { fromSeq, toSeq } });
  }

  /** The client granted `n` more events. */
  grant(n: number): void {
    this.credit += n;
  }

  /** The next batch the credit allows (at most maxBatch events, as encoded `Event`s), or undefined. */
  nextBatch(nowMs: number): Uint8Array[] | undefined {
    const room = Math.min(this.credit, this.maxBatch);
    if (room === 0) return undefined;
    const batch: Uint8Array[] = [];
    if (this.packetInsShed > 0) {
      batch.push(gapEvent(nowMs, 0, 0, this.packetInsShed));
      this.packetInsShed = 0;
    }
    while (batch.length < room) {
      const q = this.oldestQueue();
      if (q === undefined) break;
      const item = q.shift()!;
      if (item.event === undefined) {
        batch.push(gapEvent(nowMs, item.gap!.fromSeq, item.gap!.toSeq, 0));
      } else {
        if (q === this.queues.lifecycle) this.lifecycleQueued--;
        batch.push(this.appId === undefined ? item.event.encoded : item.event.encodedFor(this.appId));
      }
    }
    if (batch.length === 0) return undefined;
    this.credit -= batch.length;
    return batch;
  }

  /** Drops everything (the stream ended). */
  clear(): void {
    for (const q of this.classes) q.clear();
    this.lifecycleQueued = 0;
  }

  private atBound(cls: DeliveryClass): boolean {
    switch (cls) {
      case 'lifecycle':
        return this.lifecycleQueued >= this.limits.lifecycle;
      case 'kv':
        return this.queues.kv.length >= this.limits.lifecycle;
      default:
        return this.queues[cls].length >= this.limits.packetIns;
    }
  }

  private oldestQueue(): Fifo<Item> | undefined {
    let best: Fifo<Item> | undefined;
    let bestOrder = Infinity;
    for (const q of this.classes) {
      const head = q.peek();
      if (head !== undefined && head.order < bestOrder) {
        best = q;
        bestOrder = head.order;
      }
    }
    return best;
  }
}
