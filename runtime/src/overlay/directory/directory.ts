import type { NodeRecord } from '../../generated/sdn/overlay/v1/overlay.js';
import type { Route } from '../router/index.js';
import type { Emit, NodeId } from '../types.js';
import { checkRecord, type RecordLimits } from './validate.js';

export interface DirectoryConfig extends RecordLimits {
  readonly nodeId: NodeId;
  /** This node's record gets a new version at most once per this interval (ms). */
  readonly recordMinIntervalMs: number;
  /**
   * A change of this node's switch interests gets a new version sooner: at most
   * once per this interval (ms), pushed to the nodes that own switches (README.md).
   */
  readonly interestMinIntervalMs: number;
  /** A record request without answer is sent again after this long (ms). */
  readonly pullRetryMs: number;
  /** Announce this node's links and their RTT (for the visualization). */
  readonly announceLinks: boolean;
}

export interface DirectoryContext {
  /** Our record's version changed: carry it on our own route. */
  setRecordVersion(version: number, nowMs: number): void;
  requestRecord(node: NodeId, haveVersion: number): void;
  sendRecord(node: NodeId, record: NodeRecord): void;
  /** Whether this node has a route to `node` (a record pushed by an unreachable node is not kept). */
  reachable(node: NodeId): boolean;
  /** A node's record arrived, changed or went (undefined). */
  recordChanged(node: NodeId, record: NodeRecord | undefined): void;
}

export interface LinkView {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly rttMs: number;
}

/** What a visualization draws: nodes, links with RTT, switches per node. */
export interface OverlaySnapshot {
  readonly nodes: readonly { readonly node: NodeId; readonly aliases: readonly string[]; readonly dpids: readonly bigint[]; readonly costMs: number }[];
  readonly links: readonly LinkView[];
}

interface Wanted {
  version: number;
  askedAtMs: number;
}

/**
 * Who owns what: this node's record (dpids, aliases, pubsub patterns, links)
 * and every reachable node's, pulled when the version its route carries
 * differs from the one held (README.md). Records of unreachable nodes are dropped.
 */
export class Directory {
  private readonly records = new Map<NodeId, NodeRecord>();
  private readonly wanted = new Map<NodeId, Wanted>();
  private readonly dpidOwners = new Map<bigint, Set<NodeId>>();
  private readonly aliasOwners = new Map<string, Set<NodeId>>();
  private local: NodeRecord = { version: 0, dpids: [], aliases: [], patterns: [], links: [], switchInterests: [] };
  private changed = false;
  private versionedAtMs = -Infinity;
  private interestsChanged = false;
  private interestsVersionedAtMs = -Infinity;
  private stored = 0;

  constructor(
    private readonly config: DirectoryConfig,
    private readonly emit: Emit,
    private readonly context: DirectoryContext,
  ) {}

  /** This node's record as it is announced now. */
  get own(): NodeRecord {
    return this.local;
  }

  /**
   * Bumps whenever another node's record is stored or dropped: an answer read
   * from records (serve's "does any node want this switch's packet-ins?") holds
   * while it is unchanged.
   */
  get generation(): number {
    return this.stored;
  }

  /** Replaces part of this node's record; the new version goes out at the next tick allowed. */
  update(change: Partial<Pick<NodeRecord, 'dpids' | 'aliases' | 'patterns' | 'links' | 'switchInterests'>>): void {
    if (!this.config.announceLinks && change.links !== undefined) change = { ...change, links: [] };
    this.local = { ...this.local, ...change };
    this.changed = true;
    if (change.switchInterests !== undefined) this.interestsChanged = true;
  }

  onTick(nowMs: number): void {
    // Interest changes leave sooner (trailing edge: a burst of changes goes as one version with the last state).
    const interestsDue = this.interestsChanged && nowMs - this.interestsVersionedAtMs >= this.config.interestMinIntervalMs;
    if (interestsDue || (this.changed && nowMs - this.versionedAtMs >= this.config.recordMinIntervalMs)) {
      this.changed = false;
      this.versionedAtMs = nowMs;
      this.local = { ...this.local, version: (this.local.version + 1) >>> 0 || 1 };
      // The push goes first: an owner that gets the route's new version before the record would pull it too.
      if (this.interestsChanged) {
        this.interestsChanged = false;
        this.interestsVersionedAtMs = nowMs;
        this.pushToOwners();
      }
      this.context.setRecordVersion(this.local.version, nowMs);
    }
    for (const [node, wanted] of this.wanted) {
      if (nowMs - wanted.askedAtMs >= this.config.pullRetryMs) this.ask(node, wanted, nowMs);
    }
  }

  /** The router's best route to `node` changed. */
  routeChanged(node: NodeId, route: Route | undefined, nowMs: number): void {
    if (route === undefined) {
      this.wanted.delete(node);
      this.store(node, undefined);
      return;
    }
    const have = this.records.get(node)?.version ?? 0;
    if (route.recordVersion === have) {
      this.wanted.delete(node);
      return;
    }
    if (route.recordVersion === 0) {
      this.wanted.delete(node);
      this.store(node, undefined);
      return;
    }
    const wanted = this.wanted.get(node);
    if (wanted === undefined) this.ask(node, { version: route.recordVersion, askedAtMs: nowMs }, nowMs);
    else wanted.version = route.recordVersion;
  }

