import { performance } from 'node:perf_hooks';
import type { Etcd3, IResponseOp } from 'etcd3';
import { formatDpid } from '../openflow/index.js';
import { etcdClient, EtcdWatch, type EtcdConnectionOptions } from '../store/etcd.js';
import { prefixEnd, type KvChange } from '../store/index.js';
import { MastershipError } from './errors.js';
import { NodeLease } from './lease.js';
import { MastershipMachine } from './machine.js';
import type { MasterInfo, Mastership, MastershipInput, MastershipOutput, MastershipSink, SwitchMastershipInput, SwitchRole } from './types.js';

export interface EtcdMastershipOptions extends EtcdConnectionOptions {
  /** This node's name, unique in the cluster: written in the keys, shown as the master node. */
  readonly node: string;
  /** Keys live under `/sdn-runtime/<cluster>/mastership/` (default cluster `default`). */
  readonly cluster?: string;
  /** Lease TTL in whole seconds (default 2). */
  readonly leaseTtlSeconds?: number;
  /** Writes stop this long before the lease could expire on etcd, in ms (default 500). */
  readonly marginMs?: number;
  /** A master keeps its key this long after its switch connection dropped, in ms (default the TTL). */
  readonly disconnectGraceMs?: number;
  /** Bound on each etcd call, in ms (default 1,000: shorter than the TTL, so a hung call cannot outlive the lease). */
  readonly requestTimeoutMs?: number;
  /** The clock every deadline is read on (default `performance.now`). */
  readonly nowMs?: () => number;
  /** An etcd call failed (campaign, resign, keepalive, watch): wire this to a counter and a throttled log. */
  readonly onEtcdError?: (error: MastershipError) => void;
}

interface Entry {
  readonly dpid: bigint;
  readonly machine: MastershipMachine;
  sink: MastershipSink | undefined;
}

const decoder = new TextDecoder();
/**
 * How often every machine looks at the clock: it announces a step-down at the
 * deadline and retries campaigns. Writes do not wait for it (canWrite reads the
 * clock itself), so it only bounds how late apps hear of a step-down.
 */
const TICK_MS = 100;

/**
 * Switch mastership of this node over etcd: one lease for the node, and per
 * switch connected here one `MastershipMachine` whose outputs this runner
 * carries out. Per dpid the key `/sdn-runtime/<cluster>/mastership/<dpid, 16
 * hex digits>` holds the master's node name, attached to its lease; it is
 * created by a compare transaction (`createRevision == 0`), and its create
 * revision is the generation id. One watch on the prefix tells every node
 * who holds which switch and when a key is deleted (campaign again).
 * Timers: the lease keepalive (TTL/3) and a tick (every 100 ms) that steps a
 * master down at its local deadline.
 */
export class EtcdMastership implements Mastership {
  private readonly entries = new Map<bigint, Entry>();
  /** Holders seen on the watch, for switches this node may connect to later. */
  private readonly masters = new Map<bigint, MasterInfo>();
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly nowMs: () => number;
  private readonly tickTimer: NodeJS.Timeout;
  private watch: EtcdWatch | undefined;
  /** Send time of the newest keepalive etcd acknowledged (for machines created later). */
  private lastRenewal: number | undefined;
  private closed = false;

  private constructor(
    private readonly client: Etcd3,
    private readonly lease: NodeLease,
    private readonly options: EtcdMastershipOptions,
  ) {
    this.prefix = `/sdn-runtime/${options.cluster ?? 'default'}/mastership/`;
    this.ttlMs = (options.leaseTtlSeconds ?? 2) * 1000;
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.tickTimer = setInterval(() => this.all({ type: 'tick', nowMs: this.nowMs() }), TICK_MS);
  }

