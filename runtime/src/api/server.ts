import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { API_SWITCH_EVENT_TYPES, NODE_EVENT_TYPES, TOPOLOGY_EVENT_TYPES, type App, type AppScopes, type EventInterest, type SwitchDirectory } from '../core/index.js';
import type { RuntimeMetrics } from '../observability/metrics.js';
import type { PubSubBus } from '../pubsub/index.js';
import type { KvStore } from '../store/index.js';
import { ClientMessage, EventsService, ServerMessage } from '../generated/sdn/runtime/v1/events.js';
import { SwitchesService } from '../generated/sdn/runtime/v1/switches.js';
import { Authenticator, type RefusalReason, type TokenConfig } from './auth.js';
import { ApiStreamError } from './errors.js';
import { AppLeases } from './events/app-leases.js';
import type { DeliveryLimits } from './events/delivery.js';
import { EventHub } from './events/hub.js';
import type { ServerOutput } from './events/session.js';
import { EventStream, type EventsCall, type StreamContext } from './events/stream.js';
import { ApiMetrics } from './metrics.js';
import { StandardServices } from './standard-services.js';
import { switchesService } from './switches.js';

/**
 * The part of the core the API uses (the Controller): the API joins as an app,
 * and reaches switches through its context's directory like any other app.
 */
export interface ApiCore {
  use(app: App): Promise<void>;
}

export interface ApiServerOptions {
  readonly host: string;
  readonly port: number;
  /** PEM contents. With `ca`, clients must present a certificate it signed (mutual TLS). */
  readonly tls: { readonly cert: Buffer; readonly key: Buffer; readonly ca: Buffer | undefined } | undefined;
  readonly tokens: readonly TokenConfig[];
  /** Lifecycle events kept for clients that resume. */
  readonly eventLogSize: number;
  /** Per-client queue bounds (see events/delivery.ts). */
  readonly limits: DeliveryLimits;
  /** Shortest time between two event batches of a stream while events keep coming (see events/stream.ts). */
  readonly batchIntervalMs: number;
  /** How long an API app's flows outlive its last stream (events/app-leases.ts). */
  readonly appFlowGraceMs: number;
  readonly nodeId: string;
  readonly version: string;
  readonly log: Logger;
  readonly metrics: RuntimeMetrics;
  readonly core: ApiCore;
  /** Carries publish commands and topic subscriptions. */
  readonly bus: PubSubBus;
  /** Carries kv_txn commands and KV watches. */
  readonly store: KvStore;
  /** Told what each client stream subscribes to (the node then asks other nodes for those switch events); absent: no overlay. */
  readonly interest?: EventInterest;
  /** Ports of the node's other listeners and its in-process app count, for Switches.Status. */
  readonly node: () => { readonly openflowPort: number; readonly httpPort: number; readonly apps: number };
}

/** Commands a stream may have unanswered before it stops reading more. */
const MAX_PENDING_COMMANDS = 1024;

/**
 * The largest message a client may send, in bytes: room for a plugin upload
 * (proto/sdn/runtime/v1/plugins.proto; a Python kit component is ~18 MiB)
 * where grpc-js's default would allow 4 MiB.
 */
export const MAX_RECEIVE_MESSAGE_BYTES = 32 * 1024 * 1024;

/**
 * The node's gRPC server: the Events stream and the Switches service, with
 * token auth and optional TLS, plus grpc.health.v1.Health and server reflection
 * (standard-services.ts). Other services (KV, PubSub) join with `addService`,
 * using `auth` for their scope checks. Create it before switches can connect, so
 * the event log sees every lifecycle event.
 */
