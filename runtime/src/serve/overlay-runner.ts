import { performance } from 'node:perf_hooks';
import { connect as tcpConnect, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Envelope } from '../generated/sdn/overlay/v1/overlay.js';
import { LogLimiter } from '../observability/log-limit.js';
import { encodeFrame, OverlayNode, overlayDefaults, type ConnId, type NodeId, type OverlayConfig, type OverlayOutput, type Seed } from '../overlay/index.js';
import { OverlayMetrics, peerLabel } from './overlay-metrics.js';
import { certificateNames, certifiedNodeIds } from './overlay-tls.js';

/** PEM contents of this node's overlay certificate, its key and the cluster CA. */
export interface OverlayTlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer;
}

export interface OverlayRunnerOptions {
  readonly nodeId: NodeId;
  /** Address and port the overlay listener binds (port 0: any free port). */
  readonly host: string;
  readonly port: number;
  readonly seeds: readonly Seed[];
  readonly aliases: readonly string[];
  /** Mutual TLS from the cluster CA; undefined: plain TCP, which the caller allows on loopback only (load-config.ts). */
  readonly tls: OverlayTlsFiles | undefined;
  readonly log: Logger;
  readonly registry: Registry;
  /** How often the node is ticked (ms). */
  readonly tickMs?: number;
  /** Per link: bytes written but not yet taken by the peer; beyond it the link is closed (the peer stopped reading). */
  readonly maxSendQueueBytes?: number;
  /** Timers and bounds of the overlay features (overlay/config.ts). */
  readonly overrides?: Partial<OverlayConfig>;
}

interface Link {
  readonly conn: ConnId;
  readonly socket: Socket;
  peer: NodeId | undefined;
  closing: boolean;
}

/** A repeated condition is logged at most once per this many ms (with how many were not). */
const LOG_INTERVAL_MS = 60_000;
/** A link we close is given this long to flush its last frame (a Refuse) before it is destroyed. */
const CLOSE_GRACE_MS = 1000;
/**
 * Above this share of a link's send queue, sheddable frames (switch events the
 * sender marked, overlay/README.md "Shedding") are dropped instead of queued, here
 * and at every relay, so the queue keeps room for control traffic and the link is
 * not closed as a slow peer while it drains. Senders (remote-switch-owner.ts)
 * shed at the same share before building the frame.
 */
export const SHED_QUEUE_SHARE = 0.5;

/**
 * The overlay's runner: the only overlay code with sockets, timers and a clock.
 * It listens on the overlay port, dials what the node asks for, feeds an
 * `OverlayNode` bytes, connection events and ticks with `nowMs`, and acts on its
 * outputs (overlay/README.md, "The runner contract"). Everything a peer does
 * wrong is contained by the node or here, counted (overlay-metrics.ts) and
 * logged at most once a minute per kind. Runs on the event loop thread.
 */
export class OverlayRunner {
  readonly node: OverlayNode;
  private readonly links = new Map<ConnId, Link>();
  private readonly seeds: Map<string, Seed>;
  private readonly listeners: ((output: OverlayOutput) => void)[] = [];
  private readonly metrics: OverlayMetrics;
  private readonly logLimit = new LogLimiter(LOG_INTERVAL_MS);
  private readonly server: Server;
  private readonly maxSendQueueBytes: number;
  private nextConn = 1;
  private ticker: NodeJS.Timeout | undefined;
  private pumping = false;
  private stopped = false;
  private boundPort = 0;

  constructor(private readonly options: OverlayRunnerOptions) {
    this.node = new OverlayNode(overlayDefaults({ nodeId: options.nodeId, seeds: options.seeds, random: Math.random }, options.overrides));
    this.seeds = new Map(options.seeds.map((s) => [s.addr, s]));
    this.maxSendQueueBytes = options.maxSendQueueBytes ?? 2 * this.node.config.maxFrameBytes;
    this.metrics = new OverlayMetrics(options.registry, this.node);
    if (options.aliases.length > 0) this.node.setAliases(options.aliases);
    const tls = options.tls;
    if (tls === undefined) {
      this.server = createTcpServer((socket) => this.accepted(socket, undefined));
    } else {
      const server = createTlsServer({ cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: true, handshakeTimeout: this.node.config.handshakeTimeoutMs });
      server.on('secureConnection', (socket: TLSSocket) => this.accepted(socket, certifiedNodeIds(certificateNames(socket.getPeerCertificate()))));
      server.on('tlsClientError', (err: Error & { code?: string }, socket: TLSSocket) => {
        this.metrics.refused.inc({ reason: 'tls' });
        this.warnOnce('tls-accept', { remote: `${socket.remoteAddress}:${socket.remotePort}`, err: err.message }, 'overlay link refused: the peer\'s TLS handshake failed (no certificate from the cluster CA?)');
        socket.destroy();
      });
      this.server = server;
    }
    // Connections still in their TCP or TLS handshake are not links yet: bound them too.
    this.server.maxConnections = 2 * this.node.config.maxLinks;
    this.server.on('drop', (data?: { remoteAddress?: string; remotePort?: number }) => {
      this.metrics.refused.inc({ reason: 'limit' });
      this.warnOnce('accept-limit', { remote: `${data?.remoteAddress}:${data?.remotePort}`, maxConnections: this.server.maxConnections }, 'overlay connection refused: as many connections as twice maxLinks are open');
    });
  }

