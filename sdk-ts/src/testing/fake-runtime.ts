import { Server, ServerCredentials, status, type Metadata, type ServerDuplexStream, type ServerWritableStream, type ServiceError } from '@grpc/grpc-js';
import {
  EventsService,
  ServerMessage,
  type ClientMessage,
  type CommandResult,
  type DeepPartial,
  type Event,
  type Subscribe,
} from '../generated/sdn/runtime/v1/events.js';
import { KVService, type KeyValue, type WatchRequest, type WatchResponse } from '../generated/sdn/runtime/v1/kv.js';
import { SwitchesService, type SwitchInfo } from '../generated/sdn/runtime/v1/switches.js';

/**
 * A scripted stand-in for the runtime's gRPC API, for the SDK's own tests: a
 * real grpc-js server on loopback whose Events streams the test drives by hand
 * (answer Subscribe, push batches, answer commands, break the stream), with a
 * small in-memory KV and a fixed switch list. It checks nothing about the
 * runtime; the integration tests run against the real one.
 */
export class FakeConnection {
  readonly received: ClientMessage[] = [];
  private waiters: { readonly pred: (m: ClientMessage) => boolean; readonly resolve: (m: ClientMessage) => void }[] = [];
  readonly ended: Promise<void>;

  constructor(readonly call: ServerDuplexStream<ClientMessage, ServerMessage>) {
    this.ended = new Promise((resolve) => {
      call.on('end', () => resolve());
      call.on('cancelled', () => resolve());
      call.on('error', () => resolve());
    });
    call.on('data', (m: ClientMessage) => {
      this.received.push(m);
      const ready = this.waiters.filter((x) => x.pred(m));
      this.waiters = this.waiters.filter((x) => !ready.includes(x));
      for (const w of ready) w.resolve(m);
    });
  }

  get metadata(): Metadata {
    return this.call.metadata;
  }

  /** The first (or a later) client message that matches, already received or future. */
  waitFor(pred: (m: ClientMessage) => boolean, timeoutMs = 5000): Promise<ClientMessage> {
    const found = this.received.find(pred);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake runtime: no matching client message within ${timeoutMs} ms; got ${this.received.map((m) => m.kind?.$case).join(', ')}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  async subscribeMessage(): Promise<Subscribe> {
    const m = await this.waitFor((x) => x.kind?.$case === 'subscribe');
    if (m.kind?.$case !== 'subscribe') throw new Error('unreachable');
    return m.kind.value;
  }

  /** The client messages that carried commands, in order (a Command or a CommandBatch each). */
  commandMessages(): ClientMessage[] {
    return this.received.filter((m) => m.kind?.$case === 'command' || m.kind?.$case === 'commands');
  }

  private allCommands(): NonNullable<Extract<ClientMessage['kind'], { $case: 'command' }>>['value'][] {
    return this.received.flatMap((m) => (m.kind?.$case === 'command' ? [m.kind.value] : m.kind?.$case === 'commands' ? m.kind.value.commands : []));
  }

  /** The `index`th command (counting those inside batches), already received or future. */
  async command(index: number): Promise<NonNullable<Extract<ClientMessage['kind'], { $case: 'command' }>>['value']> {
    await this.waitFor(() => this.allCommands().length > index);
    return this.allCommands()[index]!;
  }

  creditGranted(): number {
    return this.received.reduce((n, m) => n + (m.kind?.$case === 'credit' ? m.kind.value.events : 0), 0);
  }

  subscribed(lastSeq = 0n, nodeId = 'node-1', appId = 0, tables: Record<string, number> = {}): void {
    this.call.write(ServerMessage.fromPartial({ kind: { $case: 'subscribed', value: { lastSeq, nodeId, appId, tables } } }));
  }

  events(events: DeepPartial<Event>[]): void {
    this.call.write(ServerMessage.fromPartial({ kind: { $case: 'events', value: { events } } }));
  }

  result(r: DeepPartial<CommandResult>): void {
    this.call.write(ServerMessage.fromPartial({ kind: { $case: 'result', value: r } }));
  }

  send(m: DeepPartial<ServerMessage>): void {
    this.call.write(ServerMessage.fromPartial(m));
  }

  /** Ends the stream with a status (OK by default). */
  end(code: status = status.OK, details = ''): void {
    if (code === status.OK) this.call.end();
    else this.call.emit('error', Object.assign(new Error(details), { code, details }) as ServiceError);
  }
}

export class FakeRuntime {
  readonly connections: FakeConnection[] = [];
  switches: SwitchInfo[] = [];
  /** Answer this status to every call whose metadata it returns one for (auth checks). */
  reject: ((md: Metadata) => status | undefined) | undefined;
  private readonly kv = new Map<string, KeyValue>();
  private revision = 0n;
  private connectionWaiters: ((c: FakeConnection) => void)[] = [];
  readonly watches: ServerWritableStream<WatchRequest, WatchResponse>[] = [];
  private watchWaiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly target: string,
  ) {}

