import type { NodeId } from '../types.js';

/**
 * A route's path as an immutable list: `head` first, then `tail`. Paths are
 * built by `PathTable`, so a path and every path that ends the same way share
 * their tail: a node's advert is its route's path with itself in front (one
 * node), and a received path is mostly the tail the sender itself received.
 * Storing every neighbour's every path as an array cost N × neighbours × path
 * length numbers per node (docs/benchmarks.md, "Overlay: route convergence").
 */
export class PathNode implements Iterable<NodeId> {
  /**
   * The advert last made for this path (router.ts, `advertOn`): every neighbour of a
   * node receives the same advert from it, and in one process (the simulator)
   * they then hold one object instead of one each.
   */
  advert: Advert | undefined = undefined;
  /** The answer of the last `PathTable.edgeScan` that walked this node: its scan number × 2, plus 1 for "uses the edge". */
  mark = 0;

  constructor(
    readonly head: NodeId,
    readonly tail: PathNode | undefined,
    /** Nodes in the path, this one included. */
    readonly length: number,
    /** A 31-bit hash of the nodes in order (`slot`): the path's key in its table. */
    readonly hash: number,
  ) {}

  includes(node: NodeId): boolean {
    for (let at = first(this); at !== undefined; at = at.tail) if (at.head === node) return true;
    return false;
  }

  /** Same nodes in the same order. */
  equals(other: PathNode): boolean {
    if (this.length !== other.length) return false;
    let a = first(this);
    let b: PathNode | undefined = other;
    while (a !== undefined && b !== undefined) {
      if (a === b) return true;
      if (a.head !== b.head) return false;
      a = a.tail;
      b = b.tail;
    }
    return true;
  }

  /** A fresh array, first node first. */
  toArray(): NodeId[] {
    const out = new Array<NodeId>(this.length);
    let i = 0;
    for (let at = first(this); at !== undefined; at = at.tail) out[i++] = at.head;
    return out;
  }

  [Symbol.iterator](): Iterator<NodeId> {
    let at = first(this);
    return {
      next: (): IteratorResult<NodeId> => {
        if (at === undefined) return { done: true, value: undefined };
        const value = at.head;
        at = at.tail;
        return { done: false, value };
      },
    };
  }
}

/** The start of a walk down a path, typed so that the walk may run off its end. */
function first(path: PathNode): PathNode | undefined {
  return path;
}

/** A route as advertised on a link: `path` runs from the sender to `dest`; `hash` is its digest term (digest.ts). */
export interface Advert {
  readonly dest: NodeId;
  readonly costMs: number;
  readonly path: PathNode;
  readonly recordVersion: number;
  readonly hash: number;
}

/**
 * Interns paths: `cons(head, tail)` returns the node already made for that head
 * and tail when it is still remembered, so equal paths are mostly one object.
 * A cache, not an index: it remembers at most 2 × `capacity` nodes (two
 * generations; the older is dropped when the newer fills), and a path it has
 * forgotten is simply built again, equal but not shared. Nothing depends on
 * two equal paths being the same object. Nodes are immutable, so one table may
 * serve several routers in one process (the simulator's 2,000 nodes share one):
 * a router learns nothing from another through it.
 */
export class PathTable {
  private current = new Map<number, PathNode>();
  private previous = new Map<number, PathNode>();
  /** `fromArray`'s hashes of each suffix of its path, kept to spare an allocation per call. */
  private readonly suffixes: number[] = [];
  private scans = 0;
  private readonly walked: PathNode[] = [];

  /** @param capacity nodes per generation (at most 2^24, a Map's limit) */
  constructor(private readonly capacity: number) {}

  /** The path `head` followed by `tail`. */
  cons(head: NodeId, tail: PathNode | undefined): PathNode {
    const key = slot(head, tail === undefined ? 0 : tail.hash);
    const found = this.current.get(key);
    if (found !== undefined && found.head === head && (found.tail === tail || (found.tail !== undefined && tail !== undefined && found.tail.equals(tail)))) return found;
    let node = this.previous.get(key);
    if (node === undefined || node.head !== head || !(node.tail === tail || (node.tail !== undefined && tail !== undefined && node.tail.equals(tail)))) {
      node = new PathNode(head, tail, tail === undefined ? 1 : tail.length + 1, key);
    }
    this.remember(key, node);
    return node;
  }

  /**
   * A test of many paths for "has `a` and `b` next to each other, in either
   * order" (a link reported down or up again). Each node's answer is marked on
   * it, so a tail shared by many paths is walked once per scan: scanning every
   * neighbour's table costs about its number of distinct path nodes, not the
   * sum of its path lengths. The test is good until the next `edgeScan`.
   */
  edgeScan(a: NodeId, b: NodeId): (path: PathNode) => boolean {
    this.scans += 1;
    const yes = this.scans * 2 + 1;
    const no = this.scans * 2;
    const walked = this.walked;
    return (path) => {
      let answer = false;
      for (let at: PathNode | undefined = path; at !== undefined; at = at.tail) {
        if (at.mark === yes || at.mark === no) {
          answer = at.mark === yes;
          break;
        }
        const next = at.tail;
        if (next !== undefined && ((at.head === a && next.head === b) || (at.head === b && next.head === a))) {
          answer = true;
          at.mark = yes;
          break;
        }
        walked.push(at);
      }
      for (const node of walked) node.mark = answer ? yes : no;
      walked.length = 0;
      return answer;
    };
  }

  /**
   * The path of an array (a received route's path); undefined for an empty one.
   * The longest suffix the table holds is found by its hash, one lookup and
   * one walk (usually the whole path: its sender made it), and the nodes
   * before it are put in front; not one lookup per node.
   */
  fromArray(path: readonly NodeId[]): PathNode | undefined {
    const hashes = this.suffixes;
    hashes.length = path.length + 1;
    hashes[path.length] = 0;
    for (let i = path.length - 1; i >= 0; i--) hashes[i] = slot(path[i] as NodeId, hashes[i + 1] as number);
    let start = path.length;
    let node: PathNode | undefined;
    for (let i = 0; i < path.length && node === undefined; i++) {
      const key = hashes[i] as number;
      node = holds(this.current.get(key), path, i) ?? holds(this.previous.get(key), path, i);
      if (node !== undefined) {
        start = i;
        this.remember(key, node);
      }
    }
    for (let i = start - 1; i >= 0; i--) node = this.cons(path[i] as NodeId, node);
    return node;
  }

  private remember(key: number, node: PathNode): void {
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, node);
  }
}

/** `node` when it is the path `path[from..]`. */
function holds(node: PathNode | undefined, path: readonly NodeId[], from: number): PathNode | undefined {
  if (node === undefined || node.length !== path.length - from) return undefined;
  let i = from;
  for (let at = first(node); at !== undefined; at = at.tail) if (at.head !== path[i++]) return undefined;
  return node;
}

/** The 31-bit hash (a small integer, cheap as a Map key) of a head and its tail's hash; collisions only cost sharing. */
function slot(head: NodeId, tailHash: number): number {
  let h = Math.imul(head ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(tailHash ^ 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 1;
}
