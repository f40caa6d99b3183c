import type { DeliveryClass } from '../../core/index.js';
import type { PacketIn } from '../../openflow/index.js';
import { Event, type EventKind } from '../../generated/sdn/runtime/v1/events.js';
import { cookieSeenBy } from '../../ownership/index.js';
import { fromPacketIn } from '../convert/index.js';
import { deliveryClassOf } from './kinds.js';
import { encodePacketInEvent } from './wire.js';

/**
 * One event on its way to clients. Built once and shared by every stream that
 * delivers it; its wire bytes are made on first use, so a packet-in no client
 * wants is never encoded. Packet-ins go to bytes straight from the OpenFlow
 * message (wire.ts); the other events through their proto value.
 */

/** How an event is queued for a client that is out of credit (see delivery.ts); a column of core/event-kinds.ts. */
export type { DeliveryClass };

export class StreamEvent {
  readonly kind: EventKind;
  readonly dpid: bigint;
  /** Position in the lifecycle log; 0 for packet-ins, pubsub and KV events. */
  readonly seq: number;
  readonly timeMs: number;
  /** The decoded message, for packet-in filters. */
  readonly packetIn: PacketIn | undefined;
  /** The app a packet-in or flow-removed is for (AppEvent.owner); undefined: any app that wants it. */
  readonly owner: number | undefined;
  /** Builds the proto body; undefined for a packet-in, whose body and bytes come from `packetIn`. */
  private readonly build: (() => Event['body']) | undefined;
  private cached: Event | undefined;
  private bytes: Uint8Array | undefined;
  /** A packet-in's bytes with another cookie than the switch's (cookieSeenBy), by that cookie. */
  private seenBytes: Map<bigint, Uint8Array> | undefined;
  private ethTypeCache = -1;

  /** A packet-in passes its message and no `build` (no closure per packet-in). */
  constructor(kind: EventKind, dpid: bigint, seq: number, timeMs: number, build: (() => Event['body']) | undefined, packetIn?: PacketIn, owner?: number) {
    if (build === undefined && packetIn === undefined) throw new TypeError('a StreamEvent needs a body builder or a packet-in');
    this.kind = kind;
    this.dpid = dpid;
    this.seq = seq;
    this.timeMs = timeMs;
    this.build = build;
    this.packetIn = packetIn;
    this.owner = owner;
  }

  get deliveryClass(): DeliveryClass {
    return deliveryClassOf(this.kind);
  }

  /** The proto event (built once). */
  get proto(): Event {
    const body = this.build !== undefined ? this.build() : { $case: 'packetIn' as const, value: fromPacketIn(this.packetIn!) };
    this.cached ??= { seq: BigInt(this.seq), dpid: this.dpid, timeMs: BigInt(Math.trunc(this.timeMs)), body };
    return this.cached;
  }

  /** The event's protobuf bytes (made once). */
  get encoded(): Uint8Array {
    this.bytes ??= this.packetIn !== undefined ? encodePacketInEvent(this.dpid, this.timeMs, this.packetIn) : Event.encode(this.proto).finish();
    return this.bytes;
  }

  /**
   * The bytes app `appId`'s stream sends: a packet-in with its cookie as
   * `cookieSeenBy` shows it to that app (a table miss through another app's
   * table-miss flow: NO_COOKIE; through its own: its own part), each form
   * encoded once; every other event is `encoded`.
   */
  encodedFor(appId: number): Uint8Array {
    const p = this.packetIn;
    if (p === undefined) return this.encoded;
    const cookie = cookieSeenBy(appId, p.cookie);
    if (cookie === p.cookie) return this.encoded;
    this.seenBytes ??= new Map();
    let bytes = this.seenBytes.get(cookie);
    if (bytes === undefined) {
      bytes = encodePacketInEvent(this.dpid, this.timeMs, { ...p, cookie });
      this.seenBytes.set(cookie, bytes);
    }
    return bytes;
  }

  /** A packet-in frame's ethertype after at most one VLAN tag; -1 when the frame is too short. */
  get ethType(): number {
    if (this.ethTypeCache === -1 && this.packetIn !== undefined) this.ethTypeCache = frameEthType(this.packetIn.data);
    return this.ethTypeCache;
  }
}

const TPIDS = new Set([0x8100, 0x88a8, 0x9100]);

/** The ethertype of an Ethernet frame, looking past one 802.1Q/802.1ad tag; -1 when too short. */
export function frameEthType(frame: Uint8Array): number {
  if (frame.length < 14) return -1;
  const outer = (frame[12]! << 8) | frame[13]!;
  if (!TPIDS.has(outer)) return outer;
  return frame.length < 18 ? -1 : (frame[16]! << 8) | frame[17]!;
}

/** A Gap event's bytes (never logged, never filtered). */
export function gapEvent(timeMs: number, fromSeq: number, toSeq: number, packetInsShed: number): Uint8Array {
  return Event.encode({ seq: 0n, dpid: 0n, timeMs: BigInt(Math.trunc(timeMs)), body: { $case: 'gap', value: { fromSeq: BigInt(fromSeq), toSeq: BigInt(toSeq), packetInsShed: BigInt(packetInsShed) } } }).finish();
}
