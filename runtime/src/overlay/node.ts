import type { Envelope, NodeRecord, SwitchInterest, SwitchMessage, Unicast } from '../generated/sdn/overlay/v1/overlay.js';
import { type OverlayConfig } from './config.js';
import { Directory, type OverlaySnapshot, checkAlias, checkSwitchInterests } from './directory/index.js';
import { OverlayError } from './errors.js';
import { Forward } from './forward/index.js';
import { Neighbours } from './neighbours/index.js';
import { OverlayPubSub } from './pubsub/index.js';
import { type Route, Router } from './router/index.js';
import type { ConnId, NodeId, OverlayOutput } from './types.js';

/**
 * One overlay node: the features wired together behind the runner's contract
 * (README.md). Pure: every input carries `nowMs`, every effect is an output
 * taken with `drain()`. Not re-entrant; one runner drives it from one thread.
 */
export class OverlayNode {
  readonly nodeId: NodeId;
  private outputs: OverlayOutput[] = [];
  private readonly neighbours: Neighbours;
  private readonly router: Router;
  private readonly forward: Forward;
  private readonly pubsub: OverlayPubSub;
  private readonly directory: Directory;
  /** Reachability changes so far (a part of `recordsGeneration`). */
  private reachability = 0;

  constructor(readonly config: OverlayConfig) {
    this.nodeId = config.nodeId;
    const emit = (output: OverlayOutput): void => {
      this.outputs.push(output);
    };
    const send = (peer: NodeId, message: Envelope): void => {
      const conn = this.neighbours.connOf(peer);
      if (conn === undefined) return;
      // Read off the Unicast, not its payload: a relay sheds what the sender marked (README.md, "Shedding").
      const sheddable = message.body?.$case === 'unicast' && message.body.value.sheddable;
      emit(sheddable ? { kind: 'send', conn, to: peer, message, sheddable } : { kind: 'send', conn, to: peer, message });
    };
    const nextHop = (dest: NodeId): NodeId | undefined => this.router.route(dest)?.nextHop;
    // Reachability reports carry the node's names: the directory drops an unreachable node's record right after.
    const routerEmit = (output: OverlayOutput): void => {
      if (output.kind !== 'node-reachable' && output.kind !== 'node-unreachable') return emit(output);
      this.reachability += 1;
      const aliases = this.directory.record(output.node)?.aliases ?? [];
      emit(aliases.length === 0 ? output : { ...output, aliases });
    };
    this.router = new Router(config, routerEmit, send, (dest, route, nowMs) => this.directory.routeChanged(dest, route, nowMs));
    this.neighbours = new Neighbours(config, emit, {
      linkUp: (peer, rttMs, nowMs) => {
        this.router.linkUp(peer, rttMs, nowMs);
        this.announceLinks();
      },
      linkRtt: (peer, rttMs, nowMs) => {
        this.router.linkRtt(peer, rttMs, nowMs);
        this.announceLinks();
      },
      linkDown: (peer, nowMs) => {
        this.router.linkDown(peer, nowMs);
        this.announceLinks();
      },
      message: (peer, message, nowMs) => this.dispatch(peer, message, nowMs),
    });
    this.forward = new Forward(config, emit, {
      send,
      nextHop,
      upPeers: () => this.neighbours.upLinks().map((l) => l.peer),
      deliver: (source, payload) => this.deliver(source, payload),
    });
    this.pubsub = new OverlayPubSub(config, emit, { send, nextHop, announce: (patterns) => this.directory.update({ patterns: [...patterns] }) });
    this.directory = new Directory(config, emit, {
      setRecordVersion: (version, nowMs) => this.router.setRecordVersion(version, nowMs),
      requestRecord: (node, haveVersion) => this.trySend(node, { $case: 'recordRequest', value: { haveVersion } }),
      sendRecord: (node, record) => this.trySend(node, { $case: 'record', value: record }),
      recordChanged: (node, record) => this.pubsub.setRemote(node, record?.patterns),
      reachable: (node) => this.router.route(node) !== undefined,
    });
  }

