import type { Logger } from 'pino';
import type { MessageBody, OfpMessage, Port, PortStatus } from '../openflow/index.js';
import { formatDpid, OFP_VERSION_1_0, OFPPR_DELETE } from '../openflow/index.js';
import type { RuntimeMetrics } from '../observability/metrics.js';
import type { CloseReason, SwitchInfo } from '../switch/connection-types.js';
import type { SessionListener, SwitchSession } from '../switch/session.js';
import type { Mastership, MasterInfo, RoleChangeCause, SwitchRole } from '../mastership/index.js';
import type { EventBus } from './event-bus.js';
import type { SwitchDirectory, SwitchHandle, SwitchRoleView, SwitchView } from './switch-directory.js';
import { SwitchRoles } from './switch-roles.js';

const BARRIER_REQUEST: MessageBody = { type: 'BarrierRequest' };

interface Entry {
  readonly session: SwitchSession;
  readonly view: MutableView;
  readonly handle: SwitchHandle;
  /** Apps were told the switch is up (and get its events): always without mastership; with it, while this node is master. */
  published: boolean;
  /** The mastership sink of this session (with mastership only). */
  sink?: Parameters<Mastership['attach']>[1];
  /** The role last reported for this session (with mastership only). */
  role?: SwitchRole;
}

type MutableView = Omit<SwitchView, 'ports'> & { ports: Map<number, Port> };

export interface SwitchRegistryOptions {
  /** This node's id (node.ts): the `node` of every view, handle and event. */
  readonly node: number;
  readonly log: Logger;
  readonly metrics: RuntimeMetrics;
  /** Where switch events go (the bus, or serve's tap that also forwards them to other nodes). */
  readonly bus: Pick<EventBus, 'publish'>;
  /**
   * Switch mastership (`serve --mastership etcd`). With it a switch's events
   * reach apps only while this node is its master (a slave keeps the session and
   * its ports current, and publishes only `roleChanged`), and writes through its
   * handle are refused with MastershipError NOT_MASTER elsewhere. Without it this
   * node is every connected switch's only controller and sends no ROLE_REQUEST.
   */
  readonly mastership?: Mastership;
  /** Milliseconds, monotonic: what PACKET_IN handling is timed with (`sdn_runtime_packet_in_handling_seconds`). */
  readonly now?: () => number;
}

/**
 * The switches connected to this node: one live session per dpid, ports kept
 * current from PORT_STATUS, and each switch's events published on the bus in the
 * order the switch sent them (with mastership: while this node is its master).
 * It is the `SessionListener` of the OpenFlow server and the local
 * `SwitchDirectory`. Main thread only.
 */
/** Address-and-cause pairs logged once each before further ones are only counted. */
export const MAX_LOGGED_CAUSES = 1024;

export class SwitchRegistry implements SessionListener, SwitchDirectory {
  private readonly switchesByDpid = new Map<bigint, Entry>();
  private readonly node: number;
  private readonly log: Logger;
  private readonly metrics: RuntimeMetrics;
  private readonly bus: Pick<EventBus, 'publish'>;
  /**
   * Causes already logged per remote address: each is logged once, then only
   * counted. At most MAX_LOGGED_CAUSES are remembered (a scan from many addresses
   * must not grow it); past that, new ones are only counted.
   */
  private readonly loggedCauses = new Set<string>();
  private readonly roles: SwitchRoles | undefined;
  private readonly now: () => number;
  /**
   * When the last PACKET_IN's handling ended, and the dispatch it was in: the
   * next PACKET_IN of that dispatch starts then, so each is timed with one
   * clock read (this runs per PACKET_IN, and a clock read is not free on a VM).
   */
  private readonly lastHandled = { session: undefined as SwitchSession | undefined, dispatchRun: 0, endedMs: 0 };

  constructor(options: SwitchRegistryOptions) {
    this.node = options.node;
    this.log = options.log;
    this.metrics = options.metrics;
    this.bus = options.bus;
    this.now = options.now ?? (() => performance.now());
    this.roles = options.mastership === undefined ? undefined : new SwitchRoles(options.mastership, options.log, options.metrics);
  }

  role(dpid: bigint): SwitchRoleView | undefined {
    if (!this.switchesByDpid.has(dpid)) return undefined;
    if (this.roles === undefined) return { role: 'master', masterNode: undefined, generation: undefined };
    const { role, master } = this.roles.mastership.status(dpid);
    return { role, masterNode: master?.node, generation: master?.generation };
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
    const handle = handleFor(session, this.node, this.metrics);
    const entry: Entry = { session, view, handle: this.roles?.guard(handle) ?? handle, published: this.roles === undefined };
    // A map keeps insertion order: a switch that reconnects moves to the end of list().
    this.switchesByDpid.delete(info.dpid);
    this.switchesByDpid.set(info.dpid, entry);
    this.metrics.track(session.connection);
    this.metrics.trackSendQueue(session);
    this.metrics.switchesConnected.set(this.switchesByDpid.size);
    this.log.info({ dpid: formatDpid(info.dpid), remote: session.remote, ports: info.ports.length, version: info.version }, 'switch connected');
    if (this.roles === undefined) {
      this.bus.publish({ type: 'switchUp', node: this.node, dpid: info.dpid, view });
      return;
    }
    if (info.version === OFP_VERSION_1_0) {
      // Roles are a Nicira extension on 1.0, which the codec does not speak: the
      // switch would never confirm a master, so no node may write to it.
      this.metrics.errors.inc({ cause: 'mastershipUnsupported' });
      this.log.warn({ dpid: formatDpid(info.dpid), remote: session.remote }, 'an OpenFlow 1.0 switch cannot be shared with --mastership etcd: it stays connected, but no app gets its events and every write is refused (configure it for OpenFlow 1.3)');
      return;
    }
    const current = (): boolean => this.switchesByDpid.get(info.dpid) === entry;
    entry.sink = this.roles.sink(session, current, (role, master, cause) => {
      if (current()) this.roleChanged(entry, role, master, cause);
    });
    this.roles.mastership.attach(info.dpid, entry.sink);
  }

