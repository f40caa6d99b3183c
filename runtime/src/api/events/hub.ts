import type { AppEvent, SwitchView } from '../../core/index.js';
import { EventLog } from '../../core/index.js';
import { EventKind, type Event } from '../../generated/sdn/runtime/v1/events.js';
import { fromErrorMessage, fromFlowRemoved, fromPortStatus, fromSwitchView } from '../convert/index.js';
import { StreamEvent } from './event.js';

/**
 * The node's events on their way to gRPC clients: every AppEvent becomes one
 * StreamEvent, lifecycle events get their seq in the event log, and each is
 * handed to every attached stream synchronously, in the order the core
 * published them. Attached listeners must only queue (never block or throw).
 *
 * It also knows which switch-up announced each switch connected now, so a new
 * stream can start from a snapshot of them (`snapshot()`) taken in the same turn
 * as it attaches: nothing falls between the snapshot and the live events.
 */
export class EventHub {
  readonly log: EventLog<StreamEvent>;
  private readonly listeners = new Set<(e: StreamEvent) => void>();
  private readonly now: () => number;
  /** The switches connected now, in the order they connected, with the seq of their switch-up. */
  private readonly connected = new Map<bigint, { readonly seq: number; readonly view: SwitchView }>();

  constructor(logSize: number, now: () => number = Date.now) {
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
      const body: Event['body'] = { $case: 'switchUp', value: { switch: fromSwitchView(view), snapshot: true } };
      return new StreamEvent(EventKind.EVENT_KIND_SWITCH_UP, view.dpid, seq, view.connectedAt, () => body);
    });
  }

  /** The core's event: logged when it is a lifecycle event, then fanned out. */
  onAppEvent(e: AppEvent): void {
    // Packet-ins are not logged: with no stream attached there is nothing to do.
    if (e.type === 'packetIn' && this.listeners.size === 0) return;
    const event = this.toStreamEvent(e);
    if (event === undefined) return;
    if (e.type === 'switchUp') {
      // A switch that reconnects (replacing its old connection, with no switch-down) moves to the end.
      this.connected.delete(e.dpid);
      this.connected.set(e.dpid, { seq: event.seq, view: e.view });
    } else if (e.type === 'switchDown') {
      this.connected.delete(e.dpid);
    }
    for (const listener of this.listeners) listener(event);
  }

  private toStreamEvent(e: AppEvent): StreamEvent | undefined {
    const now = this.now();
    switch (e.type) {
      case 'packetIn': {
        return new StreamEvent(EventKind.EVENT_KIND_PACKET_IN, e.dpid, 0, now, undefined, e.message);
      }
      // Lifecycle bodies are converted now: the switch view they snapshot changes later.
      case 'switchUp':
        return this.logged(EventKind.EVENT_KIND_SWITCH_UP, e.dpid, now, { $case: 'switchUp', value: { switch: fromSwitchView(e.view), snapshot: false } });
      case 'switchDown':
        return this.logged(EventKind.EVENT_KIND_SWITCH_DOWN, e.dpid, now, { $case: 'switchDown', value: { reason: e.reason, detail: e.detail } });
      case 'portStatus':
        return this.logged(EventKind.EVENT_KIND_PORT_STATUS, e.dpid, now, { $case: 'portStatus', value: fromPortStatus(e.message) });
      case 'flowRemoved':
        return this.logged(EventKind.EVENT_KIND_FLOW_REMOVED, e.dpid, now, { $case: 'flowRemoved', value: fromFlowRemoved(e.message) });
      case 'error':
        return this.logged(EventKind.EVENT_KIND_SWITCH_ERROR, e.dpid, now, { $case: 'switchError', value: fromErrorMessage(e.message) });
      case 'message':
        // Experimenter and other unsolicited messages have no event kind in the API.
        return undefined;
    }
  }

  private logged(kind: EventKind, dpid: bigint, now: number, body: Event['body']): StreamEvent {
    return this.log.append((seq) => new StreamEvent(kind, dpid, seq, now, () => body)).item;
  }
}
