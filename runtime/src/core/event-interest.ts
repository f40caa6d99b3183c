import type { AppEventType } from './app-types.js';

/** What the subscribers of one kind want: the events of every switch, or of these. */
export type KindInterest = 'all' | ReadonlySet<bigint>;

/**
 * Which events this node's subscribers want, per kind: of every switch or of
 * some dpids. Holds are counted, so a kind stays wanted until the last
 * subscriber that asked for it lets go. The bus holds one per subscription
 * (unless it says `interest: false`, as hosts of other subscribers do: the API
 * holds one per client stream instead). `serve` announces it to the other
 * nodes, which send their switches' events by it (serve/remote-switch-interest.ts).
 * Listeners are called after every hold and release, synchronously. Main thread only.
 */
export class EventInterest {
  private readonly all = new Map<AppEventType, number>();
  private readonly some = new Map<AppEventType, Map<bigint, number>>();
  private readonly listeners: (() => void)[] = [];

  /** Wants `kinds` of `dpids` (undefined: of every switch) until the returned function is called (once; later calls do nothing). */
  hold(kinds: readonly AppEventType[], dpids?: readonly bigint[]): () => void {
    const kindSet = [...new Set(kinds)];
    const dpidSet = dpids === undefined ? undefined : [...new Set(dpids)];
    this.change(kindSet, dpidSet, 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.change(kindSet, dpidSet, -1);
    };
  }

  /** What the holds of `kind` want now; undefined: nothing. */
  of(kind: AppEventType): KindInterest | undefined {
    if ((this.all.get(kind) ?? 0) > 0) return 'all';
    const some = this.some.get(kind);
    return some === undefined ? undefined : new Set(some.keys());
  }

  /** Calls `listener` after every hold and release. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private change(kinds: readonly AppEventType[], dpids: readonly bigint[] | undefined, by: 1 | -1): void {
    for (const kind of kinds) {
      if (dpids === undefined) {
        const count = (this.all.get(kind) ?? 0) + by;
        if (count > 0) this.all.set(kind, count);
        else this.all.delete(kind);
        continue;
      }
      const counts = this.some.get(kind) ?? new Map<bigint, number>();
      for (const dpid of dpids) {
        const count = (counts.get(dpid) ?? 0) + by;
        if (count > 0) counts.set(dpid, count);
        else counts.delete(dpid);
      }
      if (counts.size > 0) this.some.set(kind, counts);
      else this.some.delete(kind);
    }
    for (const listener of this.listeners) listener();
  }
}
