import type { MatchKey } from './match-bits.js';

/**
 * The ledger's index of one switch's flows: (slot, app id, match key) -> a
 * flow id, in typed arrays. The learning switch at saturation sends an add
 * that replaces one of its own flows for nearly every response; finding that
 * flow in Maps of objects (a Map per slot and app, an entry object, a key
 * string) missed the cache several times per lookup over 16 x 1,000 flows.
 * Here a lookup reads a probe run of (hash, id) pairs (linear probing, the
 * table at most half full) and the flow's record: one 64-byte line holding its
 * hash, slot, app, mark and, up to 40 bytes, its key (the learning switch's is
 * 28); a longer key lives in a byte arena.
 *
 * Flow ids are small integers, reused after `remove`; the caller keeps what it
 * needs per flow in arrays by id. Pure, used from one event loop.
 */
export class FlowIndex {
  /** Probe table: pairs (hash, flow id + 1), id 0 where empty. Pairs: a power of two, at least twice `size`. */
  private table = new Int32Array(2 * 64);
  /** Records by flow id, RECORD_BYTES each: the same bytes seen as 32-bit words and as bytes. */
  private words = new Int32Array((32 * RECORD_BYTES) / 4);
  private bytes = new Uint8Array(this.words.buffer);
  /** Flow ids given back by `remove`, reused first, linked through NEXT_FREE; -1 ends. */
  private freeHead = -1;
  /** Ids below this have been given out. */
  private highWater = 0;
  /** Keys longer than INLINE_KEY_BYTES, one after the other; `dead` of the bytes belong to removed flows. */
  private arena = new Uint8Array(0);
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
    const mask = (table.length >> 1) - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const id = table[2 * i + 1]! - 1;
      if (id < 0) return -1;
      if (table[2 * i] === h && this.holds(id, slot, appId, key)) return id;
    }
  }

  /** The caller's mark of flow `id` (a 32-bit integer; 0 when inserted). */
  mark(id: number): number {
    return this.words[id * RECORD_WORDS + MARK]!;
  }

  setMark(id: number, mark: number): void {
    this.words[id * RECORD_WORDS + MARK] = mark;
  }

  /** The slot of flow `id` (held). */
  slotOf(id: number): number {
    return this.words[id * RECORD_WORDS + SLOT]!;
  }

  /** The app of flow `id` (held). */
  appOf(id: number): number {
    return this.words[id * RECORD_WORDS + APP]!;
  }

  /** The match key of flow `id` (held): a view of the index's own bytes, valid until the next `insert` or `remove`. */
  key(id: number): Uint8Array {
    const w = id * RECORD_WORDS;
    const n = this.words[w + KEY_LENGTH]!;
    if (n <= INLINE_KEY_BYTES) return this.bytes.subarray(id * RECORD_BYTES + INLINE_KEY_AT, id * RECORD_BYTES + INLINE_KEY_AT + n);
    const start = this.words[w + KEY_START]!;
    return this.arena.subarray(start, start + n);
  }

  /** Adds a flow that `find` does not hold (the caller checked) and returns its id. */
  insert(slot: number, appId: number, key: MatchKey): number {
    if ((this.count + 1) * 2 > this.table.length >> 1) this.rehash(this.table.length);
    const id = this.takeId();
    const h = mix(slot, appId, key.hash);
    const w = id * RECORD_WORDS;
    this.words[w + HASH] = h;
    this.words[w + SLOT] = slot;
    this.words[w + APP] = appId;
    this.words[w + MARK] = 0;
    this.words[w + KEY_LENGTH] = key.length;
    const keyBytes = key.bytes.subarray(key.start, key.start + key.length);
    if (key.length <= INLINE_KEY_BYTES) this.bytes.set(keyBytes, id * RECORD_BYTES + INLINE_KEY_AT);
    else this.words[w + KEY_START] = this.store(keyBytes);
    place(this.table, h, id);
    this.count++;
    return id;
  }

  /** Removes flow `id` (held: an id from `find` or `insert` not removed since). */
  remove(id: number): void {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    const w = id * RECORD_WORDS;
    let i = this.words[w + HASH]! & mask;
    while (table[2 * i + 1] !== id + 1) i = (i + 1) & mask;
    // Backward-shift deletion: later flows of the probe run move up so that no lookup stops at the hole.
    for (let j = (i + 1) & mask; table[2 * j + 1] !== 0; j = (j + 1) & mask) {
      const home = table[2 * j]! & mask;
      const between = i <= j ? i < home && home <= j : i < home || home <= j;
      if (between) continue;
      table[2 * i] = table[2 * j]!;
      table[2 * i + 1] = table[2 * j + 1]!;
      i = j;
    }
    table[2 * i] = 0;
    table[2 * i + 1] = 0;
    const length = this.words[w + KEY_LENGTH]!;
    if (length > INLINE_KEY_BYTES) this.dead += length;
    this.words[w + KEY_LENGTH] = REMOVED;
    this.words[w + NEXT_FREE] = this.freeHead;
    this.freeHead = id;
    this.count--;
  }

  /** Whether flow `id` is at `slot`, of `appId`, with `key` (its hash matched). */
  private holds(id: number, slot: number, appId: number, key: MatchKey): boolean {
    const w = id * RECORD_WORDS;
    const n = key.length;
    const words = this.words;
    if (words[w + SLOT] !== slot || words[w + APP] !== appId || words[w + KEY_LENGTH] !== n) return false;
    const inline = n <= INLINE_KEY_BYTES;
    const stored = inline ? this.bytes : this.arena;
    const at = inline ? id * RECORD_BYTES + INLINE_KEY_AT : words[w + KEY_START]!;
    const bytes = key.bytes;
    const from = key.start;
    for (let i = 0; i < n; i++) if (stored[at + i] !== bytes[from + i]) return false;
    return true;
  }

  private takeId(): number {
    const free = this.freeHead;
    if (free >= 0) {
      this.freeHead = this.words[free * RECORD_WORDS + NEXT_FREE]!;
      return free;
    }
    if ((this.highWater + 1) * RECORD_BYTES > this.bytes.length) {
      const words = new Int32Array(this.words.length * 2);
      words.set(this.words);
      this.words = words;
      this.bytes = new Uint8Array(words.buffer);
    }
    return this.highWater++;
  }

  /** Copies a long key into the arena (compacting or growing it when full); returns where it starts. */
  private store(key: Uint8Array): number {
    if (this.arenaUsed + key.length > this.arena.length) {
      const live = this.arenaUsed - this.dead;
      let size = Math.max(this.arena.length, 1024);
      while (live + key.length > size / 2) size *= 2;
      this.compact(size);
    }
    const at = this.arenaUsed;
    this.arena.set(key, at);
    this.arenaUsed += key.length;
    return at;
  }

  /** Moves the live long keys to the front of an arena of `size` bytes. */
  private compact(size: number): void {
    const old = this.arena;
    const arena = new Uint8Array(size);
    let used = 0;
    for (let w = 0; w < this.highWater * RECORD_WORDS; w += RECORD_WORDS) {
      const n = this.words[w + KEY_LENGTH]!;
      if (n <= INLINE_KEY_BYTES) continue;
      const start = this.words[w + KEY_START]!;
      arena.set(old.subarray(start, start + n), used);
      this.words[w + KEY_START] = used;
      used += n;
    }
    this.arena = arena;
    this.arenaUsed = used;
    this.dead = 0;
  }

  /** Rebuilds the probe table with `pairs` pairs. */
  private rehash(pairs: number): void {
    const table = new Int32Array(2 * pairs);
    for (let id = 0; id < this.highWater; id++) {
      const w = id * RECORD_WORDS;
      if (this.words[w + KEY_LENGTH] !== REMOVED) place(table, this.words[w + HASH]!, id);
    }
    this.table = table;
  }
}

