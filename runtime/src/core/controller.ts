import type { Logger } from 'pino';
import type { MessageBody, OfpMessage, Port } from '../openflow/index.js';
import { formatDpid, OFPPR_DELETE } from '../openflow/index.js';
import type { RuntimeMetrics } from '../observability/metrics.js';
import type { CloseReason, SwitchInfo } from '../switch/connection-types.js';
import { SwitchBusyError, type SessionListener, type SwitchSession } from '../switch/session.js';
import type { App, AppContext, AppEvent, SwitchHandle, SwitchView } from './app-types.js';

const BARRIER_REQUEST: MessageBody = { type: 'BarrierRequest' };
/** A failing app handler is logged at most once per this many milliseconds (each failure is counted). */
const APP_FAULT_LOG_INTERVAL_MS = 60_000;

interface Subscriber {
  readonly app: string;
  readonly handler: (event: AppEvent) => void;
}

/** Per app: when its handler failure was last logged, and failures since. */
interface FaultLog {
  lastLoggedMs: number;
  unlogged: number;
}

interface Entry {
  readonly session: SwitchSession;
  readonly view: MutableView;
  readonly handle: SwitchHandle;
}

type MutableView = Omit<SwitchView, 'ports'> & { ports: Map<number, Port> };

/**
 * The core: the switch registry (one live session per dpid, ports kept current
 * from PORT_STATUS) and the event bus that hands switch events to apps in the
 * order each switch sent them. It is the `SessionListener` of the OpenFlow server.
 */
export class Controller implements SessionListener {
  private readonly switchesByDpid = new Map<bigint, Entry>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly appFaults = new Map<string, FaultLog>();
  private readonly apps: App[] = [];
  private readonly log: Logger;
  private readonly metrics: RuntimeMetrics;
  /** Causes already logged per remote address: each is logged once, then only counted. */
  private readonly loggedCauses = new Set<string>();

  constructor(log: Logger, metrics: RuntimeMetrics) {
    this.log = log;
    this.metrics = metrics;
  }

  /** Starts an in-process app; its handlers see every event from now on. */
  async use(app: App): Promise<void> {
    await app.start(this.contextFor(app));
    this.apps.push(app);
    this.log.info({ app: app.name }, 'app started');
  }

  async stopApps(): Promise<void> {
    for (const app of this.apps.splice(0).reverse()) await app.stop?.();
  }

  switches(): readonly SwitchView[] {
    return [...this.switchesByDpid.values()].map((e) => e.view);
  }

  switch(dpid: bigint): SwitchHandle | undefined {
    return this.switchesByDpid.get(dpid)?.handle;
  }

  onReady(session: SwitchSession, info: SwitchInfo): void {
    const previous = this.switchesByDpid.get(info.dpid);
    if (previous !== undefined) {
      this.log.info({ dpid: formatDpid(info.dpid), old: previous.session.remote, new: session.remote }, 'switch reconnected; replacing its old connection');
      previous.session.close('replaced', 'the same dpid connected again');
    }
    const view: MutableView = {
      dpid: info.dpid,
      version: info.version,
      remote: session.remote,
      features: info.features,
      desc: info.desc,
      ports: new Map(info.ports.map((p) => [p.portNo, p])),
      connectedAt: Date.now(),
    };
    this.switchesByDpid.set(info.dpid, { session, view, handle: handleFor(session, this.metrics) });
    this.metrics.track(session.connection);
    this.metrics.trackSendQueue(session);
    this.metrics.switchesConnected.set(this.switchesByDpid.size);
    this.log.info({ dpid: formatDpid(info.dpid), remote: session.remote, ports: info.ports.length, version: info.version }, 'switch connected');
    this.publish({ type: 'switchUp', dpid: info.dpid, view });
  }

  onMessage(session: SwitchSession, message: OfpMessage): void {
    const dpid = session.dpid;
    const entry = dpid === undefined ? undefined : this.switchesByDpid.get(dpid);
    if (entry === undefined || entry.session !== session) return;
    switch (message.type) {
      case 'PacketIn': {
        const started = performance.now();
        this.publish({ type: 'packetIn', dpid: entry.view.dpid, message });
        this.metrics.packetInHandling.observe((performance.now() - started) / 1000);
        return;
      }
      case 'PortStatus':
        if (message.reason === OFPPR_DELETE) entry.view.ports.delete(message.desc.portNo);
        else entry.view.ports.set(message.desc.portNo, message.desc);
        this.publish({ type: 'portStatus', dpid: entry.view.dpid, message });
        return;
      case 'FlowRemoved':
        this.publish({ type: 'flowRemoved', dpid: entry.view.dpid, message });
        return;
      case 'Error':
      case 'ErrorExperimenter':
        this.metrics.errors.inc({ cause: 'switchError' });
        this.publish({ type: 'error', dpid: entry.view.dpid, message });
        return;
      default:
        this.publish({ type: 'message', dpid: entry.view.dpid, message });
    }
  }