  onRecordRequest(from: NodeId): void {
    this.context.sendRecord(from, this.local);
  }

  /** A record asked for, or pushed by its node (taken when newer than the one held). */
  onRecord(from: NodeId, record: NodeRecord): void {
    const problem = checkRecord(this.config, record);
    if (problem !== undefined) {
      this.emit({ kind: 'problem', code: 'OVERLAY_RECORD', detail: `the record of node ${from} refused: ${problem}`, peer: from });
      return;
    }
    const wanted = this.wanted.get(from);
    if (wanted === undefined) {
      const held = this.records.get(from);
      if (this.context.reachable(from) && (held === undefined || isNewer(record.version, held.version))) this.store(from, record);
      return;
    }
    if (wanted.version === record.version) this.wanted.delete(from);
    this.store(from, record);
  }

  record(node: NodeId): NodeRecord | undefined {
    return node === this.config.nodeId ? this.local : this.records.get(node);
  }

  /** Nodes that announce `dpid`, this one included, lowest id first (more than one: the switch is multi-homed). */
  ownersOf(dpid: bigint): NodeId[] {
    const owners = new Set(this.dpidOwners.get(dpid) ?? []);
    if (this.local.dpids.includes(dpid)) owners.add(this.config.nodeId);
    return [...owners].sort((a, b) => a - b);
  }

  /** Nodes that announce alias `name`, lowest id first (more than one is a configuration conflict). */
  nodesNamed(name: string): NodeId[] {
    const nodes = new Set(this.aliasOwners.get(name) ?? []);
    if (this.local.aliases.includes(name)) nodes.add(this.config.nodeId);
    return [...nodes].sort((a, b) => a - b);
  }

  /** The visualization's view, from this node's records and `routes` (pure: reads state only). */
  snapshot(routes: ReadonlyMap<NodeId, Route>, ownLinks: readonly { peer: NodeId; rttMs: number }[]): OverlaySnapshot {
    const self = this.config.nodeId;
    const nodes = [{ node: self, aliases: this.local.aliases, dpids: this.local.dpids, costMs: 0 }];
    for (const [node, route] of routes) {
      const record = this.records.get(node);
      nodes.push({ node, aliases: record?.aliases ?? [], dpids: record?.dpids ?? [], costMs: route.costMs });
    }
    const links = new Map<string, LinkView>();
    const add = (a: NodeId, b: NodeId, rttMs: number): void => {
      const key = a < b ? `${a}-${b}` : `${b}-${a}`;
      if (!links.has(key)) links.set(key, { from: Math.min(a, b), to: Math.max(a, b), rttMs });
    };
    for (const link of ownLinks) add(self, link.peer, Math.round(link.rttMs));
    for (const [node, record] of this.records) for (const link of record.links) add(node, link.peer, link.rttMs);
    return { nodes: nodes.sort((a, b) => a.node - b.node), links: [...links.values()].sort((a, b) => a.from - b.from || a.to - b.to) };
  }

  /**
   * Sends this node's record to the nodes that announce switches: their owners
   * choose whom to send packet-ins by it, and would otherwise learn of a new
   * subscriber only with the route's version and a pull. The others pull it.
   */
  private pushToOwners(): void {
    for (const [node, record] of this.records) if (record.dpids.length > 0) this.context.sendRecord(node, this.local);
  }

  private ask(node: NodeId, wanted: Wanted, nowMs: number): void {
    wanted.askedAtMs = nowMs;
    this.wanted.set(node, wanted);
    this.context.requestRecord(node, this.records.get(node)?.version ?? 0);
  }

  private store(node: NodeId, record: NodeRecord | undefined): void {
    const old = this.records.get(node);
    if (old === undefined && record === undefined) return;
    for (const dpid of old?.dpids ?? []) removeFrom(this.dpidOwners, dpid, node);
    for (const alias of old?.aliases ?? []) removeFrom(this.aliasOwners, alias, node);
    if (record === undefined) this.records.delete(node);
    else {
      this.records.set(node, record);
      for (const dpid of record.dpids) addTo(this.dpidOwners, dpid, node);
      for (const alias of record.aliases) addTo(this.aliasOwners, alias, node);
    }
    this.stored += 1;
    this.context.recordChanged(node, record);
  }
}

/** Whether record version `version` came after `held` (u32 serial numbers, RFC 1982: they wrap). */
function isNewer(version: number, held: number): boolean {
  const ahead = (version - held) >>> 0;
  return ahead !== 0 && ahead < 0x8000_0000;
}

function addTo<K>(index: Map<K, Set<NodeId>>, key: K, node: NodeId): void {
  let set = index.get(key);
  if (set === undefined) index.set(key, (set = new Set()));
  set.add(node);
}

function removeFrom<K>(index: Map<K, Set<NodeId>>, key: K, node: NodeId): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(node);
  if (set.size === 0) index.delete(key);
}
