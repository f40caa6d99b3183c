import { announcementNode, decodeAnnouncement, encodeAnnouncement, MAX_ANNOUNCED_ITEMS, type Announcement } from './announcement.js';
import { TopologyFrameError } from './errors.js';
import { MinHeap, Outbox } from './min-heap.js';
import { shortestPath, type PathWeight } from './paths.js';
import { endpointKey, sameEndpoint, type Endpoint, type Host, type HostRemovedReason, type Link, type LinkDownReason, type TopologyEvent, type TopologyLimit } from './types.js';

/** What queries read: the links and hosts known, and paths over the links. */
export interface TopologyQuery {
  links(): Link[];
  hostList(): Host[];
  path(from: bigint, to: bigint, weight?: PathWeight): Link[] | undefined;
}

export interface ClusterOptions {
  /** This node's 32-bit id: its own announcements (the local bus hands them back) are skipped. */
  readonly node: number;
  /** The cluster secret (the probes' too) that signs and checks announcements. */
  readonly secret: Uint8Array;
  /** How often this node announces everything it knows, in ms; receivers keep it 3 times as long. */
  readonly refreshIntervalMs: number;
  /** Where the first announcement `seq` starts: the wall clock in ms, so a restarted node's are newer. */
  readonly firstSeq: number;
  readonly maxLinks?: number;
  readonly maxHosts?: number;
  readonly maxNodes?: number;
}

/** What the runner acts on: bytes to publish to the other nodes, another node's event to hand to apps, a limit to count. */
export type ClusterOutput = { readonly kind: 'announce'; readonly payload: Buffer } | { readonly kind: 'remote'; readonly node: number; readonly event: TopologyEvent } | TopologyLimit;

/** Refreshes a receiver may miss before it drops what a node announced. */
const TTL_REFRESHES = 3;

interface Remote<T> {
  value: T;
  node: number;
  expiresMs: number;
  readonly id: number;
}

type Timer = { readonly kind: 'link' | 'host'; readonly key: string; readonly id: number };

/**
 * One topology for the cluster, without I/O. Outbound: this node's topology
 * events go in (`localEvent`), are sent as announcements at `flush`, and
 * everything this node knows is announced again every `refreshIntervalMs`
 * (`tick`), so a node that joins late or missed a message catches up.
 * Inbound: other nodes' announcements (`received`) become `remote` outputs
 * (linkUp, linkDown, hostAdded, hostMoved, hostRemoved, each once per node)
 * and the merged view; what a node stops refreshing (it went away) times out
 * after `TTL_REFRESHES` of its refresh intervals. A link is keyed by its
 * destination port and a host by its MAC, over all nodes: the newest
 * announcement wins, and this node's own links and hosts win over announced
 * ones in queries. Memory is bounded by `maxLinks`, `maxHosts`, `maxNodes`.
 * Not thread-safe.
 */
export class ClusterTopology implements TopologyQuery {
  private readonly remoteLinks = new Map<string, Remote<Link>>();
  private readonly remoteHosts = new Map<string, Remote<Host>>();
  private readonly lastSeq = new Map<number, number>();
  private readonly timers = new MinHeap<Timer>();
  private readonly outputs = new Outbox<ClusterOutput>();
  private readonly linksUp = new Map<string, Link>();
  private readonly linksDown = new Map<string, { dst: Endpoint; reason: LinkDownReason }>();
  private readonly hostsUp = new Map<string, Host>();
  private readonly hostsDown = new Map<string, { mac: string; reason: HostRemovedReason }>();
  private readonly limits: Required<Pick<ClusterOptions, 'maxLinks' | 'maxHosts' | 'maxNodes'>>;
  private seq: number;
  private nextRefreshMs: number | undefined;
  private nextId = 1;

  constructor(
    private readonly local: TopologyQuery,
    private readonly options: ClusterOptions,
  ) {
    if (!(options.refreshIntervalMs > 0)) throw new RangeError(`refresh interval ${options.refreshIntervalMs} ms: need > 0`);
    this.limits = { maxLinks: options.maxLinks ?? 100_000, maxHosts: options.maxHosts ?? 100_000, maxNodes: options.maxNodes ?? 1024 };
    this.seq = options.firstSeq;
  }