  onProblem(session: SwitchSession, cause: string, detail: string): void {
    this.metrics.errors.inc({ cause });
    this.logOnce(session, cause, detail);
  }

  onClosed(session: SwitchSession, reason: CloseReason, detail: string, error?: unknown): void {
    this.metrics.connectionsClosed.inc({ reason });
    if (reason === 'internalError') this.metrics.errors.inc({ cause: 'internalError' });
    this.metrics.untrack(session.connection);
    this.metrics.untrackSendQueue(session);
    const dpid = session.dpid;
    const entry = dpid === undefined ? undefined : this.switchesByDpid.get(dpid);
    if (entry === undefined || entry.session !== session) {
      // Never became ready (or was already replaced).
      if (reason === 'internalError') this.logFault(session, detail, error);
      else if (reason !== 'replaced') this.logOnce(session, reason, detail);
      if (reason !== 'replaced') this.metrics.handshakeFailures.inc({ reason });
      return;
    }
    this.switchesByDpid.delete(entry.view.dpid);
    this.metrics.switchesConnected.set(this.switchesByDpid.size);
    if (reason === 'internalError') this.logFault(session, detail, error);
    else this.log.info({ dpid: formatDpid(entry.view.dpid), reason, detail }, 'switch disconnected');
    this.publish({ type: 'switchDown', dpid: entry.view.dpid, reason, detail });
  }

  private logOnce(session: SwitchSession, cause: string, detail: string): void {
    const key = `${session.remote.replace(/:\d+$/, '')} ${cause}`;
    if (this.loggedCauses.has(key)) return;
    this.loggedCauses.add(key);
    this.log.warn({ remote: session.remote, cause, detail }, 'switch connection problem (further ones from this address are only counted)');
  }

  /** A bug in the runtime ended one switch's session: always worth a line, with the stack. */
  private logFault(session: SwitchSession, detail: string, error: unknown): void {
    const dpid = session.dpid === undefined ? undefined : formatDpid(session.dpid);
    this.log.error({ err: error, remote: session.remote, dpid, detail }, 'switch session failed inside the runtime: its connection is closed, other switches carry on');
  }

  /**
   * Hands an event to every app. A handler that throws (or returns a promise that
   * rejects) is contained: counted per app, logged once a minute per app, and the
   * event is skipped for that app only. The app stays subscribed and the switch's
   * session is not touched: one faulty app must not cut a switch off from the
   * others, and closing the session would not fix the app.
   */
  private publish(event: AppEvent): void {
    for (const subscriber of this.subscribers) {
      try {
        const result: unknown = subscriber.handler(event);
        if (result instanceof Promise) result.catch((err: unknown) => this.appFault(subscriber.app, event, err));
      } catch (err) {
        this.appFault(subscriber.app, event, err);
      }
    }
  }

  private appFault(app: string, event: AppEvent, err: unknown): void {
    // A command refused by a switch that is not keeping up was counted and logged by its session.
    if (err instanceof SwitchBusyError) return;
    this.metrics.errors.inc({ cause: 'appHandler' });
    this.metrics.appHandlerErrors.inc({ app });
    const now = performance.now();
    const faults = this.appFaults.get(app);
    if (faults !== undefined && now - faults.lastLoggedMs < APP_FAULT_LOG_INTERVAL_MS) {
      faults.unlogged++;
      return;
    }
    this.appFaults.set(app, { lastLoggedMs: now, unlogged: 0 });
    this.log.error(
      { err, app, event: event.type, failuresSinceLastLog: faults?.unlogged ?? 0 },
      'app event handler failed; the event is skipped for that app, which stays subscribed (further failures within a minute are only counted)',
    );
  }

  private contextFor(app: App): AppContext {
    return {
      log: this.log.child({ app: app.name }),
      subscribe: (handler) => {
        const subscriber: Subscriber = { app: app.name, handler };
        this.subscribers.add(subscriber);
        return () => this.subscribers.delete(subscriber);
      },
      switches: () => this.switches(),
      switch: (dpid) => this.switch(dpid),
    };
  }
}

function handleFor(session: SwitchSession, metrics: RuntimeMetrics): SwitchHandle {
  const timed = <T>(promise: Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = promise.finally(() => metrics.requestLatency.observe((performance.now() - started) / 1000));
    // An app may fire a command and never look at its promise; left alone, its
    // failure would be an unhandled rejection, which ends the process. An app that
    // awaits the promise still gets the rejection.
    result.catch(() => {});
    return result;
  };
  return {
    dpid: session.dpid!,
    version: session.version,
    // Commands go to the connection as they are: it encodes them with the session's version and a fresh xid.
    send: (command) => session.send(command),
    sendConfirmed: (command) => timed(session.sendConfirmed(command)),
    request: (command) => timed(session.request(command)),
    barrier: () => timed(session.request(BARRIER_REQUEST)).then(() => undefined),
  };
}