  /** `sdn_runtime_switch_roles`: the connected switches by this node's role (with mastership). */
  private countRoles(): void {
    if (this.roles === undefined) return;
    const counts = { master: 0, slave: 0, none: 0 };
    for (const dpid of this.switchesByDpid.keys()) counts[this.roles.mastership.status(dpid).role]++;
    for (const [role, count] of Object.entries(counts)) this.metrics.switchRoles.set({ role }, count);
  }

  /** With mastership: tell apps the role, and the switch up (became master) or down (stopped being master); count a change of the role by cause. */
  private roleChanged(entry: Entry, role: SwitchRole, master: MasterInfo | undefined, cause: RoleChangeCause): void {
    const { dpid } = entry.view;
    this.log.info({ dpid: formatDpid(dpid), role, master: master?.node, generation: master?.generation?.toString(), cause }, 'switch role changed');
    if (role !== (entry.role ?? 'none')) this.metrics.switchRoleChanges.inc({ cause });
    entry.role = role;
    this.countRoles();
    this.bus.publish({ type: 'roleChanged', node: this.node, dpid, role, masterNode: master?.node, generation: master?.generation });
    if (role === 'master' && !entry.published) {
      entry.published = true;
      this.bus.publish({ type: 'switchUp', node: this.node, dpid, view: entry.view });
    } else if (role !== 'master' && entry.published) {
      entry.published = false;
      this.bus.publish({ type: 'switchDown', node: this.node, dpid, reason: 'notMaster', detail: master === undefined ? 'this node is no longer its master' : `node ${master.node} is its master now` });
    }
  }

  onMessage(session: SwitchSession, message: OfpMessage, frame?: Buffer): void {
    const dpid = session.dpid;
    const entry = dpid === undefined ? undefined : this.switchesByDpid.get(dpid);
    if (entry === undefined || entry.session !== session) return;
    const node = this.node;
    this.roles?.fromSwitch(entry.view.dpid, message);
    if (!entry.published) {
      // Not master: the ports stay current, the events stay here.
      if (message.type === 'PortStatus') updatePorts(entry.view, message);
      return;
    }
    const last = this.lastHandled;
    if (message.type !== 'PacketIn') last.session = undefined;
    switch (message.type) {
      case 'PacketIn': {
        const started = last.session === session && last.dispatchRun === session.dispatchRun ? last.endedMs : this.now();
        this.bus.publish(frame === undefined ? { type: 'packetIn', node, dpid: entry.view.dpid, message } : { type: 'packetIn', node, dpid: entry.view.dpid, message, frame });
        const ended = this.now();
        this.metrics.packetInHandling.observe((ended - started) / 1000);
        last.session = session;
        last.dispatchRun = session.dispatchRun;
        last.endedMs = ended;
        return;
      }
      case 'PortStatus':
        updatePorts(entry.view, message);
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
    if (this.lastHandled.session === session) this.lastHandled.session = undefined;
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
    if (entry.sink !== undefined) {
      this.roles?.mastership.detach(entry.view.dpid, entry.sink);
      // The machine's own report of this change finds the session gone, so it is counted here.
      if (entry.role !== undefined && entry.role !== 'none') this.metrics.switchRoleChanges.inc({ cause: 'disconnected' });
      this.countRoles();
    }
    if (entry.published) this.bus.publish({ type: 'switchDown', node: this.node, dpid: entry.view.dpid, reason, detail });
  }

  private logOnce(session: SwitchSession, cause: string, detail: string): void {
    const key = `${session.remote.replace(/:\d+$/, '')} ${cause}`;
    if (this.loggedCauses.has(key) || this.loggedCauses.size > MAX_LOGGED_CAUSES) return;
    this.loggedCauses.add(key);
    if (this.loggedCauses.size > MAX_LOGGED_CAUSES) {
      this.log.warn({ distinct: MAX_LOGGED_CAUSES }, 'switch connection problems from too many addresses: new ones are only counted from now on (sdn_runtime_errors_total)');
      return;
    }
    this.log.warn({ remote: session.remote, cause, detail }, 'switch connection problem (further ones from this address are only counted)');
  }

  /** A bug in the runtime ended one switch's session: always worth a line, with the stack. */
  private logFault(session: SwitchSession, detail: string, error: unknown): void {
    const dpid = session.dpid === undefined ? undefined : formatDpid(session.dpid);
    this.log.error({ err: error, remote: session.remote, dpid, detail }, 'switch session failed inside the runtime: its connection is closed, other switches carry on');
  }
}

function updatePorts(view: MutableView, message: PortStatus): void {
  if (message.reason === OFPPR_DELETE) view.ports.delete(message.desc.portNo);
  else view.ports.set(message.desc.portNo, message.desc);
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
    sendEncoded: (message) => session.sendEncoded(message),
    sendAdmitted: (command, admit) => session.sendAdmitted(command, admit),
    sendConfirmed: (command) => timed(session.sendConfirmed(command)),
    request: (command) => timed(session.request(command)),
    barrier: () => timed(session.request(BARRIER_REQUEST)).then(() => undefined),
  };
}
