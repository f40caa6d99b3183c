import type { Logger } from 'pino';
import type { AppEventType, EventInterest } from '../core/index.js';
import type { NodeRecord, SwitchInterest } from '../generated/sdn/overlay/v1/overlay.js';
import type { OverlayNode } from '../overlay/index.js';
import type { OverlayRunner } from './overlay-runner.js';
import type { RemoteSwitchMetrics } from './remote-switch-metrics.js';

/**
 * The switch event kinds sent only to the nodes that announce interest in them.
 * The others (switchUp, switchDown, portStatus) go to every reachable node: they
 * keep each node's directory of remote switches current, so a command or a new
 * subscriber there finds the switch and its ports without waiting for interest to travel.
 */
export const INTEREST_KINDS = ['packetIn', 'flowRemoved', 'error'] as const satisfies readonly AppEventType[];
const BY_INTEREST = new Set<string>(INTEREST_KINDS);

/** Whether events of `kind` go by interest (the rest go to every node). */
export function sentByInterest(kind: string): boolean {
  return BY_INTEREST.has(kind);
}

/**
 * Announces this node's interest (core's EventInterest: what its apps, plugins
 * and API streams subscribed to) in its overlay record, at most once per
 * event-loop turn and only when it changed. A kind wanted for more dpids than
 * the record takes is announced for every switch (more traffic, never less).
 * The directory pushes the record to the nodes owning switches at its next tick
 * (at most once per `interestMinIntervalMs`): events before it reaches them are
 * not sent here. Event loop thread only.
 */
export class InterestAnnouncer {
  private scheduled = false;
  private announced = '';

  constructor(
    private readonly overlay: OverlayRunner,
    private readonly interest: EventInterest,
    private readonly log: Logger,
    private readonly metrics: RemoteSwitchMetrics,
  ) {
    interest.onChange(() => {
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.announce());
    });
  }

  private announce(): void {
    this.scheduled = false;
    const maxDpids = this.overlay.node.config.maxDpids;
    let dpidCount = 0;
    const interests: SwitchInterest[] = [];
    for (const kind of INTEREST_KINDS) {
      const wanted = this.interest.of(kind);
      if (wanted === undefined) continue;
      if (wanted === 'all' || dpidCount + wanted.size > maxDpids) {
        interests.push({ kind, dpids: [], packed: true });
        continue;
      }
      dpidCount += wanted.size;
      interests.push({ kind, dpids: [...wanted].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), packed: true });
    }
    const key = interests.map((i) => `${i.kind}:${i.dpids.join(',')}`).join(';');
    if (key === this.announced) return;
    try {
      this.overlay.control((node) => node.setSwitchInterests(interests));
      this.announced = key;
    } catch (err) {
      this.metrics.dropped.inc({ reason: 'announce' });
      this.log.warn({ err, kinds: interests.length }, 'the overlay record did not take this node\'s switch interest; other nodes send by the earlier one');
    }
  }
}

/** Per kind: every switch, or these dpids. */
type Wants = ReadonlyMap<string, 'all' | ReadonlySet<bigint>>;
const parsed = new WeakMap<NodeRecord, Wants>();

/** Whether a node whose record is `record` wants events of `kind` from switch `dpid` (no record: it announced nothing, so no). */
export function recordWants(record: NodeRecord | undefined, kind: string, dpid: bigint): boolean {
  if (record === undefined) return false;
  let wants = parsed.get(record);
  if (wants === undefined) {
    wants = new Map(record.switchInterests.map((i) => [i.kind, i.dpids.length === 0 ? 'all' : new Set(i.dpids)] as const));
    parsed.set(record, wants);
  }
  const wanted = wants.get(kind);
  return wanted === 'all' || (wanted !== undefined && wanted.has(dpid));
}

/**
 * Whether any reachable node wants events of a kind from a switch: what the
 * owner asks of each packet-in (flow-removed, error) before it packs it, so that
 * one nobody wants costs no encoding. Answered from the held records and cached
 * per kind and dpid until the overlay's `recordsGeneration` moves (a record
 * stored or dropped, a node reachable or unreachable). The cache holds the dpids
 * of this node's switches seen since then. Event loop thread only.
 */
export class InterestAnywhere {
  private generation = -1;
  private readonly answers = new Map<string, Map<bigint, boolean>>();

  constructor(private readonly node: Pick<OverlayNode, 'recordsGeneration' | 'routes' | 'record'>) {}

  wanted(kind: string, dpid: bigint): boolean {
    const generation = this.node.recordsGeneration;
    if (generation !== this.generation) {
      this.generation = generation;
      this.answers.clear();
    }
    let byDpid = this.answers.get(kind);
    if (byDpid === undefined) this.answers.set(kind, (byDpid = new Map()));
    let answer = byDpid.get(dpid);
    if (answer === undefined) {
      answer = false;
      for (const node of this.node.routes().keys()) {
        if (!recordWants(this.node.record(node), kind, dpid)) continue;
        answer = true;
        break;
      }
      byDpid.set(dpid, answer);
    }
    return answer;
  }
}

/**
 * Whether the node whose record is `record` reads its by-interest events in
 * SwitchEventPack frames: this build says so in every interest it announces; a
 * node of an earlier build says nothing and is sent SwitchEvents, as before.
 */
export function recordReadsPacked(record: NodeRecord | undefined): boolean {
  return record !== undefined && record.switchInterests.length > 0 && record.switchInterests.every((interest) => interest.packed);
}
