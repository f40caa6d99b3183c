import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { decodeMessage, encodeMessage, Framer, type OfpMessage } from '../../../../runtime/dist/openflow/index.js';

/**
 * A controller for the load generator's tests: accepts one switch on
 * 127.0.0.1 (an OS-chosen port), sends what the test says, and hands out the
 * switch's messages decoded, in order. Every wait is bounded.
 */
export class FakeController {
  private readonly server: Server;
  private socket: Socket | undefined;
  private readonly framer = new Framer();
  private readonly inbox: OfpMessage[] = [];
  private wake: (() => void) | undefined;

  private constructor(server: Server) {
    this.server = server;
  }

  static async listen(): Promise<FakeController> {
    const server = createServer();
    const controller = new FakeController(server);
    server.on('connection', (socket) => controller.accept(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return controller;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  send(msg: OfpMessage): void {
    if (this.socket === undefined) throw new Error('no switch has connected yet');
    this.socket.write(encodeMessage(msg));
  }

  /** The switch's next message; rejects when none comes within `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<OfpMessage> {
    const deadline = performance.now() + timeoutMs;
    while (this.inbox.length === 0) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no message from the switch within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
    return this.inbox.shift()!;
  }

  /** The switch's next message, which must be of `type`. */
  async expect<T extends OfpMessage['type']>(type: T, timeoutMs?: number): Promise<Extract<OfpMessage, { type: T }>> {
    const msg = await this.next(timeoutMs);
    if (msg.type !== type) throw new Error(`expected ${type} from the switch, got ${msg.type}`);
    return msg as Extract<OfpMessage, { type: T }>;
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    this.server.close();
    await once(this.server, 'close');
  }

  private accept(socket: Socket): void {
    if (this.socket !== undefined) {
      socket.destroy();
      return;
    }
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.framer.push(chunk)) this.inbox.push(decodeMessage(frame));
      this.wake?.();
    });
    socket.on('error', () => {});
  }
}