  /** A topology event of this node, to announce at the next `flush`. */
  localEvent(e: TopologyEvent): void {
    switch (e.kind) {
      case 'linkUp':
        this.linksDown.delete(endpointKey(e.link.dst));
        this.linksUp.set(endpointKey(e.link.dst), e.link);
        return;
      case 'linkDown':
        this.linksUp.delete(endpointKey(e.link.dst));
        this.linksDown.set(endpointKey(e.link.dst), { dst: e.link.dst, reason: e.reason });
        return;
      case 'hostAdded':
      case 'hostMoved':
        this.hostsDown.delete(e.host.mac);
        this.hostsUp.set(e.host.mac, e.host);
        return;
      case 'hostRemoved':
        this.hostsUp.delete(e.host.mac);
        this.hostsDown.set(e.host.mac, { mac: e.host.mac, reason: e.reason });
    }
  }

  /** Announces the local events taken since the last flush (nothing when there are none). */
  flush(): void {
    if (this.linksUp.size + this.linksDown.size + this.hostsUp.size + this.hostsDown.size === 0) return;
    this.announce([...this.linksUp.values()], [...this.hostsUp.values()], [...this.linksDown.values()], [...this.hostsDown.values()]);
    this.linksUp.clear();
    this.linksDown.clear();
    this.hostsUp.clear();
    this.hostsDown.clear();
  }

  /**
   * Another node's announcement (or this node's own, handed back by the local
   * bus: skipped). @throws TopologyFrameError (announcement.ts codes, and
   * `ANNOUNCE_STALE` when it is not newer than that node's last one)
   */
  received(bytes: Uint8Array, nowMs: number): void {
    // Its own come back through the local bus: not worth an HMAC and a JSON parse (a forgery with this id is ignored as well).
    if (announcementNode(bytes) === this.options.node) return;
    const a = decodeAnnouncement(bytes, this.options.secret);
    const last = this.lastSeq.get(a.node);
    if (last !== undefined && a.seq <= last) throw new TopologyFrameError('ANNOUNCE_STALE', `announcement ${a.seq} of node ${a.node} is not newer than its ${last}`);
    if (last === undefined && this.lastSeq.size >= this.limits.maxNodes) {
      this.outputs.push({ kind: 'limit', what: 'nodes', detail: `announcements of node ${a.node} ignored: ${this.limits.maxNodes} nodes already tracked` });
      return;
    }
    this.lastSeq.set(a.node, a.seq);
    const expiresMs = nowMs + a.ttlMs;
    for (const d of a.linksDown) {
      const key = endpointKey(d.dst);
      const known = this.remoteLinks.get(key);
      if (known?.node === a.node) this.dropLink(key, known, d.reason);
    }
    for (const d of a.hostsDown) {
      const known = this.remoteHosts.get(d.mac);
      if (known?.node === a.node) this.dropHost(d.mac, known, d.reason);
    }
    for (const link of a.links) this.linkHeard(a, link, expiresMs);
    for (const host of a.hosts) this.hostHeard(a, host, expiresMs);
  }

  /** Sends the periodic refresh when due and drops what other nodes stopped refreshing. */
  tick(nowMs: number): void {
    if (this.nextRefreshMs === undefined) this.nextRefreshMs = nowMs + this.options.refreshIntervalMs;
    if (nowMs >= this.nextRefreshMs) {
      this.nextRefreshMs = nowMs + this.options.refreshIntervalMs;
      this.flush();
      this.announce(this.local.links(), this.local.hostList(), [], []);
    }
    for (let t = this.timers.popAtMost(nowMs); t !== undefined; t = this.timers.popAtMost(nowMs)) {
      const table: Map<string, Remote<Link | Host>> = t.kind === 'link' ? this.remoteLinks : this.remoteHosts;
      const entry = table.get(t.key);
      if (entry === undefined || entry.id !== t.id) continue;
      if (entry.expiresMs > nowMs) this.timers.push(entry.expiresMs, t);
      else if (t.kind === 'link') this.dropLink(t.key, entry as Remote<Link>, 'timeout');
      else this.dropHost(t.key, entry as Remote<Host>, 'timeout');
    }
  }

  /** When `tick` has work next, in ms (the first `tick` starts the refresh clock). */
  nextDueMs(): number | undefined {
    const timer = this.timers.peekKey();
    if (this.nextRefreshMs === undefined) return timer;
    return timer === undefined ? this.nextRefreshMs : Math.min(timer, this.nextRefreshMs);
  }

  popOutput(): ClusterOutput | undefined {
    return this.outputs.pop();
  }

  /** This node's links, then the other nodes' (except where this node knows the destination port itself). */
  links(): Link[] {
    const own = this.local.links();
    if (this.remoteLinks.size === 0) return own;
    const ownKeys = new Set(own.map((l) => endpointKey(l.dst)));
    for (const [key, r] of this.remoteLinks) if (!ownKeys.has(key)) own.push(r.value);
    return own;
  }