export class ApiServer {
  readonly auth: Authenticator;
  readonly hub: EventHub;
  private readonly standard: StandardServices;
  private readonly server = new Server({ 'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_BYTES });
  private readonly options: ApiServerOptions;
  private readonly streams = new Set<EventStream>();
  /** The core's directory, once the API app started: the roles a switch-up's SwitchInfo carries. */
  private directory: SwitchDirectory | undefined;
  private leases: AppLeases | undefined;
  private readonly startedAt = Date.now();
  private boundPort = 0;
  private badMessageLogged = false;
  private readonly refusalsLogged = new Set<RefusalReason>();

  private constructor(options: ApiServerOptions) {
    this.options = options;
    this.auth = new Authenticator(options.tokens, (reason) => this.onRefused(reason));
    this.hub = new EventHub(options.eventLogSize, Date.now, (dpid) => this.directory?.role(dpid));
    this.standard = new StandardServices(this.auth);
  }

  /** Creates the server and starts recording the core's events (not yet listening). */
  static async create(options: ApiServerOptions): Promise<ApiServer> {
    const api = new ApiServer(options);
    await api.start();
    return api;
  }

  /** The bound port (0 before listen()). */
  get port(): number {
    return this.boundPort;
  }

  /** Adds a service before `listen()`; health reports it and reflection lists it. */
  addService(definition: ServiceDefinition, implementation: UntypedServiceImplementation): void {
    this.server.addService(definition, implementation);
    this.standard.track(definition);
  }

  /** Binds and serves; resolves with the bound port. Health answers SERVING from then on. */
  async listen(): Promise<number> {
    const { host, port, tls } = this.options;
    this.standard.addTo(this.server);
    const credentials = tls === undefined ? ServerCredentials.createInsecure() : ServerCredentials.createSsl(tls.ca ?? null, [{ private_key: tls.key, cert_chain: tls.cert }], tls.ca !== undefined);
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    this.boundPort = await new Promise<number>((resolve, reject) => this.server.bindAsync(address, credentials, (err, bound) => (err === null ? resolve(bound) : reject(err))));
    this.standard.serving();
    if (this.auth.open) this.options.log.warn('the gRPC API has no tokens configured: every client may do everything (configure "tokens" in the config file or SDN_RUNTIME_TOKENS_FILE)');
    return this.boundPort;
  }

  /**
   * Health turns NOT_SERVING (health watches get that, then end), every event
   * stream ends (UNAVAILABLE: shutting down), then it waits up to
   * `deadlineMs` for calls to finish, then cuts the rest.
   */
  async stop(deadlineMs = 2000): Promise<void> {
    this.standard.notServing();
    for (const stream of [...this.streams]) stream.endWith(new ApiStreamError('API_SHUTDOWN', 'the runtime is shutting down'));
    // Clients' flows stay on the switches across a restart of the runtime.
    this.leases?.close();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, deadlineMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** A refused token is counted, and logged the first time per reason (a scanner cannot flood the log). */
  private onRefused(reason: RefusalReason): void {
    const cause = `apiToken${reason[0]!.toUpperCase()}${reason.slice(1)}`;
    this.options.metrics.errors.inc({ cause });
    if (this.refusalsLogged.has(reason)) return;
    this.refusalsLogged.add(reason);
    this.options.log.warn({ component: 'grpc', reason, cause }, `a gRPC call was refused: ${reason} token (further ones are only counted in sdn_runtime_errors_total{cause="${cause}"})`);
  }

  private async start(): Promise<void> {
    const o = this.options;
    const log = o.log.child({ component: 'grpc' });
    const apiMetrics = new ApiMetrics(o.metrics.registry);
    let unsubscribe: () => void = () => {};
    let apps: AppScopes | undefined;
    await o.core.use({
      name: 'grpc-api',
      start: (ctx) => {
        apps = ctx.apps;
        this.directory = ctx.switches;
        // Every app's events: each stream takes its own app's (events/filter.ts).
        unsubscribe = ctx.subscribe([...API_SWITCH_EVENT_TYPES, ...TOPOLOGY_EVENT_TYPES, ...NODE_EVENT_TYPES], (e) => this.hub.onAppEvent(e), { everyOwner: true, interest: false });
      },
      stop: () => unsubscribe(),
    });
    // The operator's view (Switches service: list, flow dumps); streams get their app's (events/stream.ts).
    const switches = apps!.unconfined;
    this.leases = new AppLeases(o.appFlowGraceMs, log);
    const ctx: StreamContext = {
      hub: this.hub,
      auth: this.auth,
      nodeId: o.nodeId,
      limits: o.limits,
      targets: { switches, bus: o.bus, store: o.store },
      metrics: apiMetrics,
      log,
      maxPendingCommands: MAX_PENDING_COMMANDS,
      batchIntervalMs: o.batchIntervalMs,
      apps: apps!,
      leases: this.leases,
      interest: o.interest,
    };
    const events = {
      connect: (call: EventsCall) => {
        const stream = new EventStream(call, ctx);
        this.streams.add(stream);
        stream.onClosed = () => this.streams.delete(stream);
      },
    };
    this.addService(this.eventsDefinition(log), events);
    this.addService(
      SwitchesService,
      switchesService({
        auth: this.auth,
        log,
        switches,
        status: () => {
          const node = o.node();
          return { nodeId: o.nodeId, version: o.version, uptimeMs: Date.now() - this.startedAt, apps: node.apps + this.hub.attached, lastSeq: this.hub.log.lastSeq(), openflowPort: node.openflowPort, grpcPort: this.boundPort, httpPort: node.httpPort };
        },
      }),
    );
  }

  /**
   * The Events service with a decoder that reports bytes that are not a
   * ClientMessage: grpc-js then ends that call with INTERNAL; we count it and log
   * the first one (further ones are only counted, so a broken client cannot flood the log).
   * Its serializer passes event batches the session encoded (bytes) through.
   */
  private eventsDefinition(log: Logger): ServiceDefinition {
    const errors = this.options.metrics.errors;
    return {
      ...EventsService,
      connect: {
        ...EventsService.connect,
        responseSerialize: (out: ServerOutput): Buffer => (Buffer.isBuffer(out) ? out : Buffer.from(ServerMessage.encode(out).finish())),
        requestDeserialize: (bytes: Buffer): ClientMessage => {
          try {
            return ClientMessage.decode(bytes);
          } catch (err) {
            errors.inc({ cause: 'grpcBadMessage' });
            if (!this.badMessageLogged) {
              this.badMessageLogged = true;
              log.warn({ err, bytes: bytes.length }, 'an event-stream client sent a message that is not a ClientMessage; its stream ends (further ones are only counted)');
            }
            throw err;
          }
        },
      },
    };
  }
}
