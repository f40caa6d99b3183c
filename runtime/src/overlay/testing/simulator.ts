import type { Envelope } from '../../generated/sdn/overlay/v1/overlay.js';
import { overlayDefaults, type OverlayConfig } from '../config.js';
import { parseSeed, type Seed } from '../neighbours/index.js';
import { OverlayNode } from '../node.js';
import { PathTable } from '../router/index.js';
import type { ConnId, NodeId, OverlayOutput } from '../types.js';
import { encodeFrame } from '../wire/index.js';
import { EventHeap } from './heap.js';
import { seededRandom } from './prng.js';

export interface SimulatorOptions {
  /** Seeds the PRNG of loss and of every node's random source. */
  readonly seed?: number;
  /** One-way latency between nodes with no entry in the matrix (ms). */
  readonly defaultLatencyMs?: number;
  /** Share of frames lost, 0..1. */
  readonly loss?: number;
  /** Period of every node's onTick (ms). */
  readonly tickMs?: number;
  /** Overrides of every node's configuration (timers, limits). */
  readonly config?: Partial<OverlayConfig>;
  /** Keep `send` outputs in `events()` (off: they are only counted). */
  readonly recordSends?: boolean;
  /** Keep outputs for `events()` at all (default on; off for a large run that never reads them: at 2,000 nodes every node's node-reachable alone is 4 million). */
  readonly record?: boolean;
  /** Rewrites what a node sends (a lying or broken node): the frames to send instead. */
  readonly tamper?: (from: NodeId, to: NodeId | undefined, message: Envelope) => Envelope[];
}

/** An output of a node, with when and where. */
export interface SimEvent {
  readonly atMs: number;
  readonly node: NodeId;
  readonly output: OverlayOutput;
}

interface Pending {
  readonly atMs: number;
  readonly order: number;
  readonly run: () => void;
}

interface SimConn {
  readonly owner: NodeId;
  readonly peer: NodeId;
  remote: ConnId | undefined;
  open: boolean;
  /** Arrival time of the last frame sent on it, so frames stay in order (a stream). */
  lastArrivalMs: number;
}

interface SimNode {
  readonly id: NodeId;
  readonly seeds: Seed[];
  node: OverlayNode | undefined;
  /** Bumps on crash, so that events scheduled for the old incarnation are dropped. */
  incarnation: number;
}

/**
 * Many overlay nodes in one process on a simulated network: a virtual clock,
 * a one-way latency per directed pair, seeded loss, partitions, crashes and
 * restarts. Frames are encoded and decoded (the wire format is exercised) and
 * delivered after their link's latency, in order per connection.
 *
 * `sim.control(node, (n) => n.publish(...)); sim.advance(500); sim.events()`.
 */
export class Simulator {
  nowMs = 0;
  /** Frames sent, by message case, and their bytes. */
  readonly sent = new Map<string, number>();
  sentBytes = 0;
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly byAddr = new Map<string, NodeId>();
  private readonly conns = new Map<ConnId, SimConn>();
  private readonly latency = new Map<number, number>();
  private readonly cut = new Set<number>();
  private readonly queue = new EventHeap<Pending>();
  private readonly random: () => number;
  private recorded: SimEvent[] = [];
  private order = 0;
  private nextConn = 1;
  private nextTickMs = 0;
  private loss: number;
  private readonly tickMs: number;
  private readonly defaultLatencyMs: number;
  /** One path table for every node: equal paths are one object across nodes, which is what lets 2,000 nodes fit. */
  private readonly paths = new PathTable(1 << 22);

  constructor(private readonly options: SimulatorOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.loss = options.loss ?? 0;
    this.tickMs = options.tickMs ?? 10;
    this.defaultLatencyMs = options.defaultLatencyMs ?? 5;
  }

  /** The address of a simulated node, what its seeds name. */
  static addr(node: NodeId): string {
    return `n${node}:7000`;
  }

  /** Adds a node that will dial `seeds` (node ids) at its first tick. */
  addNode(id: NodeId, seeds: readonly NodeId[] = [], config: Partial<OverlayConfig> = {}): void {
    const sim: SimNode = { id, seeds: seeds.map((s) => parseSeed(`${s}@${Simulator.addr(s)}`, id)), node: undefined, incarnation: 0 };
    this.nodes.set(id, sim);
    this.byAddr.set(Simulator.addr(id), id);
    this.start(sim, config);
  }

