import { type Envelope, RefuseReason } from '../../generated/sdn/overlay/v1/overlay.js';
import type { OverlayError } from '../errors.js';
import type { CloseReason, ConnId, Emit, NodeId, RandomSource } from '../types.js';
import { FrameDecoder } from '../wire/index.js';
import { RttFilter, backoffMs } from './rtt.js';
import type { Seed } from './seeds.js';

/** The overlay protocol version this code speaks (Hello.protocol_version). */
export const PROTOCOL_VERSION = 1;

/** Bound on messages held between a peer's Hello and our first Pong on its link. */
const MAX_EARLY_MESSAGES = 64;

export interface NeighboursConfig {
  readonly nodeId: NodeId;
  readonly seeds: readonly Seed[];
  readonly random: RandomSource;
  /** Ping period per link (ms). */
  readonly pingIntervalMs: number;
  /** A link that delivers nothing for this long is closed (ms). */
  readonly livenessTimeoutMs: number;
  /** A link whose Hello has not arrived after this long is closed (ms). */
  readonly handshakeTimeoutMs: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  /** Share of the backoff taken off at random, 0..1. */
  readonly backoffJitter: number;
  /** Links (up or handshaking) beyond this are refused. */
  readonly maxLinks: number;
  readonly maxFrameBytes: number;
}

/** What the neighbours feature tells the rest of the node about links. */
export interface LinkListener {
  /** A link to `peer` finished its handshake and has its first RTT sample. */
  linkUp(peer: NodeId, rttMs: number, nowMs: number): void;
  /** The smoothed RTT of an up link changed. */
  linkRtt(peer: NodeId, rttMs: number, nowMs: number): void;
  linkDown(peer: NodeId, nowMs: number): void;
  /** A message for another feature arrived on an up link. */
  message(peer: NodeId, message: Envelope, nowMs: number): void;
}

interface Link {
  readonly conn: ConnId;
  /** Set when this node dialed (the seed), undefined for an accepted link. */
  readonly seed: Seed | undefined;
  /** The node ids the transport authenticated the peer as (its certificate); undefined: not authenticated. */
  readonly certified: readonly NodeId[] | undefined;
  readonly decoder: FrameDecoder;
  readonly openedAtMs: number;
  peer: NodeId | undefined;
  /** Up: the handshake is done and an RTT is known. */
  up: boolean;
  lastHeardMs: number;
  /** Messages for other features that arrived after the peer's Hello but before the first Pong. */
  readonly early: Envelope[];
  nextPingAtMs: number;
  pingSeq: number;
  readonly rtt: RttFilter;
}

interface SeedState {
  readonly seed: Seed;
  dialing: boolean;
  attempt: number;
  retryAtMs: number;
}

/**
 * Links to neighbour nodes: dialing seeds with backoff, the Hello handshake,
 * ping/pong RTT and liveness. See README.md for the state diagram.
 */
export class Neighbours {
  private readonly links = new Map<ConnId, Link>();
  private readonly seeds = new Map<string, SeedState>();

  constructor(
    private readonly config: NeighboursConfig,
    private readonly emit: Emit,
    private readonly listener: LinkListener,
  ) {
    for (const seed of config.seeds) this.seeds.set(seed.addr, { seed, dialing: false, attempt: 0, retryAtMs: 0 });
  }

  /** The connection of the up link to `peer`. */
  connOf(peer: NodeId): ConnId | undefined {
    for (const link of this.links.values()) if (link.up && link.peer === peer) return link.conn;
    return undefined;
  }

  /** Up links with their smoothed RTT (ms). */
  upLinks(): { peer: NodeId; rttMs: number }[] {
    const out: { peer: NodeId; rttMs: number }[] = [];
    for (const link of this.links.values()) if (link.up && link.peer !== undefined) out.push({ peer: link.peer, rttMs: link.rtt.valueMs ?? 0 });
    return out;
  }

  onTick(nowMs: number): void {
    for (const link of [...this.links.values()]) {
      if (link.peer === undefined && nowMs - link.openedAtMs >= this.config.handshakeTimeoutMs) {
        this.close(link, { code: 'timeout', detail: `no Hello within ${this.config.handshakeTimeoutMs} ms` }, nowMs);
      } else if (nowMs - link.lastHeardMs >= this.config.livenessTimeoutMs) {
        this.close(link, { code: 'timeout', detail: `nothing heard for ${nowMs - link.lastHeardMs} ms` }, nowMs);
      } else if (link.peer !== undefined && nowMs >= link.nextPingAtMs) {
        this.ping(link, nowMs);
      }
    }
    for (const state of this.seeds.values()) {
      if (state.dialing || nowMs < state.retryAtMs || this.hasLinkTo(state.seed.node)) continue;
      state.dialing = true;
      this.emit({ kind: 'connect', addr: state.seed.addr, expected: state.seed.node });
    }
  }

