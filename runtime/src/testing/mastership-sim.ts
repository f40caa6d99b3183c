import { OFPBRC_IS_SLAVE, OFPCR_ROLE_MASTER, OFPCR_ROLE_SLAVE, OFPET_BAD_REQUEST, OFPET_ROLE_REQUEST_FAILED, OFPRRFC_STALE } from '../openflow/constants.js';
import { generationBefore, MastershipMachine, openflowRole, type MastershipOutput } from '../mastership/index.js';

/**
 * An in-process model of switch mastership: N nodes, each a
 * `MastershipMachine` driven the way the etcd campaign drives it, one etcd
 * (one key, leases with a TTL on etcd's clock, a watch per node), one switch
 * with Open vSwitch's role rules, FIFO channels with random delays, and
 * faults (crash, pause, partition from etcd, switch link down, switch
 * restart). One clock for everything. Used by `mastership/model.test.ts`.
 */

export type SimFault =
  | { readonly type: 'crash'; readonly node: number; readonly atMs: number }
  /** The node runs nothing in [fromMs, toMs) (a GC or VM pause); what arrives meanwhile waits. */
  | { readonly type: 'pause'; readonly node: number; readonly fromMs: number; readonly toMs: number }
  /** Messages between the node and etcd are lost in [fromMs, toMs); its watch resumes afterwards. */
  | { readonly type: 'partition'; readonly node: number; readonly fromMs: number; readonly toMs: number }
  /** The node's switch connection is down in [fromMs, toMs). */
  | { readonly type: 'link'; readonly node: number; readonly fromMs: number; readonly toMs: number }
  /** ovs-vswitchd restarts: every connection drops and the generation id is forgotten. */
  | { readonly type: 'switchRestart'; readonly fromMs: number; readonly toMs: number };

export interface SimOptions {
  readonly nodes: number;
  readonly leaseTtlMs: number;
  readonly marginMs: number;
  readonly maxDelayMs: number;
  readonly seed: number;
  readonly faults: readonly SimFault[];
}

/** A write the switch accepted: who sent it, with which generation it was sent, and the sender's role on the switch. */
export interface AcceptedWrite {
  readonly atMs: number;
  readonly node: number;
  readonly generation: bigint;
}

const TICK_MS = 50;
const REQUEST_TIMEOUT_MS = 1000;
/** A run has a few thousand events; far more is a livelock in the model or the machine. */
const MAX_EVENTS = 200_000;

interface Event {
  readonly at: number;
  readonly seq: number;
  readonly node: number | undefined;
  readonly run: () => void;
}

interface SimNode {
  readonly machine: MastershipMachine;
  lease: number | undefined;
  granting: boolean;
  epoch: number;
  connected: boolean;
  crashed: boolean;
  pendingResign: bigint | undefined;
}

