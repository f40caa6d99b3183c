import type { Logger } from 'pino';
import type { MessageBody, OfpMessage, Port } from '../openflow/index.js';
import { formatDpid, OFPPR_DELETE } from '../openflow/index.js';
import type { RuntimeMetrics } from '../observability/metrics.js';
import type { CloseReason, SwitchInfo } from '../switch/connection-types.js';
import type { SessionListener, SwitchSession } from '../switch/session.js';
import type { EventBus } from './event-bus.js';
import type { SwitchDirectory, SwitchHandle, SwitchView } from './switch-directory.js';

const BARRIER_REQUEST: MessageBody = { type: 'BarrierRequest' };

interface Entry {
  readonly session: SwitchSession;
  readonly view: MutableView;
  readonly handle: SwitchHandle;
}

type MutableView = Omit<SwitchView, 'ports'> & { ports: Map<number, Port> };

export interface SwitchRegistryOptions {
  /** This node's id (node.ts): the `node` of every view, handle and event. */
  readonly node: number;
  readonly log: Logger;
  readonly metrics: RuntimeMetrics;
  /** Where switch events go. */
  readonly bus: EventBus;
}

/**
 * The switches connected to this node: one live session per dpid, ports kept
 * current from PORT_STATUS, and each switch's events published on the bus in the
 * order the switch sent them. It is the `SessionListener` of the OpenFlow server
 * and the local `SwitchDirectory`. Main thread only.
 */
export class SwitchRegistry implements SessionListener, SwitchDirectory {
  private readonly switchesByDpid = new Map<bigint, Entry>();
  private readonly node: number;
  private readonly log: Logger;
  private readonly metrics: RuntimeMetrics;
  private readonly bus: EventBus;
  /** Causes already logged per remote address: each is logged once, then only counted. */
  private readonly loggedCauses = new Set<string>();

  constructor(options: SwitchRegistryOptions) {
    this.node = options.node;
    this.log = options.log;
    this.metrics = options.metrics;
    this.bus = options.bus;
  }

  lookup(dpid: bigint): SwitchHandle | undefined {
    return this.switchesByDpid.get(dpid)?.handle;
  }

  view(dpid: bigint): SwitchView | undefined {
    return this.switchesByDpid.get(dpid)?.view;
  }

  list(): readonly SwitchView[] {
    return [...this.switchesByDpid.values()].map((e) => e.view);
  }

  onReady(session: SwitchSession, info: SwitchInfo): void {
    const previous = this.switchesByDpid.get(info.dpid);
    if (previous !== undefined) {
      this.log.info({ dpid: formatDpid(info.dpid), old: previous.session.remote, new: session.remote }, 'switch reconnected; replacing its old connection');
      previous.session.close('replaced', 'the same dpid connected again');
    }
    const view: MutableView = {
      dpid: info.dpid,
      node: this.node,
      version: info.version,
      remote: session.remote,
      features: info.features,
      desc: info.desc,
      ports: new Map(info.ports.map((p) => [p.portNo, p])),
      connectedAt: Date.now(),
    };
    // A map keeps insertion order: a switch that reconnects moves to the end of list().
    this.switchesByDpid.delete(info.dpid);
    this.switchesByDpid.set(info.dpid, { session, view, handle: handleFor(session, this.node, this.metrics) });
    this.metrics.track(session.connection);
    this.metrics.trackSendQueue(session);
    this.metrics.switchesConnected.set(this.switchesByDpid.size);
    this.log.info({ dpid: formatDpid(info.dpid), remote: session.remote, ports: info.ports.length, version: info.version }, 'switch connected');
    this.bus.publish({ type: 'switchUp', node: this.node, dpid: info.dpid, view });
  }

  onMessage(session: SwitchSession, message: OfpMessage): void {
    const dpid = session.dpid;
    const entry = dpid === undefined ? undefined : this.switchesByDpid.get(dpid);
    if (entry === undefined || entry.session !== session) return;
    const node = this.node;
    switch (message.type) {
      case 'PacketIn': {
        const started = performance.now();
        this.bus.publish({ type: 'packetIn', node, dpid: entry.view.dpid, message });
        this.metrics.packetInHandling.observe((performance.now() - started) / 1000);
        return;
      }
      case 'PortStatus':
        if (message.reason === OFPPR_DELETE) entry.view.ports.delete(message.desc.portNo);
        else entry.view.ports.set(message.desc.portNo, message.desc);
        this.bus.publish({ type: 'portStatus', node, dpid: entry.view.dpid, message });
        return;
      case 'FlowRemoved':
        this.bus.publish({ type: 'flowRemoved', node, dpid: entry.view.dpid, message });
        return;
      case 'Error':
      case 'ErrorExperimenter':
        this.metrics.errors.inc({ cause: 'switchError' });
        this.bus.publish({ type: 'error', node, dpid: entry.view.dpid, message });
        return;
      default:
        this.bus.publish({ type: 'message', node, dpid: entry.view.dpid, message });
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
    this.bus.publish({ type: 'switchDown', node: this.node, dpid: entry.view.dpid, reason, detail });
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
}

function handleFor(session: SwitchSession, node: number, metrics: RuntimeMetrics): SwitchHandle {
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
    node,
    version: session.version,
    // Commands go to the connection as they are: it encodes them with the session's version and a fresh xid.
    send: (command) => session.send(command),
    sendConfirmed: (command) => timed(session.sendConfirmed(command)),
    request: (command) => timed(session.request(command)),
    barrier: () => timed(session.request(BARRIER_REQUEST)).then(() => undefined),
  };
}