  node(id: NodeId): OverlayNode {
    const node = this.nodes.get(id)?.node;
    if (node === undefined) throw new Error(`node ${id} is not running`);
    return node;
  }

  /** Node ids of running nodes. */
  running(): NodeId[] {
    return [...this.nodes.values()].filter((n) => n.node !== undefined).map((n) => n.id);
  }

  /** Runs `command` against a node now and acts on its outputs. */
  control<T>(id: NodeId, command: (node: OverlayNode) => T): T {
    const result = command(this.node(id));
    this.flush(this.nodes.get(id) as SimNode);
    return result;
  }

  /** Sets the one-way latency from `a` to `b` (and back unless `oneWay`). */
  setLatency(a: NodeId, b: NodeId, ms: number, oneWay = false): void {
    this.latency.set(pairKey(a, b), ms);
    if (!oneWay) this.latency.set(pairKey(b, a), ms);
  }

  latencyMs(a: NodeId, b: NodeId): number {
    return this.latency.get(pairKey(a, b)) ?? this.defaultLatencyMs;
  }

  setLoss(loss: number): void {
    this.loss = loss;
  }

  /** Nothing passes between a node of `left` and a node of `right` until `heal`. */
  partition(left: readonly NodeId[], right: readonly NodeId[]): void {
    for (const a of left) {
      for (const b of right) {
        this.cut.add(pairKey(a, b));
        this.cut.add(pairKey(b, a));
      }
    }
  }

  heal(): void {
    this.cut.clear();
  }

  /** The process dies: its peers see their connections close after the latency (the kernel resets them). */
  crash(id: NodeId): void {
    const sim = this.nodes.get(id);
    if (sim?.node === undefined) return;
    sim.node = undefined;
    sim.incarnation += 1;
    for (const [connId, conn] of this.conns) {
      if (conn.owner !== id) continue;
      this.conns.delete(connId);
      this.closeRemote(conn);
    }
  }

  /** A crashed node starts again, same id and seeds, new epoch. */
  restart(id: NodeId, config: Partial<OverlayConfig> = {}): void {
    const sim = this.nodes.get(id);
    if (sim === undefined || sim.node !== undefined) return;
    this.start(sim, config);
  }

