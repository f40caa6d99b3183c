import type { MatchKey } from './match-bits.js';

/**
 * The ledger's index of one switch's flows: (slot, app id, match key) -> a
 * flow id, in typed arrays. The learning switch at saturation sends an add
 * that replaces one of its own flows for nearly every response; finding that
 * flow in Maps of objects (a Map per slot and app, an entry object, a key
 * string) missed the cache several times per lookup over 16 x 1,000 flows.
 * Here a lookup reads one probe sequence of an Int32Array (linear probing,
 * at most half full), the flow's columns and its key bytes in one byte arena.
 *
 * Flow ids are small integers, reused after `remove`; the caller keeps what it
 * needs per flow in arrays by id. Pure, used from one event loop.
 */
export class FlowIndex {
  /** Probe table: flow id + 1, 0 where empty. Its length is a power of two, at least twice `size`. */
  private table = new Int32Array(64);
  /** Columns by flow id. */
  private hashes = new Int32Array(32);
  private slots = new Int32Array(32);
  private apps = new Int32Array(32);
  private keyStarts = new Int32Array(32);
  private keyLengths = new Int32Array(32);
  private marks = new Uint8Array(32);
  /** Flow ids given back by `remove`, reused first: `nextFree[id]` links them, -1 ends. */
  private nextFree = new Int32Array(32);
  private freeHead = -1;
  /** Ids below this have been given out. */
  private highWater = 0;
  /** Key bytes of every flow, one after the other; `dead` of them belong to removed flows. */
  private arena = new Uint8Array(1024);
  private arenaUsed = 0;
  private dead = 0;
  private count = 0;

  /** Flows held. */
  get size(): number {
    return this.count;
  }

  /** The id of the flow at `slot` of app `appId` with match key `key`; -1 for none. */
  find(slot: number, appId: number, key: MatchKey): number {
    const h = mix(slot, appId, key.hash);
    const table = this.table;
    const mask = table.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const id = table[i]! - 1;
      if (id < 0) return -1;
      if (this.hashes[id] === h && this.slots[id] === slot && this.apps[id] === appId && this.keyIs(id, key)) return id;
    }
  }

  /** The caller's mark of flow `id` (0..255; 0 when inserted). */
  mark(id: number): number {
    return this.marks[id]!;
  }

  setMark(id: number, mark: number): void {
    this.marks[id] = mark;
  }

  /** Adds a flow that `find` does not hold (the caller checked) and returns its id. */
  insert(slot: number, appId: number, key: MatchKey): number {
    if ((this.count + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    const id = this.takeId();
    const h = mix(slot, appId, key.hash);
    this.hashes[id] = h;
    this.slots[id] = slot;
    this.apps[id] = appId;
    this.keyStarts[id] = this.store(key);
    this.keyLengths[id] = key.length;
    this.marks[id] = 0;
    const table = this.table;
    const mask = table.length - 1;
    let i = h & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = id + 1;
    this.count++;
    return id;
  }

  /** Removes flow `id` (held: an id from `find` or `insert` not removed since). */
  remove(id: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let i = this.hashes[id]! & mask;
    while (table[i] !== id + 1) i = (i + 1) & mask;
    // Backward-shift deletion: later flows of the probe run move up so that no lookup stops at the hole.
    for (let j = (i + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const home = this.hashes[table[j]! - 1]! & mask;
      const between = i <= j ? i < home && home <= j : i < home || home <= j;
      if (between) continue;
      table[i] = table[j]!;
      i = j;
    }
    table[i] = 0;
    this.dead += this.keyLengths[id]!;
    this.keyLengths[id] = -1;
    this.nextFree[id] = this.freeHead;
    this.freeHead = id;
    this.count--;
  }

  private keyIs(id: number, key: MatchKey): boolean {
    const n = key.length;
    if (this.keyLengths[id] !== n) return false;
    const arena = this.arena;
    const bytes = key.bytes;
    for (let i = 0, at = this.keyStarts[id]!; i < n; i++, at++) if (arena[at] !== bytes[i]) return false;
    return true;
  }

  private takeId(): number {
    const free = this.freeHead;
    if (free >= 0) {
      this.freeHead = this.nextFree[free]!;
      return free;
    }
    if (this.highWater === this.hashes.length) this.growColumns(this.hashes.length * 2);
    return this.highWater++;
  }

  /** Copies `key` into the arena (compacting or growing it when full); returns where it starts. */
  private store(key: MatchKey): number {
    if (this.arenaUsed + key.length > this.arena.length) {
      const live = this.arenaUsed - this.dead;
      let size = this.arena.length;
      while (live + key.length > size / 2) size *= 2;
      this.compact(size);
    }
    const at = this.arenaUsed;
    this.arena.set(key.bytes.subarray(0, key.length), at);
    this.arenaUsed += key.length;
    return at;
  }

  /** Moves the live keys to the front of an arena of `size` bytes. */
  private compact(size: number): void {
    const old = this.arena;
    const arena = new Uint8Array(size);
    let used = 0;
    for (let id = 0; id < this.highWater; id++) {
      const n = this.keyLengths[id]!;
      if (n < 0) continue;
      arena.set(old.subarray(this.keyStarts[id]!, this.keyStarts[id]! + n), used);
      this.keyStarts[id] = used;
      used += n;
    }
    this.arena = arena;
    this.arenaUsed = used;
    this.dead = 0;
  }

  private growColumns(size: number): void {
    const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.marks = grow(this.marks);
    this.hashes = grow(this.hashes);
    this.slots = grow(this.slots);
    this.apps = grow(this.apps);
    this.keyStarts = grow(this.keyStarts);
    this.keyLengths = grow(this.keyLengths);
    this.nextFree = grow(this.nextFree);
  }

  private rehash(size: number): void {
    const table = new Int32Array(size);
    const mask = size - 1;
    for (let id = 0; id < this.highWater; id++) {
      if (this.keyLengths[id]! < 0) continue;
      let i = this.hashes[id]! & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = id + 1;
    }
    this.table = table;
  }
}

/** One 32-bit hash of a flow's slot, app and key hash (murmur3's finalizer: every input bit moves the low bits a probe starts from). */
function mix(slot: number, appId: number, keyHash: number): number {
  let h = keyHash ^ Math.imul(slot, 0x9e3779b1) ^ Math.imul(appId, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