  /**
   * The runner opened a transport connection: dialed for seed `addr`, or accepted
   * when `addr` is undefined. `certified`: the node ids the transport proved the
   * peer to be (its TLS certificate's names); a Hello with another id is refused.
   */
  onConnected(conn: ConnId, nowMs: number, addr?: string, certified?: readonly NodeId[]): void {
    const state = addr === undefined ? undefined : this.seeds.get(addr);
    if (state !== undefined) state.dialing = false;
    const link: Link = {
      conn,
      seed: state?.seed,
      certified,
      decoder: new FrameDecoder(this.config.maxFrameBytes),
      openedAtMs: nowMs,
      peer: undefined,
      up: false,
      lastHeardMs: nowMs,
      early: [],
      nextPingAtMs: nowMs,
      pingSeq: 0,
      rtt: new RttFilter(),
    };
    this.links.set(conn, link);
    if (this.links.size > this.config.maxLinks) {
      this.refuse(link, RefuseReason.REFUSE_REASON_LIMIT, `this node accepts ${this.config.maxLinks} links`, nowMs);
      return;
    }
    this.send(link, { body: { $case: 'hello', value: { protocolVersion: PROTOCOL_VERSION, nodeId: this.config.nodeId } } });
  }

  /** A `connect` output failed: retry after the backoff. */
  onConnectFailed(addr: string, nowMs: number): void {
    const state = this.seeds.get(addr);
    if (state === undefined) return;
    state.dialing = false;
    this.scheduleRetry(state, nowMs);
  }

  /** Returns how many messages `chunk` completed (for the runner's per-link counts). */
  onBytes(conn: ConnId, chunk: Uint8Array, nowMs: number): number {
    const link = this.links.get(conn);
    if (link === undefined) return 0;
    let messages: Envelope[];
    try {
      messages = link.decoder.push(chunk);
    } catch (err) {
      const error = err as OverlayError;
      this.emit({ kind: 'problem', code: error.code, detail: error.message, ...(link.peer === undefined ? {} : { peer: link.peer }) });
      this.close(link, { code: 'protocol', detail: error.message }, nowMs);
      return 0;
    }
    link.lastHeardMs = nowMs;
    for (const message of messages) {
      if (!this.links.has(conn)) break;
      this.onMessage(link, message, nowMs);
    }
    return messages.length;
  }

  /** The runner saw `conn` close (after a `close` output or on its own). */
  onClosed(conn: ConnId, nowMs: number): void {
    const link = this.links.get(conn);
    if (link === undefined) return;
    this.links.delete(conn);
    this.afterLinkGone(link, { code: 'shutdown', detail: 'the connection closed' }, nowMs);
  }

  private onMessage(link: Link, message: Envelope, nowMs: number): void {
    const body = message.body;
    if (body === undefined) return;
    if (body.$case === 'hello') {
      this.onHello(link, body.value.protocolVersion, body.value.nodeId, nowMs);
      return;
    }
    if (body.$case === 'refuse') {
      const reason = body.value.reason;
      this.close(link, { code: 'refused-by-peer', refuse: reason, detail: `${RefuseReason[reason] ?? reason}: ${body.value.detail}` }, nowMs);
      return;
    }
    if (link.peer === undefined) {
      this.protocolError(link, `${body.$case} before Hello`, nowMs);
      return;
    }
    if (body.$case === 'ping') {
      this.send(link, { body: { $case: 'pong', value: body.value } });
    } else if (body.$case === 'pong') {
      this.onPong(link, body.value.sentAtMs, nowMs);
    } else if (link.up) {
      this.listener.message(link.peer, message, nowMs);
    } else if (link.early.length < MAX_EARLY_MESSAGES) {
      // The peer saw its first Pong before we saw ours: keep its first table for linkUp.
      link.early.push(message);
    } else {
      this.protocolError(link, `over ${MAX_EARLY_MESSAGES} messages before the first Pong`, nowMs);
    }
  }