  static async start(): Promise<FakeRuntime> {
    const server = new Server();
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err === null ? resolve(p) : reject(err))));
    const rt = new FakeRuntime(server, `127.0.0.1:${port}`);
    rt.register();
    return rt;
  }

  /** The next Events stream a client opens (or the `index`th, if it is already open). */
  connection(index: number, timeoutMs = 5000): Promise<FakeConnection> {
    const have = this.connections[index];
    if (have !== undefined) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake runtime: connection ${index} not opened within ${timeoutMs} ms (have ${this.connections.length})`)), timeoutMs);
      const check = (): void => {
        const c = this.connections[index];
        if (c === undefined) return void this.connectionWaiters.push(check);
        clearTimeout(timer);
        resolve(c);
      };
      check();
    });
  }

  /** Resolves once a KV watch is open. */
  watchOpened(): Promise<void> {
    return this.watches.length > 0 ? Promise.resolve() : new Promise((resolve) => this.watchWaiters.push(resolve));
  }

  /** Puts a key as the KV service would, and tells the watches. */
  put(key: string, value: string): bigint {
    const k = Buffer.from(key);
    const old = this.kv.get(key);
    const kv: KeyValue = { key: k, value: Buffer.from(value), createRevision: old?.createRevision ?? this.revision + 1n, modRevision: ++this.revision, version: (old?.version ?? 0n) + 1n };
    this.kv.set(key, kv);
    for (const w of this.watches) if (key.startsWith(w.request.key.toString())) w.write({ events: [{ type: 0, kv }], revision: this.revision, compactedRevision: 0n });
    return this.revision;
  }

  close(): Promise<void> {
    this.server.forceShutdown();
    return Promise.resolve();
  }

  private denied(md: Metadata): ServiceError | undefined {
    const code = this.reject?.(md);
    return code === undefined ? undefined : (Object.assign(new Error('denied'), { code, details: 'denied by the fake runtime', metadata: md }) as ServiceError);
  }

  private register(): void {
    this.server.addService(EventsService, {
      connect: (call: ServerDuplexStream<ClientMessage, ServerMessage>) => {
        const err = this.denied(call.metadata);
        if (err !== undefined) return void call.emit('error', err);
        this.connections.push(new FakeConnection(call));
        const waiters = this.connectionWaiters;
        this.connectionWaiters = [];
        for (const w of waiters) w(this.connections.at(-1)!);
      },
    });
    const unary = <Req, Res>(fn: (req: Req) => Res) => (call: { request: Req; metadata: Metadata }, cb: (e: ServiceError | null, r?: Res) => void) => {
      const err = this.denied(call.metadata);
      if (err !== undefined) cb(err);
      else cb(null, fn(call.request));
    };
    this.server.addService(SwitchesService, {
      list: unary(() => ({ switches: this.switches })),
      get: unary(() => ({})),
      dumpFlows: unary(() => ({ flows: [] })),
      status: unary(() => ({})),
    });
    this.server.addService(KVService, {
      get: unary((req: { key: Buffer }) => ({ kv: this.kv.get(req.key.toString()), revision: this.revision })),
      put: unary((req: { key: Buffer; value: Buffer }) => {
        const previous = this.kv.get(req.key.toString());
        return { revision: this.put(req.key.toString(), req.value.toString()), previous };
      }),
      delete: unary((req: { key: Buffer }) => ({ revision: ++this.revision, deleted: this.kv.delete(req.key.toString()) ? 1n : 0n })),
      range: unary((req: { start: Buffer; prefix: boolean }) => ({ kvs: [...this.kv.values()].filter((kv) => kv.key.toString().startsWith(req.start.toString())), more: false, revision: this.revision })),
      txn: unary(() => ({ succeeded: true, results: [], revision: this.revision })),
      watch: (call: ServerWritableStream<WatchRequest, WatchResponse>) => {
        if (call.request.startRevision === 1n) return void call.write({ events: [], revision: this.revision, compactedRevision: 5n });
        this.watches.push(call);
        for (const w of this.watchWaiters.splice(0)) w();
        call.on('cancelled', () => this.watches.splice(this.watches.indexOf(call), 1));
      },
    });
  }
}
