import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
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
  /** How often connection timers are checked; bounds how late a timeout fires. */
  readonly tickMs: number;
  /** Milliseconds clock; injectable for tests. */
  readonly now?: () => number;
}

/**
 * The OpenFlow listener: accepts switch connections (TCP or TLS), gives each a
 * `SwitchSession`, and drives every session's timers from one shared tick.
 */
export class OpenFlowServer {
  private readonly server: Server;
  private readonly sessions = new Set<SwitchSession>();
  private readonly options: OpenFlowServerOptions;
  private readonly listener: SessionListener;
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private readonly now: () => number;

  constructor(options: OpenFlowServerOptions, listener: SessionListener) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.listener = {
      onReady: (s, info) => listener.onReady(s, info),
      onMessage: (s, m) => listener.onMessage(s, m),
      onProblem: (s, cause, detail) => listener.onProblem(s, cause, detail),
      onClosed: (s, reason, detail) => {
        this.sessions.delete(s);
        listener.onClosed(s, reason, detail);
      },
    };
    const accept = (socket: Socket): void => {
      const session = new SwitchSession(this.nextId++, socket, options.connection, this.listener, this.now);
      this.sessions.add(session);
    };
    this.server = options.tls === undefined ? createTcpServer(accept) : createTlsServer(options.tls, accept);
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

  /** Stops accepting, closes every switch connection and resolves when the listener is closed. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const session of [...this.sessions]) session.close('shutdown', 'the controller is shutting down');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