  /** Moves the clock `ms` forward, delivering frames and ticking nodes on the way. */
  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      const next = this.queue.peek();
      const tickAt = this.nextTickMs;
      if ((next === undefined || next.atMs > end) && tickAt > end) break;
      if (next !== undefined && next.atMs <= tickAt && next.atMs <= end) {
        this.queue.pop();
        this.nowMs = next.atMs;
        next.run();
      } else {
        this.nowMs = tickAt;
        this.nextTickMs += this.tickMs;
        for (const sim of this.nodes.values()) {
          if (sim.node === undefined) continue;
          sim.node.onTick(this.nowMs);
          this.flush(sim);
        }
      }
    }
    this.nowMs = end;
  }

  /** Sends raw bytes from `from` to `to` on their link, as if `from` wrote them (malformed frames). */
  inject(from: NodeId, to: NodeId, bytes: Uint8Array): void {
    for (const [connId, conn] of this.conns) {
      if (conn.owner === from && conn.peer === to && conn.open) {
        this.transmit(connId, bytes, 'injected');
        return;
      }
    }
    throw new Error(`no open link from ${from} to ${to}`);
  }

  /** Outputs since the last call (sends only with `recordSends`). */
  events(): SimEvent[] {
    const out = this.recorded;
    this.recorded = [];
    return out;
  }

  private start(sim: SimNode, config: Partial<OverlayConfig>): void {
    const random = seededRandom(Math.floor(this.random() * 0xffff_ffff));
    sim.node = new OverlayNode(overlayDefaults({ nodeId: sim.id, seeds: sim.seeds, random }, { paths: this.paths, ...this.options.config, ...config }));
  }

  private at(delayMs: number, run: () => void): void {
    this.queue.push({ atMs: this.nowMs + delayMs, order: this.order++, run });
  }

  /** Runs `fn` on node `id` if the same incarnation is still running, then acts on its outputs. */
  private onNode(id: NodeId, incarnation: number, fn: (node: OverlayNode) => void): void {
    const sim = this.nodes.get(id);
    if (sim?.node === undefined || sim.incarnation !== incarnation) return;
    fn(sim.node);
    this.flush(sim);
  }

  private flush(sim: SimNode): void {
    const node = sim.node;
    if (node === undefined) return;
    for (let outputs = node.drain(); outputs.length > 0; outputs = node.drain()) {
      for (const output of outputs) this.act(sim, output);
    }
  }

  private act(sim: SimNode, output: OverlayOutput): void {
    if (this.options.record !== false && (output.kind !== 'send' || this.options.recordSends === true)) this.recorded.push({ atMs: this.nowMs, node: sim.id, output });
    if (output.kind === 'connect') this.dial(sim, output.addr);
    else if (output.kind === 'send') {
      const messages = this.options.tamper === undefined ? [output.message] : this.options.tamper(sim.id, output.to, output.message);
      for (const message of messages) this.transmit(output.conn, encodeFrame(message), message.body?.$case ?? 'none');
    }
    else if (output.kind === 'close') {
      const conn = this.conns.get(output.conn);
      if (conn === undefined) return;
      this.conns.delete(output.conn);
      const incarnation = sim.incarnation;
      this.at(0, () => this.onNode(sim.id, incarnation, (n) => n.onClosed(output.conn, this.nowMs)));
      this.closeRemote(conn);
    }
  }

  private dial(sim: SimNode, addr: string): void {
    const target = this.nodes.get(this.byAddr.get(addr) ?? 0);
    const incarnation = sim.incarnation;
    const failed = (): void => this.onNode(sim.id, incarnation, (n) => n.onConnectFailed(addr, this.nowMs));
    if (target === undefined) {
      this.at(0, failed);
      return;
    }
    const there = this.latencyMs(sim.id, target.id);
    const back = this.latencyMs(target.id, sim.id);
    if (target.node === undefined || this.cut.has(pairKey(sim.id, target.id))) {
      this.at(there + back, failed);
      return;
    }
    const local = this.nextConn++;
    const remote = this.nextConn++;
    const targetIncarnation = target.incarnation;
    this.conns.set(local, { owner: sim.id, peer: target.id, remote, open: false, lastArrivalMs: 0 });
    this.conns.set(remote, { owner: target.id, peer: sim.id, remote: local, open: false, lastArrivalMs: 0 });
    this.at(there + back, () => {
      const conn = this.conns.get(local);
      if (conn === undefined) {
        failed();
        return;
      }
      conn.open = true;
      this.onNode(sim.id, incarnation, (n) => n.onConnected(local, this.nowMs, addr));
    });
    this.at(there, () => {
      const conn = this.conns.get(remote);
      if (conn === undefined) return;
      conn.open = true;
      this.onNode(target.id, targetIncarnation, (n) => n.onConnected(remote, this.nowMs));
    });
  }

  private transmit(connId: ConnId, frame: Uint8Array, what: string): void {
    const conn = this.conns.get(connId);
    if (conn === undefined || conn.remote === undefined) return;
    this.sent.set(what, (this.sent.get(what) ?? 0) + 1);
    this.sentBytes += frame.length;
    if (this.cut.has(pairKey(conn.owner, conn.peer))) return;
    if (this.loss > 0 && this.random() < this.loss) return;
    const arrival = Math.max(this.nowMs + this.latencyMs(conn.owner, conn.peer), conn.lastArrivalMs);
    conn.lastArrivalMs = arrival;
    const remote = conn.remote;
    const peer = this.nodes.get(conn.peer) as SimNode;
    const incarnation = peer.incarnation;
    this.at(arrival - this.nowMs, () => {
      if (this.conns.get(remote)?.open !== true) return;
      this.onNode(peer.id, incarnation, (n) => n.onBytes(remote, frame, this.nowMs));
    });
  }

  /** The peer's end learns of the close after the latency, unless a partition eats the FIN. */
  private closeRemote(conn: SimConn): void {
    const remote = conn.remote;
    if (remote === undefined || this.cut.has(pairKey(conn.owner, conn.peer))) return;
    const peer = this.nodes.get(conn.peer) as SimNode;
    const incarnation = peer.incarnation;
    this.at(this.latencyMs(conn.owner, conn.peer), () => {
      const theirs = this.conns.get(remote);
      if (theirs === undefined) return;
      this.conns.delete(remote);
      if (theirs.open) this.onNode(peer.id, incarnation, (n) => n.onClosed(remote, this.nowMs));
    });
  }
}

/** A number per directed pair; exact for node ids below 2^21, all the simulator uses. */
function pairKey(a: NodeId, b: NodeId): number {
  return a * 2097152 + b;
}