  // Runner inputs.

  onTick(nowMs: number): void {
    this.neighbours.onTick(nowMs);
    this.router.onTick(nowMs);
    this.directory.onTick(nowMs);
  }

  /** `certified`: the node ids the link's TLS certificate names (neighbours/README.md); undefined on an unauthenticated link. */
  onConnected(conn: ConnId, nowMs: number, dialedAddr?: string, certified?: readonly NodeId[]): void {
    this.neighbours.onConnected(conn, nowMs, dialedAddr, certified);
  }

  onConnectFailed(addr: string, nowMs: number): void {
    this.neighbours.onConnectFailed(addr, nowMs);
  }

  /** Returns how many messages `chunk` completed on `conn` (0 on a bad frame, which closes the link). */
  onBytes(conn: ConnId, chunk: Uint8Array, nowMs: number): number {
    return this.neighbours.onBytes(conn, chunk, nowMs);
  }

  onClosed(conn: ConnId, nowMs: number): void {
    this.neighbours.onClosed(conn, nowMs);
  }

  /** The outputs produced since the last call, in order. */
  drain(): OverlayOutput[] {
    const out = this.outputs;
    this.outputs = [];
    return out;
  }

  // Controls from this node's apps (they need no clock: what they change goes out
  // at once or at the next tick). Each throws an SdnError subclass on bad input.

  /** @throws OverlayError `OVERLAY_NO_ROUTE` */
  sendTo(dest: NodeId, data: Uint8Array): void {
    this.forward.sendTo(dest, { $case: 'data', value: Buffer.from(data) });
  }

  /**
   * A remote-switch message (serve/remote-switches.ts) to `dest` along the best route.
   * `sheddable`: events a subscriber can lose (packet-ins, flow-removed, errors), which this
   * node and the relays drop while the link toward the next hop is backed up (README.md, "Shedding").
   * @throws OverlayError `OVERLAY_NO_ROUTE`
   */
  sendSwitchMessage(dest: NodeId, message: SwitchMessage, options: { readonly sheddable?: boolean } = {}): void {
    this.forward.sendTo(dest, { $case: 'switchMessage', value: message }, options.sheddable === true);
  }

  broadcast(data: Uint8Array): number {
    return this.forward.broadcast(data);
  }

  /** @throws PubSubError `PUBSUB_PATTERN`, OverlayError `OVERLAY_LIMIT` */
  subscribe(pattern: string): void {
    this.pubsub.subscribe(pattern);
  }

  unsubscribe(pattern: string): void {
    this.pubsub.unsubscribe(pattern);
  }

  /** Sends to the other nodes with a matching subscription; returns them. @throws PubSubError `PUBSUB_SUBJECT` */
  publish(subject: string, payload: Uint8Array): NodeId[] {
    return this.pubsub.publish(subject, payload);
  }

  /** The switches this node owns (announced to the others). @throws OverlayError `OVERLAY_LIMIT` */
  setDpids(dpids: readonly bigint[]): void {
    if (dpids.length > this.config.maxDpids) throw new OverlayError('OVERLAY_LIMIT', `${dpids.length} dpids, over ${this.config.maxDpids}`);
    this.directory.update({ dpids: [...new Set(dpids)] });
  }

  /** This node's names. @throws OverlayError `OVERLAY_RECORD` for a malformed alias, `OVERLAY_LIMIT` for too many */
  setAliases(aliases: readonly string[]): void {
    if (aliases.length > this.config.maxAliases) throw new OverlayError('OVERLAY_LIMIT', `${aliases.length} aliases, over ${this.config.maxAliases}`);
    for (const alias of aliases) {
      const problem = checkAlias(this.config, alias);
      if (problem !== undefined) throw new OverlayError('OVERLAY_RECORD', problem);
    }
    this.directory.update({ aliases: [...new Set(aliases)] });
  }