  /**
   * Grants the node's lease, reads who holds which switch and starts the watch.
   * @throws MastershipError `MASTERSHIP_UNAVAILABLE` when etcd cannot be reached (naming the endpoints).
   */
  static async start(options: EtcdMastershipOptions): Promise<EtcdMastership> {
    const requestTimeoutMs = options.requestTimeoutMs ?? 1000;
    const client = etcdClient(options, requestTimeoutMs);
    const nowMs = options.nowMs ?? (() => performance.now());
    const holder: { self?: EtcdMastership } = {};
    const lease = new NodeLease({
      client,
      ttlSeconds: options.leaseTtlSeconds ?? 2,
      requestTimeoutMs,
      nowMs,
      listener: {
        onRenewed: (sentAtMs) => holder.self?.all({ type: 'leaseRenewed', sentAtMs }),
        onLost: () => holder.self?.all({ type: 'etcdLost', nowMs: nowMs() }),
        onFailure: (error) => holder.self?.failed('lease keepalive', error),
      },
    });
    const self = new EtcdMastership(client, lease, options);
    holder.self = self;
    try {
      await lease.start();
      await self.claimName(lease.leaseId!);
      await self.load();
    } catch (error) {
      self.stop();
      await lease.close(true);
      client.close();
      if (error instanceof MastershipError) throw error;
      const cause = error instanceof Error ? error.message : String(error);
      throw new MastershipError('MASTERSHIP_UNAVAILABLE', `mastership: etcd at ${options.endpoints.join(',')} cannot be reached: ${cause}`, { cause: error });
    }
    return self;
  }