  /** This node's hosts, then the other nodes' (except MACs this node knows itself). */
  hostList(): Host[] {
    const own = this.local.hostList();
    if (this.remoteHosts.size === 0) return own;
    const ownMacs = new Set(own.map((h) => h.mac));
    for (const [mac, r] of this.remoteHosts) if (!ownMacs.has(mac)) own.push(r.value);
    return own;
  }

  path(from: bigint, to: bigint, weight: PathWeight = 'hops'): Link[] | undefined {
    return shortestPath(this.links(), from, to, weight);
  }

  private announce(links: readonly Link[], hosts: readonly Host[], linksDown: Announcement['linksDown'], hostsDown: Announcement['hostsDown']): void {
    const parts = Math.max(1, Math.ceil(Math.max(links.length, hosts.length, linksDown.length, hostsDown.length) / MAX_ANNOUNCED_ITEMS));
    const slice = <T>(items: readonly T[], i: number): readonly T[] => items.slice(i * MAX_ANNOUNCED_ITEMS, (i + 1) * MAX_ANNOUNCED_ITEMS);
    for (let i = 0; i < parts; i++) {
      const a: Announcement = {
        node: this.options.node,
        seq: ++this.seq,
        ttlMs: TTL_REFRESHES * this.options.refreshIntervalMs,
        links: slice(links, i),
        hosts: slice(hosts, i),
        linksDown: slice(linksDown, i),
        hostsDown: slice(hostsDown, i),
      };
      this.outputs.push({ kind: 'announce', payload: encodeAnnouncement(a, this.options.secret) });
    }
  }

  private linkHeard(a: Announcement, link: Link, expiresMs: number): void {
    const key = endpointKey(link.dst);
    const known = this.remoteLinks.get(key);
    if (known !== undefined && sameEndpoint(known.value.src, link.src)) {
      known.value = link;
      known.node = a.node;
      known.expiresMs = expiresMs;
      return;
    }
    if (known !== undefined) this.dropLink(key, known, 'replaced');
    if (this.remoteLinks.size >= this.limits.maxLinks) {
      this.outputs.push({ kind: 'limit', what: 'links', detail: `link ${endpointKey(link.src)} -> ${key} announced by node ${a.node} not tracked: ${this.limits.maxLinks} announced links already tracked` });
      return;
    }
    const id = this.nextId++;
    this.remoteLinks.set(key, { value: link, node: a.node, expiresMs, id });
    this.schedule(expiresMs, { kind: 'link', key, id });
    this.outputs.push({ kind: 'remote', node: a.node, event: { kind: 'linkUp', link } });
  }

  private hostHeard(a: Announcement, host: Host, expiresMs: number): void {
    const known = this.remoteHosts.get(host.mac);
    if (known !== undefined) {
      const from = known.value.location;
      known.value = host;
      known.node = a.node;
      known.expiresMs = expiresMs;
      if (!sameEndpoint(from, host.location)) this.outputs.push({ kind: 'remote', node: a.node, event: { kind: 'hostMoved', host, from } });
      return;
    }
    if (this.remoteHosts.size >= this.limits.maxHosts) {
      this.outputs.push({ kind: 'limit', what: 'hosts', detail: `host ${host.mac} announced by node ${a.node} not tracked: ${this.limits.maxHosts} announced hosts already tracked` });
      return;
    }
    const id = this.nextId++;
    this.remoteHosts.set(host.mac, { value: host, node: a.node, expiresMs, id });
    this.schedule(expiresMs, { kind: 'host', key: host.mac, id });
    this.outputs.push({ kind: 'remote', node: a.node, event: { kind: 'hostAdded', host } });
  }

  private schedule(dueMs: number, timer: Timer): void {
    this.timers.push(dueMs, timer);
    // Entries dropped before their timer leave it behind; remove them before they outnumber the live ones.
    if (this.timers.size > 2 * (this.remoteLinks.size + this.remoteHosts.size) + 1024) {
      this.timers.retain((t) => (t.kind === 'link' ? this.remoteLinks : this.remoteHosts).get(t.key)?.id === t.id);
    }
  }

  private dropLink(key: string, entry: Remote<Link>, reason: LinkDownReason): void {
    this.remoteLinks.delete(key);
    this.outputs.push({ kind: 'remote', node: entry.node, event: { kind: 'linkDown', link: entry.value, reason } });
  }

  private dropHost(mac: string, entry: Remote<Host>, reason: HostRemovedReason): void {
    this.remoteHosts.delete(mac);
    this.outputs.push({ kind: 'remote', node: entry.node, event: { kind: 'hostRemoved', host: entry.value, reason } });
  }
}