/** A flow's record: one cache line. */
const RECORD_BYTES = 64;
const RECORD_WORDS = RECORD_BYTES / 4;
/** Word offsets in a record. */
const HASH = 0;
const SLOT = 1;
const APP = 2;
const MARK = 3;
const KEY_LENGTH = 4;
/** Where a long key starts in the arena. */
const KEY_START = 5;
/** The next free id, while the record is free. */
const NEXT_FREE = 6;
/** A short key's bytes follow the words, to the end of the record. */
const INLINE_KEY_AT = 7 * 4;
const INLINE_KEY_BYTES = RECORD_BYTES - INLINE_KEY_AT;
/** KEY_LENGTH of a removed flow's record. */
const REMOVED = -1;

/** Puts (h, id) in the first empty pair of its probe run. */
function place(table: Int32Array, h: number, id: number): void {
  const mask = (table.length >> 1) - 1;
  let i = h & mask;
  while (table[2 * i + 1] !== 0) i = (i + 1) & mask;
  table[2 * i] = h;
  table[2 * i + 1] = id + 1;
}

/** One 32-bit hash of a flow's slot, app and key hash (murmur3's finalizer: every input bit moves the low bits a probe starts from). */
function mix(slot: number, appId: number, keyHash: number): number {
  let h = keyHash ^ Math.imul(slot, 0x9e3779b1) ^ Math.imul(appId, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
