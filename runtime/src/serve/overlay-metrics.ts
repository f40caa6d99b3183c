import { Counter, Gauge, type Registry } from 'prom-client';
import type { NodeId, OverlayNode } from '../overlay/index.js';

/** A metric label for a peer: its node id, or "unknown" before its Hello. */
export function peerLabel(peer: NodeId | undefined): string {
  return peer === undefined ? 'unknown' : String(peer);
}

/**
 * The overlay's Prometheus metrics (sdn_runtime_overlay_*). Per link, labelled by
 * the peer's node id: bytes and messages, drops, and the smoothed RTT (read from
 * the node at scrape time). Peers are bounded by the node's `maxLinks` at a time.
 */
export class OverlayMetrics {
  readonly bytes: Counter<'peer' | 'direction'>;
  readonly messages: Counter<'peer' | 'direction'>;
  /** Frames not sent: the link was closing, its send queue was full (the link is then closed), or a sheddable frame met a backed-up link (shed: the link stays up). */
  readonly drops: Counter<'peer' | 'reason'>;
  /** Bad input from peers, contained by the node, by OverlayError code. */
  readonly problems: Counter<'code'>;
  /** Links refused: tls (handshake or certificate), refused (a Hello refused here), protocol (a broken rule), limit (too many connections). */
  readonly refused: Counter<'reason'>;
  /** Links closed, by CloseReason code (and slow-peer). */
  readonly closed: Counter<'reason'>;
  /** Seeds that could not be dialed: dial (no TCP connection), tls (handshake failed). */
  readonly dialFailures: Counter<'reason'>;

  constructor(registry: Registry, node: OverlayNode) {
    const registers = [registry];
    this.bytes = new Counter({ name: 'sdn_runtime_overlay_bytes_total', help: 'Overlay bytes per link, by peer node id and direction (in, out)', labelNames: ['peer', 'direction'], registers });
    this.messages = new Counter({ name: 'sdn_runtime_overlay_messages_total', help: 'Overlay messages per link, by peer node id and direction (in: decoded, out: written)', labelNames: ['peer', 'direction'], registers });
    this.drops = new Counter({ name: 'sdn_runtime_overlay_drops_total', help: 'Overlay frames not sent, by peer and reason (link-closed, send-queue-full, shed)', labelNames: ['peer', 'reason'], registers });
    this.problems = new Counter({ name: 'sdn_runtime_overlay_problems_total', help: 'Bad input from overlay peers, contained, by code (OVERLAY_FRAME, OVERLAY_DECODE, ...)', labelNames: ['code'], registers });
    this.refused = new Counter({ name: 'sdn_runtime_overlay_links_refused_total', help: 'Overlay links refused, by reason (tls, refused, protocol, limit)', labelNames: ['reason'], registers });
    this.closed = new Counter({ name: 'sdn_runtime_overlay_links_closed_total', help: 'Overlay links closed, by reason', labelNames: ['reason'], registers });
    this.dialFailures = new Counter({ name: 'sdn_runtime_overlay_dial_failures_total', help: 'Seeds that could not be dialed, by reason (dial, tls)', labelNames: ['reason'], registers });
    new Gauge({
      name: 'sdn_runtime_overlay_link_rtt_seconds',
      help: 'Smoothed RTT of each up overlay link, by peer node id',
      labelNames: ['peer'],
      registers,
      collect() {
        this.reset();
        for (const link of node.links()) this.set({ peer: String(link.peer) }, link.rttMs / 1000);
      },
    });
    new Gauge({
      name: 'sdn_runtime_overlay_nodes_reachable',
      help: 'Other overlay nodes this node has a route to',
      registers,
      collect() {
        this.set(node.routes().size);
      },
    });
  }
}