  private onHello(link: Link, version: number, peer: NodeId, nowMs: number): void {
    if (link.peer !== undefined) {
      this.protocolError(link, 'a second Hello', nowMs);
      return;
    }
    if (version !== PROTOCOL_VERSION) {
      this.refuse(link, RefuseReason.REFUSE_REASON_VERSION, `protocol version ${version}; this node speaks ${PROTOCOL_VERSION}`, nowMs);
      return;
    }
    if (peer === this.config.nodeId) {
      this.refuse(link, RefuseReason.REFUSE_REASON_SELF, `node id ${peer} is this node's own`, nowMs);
      return;
    }
    if (peer === 0) {
      this.refuse(link, RefuseReason.REFUSE_REASON_UNEXPECTED_NODE, 'node id 0 is not a node id', nowMs);
      return;
    }
    if (link.seed !== undefined && link.seed.node !== peer) {
      this.refuse(link, RefuseReason.REFUSE_REASON_UNEXPECTED_NODE, `the seed ${link.seed.addr} names node ${link.seed.node}, this is node ${peer}`, nowMs);
      return;
    }
    if (link.certified !== undefined && !link.certified.includes(peer)) {
      this.refuse(link, RefuseReason.REFUSE_REASON_UNEXPECTED_NODE, `node ${peer}'s Hello on a link whose certificate names ${link.certified.length === 0 ? 'no node' : `node ${link.certified.join(', ')}`}`, nowMs);
      return;
    }
    const other = [...this.links.values()].find((l) => l !== link && l.peer === peer);
    if (other !== undefined) {
      // Both ends must keep the same link: the one dialed by the smaller node id;
      // between two dialed by the same node, the newer (the dialer gave up on the older).
      const dialer = (l: Link): NodeId => (l.seed !== undefined ? this.config.nodeId : peer);
      if (dialer(link) === dialer(other)) {
        this.close(other, { code: 'replaced', detail: `a newer link to node ${peer} replaced it` }, nowMs);
      } else if (dialer(link) > dialer(other)) {
        this.refuse(link, RefuseReason.REFUSE_REASON_DUPLICATE, `a link with node ${peer} exists`, nowMs);
        return;
      } else {
        this.refuse(other, RefuseReason.REFUSE_REASON_DUPLICATE, `a link with node ${peer} exists`, nowMs);
      }
    }
    link.peer = peer;
    this.ping(link, nowMs);
  }

  private onPong(link: Link, sentAtMs: number, nowMs: number): void {
    const sample = nowMs - sentAtMs;
    if (!(sample >= 0) || sample > this.config.livenessTimeoutMs) {
      this.emit({ kind: 'problem', code: 'OVERLAY_PROTOCOL', detail: `a Pong echoing ${sentAtMs}, ${sample} ms ago`, ...(link.peer === undefined ? {} : { peer: link.peer }) });
      return;
    }
    const before = link.rtt.valueMs;
    const rtt = link.rtt.add(sample);
    const peer = link.peer as NodeId;
    if (!link.up) {
      link.up = true;
      const state = link.seed === undefined ? undefined : this.seeds.get(link.seed.addr);
      if (state !== undefined) state.attempt = 0;
      this.emit({ kind: 'neighbour-up', node: peer, rttMs: rtt });
      this.listener.linkUp(peer, rtt, nowMs);
      for (const message of link.early.splice(0)) if (this.links.has(link.conn)) this.listener.message(peer, message, nowMs);
    } else if (rtt !== before) {
      this.listener.linkRtt(peer, rtt, nowMs);
    }
  }

  private ping(link: Link, nowMs: number): void {
    link.pingSeq = (link.pingSeq + 1) >>> 0;
    link.nextPingAtMs = nowMs + this.config.pingIntervalMs;
    this.send(link, { body: { $case: 'ping', value: { seq: link.pingSeq, sentAtMs: nowMs } } });
  }

  private refuse(link: Link, reason: RefuseReason, detail: string, nowMs: number): void {
    this.send(link, { body: { $case: 'refuse', value: { reason, detail } } });
    const code = reason === RefuseReason.REFUSE_REASON_DUPLICATE ? 'duplicate' : 'refused';
    this.close(link, { code, refuse: reason, detail: `${RefuseReason[reason] ?? reason}: ${detail}` }, nowMs);
  }

  private protocolError(link: Link, detail: string, nowMs: number): void {
    this.emit({ kind: 'problem', code: 'OVERLAY_PROTOCOL', detail, ...(link.peer === undefined ? {} : { peer: link.peer }) });
    this.close(link, { code: 'protocol', detail }, nowMs);
  }

  private close(link: Link, reason: CloseReason, nowMs: number): void {
    if (!this.links.delete(link.conn)) return;
    this.emit({ kind: 'close', conn: link.conn, reason });
    this.afterLinkGone(link, reason, nowMs);
  }

  private afterLinkGone(link: Link, reason: CloseReason, nowMs: number): void {
    if (link.up && link.peer !== undefined) {
      this.emit({ kind: 'neighbour-down', node: link.peer, reason });
      this.listener.linkDown(link.peer, nowMs);
    }
    const state = link.seed === undefined ? undefined : this.seeds.get(link.seed.addr);
    if (state !== undefined) this.scheduleRetry(state, nowMs);
  }

  private scheduleRetry(state: SeedState, nowMs: number): void {
    const { backoffInitialMs, backoffMaxMs, backoffJitter, random } = this.config;
    state.retryAtMs = nowMs + backoffMs(state.attempt, backoffInitialMs, backoffMaxMs, backoffJitter, random);
    state.attempt += 1;
  }

  private hasLinkTo(peer: NodeId): boolean {
    for (const link of this.links.values()) if (link.peer === peer || link.seed?.node === peer) return true;
    return false;
  }

  private send(link: Link, message: Envelope): void {
    this.emit({ kind: 'send', conn: link.conn, to: link.peer, message });
  }
}
