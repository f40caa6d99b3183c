import type { AppEvent } from '../../core/app-types.js';
import { EventLog } from '../../core/event-log.js';
import { EventKind, type Event } from '../../generated/sdn/runtime/v1/events.js';
import { fromErrorMessage, fromFlowRemoved, fromPortStatus, fromSwitchView } from '../convert/index.js';
import { StreamEvent } from './event.js';

/**
 * The node's events on their way to gRPC clients: every AppEvent becomes one
 * StreamEvent, lifecycle events get their seq in the event log, and each is
 * handed to every attached stream synchronously, in the order the core
 * published them. Attached listeners must only queue (never block or throw).
 */
export class EventHub {
  readonly log: EventLog<StreamEvent>;
  private readonly listeners = new Set<(e: StreamEvent) => void>();
  private readonly now: () => number;

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

  /** The core's event: logged when it is a lifecycle event, then fanned out. */
  onAppEvent(e: AppEvent): void {
    // Packet-ins are not logged: with no stream attached there is nothing to do.
    if (e.type === 'packetIn' && this.listeners.size === 0) return;
    const event = this.toStreamEvent(e);
    if (event === undefined) return;
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
        return this.logged(EventKind.EVENT_KIND_SWITCH_UP, e.dpid, now, { $case: 'switchUp', value: { switch: fromSwitchView(e.view) } });
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