  /**
   * Registers this node's name on its lease (`/sdn-runtime/<cluster>/nodes/<node>`),
   * so that a second live node with the same name, which would take the first
   * one's switches for its own, is refused. A previous run of this node that
   * died leaves the name on its lease until it expires: waited out (TTL + 1 s).
   * @throws MastershipError `MASTERSHIP_CONFLICT` when another live node holds the name.
   */
  private async claimName(leaseId: string): Promise<void> {
    const key = Buffer.from(`/sdn-runtime/${this.options.cluster ?? 'default'}/nodes/${this.options.node}`);
    const until = this.nowMs() + this.ttlMs + 1000;
    for (;;) {
      const response = await this.client.kv.txn({
        compare: [{ key, target: 'Create', result: 'Equal', create_revision: '0' }],
        success: [{ request_put: { key, value: Buffer.from(this.options.node), lease: leaseId } }],
        failure: [{ request_range: { key } }],
      });
      const holder = (response.responses[0] as IResponseOp | undefined)?.response_range?.kvs[0];
      if (response.succeeded || holder?.lease === leaseId) return;
      if (this.nowMs() >= until) {
        throw new MastershipError('MASTERSHIP_CONFLICT', `mastership: another live node of cluster ${this.options.cluster ?? 'default'} is named ${this.options.node} (etcd lease ${holder?.lease ?? '?'}): give each node its own --node-id`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  private key(dpid: bigint): Buffer {
    return Buffer.from(`${this.prefix}${formatDpid(dpid)}`);
  }

  private dpidOf(key: Uint8Array): bigint | undefined {
    const hex = decoder.decode(key);
    return /^[0-9a-f]{16}$/.test(hex) ? BigInt(`0x${hex}`) : undefined;
  }

  /** Reads the current holders, then watches from the next revision. */
  private async load(): Promise<void> {
    const prefix = Buffer.from(this.prefix);
    const response = await this.client.kv.range({ key: prefix, range_end: Buffer.from(prefixEnd(prefix)!) });
    const revision = BigInt(response.header.revision);
    this.masters.clear();
    for (const kv of response.kvs) {
      const dpid = this.dpidOf(kv.key.subarray(prefix.length));
      if (dpid !== undefined) this.masters.set(dpid, { node: kv.value.toString(), generation: BigInt(kv.create_revision) });
    }
    // On a reload (the watch ended): what changed while nobody watched reaches the machines now.
    for (const dpid of this.entries.keys()) {
      const master = this.masters.get(dpid);
      this.input(dpid, master === undefined ? { type: 'keyDeleted', revision } : { type: 'masterSeen', master });
    }
    this.startWatch(revision + 1n);
  }

  private startWatch(startRevision: bigint): void {
    const prefix = Buffer.from(this.prefix);
    this.watch = new EtcdWatch({
      client: this.client,
      key: prefix,
      rangeEnd: Buffer.from(prefixEnd(prefix)!),
      startRevision,
      unprefix: (key) => new Uint8Array(key.subarray(prefix.length)),
      handler: {
        onChanges: (changes) => this.onChanges(changes),
        // Compacted past our cursor: the holders are re-read and the watch starts again.
        onCompacted: () => this.retryLoad(),
        // A watch that ended for good (not a lost connection, which it rides out):
        // without it no node would see a master go, so it starts again from a fresh read.
        onError: (error) => {
          this.failed('watch', error);
          this.retryLoad();
        },
      },
      onHandlerError: (error) => this.failed('watch handler', error),
      onEnded: () => undefined,
    });
  }

  /** Reads the holders and watches again, every second until it works (or the runner closes). */
  private retryLoad(): void {
    if (this.closed) return;
    this.load().catch((error: unknown) => {
      this.failed('reload of the holders', error);
      setTimeout(() => this.retryLoad(), 1000).unref();
    });
  }

  private onChanges(changes: readonly KvChange[]): void {
    for (const change of changes) {
      const dpid = this.dpidOf(change.kv.key);
      if (dpid === undefined) continue;
      if (change.type === 'put') {
        if (change.kv.version !== 1n) continue;
        const master = { node: decoder.decode(change.kv.value), generation: change.kv.createRevision };
        this.masters.set(dpid, master);
        this.input(dpid, { type: 'masterSeen', master });
      } else {
        this.masters.delete(dpid);
        this.input(dpid, { type: 'keyDeleted', revision: change.kv.modRevision });
      }
    }
  }

  /**
   * A session for `dpid` became ready on this node: it campaigns (or follows the
   * known master). A later call for the same dpid (a reconnect) replaces the sink.
   */
  attach(dpid: bigint, sink: MastershipSink): void {
    let entry = this.entries.get(dpid);
    if (entry === undefined) {
      const machine = new MastershipMachine({
        node: this.options.node,
        leaseTtlMs: this.ttlMs,
        marginMs: this.options.marginMs ?? 500,
        disconnectGraceMs: this.options.disconnectGraceMs ?? this.ttlMs,
        campaignRetryMs: 500,
      });
      entry = { dpid, machine, sink: undefined };
      this.entries.set(dpid, entry);
      if (this.lastRenewal !== undefined) this.apply(entry, machine.handle({ type: 'leaseRenewed', sentAtMs: this.lastRenewal }));
      const known = this.masters.get(dpid);
      if (known !== undefined) this.apply(entry, machine.handle({ type: 'masterSeen', master: known }));
    }
    entry.sink = sink;
    this.input(dpid, { type: 'switchConnected', nowMs: this.nowMs() });
  }

  /** The session of `dpid` closed (`sink` is the one attached; a stale detach after a reconnect is ignored). */
  detach(dpid: bigint, sink: MastershipSink): void {
    const entry = this.entries.get(dpid);
    if (entry === undefined || entry.sink !== sink) return;
    this.input(dpid, { type: 'switchDisconnected', nowMs: this.nowMs() });
    entry.sink = undefined;
  }

  /** Feeds what the switch said (ROLE_REPLY, OFPT_ERROR, ROLE_STATUS) to the machine of `dpid`. */
  fromSwitch(dpid: bigint, input: SwitchMastershipInput): void {
    this.input(dpid, input);
  }

  /** Whether a write to `dpid` may be sent now (see MastershipMachine.canWrite). */
  canWrite(dpid: bigint): boolean {
    return this.entries.get(dpid)?.machine.canWrite(this.nowMs()) ?? false;
  }

  /** Role, holder and our generation for `dpid` as this node sees it. */
  status(dpid: bigint): { role: SwitchRole; master: MasterInfo | undefined } {
    const entry = this.entries.get(dpid);
    return { role: entry?.machine.role ?? 'none', master: entry?.machine.currentMaster ?? this.masters.get(dpid) };
  }

  /** @throws MastershipError `NOT_MASTER` naming the master node when one is known. */
  assertWritable(dpid: bigint): void {
    if (this.canWrite(dpid)) return;
    const master = this.status(dpid).master;
    const holder = master === undefined ? 'no master is known yet' : `the master is node ${master.node} (generation ${master.generation})`;
    throw new MastershipError('NOT_MASTER', `switch ${formatDpid(dpid)}: node ${this.options.node} is not its master; ${holder}`);
  }

  private all(input: MastershipInput): void {
    if (this.closed) return;
    if (input.type === 'leaseRenewed') this.lastRenewal = Math.max(this.lastRenewal ?? input.sentAtMs, input.sentAtMs);
    if (input.type === 'etcdLost') this.lastRenewal = undefined;
    for (const entry of [...this.entries.values()]) {
      this.apply(entry, entry.machine.handle(input));
      // A switch gone from this node whose key is given up needs no machine.
      if (entry.sink === undefined && entry.machine.phase === 'disconnected' && entry.machine.generation === undefined) this.entries.delete(entry.dpid);
    }
  }

  private input(dpid: bigint, input: MastershipInput): void {
    const entry = this.entries.get(dpid);
    if (entry !== undefined && !this.closed) this.apply(entry, entry.machine.handle(input));
  }

  private apply(entry: Entry, outputs: readonly MastershipOutput[]): void {
    for (const output of outputs) {
      switch (output.type) {
        case 'roleRequest':
          entry.sink?.sendRoleRequest(output.role, output.generationId);
          break;
        case 'roleChanged':
          entry.sink?.onRoleChanged(output.role, output.master, output.cause);
          break;
        case 'campaign':
          this.campaign(entry.dpid);
          break;
        case 'resign':
          this.resign(entry.dpid, output.generation, 0);
          break;
        case 'writable':
          break;
      }
    }
  }

  private campaign(dpid: bigint): void {
    const leaseId = this.lease.leaseId;
    if (leaseId === undefined) return this.input(dpid, { type: 'campaignFailed', nowMs: this.nowMs() });
    const key = this.key(dpid);
    this.client.kv
      .txn({
        compare: [{ key, target: 'Create', result: 'Equal', create_revision: '0' }],
        success: [{ request_put: { key, value: Buffer.from(this.options.node), lease: leaseId } }],
        failure: [{ request_range: { key } }],
      })
      .then(
        (response) => {
          // The put is the only write of the txn, so the key's create revision is the txn's revision.
          if (response.succeeded) return this.input(dpid, { type: 'campaignWon', generation: BigInt(response.header.revision), nowMs: this.nowMs() });
          const kv = (response.responses[0] as IResponseOp | undefined)?.response_range?.kvs[0];
          if (kv === undefined) return this.input(dpid, { type: 'campaignFailed', nowMs: this.nowMs() });
          const generation = BigInt(kv.create_revision);
          // A retried txn whose first attempt won answers "lost" to ourselves: the lease tells.
          if (kv.lease === leaseId) return this.input(dpid, { type: 'campaignWon', generation, nowMs: this.nowMs() });
          this.input(dpid, { type: 'campaignLost', master: { node: kv.value.toString(), generation } });
        },
        (error: unknown) => {
          this.failed('campaign', error);
          this.input(dpid, { type: 'campaignFailed', nowMs: this.nowMs() });
        },
      );
  }

  /** Deletes our key if it is still the one of `generation`; retried (every 500 ms) while etcd fails, until the lease could have expired anyway. */
  private resign(dpid: bigint, generation: bigint, attempt: number): void {
    if (this.closed) return;
    const key = this.key(dpid);
    this.client.kv
      .txn({ compare: [{ key, target: 'Create', result: 'Equal', create_revision: generation.toString() }], success: [{ request_delete_range: { key } }], failure: [] })
      .catch((error: unknown) => {
        this.failed('resign', error);
        if ((attempt + 1) * 500 < 2 * this.ttlMs) setTimeout(() => this.resign(dpid, generation, attempt + 1), 500).unref();
      });
  }

  private failed(what: string, error: unknown): void {
    if (this.closed) return;
    const cause = error instanceof Error ? error.message : String(error);
    this.options.onEtcdError?.(new MastershipError('MASTERSHIP_UNAVAILABLE', `mastership ${what}: ${cause}`, { cause: error }));
  }

  private stop(): void {
    this.closed = true;
    clearInterval(this.tickTimer);
    this.watch?.close();
  }

  /**
   * Stops campaigning; with `resign` (a clean shutdown) the lease is revoked so
   * other nodes take over at once, without it (tests of a lost node) the keys
   * live until the lease expires.
   */
  async close(resign = true): Promise<void> {
    if (this.closed) return;
    this.stop();
    await this.lease.close(resign);
    this.client.close();
  }
}