  /**
   * The switch events this node's subscribers want of other nodes' switches
   * (serve/remote-switch-interest.ts), announced in the record; replaces the earlier list.
   * @throws OverlayError `OVERLAY_LIMIT` beyond what a receiver takes (16 kinds, `maxDpids` dpids)
   */
  setSwitchInterests(interests: readonly SwitchInterest[]): void {
    const copy = interests.map((i) => ({ kind: i.kind, dpids: [...i.dpids], packed: i.packed }));
    const problem = checkSwitchInterests(this.config, copy);
    if (problem !== undefined) throw new OverlayError('OVERLAY_LIMIT', problem);
    this.directory.update({ switchInterests: copy });
  }

  // Queries (pure reads).

  /**
   * Bumps whenever another node's record is stored or dropped or a node becomes
   * reachable or unreachable: an answer computed from `routes()` and `record()`
   * (serve's "does any node want this switch's packet-ins?") holds while it is unchanged.
   */
  get recordsGeneration(): number {
    return this.directory.generation + this.reachability;
  }

  route(dest: NodeId): Route | undefined {
    return this.router.route(dest);
  }

  routes(): ReadonlyMap<NodeId, Route> {
    return this.router.table();
  }

  links(): { peer: NodeId; rttMs: number }[] {
    return this.neighbours.upLinks();
  }

  ownersOf(dpid: bigint): NodeId[] {
    return this.directory.ownersOf(dpid);
  }

  nodesNamed(alias: string): NodeId[] {
    return this.directory.nodesNamed(alias);
  }

  record(node: NodeId): NodeRecord | undefined {
    return this.directory.record(node);
  }

  snapshot(): OverlaySnapshot {
    return this.directory.snapshot(this.router.table(), this.neighbours.upLinks());
  }

  private dispatch(peer: NodeId, message: Envelope, nowMs: number): void {
    const body = message.body;
    if (body === undefined) return;
    switch (body.$case) {
      case 'routeUpdate':
      case 'routeDigest':
      case 'routeResync':
      case 'linkNotice':
        this.router.onMessage(peer, message, nowMs);
        return;
      case 'unicast':
        this.forward.onUnicast(peer, body.value);
        return;
      case 'broadcast':
        this.forward.onBroadcast(peer, body.value);
        return;
      case 'publish':
        this.pubsub.onPublish(peer, body.value);
        return;
      default:
        this.outputs.push({ kind: 'problem', code: 'OVERLAY_PROTOCOL', detail: `${body.$case} after the handshake`, peer });
    }
  }

  private deliver(source: NodeId, payload: NonNullable<Unicast['payload']>): void {
    if (payload.$case === 'data') this.outputs.push({ kind: 'unicast', from: source, data: payload.value });
    else if (payload.$case === 'switchMessage') this.outputs.push({ kind: 'switch-message', from: source, message: payload.value });
    else if (payload.$case === 'recordRequest') this.directory.onRecordRequest(source);
    else this.directory.onRecord(source, payload.value);
  }

  /** A directory message; a node that just became unreachable is skipped (the pull is retried or dropped with the route). */
  private trySend(node: NodeId, payload: NonNullable<Unicast['payload']>): void {
    if (this.router.route(node) !== undefined) this.forward.sendTo(node, payload);
  }

  /**
   * Re-announces this node's links when one came or went or an RTT moved by a
   * quarter (and 2 ms): each new record version makes every node pull it, so
   * RTT jitter must not.
   */
  private announceLinks(): void {
    if (!this.config.announceLinks) return;
    const now = this.neighbours.upLinks().map((l) => ({ peer: l.peer, rttMs: Math.round(l.rttMs) }));
    const before = new Map(this.directory.own.links.map((l) => [l.peer, l.rttMs]));
    const moved = now.some((l) => {
      const old = before.get(l.peer);
      return old === undefined || Math.abs(old - l.rttMs) >= Math.max(2, old / 4);
    });
    if (moved || now.length !== before.size) this.directory.update({ links: now });
  }
}
