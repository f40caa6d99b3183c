import type { PacketIn } from '../openflow/index.js';
import { Event, EventKind, ServerMessage } from '../generated/sdn/runtime/v1/events.js';
import { StreamEvent } from '../api/events/event.js';
import type { ServerOutput } from '../api/events/session.js';

/** Small StreamEvents for the event-stream unit tests, and a compact label for what a batch holds. */

export function lifecycle(seq: number, dpid = 1n): StreamEvent {
  return new StreamEvent(EventKind.EVENT_KIND_SWITCH_DOWN, dpid, seq, 1000, () => ({ $case: 'switchDown', value: { reason: 'peerClosed', detail: `#${seq}` } }));
}

export function packetIn(id: number, options: { dpid?: bigint; tableId?: number; cookie?: bigint; frame?: Buffer } = {}): StreamEvent {
  const message: PacketIn = { type: 'PacketIn', version: 4, xid: 0, bufferId: id, totalLen: 0, reason: 0, tableId: options.tableId ?? 0, cookie: options.cookie ?? 0n, match: [], data: options.frame ?? Buffer.alloc(0) };
  return new StreamEvent(EventKind.EVENT_KIND_PACKET_IN, options.dpid ?? 1n, 0, 1000, () => ({ $case: 'packetIn', value: { bufferId: id, totalLen: 0, reason: 0, tableId: 0, cookie: 0n, match: undefined, data: Buffer.alloc(0), inPort: 0 } }), message);
}

/** What the session wrote, as a ServerMessage (event batches arrive encoded). */
export function decoded(out: ServerOutput): ServerMessage {
  return Buffer.isBuffer(out) ? ServerMessage.decode(out) : out;
}

/** A switch-up marked snapshot (EventHub.snapshot's kind of event) for switch `dpid`, announced at `seq`. */
export function snapshotUp(seq: number, dpid: bigint): StreamEvent {
  const body = { $case: 'switchUp' as const, value: { switch: undefined, snapshot: true } };
  return new StreamEvent(EventKind.EVENT_KIND_SWITCH_UP, dpid, seq, 1000, () => body);
}

/** "L3" for lifecycle seq 3, "S3" for a snapshot switch-up of seq 3, "P7" for packet-in 7, "G4-6/2" for a Gap; an encoded event is decoded first. */
export function label(event: Event | Uint8Array): string {
  const e = event instanceof Uint8Array ? Event.decode(event) : event;
  const b = e.body;
  if (b?.$case === 'gap') return `G${b.value.fromSeq}-${b.value.toSeq}/${b.value.packetInsShed}`;
  if (b?.$case === 'packetIn') return `P${b.value.bufferId}`;
  if (b?.$case === 'switchUp' && b.value.snapshot) return `S${e.seq}`;
  return `L${e.seq}`;
}
