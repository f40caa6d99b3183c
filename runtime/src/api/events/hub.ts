import { EventLog, type ApiSwitchEventType, type AppEventOf, type NodeEventType, type SwitchRoleView, type SwitchView, type TopologyEventType } from '../../core/index.js';
import { EventKind, type Event } from '../../generated/sdn/runtime/v1/events.js';
import { fromEndpoint, fromErrorMessage, fromFlowRemoved, fromHost, fromLink, fromPortStatus, fromRoleView, fromSwitchView } from '../convert/index.js';
import { StreamEvent } from './event.js';
import { PROTO_EVENT_KINDS } from './kinds.js';

/** An event the API carries (core/event-kinds.ts: the switch rows with a proto form, the topology and node rows). */
export type ApiAppEvent = AppEventOf<ApiSwitchEventType | TopologyEventType | NodeEventType>;

type LifecycleType = Exclude<ApiAppEvent['type'], 'packetIn' | 'switchUp'>;

/**
 * The proto body of each lifecycle kind, converted when the event happens (the
 * switch view a switch-up snapshots changes later). Keyed by the table's kinds: a
 * kind added to the table without its conversion here fails the build. A
 * switch-up is converted by the hub (it adds the directory's role).
 */
const LIFECYCLE_BODIES: { readonly [T in LifecycleType]: (e: AppEventOf<T>) => Event['body'] } = {
  switchDown: (e) => ({ $case: 'switchDown', value: { reason: e.reason, detail: e.detail } }),
  portStatus: (e) => ({ $case: 'portStatus', value: fromPortStatus(e.message) }),
  flowRemoved: (e) => ({ $case: 'flowRemoved', value: fromFlowRemoved(e.message) }),
  error: (e) => ({ $case: 'switchError', value: fromErrorMessage(e.message) }),
  roleChanged: (e) => ({ $case: 'roleChanged', value: fromRoleView(e) }),
  linkUp: (e) => ({ $case: 'linkUp', value: { link: fromLink(e.link) } }),
  linkDown: (e) => ({ $case: 'linkDown', value: { link: fromLink(e.link), reason: e.reason } }),
  hostAdded: (e) => ({ $case: 'hostAdded', value: { host: fromHost(e.host) } }),
  hostMoved: (e) => ({ $case: 'hostMoved', value: { host: fromHost(e.host), from: fromEndpoint(e.from) } }),
  hostRemoved: (e) => ({ $case: 'hostRemoved', value: { host: fromHost(e.host), reason: e.reason } }),
  nodeUp: (e) => ({ $case: 'nodeUp', value: { nodeId: e.nodeId, aliases: [...e.aliases], costMs: e.costMs } }),
  nodeDown: (e) => ({ $case: 'nodeDown', value: { nodeId: e.nodeId, aliases: [...e.aliases], reason: e.reason, detail: e.detail } }),
};

/**
 * The node's events on their way to gRPC clients: every AppEvent becomes one
 * StreamEvent, lifecycle events get their seq in the event log, and each is
 * handed to every attached stream synchronously, in the order the core
 * published them. Attached listeners must only queue (never block or throw).
 *
 * It also knows which switch-up announced each switch connected now, so a new
 * stream can start from a snapshot of them (`snapshot()`) taken in the same turn
 * as it attaches: nothing falls between the snapshot and the live events.
 *
 * A switch-up's `SwitchInfo` carries the role, master node and generation the
 * directory gives (`roleOf`) when it is converted: at the event, the node's
 * role then (`roleChanged` events follow); in a snapshot, the role now.
 */
export class EventHub {
  readonly log: EventLog<StreamEvent>;
  private readonly listeners = new Set<(e: StreamEvent) => void>();
  private readonly now: () => number;
  /** The switches connected now, in the order they connected, with the seq of their switch-up. */
  private readonly connected = new Map<bigint, { readonly seq: number; readonly view: SwitchView }>();

  constructor(
    logSize: number,
    now: () => number = Date.now,
    private readonly roleOf: (dpid: bigint) => SwitchRoleView | undefined = () => undefined,
  ) {
    this.log = new EventLog(logSize);
    this.now = now;
  }

  /** Streams attached now. */
  get attached(): number {
    return this.listeners.size;
  }

  /** Starts handing events to `listener`; returns the detach function. */
  attach(listener: (e: StreamEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * One switch-up marked `snapshot` per switch connected now, in the order they
   * connected: the switch as it is now (ports current), with the seq and time of
   * the switch-up that announced it.
   */
  snapshot(): StreamEvent[] {
    return [...this.connected.values()].map(({ seq, view }) => {
      const body: Event['body'] = { $case: 'switchUp', value: { switch: fromSwitchView(view, this.roleOf(view.dpid)), snapshot: true } };
      return new StreamEvent(EventKind.EVENT_KIND_SWITCH_UP, view.dpid, seq, view.connectedAt, () => body);
    });
  }

  /** The core's event: logged when it is a lifecycle event, then fanned out. */
  onAppEvent(e: ApiAppEvent): void {
    let event: StreamEvent;
    if (e.type === 'packetIn') {
      // Packet-ins are not logged: with no stream attached there is nothing to do.
      if (this.listeners.size === 0) return;
      event = new StreamEvent(EventKind.EVENT_KIND_PACKET_IN, e.dpid, 0, this.now(), undefined, e.message, e.owner);
    } else {
      const body: Event['body'] = e.type === 'switchUp' ? { $case: 'switchUp', value: { switch: fromSwitchView(e.view, this.roleOf(e.dpid)), snapshot: false } } : (LIFECYCLE_BODIES[e.type] as (e: ApiAppEvent) => Event['body'])(e);
      const kind = PROTO_EVENT_KINDS.get(e.type)!;
      const now = this.now();
      const owner = e.type === 'flowRemoved' ? e.owner : undefined;
      // Node events are no switch's: dpid 0, as on the wire.
      const dpid = 'dpid' in e ? e.dpid : 0n;
      event = this.log.append((seq) => new StreamEvent(kind, dpid, seq, now, () => body, undefined, owner)).item;
    }
    if (e.type === 'switchUp') {
      // A switch that reconnects (replacing its old connection, with no switch-down) moves to the end.
      this.connected.delete(e.dpid);
      this.connected.set(e.dpid, { seq: event.seq, view: e.view });
    } else if (e.type === 'switchDown') {
      this.connected.delete(e.dpid);
    }
    for (const listener of this.listeners) listener(event);
  }
}