  /** The bound overlay port (differs from the option when it asked for 0). */
  get port(): number {
    return this.boundPort;
  }

  /** Binds the listener and starts ticking. @throws the listener's error (EADDRINUSE...). */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.server.on('error', (err) => this.options.log.error({ err }, 'overlay listener failed'));
    const address = this.server.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : this.options.port;
    this.ticker = setInterval(() => this.control((node) => node.onTick(this.now())), this.options.tickMs ?? 10);
    this.control((node) => node.onTick(this.now()));
    return this.boundPort;
  }

  /**
   * How full the send queue toward `dest` is (its next hop's link): bytes queued
   * and not yet taken by the peer, as a share of `maxSendQueueBytes`, at which
   * the link is closed. 0 when there is no route or link. Senders of sheddable
   * traffic (remote switches' packet-ins) drop it above `SHED_QUEUE_SHARE`.
   */
  sendQueueShare(dest: NodeId): number {
    const nextHop = this.node.route(dest)?.nextHop;
    if (nextHop === undefined) return 0;
    for (const link of this.links.values()) if (link.peer === nextHop && !link.closing) return link.socket.writableLength / this.maxSendQueueBytes;
    return 0;
  }

  /** Called with every output after the runner acted on it (events: publish, unicast, node-reachable...). */
  onOutput(listener: (output: OverlayOutput) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Runs `fn` on the node and then acts on its outputs. The node's controls
   * (publish, subscribe, sendTo...) go through here; `fn`'s errors propagate.
   */
  control<T>(fn: (node: OverlayNode) => T): T {
    try {
      return fn(this.node);
    } finally {
      this.pump();
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.ticker);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const link of this.links.values()) link.socket.destroy();
    await closed;
  }

  private now(): number {
    return performance.now();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let outputs = this.node.drain(); outputs.length > 0; outputs = this.node.drain()) {
        for (const output of outputs) {
          this.act(output);
          for (const listener of this.listeners) listener(output);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private act(output: OverlayOutput): void {
    const log = this.options.log;
    switch (output.kind) {
      case 'connect':
        this.dial(output.addr, output.expected);
        return;
      case 'send':
        this.send(output.conn, output.to, output.message, output.sheddable === true);
        return;
      case 'close': {
        const link = this.links.get(output.conn);
        const reason = output.reason;
        this.metrics.closed.inc({ reason: reason.code });
        if (reason.code === 'refused' || reason.code === 'protocol') this.metrics.refused.inc({ reason: reason.code });
        if (reason.code === 'refused' || reason.code === 'refused-by-peer' || reason.code === 'protocol') {
          this.warnOnce(`close-${reason.code}`, { peer: link?.peer, reason: reason.detail }, `overlay link closed: ${reason.code}`);
        }
        if (link !== undefined) this.closeLink(link);
        return;
      }
      case 'problem':
        this.metrics.problems.inc({ code: output.code });
        this.warnOnce(`problem-${output.code}`, { code: output.code, peer: output.peer, detail: output.detail }, 'overlay: bad input from a peer, contained');
        return;
      case 'neighbour-up':
        log.info({ peer: output.node, rttMs: Math.round(output.rttMs * 10) / 10 }, 'overlay link up');
        return;
      case 'neighbour-down':
        log.info({ peer: output.node, reason: output.reason.code, detail: output.reason.detail }, 'overlay link down');
        return;
      case 'node-reachable':
        log.info({ node: output.node }, 'overlay node reachable');
        return;
      case 'node-unreachable':
        log.warn({ node: output.node }, 'overlay node unreachable');
        return;
      default:
        return;
    }
  }

  private accepted(socket: Socket, certified: readonly NodeId[] | undefined): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    this.attach(socket, undefined, certified);
  }

  private dial(addr: string, expected: NodeId): void {
    const seed = this.seeds.get(addr);
    if (seed === undefined) {
      this.control((node) => node.onConnectFailed(addr, this.now()));
      return;
    }
    const tls = this.options.tls;
    let tcpUp = false;
    let settled = false;
    const timeoutMs = this.node.config.handshakeTimeoutMs;
    const socket: Socket =
      tls === undefined
        ? tcpConnect({ host: seed.host, port: seed.port })
        : tlsConnect({
            host: seed.host,
            port: seed.port,
            cert: tls.cert,
            key: tls.key,
            ca: tls.ca,
            // The server's name is its node's, not its host's: the certificate must name the seed's node id.
            checkServerIdentity: (_host, cert) => {
              const names = certificateNames(cert);
              return certifiedNodeIds(names).includes(expected) ? undefined : new Error(`the certificate names ${JSON.stringify(names)}, not node ${expected}`);
            },
          });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => (tcpUp = true));
    const failed = (err: Error): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const reason = tcpUp && tls !== undefined ? 'tls' : 'dial';
      if (reason === 'tls') this.metrics.refused.inc({ reason });
      this.metrics.dialFailures.inc({ reason });
      this.warnOnce(`dial-${reason}-${addr}`, { seed: `${expected}@${addr}`, err: err.message }, reason === 'tls' ? 'overlay seed refused: its TLS certificate is not from the cluster CA or does not name its node' : 'overlay seed not reachable; redialing with backoff');
      if (!this.stopped) this.control((node) => node.onConnectFailed(addr, this.now()));
    };
    socket.once('error', failed);
    socket.once('timeout', () => failed(new Error(`no ${tls === undefined ? 'connection' : 'TLS handshake'} within ${timeoutMs} ms`)));
    socket.once('close', () => failed(new Error('closed before the link opened')));
    socket.once(tls === undefined ? 'connect' : 'secureConnect', () => {
      if (settled) return;
      settled = true;
      socket.setTimeout(0);
      socket.removeAllListeners('error').removeAllListeners('timeout').removeAllListeners('close');
      if (this.stopped) {
        socket.destroy();
        return;
      }
      const certified = tls === undefined ? undefined : certifiedNodeIds(certificateNames((socket as TLSSocket).getPeerCertificate()));
      this.attach(socket, addr, certified);
    });
  }

  private attach(socket: Socket, dialedAddr: string | undefined, certified: readonly NodeId[] | undefined): void {
    const conn = this.nextConn++;
    const link: Link = { conn, socket, peer: undefined, closing: false };
    this.links.set(conn, link);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      const messages = this.control((node) => node.onBytes(conn, chunk, this.now()));
      this.metrics.bytes.inc({ peer: peerLabel(link.peer), direction: 'in' }, chunk.length);
      if (messages > 0) this.metrics.messages.inc({ peer: peerLabel(link.peer), direction: 'in' }, messages);
    });
    socket.on('error', (err) => this.options.log.debug({ err, peer: link.peer }, 'overlay link error'));
    socket.on('close', () => {
      this.links.delete(conn);
      if (!this.stopped) this.control((node) => node.onClosed(conn, this.now()));
    });
    this.control((node) => node.onConnected(conn, this.now(), dialedAddr, certified));
  }

  private send(conn: ConnId, to: NodeId | undefined, message: Envelope, sheddable: boolean): void {
    const link = this.links.get(conn);
    if (link === undefined || link.closing) {
      this.metrics.drops.inc({ peer: peerLabel(to), reason: 'link-closed' });
      return;
    }
    if (to !== undefined) link.peer = to;
    const shedBytes = this.maxSendQueueBytes * SHED_QUEUE_SHARE;
    // Checked before encoding too: under a flood most sheddable frames go, and encoding them would be wasted.
    if (sheddable && link.socket.writableLength > shedBytes) return this.shed(link);
    const frame = encodeFrame(message);
    if (sheddable && link.socket.writableLength + frame.length > shedBytes) return this.shed(link);
    if (link.socket.writableLength + frame.length > this.maxSendQueueBytes) {
      this.metrics.drops.inc({ peer: peerLabel(link.peer), reason: 'send-queue-full' });
      this.metrics.closed.inc({ reason: 'slow-peer' });
      this.warnOnce(`slow-${peerLabel(link.peer)}`, { peer: link.peer, queuedBytes: link.socket.writableLength, maxSendQueueBytes: this.maxSendQueueBytes }, 'overlay link closed: the peer stopped reading (send queue full)');
      link.closing = true;
      link.socket.destroy();
      return;
    }
    link.socket.write(frame);
    this.metrics.bytes.inc({ peer: peerLabel(link.peer), direction: 'out' }, frame.length);
    this.metrics.messages.inc({ peer: peerLabel(link.peer), direction: 'out' });
  }

  /** A sheddable frame not queued on a backed-up link: counted, logged once a minute per peer; the link stays up. */
  private shed(link: Link): void {
    this.metrics.drops.inc({ peer: peerLabel(link.peer), reason: 'shed' });
    this.warnOnce(`shed-${peerLabel(link.peer)}`, { peer: link.peer, queuedBytes: link.socket.writableLength, shedAboveBytes: this.maxSendQueueBytes * SHED_QUEUE_SHARE }, 'overlay link backed up: switch events toward it are shed until it drains (sdn_runtime_overlay_drops_total{reason="shed"})');
  }

  private closeLink(link: Link): void {
    if (link.closing) return;
    link.closing = true;
    link.socket.end();
    setTimeout(() => link.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Logs a condition the first time, then at most once per LOG_INTERVAL_MS with the count of those not logged. */
  private warnOnce(key: string, fields: Record<string, unknown>, msg: string): void {
    this.logLimit.warn(this.options.log, key, fields, msg);
  }
}
