/**
 * A min-heap of (key, item): the timers of the topology state machines (key: a
 * due time in ms) and the frontier of the shortest-path search (key: a distance).
 * Timer entries are never removed early; the owner checks, when one is popped,
 * whether it still matters (lazy deletion), and keeps at most one live entry per
 * item, compacting with `retain`, so the heap stays bounded by what it tracks.
 */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, item: T): void {
    this.keys.push(key);
    this.items.push(item);
    this.up(this.keys.length - 1);
  }

  /** The smallest key, or undefined when empty. */
  peekKey(): number | undefined {
    return this.keys[0];
  }

  /** Removes and returns the item of the smallest key if that key is at most `limit`. */
  popAtMost(limit: number): T | undefined {
    if (this.keys.length === 0 || this.keys[0]! > limit) return undefined;
    const item = this.items[0]!;
    const lastKey = this.keys.pop()!;
    const lastItem = this.items.pop()!;
    if (this.keys.length > 0) {
      this.keys[0] = lastKey;
      this.items[0] = lastItem;
      this.down(0);
    }
    return item;
  }

  /** Keeps only the entries `keep` accepts (a rebuild, O(n)). */
  retain(keep: (item: T) => boolean): void {
    const keys = this.keys.splice(0);
    const items = this.items.splice(0);
    for (let i = 0; i < items.length; i++) if (keep(items[i]!)) this.push(keys[i]!, items[i]!);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= this.keys[i]!) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < n && this.keys[l]! < this.keys[min]!) min = l;
      if (r < n && this.keys[r]! < this.keys[min]!) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.items[a], this.items[b]] = [this.items[b]!, this.items[a]!];
  }
}

/** A FIFO of outputs that a state machine fills and its runner drains (no O(n) shift). */
export class Outbox<T> {
  private items: T[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  pop(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return item;
  }
}