interface SwitchConnection {
  readonly epoch: number;
  role: 'equal' | 'master' | 'slave';
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class MastershipSim {
  now = 0;
  private seq = 0;
  private readonly queue: Event[] = [];
  private readonly random: () => number;
  private readonly channelAt = new Map<string, number>();
  readonly nodes: SimNode[] = [];
  // etcd
  private revision = 1n;
  private key: { node: number; lease: number; create: bigint } | undefined;
  private readonly leases = new Map<number, number>();
  private nextLease = 1;
  // switch
  private readonly connections = new Map<number, SwitchConnection>();
  private electionId: bigint | undefined;
  private switchUp = true;
  readonly accepted: AcceptedWrite[] = [];
  /** Violations of "at most one node may write", with the time and the nodes. */
  readonly overlaps: string[] = [];

  constructor(private readonly options: SimOptions) {
    this.random = mulberry32(options.seed);
    for (let i = 0; i < options.nodes; i++) {
      this.nodes.push({
        machine: new MastershipMachine({ node: `n${i}`, leaseTtlMs: options.leaseTtlMs, marginMs: options.marginMs, disconnectGraceMs: options.leaseTtlMs, campaignRetryMs: 200 }),
        lease: undefined,
        granting: false,
        epoch: 0,
        connected: false,
        crashed: false,
        pendingResign: undefined,
      });
      this.at(Math.floor(this.random() * 100), i, () => this.grant(i));
      this.at(Math.floor(this.random() * 300), undefined, () => this.connect(i));
      this.at(i, i, () => this.tick(i));
      this.at(i, i, () => this.keepalive(i));
    }
    for (const fault of options.faults) this.schedule(fault);
  }

  private at(at: number, node: number | undefined, run: () => void, seq = this.seq++): void {
    const event = { at, seq, node, run };
    let index = this.queue.length;
    while (index > 0 && (this.queue[index - 1]!.at > at || (this.queue[index - 1]!.at === at && this.queue[index - 1]!.seq > event.seq))) index--;
    this.queue.splice(index, 0, event);
  }

  /** A FIFO channel: a message never overtakes an earlier one on the same channel. */
  private send(channel: string, node: number | undefined, run: () => void): void {
    const at = Math.max(this.now + Math.floor(this.random() * (this.options.maxDelayMs + 1)), this.channelAt.get(channel) ?? 0);
    this.channelAt.set(channel, at);
    this.at(at, node, run);
  }

  private within(type: SimFault['type'], node: number, t = this.now): SimFault | undefined {
    return this.options.faults.find((f) => f.type === type && 'node' in f && f.node === node && 'fromMs' in f && f.fromMs <= t && t < f.toMs);
  }

  /** The end of the pause (overlapping pauses taken as one) the node is in now, or undefined. */
  private pausedUntil(node: number): number | undefined {
    let until: number | undefined;
    for (let pause = this.within('pause', node); pause !== undefined && 'toMs' in pause; pause = this.within('pause', node, pause.toMs)) until = pause.toMs;
    return until;
  }

  private schedule(fault: SimFault): void {
    switch (fault.type) {
      case 'crash':
        this.at(fault.atMs, undefined, () => {
          this.nodes[fault.node]!.crashed = true;
          this.connections.delete(fault.node);
        });
        break;
      case 'link':
        this.at(fault.fromMs, undefined, () => this.disconnect(fault.node));
        this.at(fault.toMs, undefined, () => this.connect(fault.node));
        break;
      case 'switchRestart':
        this.at(fault.fromMs, undefined, () => {
          this.switchUp = false;
          this.electionId = undefined;
          for (const node of [...this.connections.keys()]) this.disconnect(node);
        });
        this.at(fault.toMs, undefined, () => {
          this.switchUp = true;
          for (let i = 0; i < this.nodes.length; i++) if (this.within('link', i) === undefined) this.connect(i);
        });
        break;
      case 'pause':
      case 'partition':
        break;
    }
  }

  /** Runs events up to `untilMs`, checking after each that at most one node may write. */
  run(untilMs: number): void {
    let budget = MAX_EVENTS;
    while (this.queue.length > 0 && this.queue[0]!.at <= untilMs) {
      if (--budget < 0) throw new Error(`more than ${MAX_EVENTS} events before t=${untilMs} (now t=${this.now}): a livelock`);
      const event = this.queue.shift()!;
      this.now = event.at;
      if (event.node !== undefined) {
        const node = this.nodes[event.node]!;
        if (node.crashed) continue;
        const resumeAt = this.pausedUntil(event.node);
        if (resumeAt !== undefined) {
          // Keeping the event's sequence number keeps every channel FIFO through the pause.
          this.at(resumeAt, event.node, event.run, event.seq);
          continue;
        }
      }
      event.run();
      const writers = this.nodes.flatMap((n, i) => (!n.crashed && n.machine.canWrite(this.now) ? [i] : []));
      if (writers.length > 1) this.overlaps.push(`t=${this.now}: nodes ${writers.join(',')} may write`);
    }
    this.now = untilMs;
  }

  // ---- the node's runner ----

  private apply(index: number, outputs: MastershipOutput[]): void {
    const node = this.nodes[index]!;
    for (const output of outputs) {
      switch (output.type) {
        case 'roleRequest': {
          const epoch = node.epoch;
          this.send(`n${index}>sw`, undefined, () => this.roleRequest(index, epoch, openflowRole(output.role), output.generationId));
          break;
        }
        case 'campaign':
          this.toEtcd(index, () => this.campaign(index, node.lease), () => this.input(index, { type: 'campaignFailed', nowMs: this.now }));
          break;
        case 'resign':
          node.pendingResign = output.generation;
          this.resign(index, output.generation);
          break;
        case 'writable':
        case 'roleChanged':
          break;
      }
    }
  }

  private input(index: number, input: Parameters<MastershipMachine['handle']>[0]): void {
    this.apply(index, this.nodes[index]!.machine.handle(input));
  }

  /** A request to etcd and its answer, both lost while the node is partitioned; `onTimeout` runs when no answer came. */
  private toEtcd(index: number, request: () => (() => void) | undefined, onTimeout: () => void): void {
    let answered = false;
    if (this.within('partition', index) === undefined) {
      this.send(`n${index}>etcd`, undefined, () => {
        if (this.within('partition', index) !== undefined) return;
        this.expire();
        const reply = request();
        if (reply === undefined) return;
        this.send(`etcd>n${index}`, index, () => {
          if (this.within('partition', index) !== undefined) return;
          answered = true;
          reply();
        });
      });
    }
    this.at(this.now + REQUEST_TIMEOUT_MS, index, () => {
      if (!answered) onTimeout();
    });
  }

  private resign(index: number, generation: bigint): void {
    this.toEtcd(
      index,
      () => {
        if (this.key?.create === generation) this.deleteKey();
        return () => {
          if (this.nodes[index]!.pendingResign === generation) this.nodes[index]!.pendingResign = undefined;
        };
      },
      () => {
        if (this.nodes[index]!.pendingResign === generation) this.resign(index, generation);
      },
    );
  }

  private grant(index: number): void {
    const node = this.nodes[index]!;
    if (node.lease !== undefined || node.granting) return;
    node.granting = true;
    const sentAtMs = this.now;
    this.toEtcd(
      index,
      () => {
        const id = this.nextLease++;
        this.leases.set(id, this.now + this.options.leaseTtlMs);
        this.at(this.now + this.options.leaseTtlMs, undefined, () => this.expire());
        return () => {
          node.granting = false;
          node.lease = id;
          this.input(index, { type: 'leaseRenewed', sentAtMs });
        };
      },
      () => {
        if (node.lease === undefined) {
          node.granting = false;
          this.grant(index);
        }
      },
    );
  }

  private keepalive(index: number): void {
    const node = this.nodes[index]!;
    this.at(this.now + Math.floor(this.options.leaseTtlMs / 3), index, () => this.keepalive(index));
    const lease = node.lease;
    if (lease === undefined) return this.grant(index);
    const sentAtMs = this.now;
    this.toEtcd(
      index,
      () => {
        const alive = this.leases.has(lease);
        if (alive) {
          this.leases.set(lease, this.now + this.options.leaseTtlMs);
          this.at(this.now + this.options.leaseTtlMs, undefined, () => this.expire());
        }
        return () => {
          if (node.lease !== lease) return;
          if (alive) return this.input(index, { type: 'leaseRenewed', sentAtMs });
          node.lease = undefined;
          this.input(index, { type: 'etcdLost', nowMs: this.now });
          this.grant(index);
        };
      },
      () => undefined,
    );
  }

  private tick(index: number): void {
    this.at(this.now + TICK_MS, index, () => this.tick(index));
    const node = this.nodes[index]!;
    this.input(index, { type: 'tick', nowMs: this.now });
    if (node.machine.canWrite(this.now)) {
      const epoch = node.epoch;
      const generation = node.machine.generation!;
      this.send(`n${index}>sw`, undefined, () => this.write(index, epoch, generation));
    }
  }

  // ---- etcd ----

  private expire(): void {
    for (const [id, expiresAt] of this.leases) {
      if (expiresAt > this.now) continue;
      this.leases.delete(id);
      if (this.key?.lease === id) this.deleteKey();
    }
  }

  private deleteKey(): void {
    this.revision++;
    this.key = undefined;
    const revision = this.revision;
    this.watchers((index) => this.input(index, { type: 'keyDeleted', revision }));
  }

  /** The watch: every change reaches every node in order; a partitioned node gets it after the partition (its watch resumes from its cursor). */
  private watchers(deliver: (index: number) => void): void {
    for (let i = 0; i < this.nodes.length; i++) {
      const partition = this.within('partition', i);
      const from = partition !== undefined && 'toMs' in partition ? partition.toMs : this.now;
      const at = Math.max(from + Math.floor(this.random() * (this.options.maxDelayMs + 1)), this.channelAt.get(`watch>n${i}`) ?? 0);
      this.channelAt.set(`watch>n${i}`, at);
      this.at(at, i, () => deliver(i));
    }
  }

  private campaign(index: number, lease: number | undefined): (() => void) | undefined {
    if (lease === undefined || !this.leases.has(lease)) return () => this.input(index, { type: 'campaignFailed', nowMs: this.now });
    if (this.key === undefined) {
      this.revision++;
      this.key = { node: index, lease, create: this.revision };
      const master = { node: `n${index}`, generation: this.revision };
      this.watchers((i) => this.input(i, { type: 'masterSeen', master }));
      return () => this.input(index, { type: 'campaignWon', generation: master.generation, nowMs: this.now });
    }
    const key = this.key;
    if (key.lease === lease) return () => this.input(index, { type: 'campaignWon', generation: key.create, nowMs: this.now });
    return () => this.input(index, { type: 'campaignLost', master: { node: `n${key.node}`, generation: key.create } });
  }

  // ---- the switch (Open vSwitch's rules) ----

  private connect(index: number): void {
    const node = this.nodes[index]!;
    if (!this.switchUp || node.crashed || this.connections.has(index)) return;
    node.epoch++;
    this.connections.set(index, { epoch: node.epoch, role: 'equal' });
    this.send(`sw>n${index}`, index, () => this.input(index, { type: 'switchConnected', nowMs: this.now }));
  }

  private disconnect(index: number): void {
    if (!this.connections.delete(index)) return;
    this.send(`sw>n${index}`, index, () => this.input(index, { type: 'switchDisconnected', nowMs: this.now }));
  }

  private current(index: number, epoch: number): SwitchConnection | undefined {
    const connection = this.connections.get(index);
    return connection?.epoch === epoch ? connection : undefined;
  }

  private roleRequest(index: number, epoch: number, role: number, generation: bigint): void {
    const connection = this.current(index, epoch);
    if (connection === undefined) return;
    if (this.electionId !== undefined && generationBefore(generation, this.electionId)) {
      this.send(`sw>n${index}`, index, () => this.input(index, { type: 'switchError', errorType: OFPET_ROLE_REQUEST_FAILED, code: OFPRRFC_STALE }));
      return;
    }
    this.electionId = generation;
    if (role === OFPCR_ROLE_MASTER) {
      for (const [other, c] of this.connections) {
        if (other === index || c.role !== 'master') continue;
        c.role = 'slave';
        this.send(`sw>n${other}`, other, () => this.input(other, { type: 'roleStatus', role: OFPCR_ROLE_SLAVE, generationId: generation }));
      }
    }
    connection.role = role === OFPCR_ROLE_MASTER ? 'master' : 'slave';
    this.send(`sw>n${index}`, index, () => this.input(index, { type: 'roleReply', role, generationId: generation }));
  }

  private write(index: number, epoch: number, generation: bigint): void {
    const connection = this.current(index, epoch);
    if (connection === undefined) return;
    if (connection.role === 'slave') {
      this.send(`sw>n${index}`, index, () => this.input(index, { type: 'switchError', errorType: OFPET_BAD_REQUEST, code: OFPBRC_IS_SLAVE }));
      return;
    }
    this.accepted.push({ atMs: this.now, node: index, generation });
  }

  /** Nodes (alive) that may write now, and the node the switch holds as master. */
  settled(): { writers: number[]; switchMaster: number | undefined } {
    const writers = this.nodes.flatMap((n, i) => (!n.crashed && n.machine.canWrite(this.now) ? [i] : []));
    const switchMaster = [...this.connections].find(([, c]) => c.role === 'master')?.[0];
    return { writers, switchMaster };
  }
}
