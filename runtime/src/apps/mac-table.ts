import { macAt } from '../openflow/index.js';

/**
 * What one switch's learning switch knows: MAC address -> the port it was
 * last seen on, with the address's text made once. Open addressing over an
 * Int32Array (the address's 48 bits and the port in one 16-byte slot), kept
 * at most half full: a lookup is a hash of the frame's six bytes and, nearly
 * always, one cache line. A Map keyed by the address's text made two
 * strings per PACKET_IN and hashed them, and each lookup read the map's
 * buckets and then the key string it compared against, both in memory
 * nothing else touches (docs/benchmarks.md, the learning switch's MAC table).
 *
 * A slot number stays valid until the next `learn` (which may grow the
 * table). Pure; one event loop.
 */
export class MacTable {
  /** SLOT_WORDS words per slot: HI (the address's first two bytes | USED), LO (its last four), PORT, NAME (index in `names`). */
  private slots = new Int32Array(INITIAL_SLOTS * SLOT_WORDS);
  /** Each address's text, made when it was first learned. */
  private readonly names: string[] = [];

  /** Addresses learned. */
  get size(): number {
    return this.names.length;
  }

  /** Learns that the address at `frame[at..at + 6)` is on `port` (a later port replaces an earlier one); returns its slot. */
  learn(frame: Uint8Array, at: number, port: number): number {
    if ((this.names.length + 1) * 2 > this.slots.length / SLOT_WORDS) this.grow();
    const slot = this.probe(frame, at);
    const w = slot * SLOT_WORDS;
    if (this.slots[w + HI] === 0) {
      this.slots[w + HI] = hiOf(frame, at);
      this.slots[w + LO] = loOf(frame, at);
      this.slots[w + NAME] = this.names.length;
      this.names.push(macAt(frame, at));
    }
    this.slots[w + PORT] = port;
    return slot;
  }

  /** The slot of the address at `frame[at..at + 6)`; -1 when it was never learned. */
  find(frame: Uint8Array, at: number): number {
    const slot = this.probe(frame, at);
    return this.slots[slot * SLOT_WORDS + HI] === 0 ? -1 : slot;
  }

  /** The port the address in `slot` was last seen on. */
  port(slot: number): number {
    return this.slots[slot * SLOT_WORDS + PORT]! >>> 0;
  }

  /** The address in `slot` as "aa:bb:cc:dd:ee:ff". */
  mac(slot: number): string {
    return this.names[this.slots[slot * SLOT_WORDS + NAME]!]!;
  }

  /** The slot holding the address at `frame[at..at + 6)`, or the empty slot where it would go. */
  private probe(frame: Uint8Array, at: number): number {
    const hi = hiOf(frame, at);
    const lo = loOf(frame, at);
    const slots = this.slots;
    const mask = slots.length / SLOT_WORDS - 1;
    for (let i = hash(hi, lo) & mask; ; i = (i + 1) & mask) {
      const w = i * SLOT_WORDS;
      const h = slots[w + HI]!;
      if (h === 0 || (h === hi && slots[w + LO] === lo)) return i;
    }
  }

  /** Doubles the slots and places every address again. */
  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = slots.length / SLOT_WORDS - 1;
    for (let w = 0; w < old.length; w += SLOT_WORDS) {
      if (old[w + HI] === 0) continue;
      let i = hash(old[w + HI]!, old[w + LO]!) & mask;
      while (slots[i * SLOT_WORDS + HI] !== 0) i = (i + 1) & mask;
      slots.set(old.subarray(w, w + SLOT_WORDS), i * SLOT_WORDS);
    }
    this.slots = slots;
  }
}

const SLOT_WORDS = 4;
const HI = 0;
const LO = 1;
const PORT = 2;
const NAME = 3;
const INITIAL_SLOTS = 64;
/** Set in HI of a used slot, so that no address's HI is 0. */
const USED = 0x10000;

function hiOf(frame: Uint8Array, at: number): number {
  return ((frame[at]! << 8) | frame[at + 1]!) | USED;
}

function loOf(frame: Uint8Array, at: number): number {
  return (frame[at + 2]! << 24) | (frame[at + 3]! << 16) | (frame[at + 4]! << 8) | frame[at + 5]!;
}

/** murmur3's finalizer over the address's two words: every bit moves the low bits a probe starts from. */
function hash(hi: number, lo: number): number {
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
