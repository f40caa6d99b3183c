import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { RuntimeMetrics } from '../observability/metrics.js';
import { Admission, type AdmissionLimits } from './admission.js';
import { connectionConfig, describeFault } from './connection.js';
import type { ConnectionConfig } from './connection-types.js';
import { SwitchSession, type SessionListener } from './session.js';

/**
 * Accept-queue length asked of the kernel (capped by net.core.somaxconn). After a
 * controller restart every switch reconnects at once: with Node's default of 511,
 * 1,000 switches overflowed the queue and the dropped ones retried a second later
 * (bench/src/connect-many.ts).
 */
const LISTEN_BACKLOG = 4096;

/** Where and how switches connect. */
export interface OpenFlowServerOptions {
  readonly host: string;
  readonly port: number;
  /** OpenFlow over TLS when set (key, cert, and `ca` + `requestCert` for mutual TLS). */
  readonly tls?: TlsOptions;
  readonly connection: Partial<ConnectionConfig>;
  /** Connections taken at once (total, per source, handshaking); the others are closed as they arrive. */
  readonly limits: AdmissionLimits;
  /** Refusals and faults of the listener itself are logged here and counted in `metrics`. */
  readonly log: Logger;
  readonly metrics: RuntimeMetrics;
  /** How often connection timers are checked; bounds how late a timeout fires. */
  readonly tickMs: number;
  /** Milliseconds clock; injectable for tests. */
  readonly now?: () => number;
}

/**
 * The OpenFlow listener: accepts switch connections (TCP or TLS), gives each a
 * `SwitchSession`, and drives every session's timers from one shared tick.
 *
 * A connection over the `limits` is closed as soon as it is accepted (before any
 * TLS handshake), counted in `sdn_runtime_switch_connections_refused_total` and
 * logged once per source per `limits.logIntervalMs`.
 */
export class OpenFlowServer {
  private readonly server: Server;
  private readonly sessions = new Set<SwitchSession>();
  private readonly readySessions = new Set<SwitchSession>();
  private readonly admission: Admission;
  private readonly options: OpenFlowServerOptions;
  private readonly listener: SessionListener;
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private readonly now: () => number;

  /** @throws RangeError when `options.connection` is refused by `connectionConfig` (checked here, not at the first switch). */
  constructor(options: OpenFlowServerOptions, listener: SessionListener) {
    this.options = options;
    const connection = connectionConfig(options.connection);
    this.now = options.now ?? (() => performance.now());
    this.admission = new Admission(options.limits);
    this.listener = {
      onReady: (s, info) => {
        this.readySessions.add(s);
        this.admission.handshakeDone();
        listener.onReady(s, info);
      },
      onMessage: (s, m, frame) => listener.onMessage(s, m, frame),
      onProblem: (s, cause, detail) => listener.onProblem(s, cause, detail),
      onClosed: (s, reason, detail, error) => {
        this.sessions.delete(s);
        if (this.readySessions.delete(s)) this.admission.readyEnded();
        // The session is closed already: an exception here has no session left to end, so it stops here.
        try {
          listener.onClosed(s, reason, detail, error);
        } catch (err) {
          options.metrics.errors.inc({ cause: 'internalError' });
          options.log.error({ err, remote: s.remote, reason }, `handling a closed switch connection failed: ${describeFault(err)}`);
        }
      },
    };
    const accept = (socket: Socket): void => {
      try {
        this.sessions.add(new SwitchSession(this.nextId++, socket, connection, this.listener, this.now));
      } catch (err) {
        socket.destroy();
        options.metrics.errors.inc({ cause: 'internalError' });
        options.log.error({ err, remote: socket.remoteAddress }, `could not start a switch session: ${describeFault(err)}`);
      }
    };
    if (options.tls === undefined) {
      this.server = createTcpServer((socket) => {
        if (this.admit(socket)) accept(socket);
      });
    } else {
      // The TLS handshake is part of the switch's handshake: it gets the same time, not Node's 120 s default.
      this.server = createTlsServer({ handshakeTimeout: connection.handshakeTimeoutMs, ...options.tls }, accept);
      // 'connection' is the TCP socket, before the TLS handshake: a refusal costs no crypto.
      this.server.on('connection', (socket: Socket) => this.admit(socket));
      // Node reports a failed or timed-out TLS handshake here and leaves the socket open: closing it is ours to do.
      this.server.on('tlsClientError', (err: Error, socket: Socket) => this.onTlsError(err, socket));
    }
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port: this.options.port, host: this.options.host, backlog: LISTEN_BACKLOG }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.timer = setInterval(() => {
      const now = this.now();
      for (const session of this.sessions) session.tick(now);
    }, this.options.tickMs);
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : this.options.port;
  }

  /** Sessions currently open (handshaking or ready). */
  connections(): number {
    return this.sessions.size;
  }

  /** Counts a new TCP connection in, or closes it at once when it is over a limit; true when admitted. */
  private admit(socket: Socket): boolean {
    const source = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const decision = source === '' ? undefined : this.admission.admit(source, this.now());
    if (decision === undefined || !decision.admitted) {
      // Nothing is read from or written to a refused socket; a reset from the peer while it closes is no news.
      socket.on('error', () => {});
      socket.destroy();
      // No address: the peer is gone already.
      if (decision === undefined) return false;
      this.options.metrics.connectionsRefused.inc({ reason: decision.reason });
      if (decision.log) this.options.log.warn({ source, reason: decision.reason, detail: decision.detail }, `switch connection refused: ${decision.detail} (refusals from this source are counted; logged again after ${this.options.limits.logIntervalMs} ms)`);
      return false;
    }
    socket.once('close', () => this.admission.release(source));
    return true;
  }

  private onTlsError(err: Error, socket: Socket): void {
    const source = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    socket.destroy();
    this.options.metrics.handshakeFailures.inc({ reason: 'tls' });
    if (this.admission.shouldLog(source, this.now())) this.options.log.warn({ source, err }, `TLS handshake with a switch failed: ${describeFault(err)} (further failures from this source are counted; logged again after ${this.options.limits.logIntervalMs} ms)`);
  }

  /** Stops accepting, closes every switch connection and resolves when the listener is closed. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const session of [...this.sessions]) session.close('shutdown', 'the controller is shutting down');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
