import net from 'node:net';

/**
 * A TCP proxy on loopback that a test can cut: it forwards every connection
 * to `target` until `cut()`, which destroys the open connections and makes
 * new ones hang (accepted, never forwarded, nothing answered) like a network
 * that drops packets; `restore()` forwards again. Used to isolate one node
 * from etcd while the rest of the cluster goes on. `hold()` stops reading what
 * clients send (the target seems to stop reading: the client's send queue
 * grows) until `release()`.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  /** Each forwarded client and its connection to the target. */
  private readonly pairs = new Map<net.Socket, net.Socket>();
  private isCut = false;
  private isHeld = false;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const holder: { proxy?: TcpProxy } = {};
    const server = net.createServer((client) => {
      if (holder.proxy === undefined) client.destroy();
      else holder.proxy.accept(client, target);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    holder.proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    return holder.proxy;
  }

  /** `127.0.0.1:port` of the proxy. */
  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  private accept(client: net.Socket, target: { host: string; port: number }): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    if (this.isCut) return;
    const upstream = net.connect(target.port, target.host);
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => {
      this.pairs.delete(client);
      upstream.destroy();
    });
    this.pairs.set(client, upstream);
    if (this.isHeld) client.pause();
    else client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Stops reading from the clients (toward the target); replies still flow. */
  hold(): void {
    this.isHeld = true;
    for (const client of this.pairs.keys()) {
      client.unpipe();
      client.pause();
    }
  }

  /** Forwards what the clients sent during `hold`, and from then on. */
  release(): void {
    this.isHeld = false;
    for (const [client, upstream] of this.pairs) client.pipe(upstream);
  }

  /** Drops every open connection; new ones hang until `restore`. */
  cut(): void {
    this.isCut = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.isCut = false;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
