import type { Match, OxmValue } from '../openflow/index.js';
import type { WorkerEvent } from './events-wire.js';
import type { GuestMemory } from './guest-memory.js';
import { packetInParts, type PacketInFrame, type PacketInParts } from './packet-in-frame.js';
import type { WitOxmField, WitOxmValue, WitPort } from './wit-types.js';

/**
 * Lowers a batch of events into a 0.2.0 guest's memory as the canonical ABI
 * lays out `list<event>`, writing what jco's glue writes (its generated
 * `handle` is the reference of the offsets; glue.test.ts compares both). Every
 * string and list is its own allocation from the guest's `cabi_realloc`, as the
 * guest frees each. The values are the host's own (events-wire.ts), so they are
 * not re-checked here. A packet-in is lowered from the frame the switch sent
 * (packet-in-frame.ts): its fixed fields read where they lie, its match as the
 * codec reads it, its packet copied from the frame into the guest.
 *
 * Lowered by hand: the OpenFlow, pubsub and KV cases. The topology and role
 * cases (link-*, host-*, role-changed: a few per minute, not per packet) are
 * not: a batch holding one goes through jco's glue (`lowers`).
 */

/** Element sizes and alignments of the lists (canonical ABI). */
const EVENT = 72;
const EVENT_ALIGN = 8;
const PORT = 36;
const OXM_FIELD = 36;

/** Discriminants of `event`, in the WIT's case order; the cases lowered here. */
const DISCRIMINANTS: ReadonlyMap<WorkerEvent['tag'], number> = new Map([
  ['switch-up', 0],
  ['switch-down', 1],
  ['packet-in', 2],
  ['packet-in-frame', 2],
  ['port-status', 3],
  ['flow-removed', 4],
  ['switch-error', 5],
  ['message', 6],
  ['kv-change', 7],
] as const);

/** Whether every event of the batch is of a case lowered here. */
export function lowers(events: readonly WorkerEvent[]): boolean {
  for (let i = 0; i < events.length; i++) if (!DISCRIMINANTS.has(events[i]!.tag)) return false;
  return true;
}

function oxmValue(m: GuestMemory, at: number, v: WitOxmValue): void {
  if (v.tag === 'uint') {
    m.u8At(at, 0);
    m.u32At(at + 4, v.val);
  } else {
    m.u8At(at, v.tag === 'big' ? 1 : 2);
    m.stringAt(at + 4, v.val);
  }
}

function oxmFields(m: GuestMemory, at: number, fields: readonly WitOxmField[]): void {
  const ptr = m.alloc(4, fields.length * OXM_FIELD);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const base = ptr + i * OXM_FIELD;
    m.stringAt(base, f.field);
    oxmValue(m, base + 8, f.value);
    if (f.mask === undefined) m.u8At(base + 20, 0);
    else {
      m.u8At(base + 20, 1);
      oxmValue(m, base + 24, f.mask);
    }
  }
  m.pair(at, ptr, fields.length);
}

/** An OXM value of the codec as the WIT's `oxm-value` (events-wire.ts `witMatch` makes the same choice). */
function nativeOxmValue(m: GuestMemory, at: number, v: OxmValue): void {
  if (typeof v === 'number') {
    m.u8At(at, 0);
    m.u32At(at + 4, v);
  } else {
    m.u8At(at, typeof v === 'bigint' ? 1 : 2);
    m.stringAt(at + 4, typeof v === 'bigint' ? v.toString() : v);
  }
}

/** A match as the codec read it, without the fields it keeps opaque (as `witMatch`). */
function matchFields(m: GuestMemory, at: number, match: Match): void {
  let count = 0;
  for (let i = 0; i < match.length; i++) if (!('oxmClass' in match[i]!)) count++;
  const ptr = m.alloc(4, count * OXM_FIELD);
  let base = ptr;
  for (let i = 0; i < match.length; i++) {
    const f = match[i]!;
    if ('oxmClass' in f) continue;
    m.stringAt(base, f.field);
    nativeOxmValue(m, base + 8, f.value);
    if (f.mask === undefined) m.u8At(base + 20, 0);
    else {
      m.u8At(base + 20, 1);
      nativeOxmValue(m, base + 24, f.mask);
    }
    base += OXM_FIELD;
  }
  m.pair(at, ptr, count);
}

/** A packet-in's fields before its match (at `v + 28`) and data (at `v + 36`), whichever form it came in. */
function packetInHead(m: GuestMemory, v: number, dpid: string, p: Pick<PacketInParts, 'bufferId' | 'totalLen' | 'reason' | 'tableId' | 'cookie' | 'inPort'>): void {
  m.stringAt(v, dpid);
  m.u32At(v + 8, p.bufferId);
  m.u16At(v + 12, p.totalLen);
  m.u8At(v + 14, p.reason);
  m.u8At(v + 15, p.tableId);
  m.stringAt(v + 16, p.cookie);
  m.u32At(v + 24, p.inPort);
}

/** A packet-in's payload at `v`, from its frame. */
function packetInFrame(m: GuestMemory, v: number, e: PacketInFrame): void {
  const p = packetInParts(e);
  packetInHead(m, v, e.dpid, p);
  matchFields(m, v + 28, p.match);
  m.bytesFromAt(v + 36, e.bytes, p.dataStart, e.end);
}

function port(m: GuestMemory, at: number, p: WitPort): void {
  m.u32At(at, p.portNo);
  m.stringAt(at + 4, p.hwAddr);
  m.stringAt(at + 12, p.name);
  m.u32At(at + 20, p.config);
  m.u32At(at + 24, p.state);
  m.u32At(at + 28, p.currSpeed);
  m.u32At(at + 32, p.maxSpeed);
}

/** One event at `at` (its discriminant; the payload at `at + 8`). */
function event(m: GuestMemory, at: number, e: WorkerEvent): void {
  m.u8At(at, DISCRIMINANTS.get(e.tag)!);
  const v = at + 8;
  switch (e.tag) {
    case 'switch-up': {
      m.stringAt(v, e.val.dpid);
      m.u8At(v + 8, e.val.version);
      m.u8At(v + 9, e.val.nTables);
      const ports = e.val.ports;
      const ptr = m.alloc(4, ports.length * PORT);
      for (let i = 0; i < ports.length; i++) port(m, ptr + i * PORT, ports[i]!);
      m.pair(v + 12, ptr, ports.length);
      return;
    }
    case 'switch-down':
      m.stringAt(v, e.val.dpid);
      m.stringAt(v + 8, e.val.reason);
      return;
    case 'packet-in-frame':
      packetInFrame(m, v, e);
      return;
    case 'packet-in':
      packetInHead(m, v, e.val.dpid, e.val);
      oxmFields(m, v + 28, e.val.match);
      m.bytesAt(v + 36, e.val.data);
      return;
    case 'port-status':
      m.stringAt(v, e.val.dpid);
      m.u8At(v + 8, e.val.reason);
      port(m, v + 12, e.val.desc);
      return;
    case 'flow-removed': {
      const f = e.val;
      m.stringAt(v, f.dpid);
      m.stringAt(v + 8, f.cookie);
      m.u16At(v + 16, f.priority);
      m.u8At(v + 18, f.reason);
      m.u8At(v + 19, f.tableId);
      m.u32At(v + 20, f.durationSec);
      m.stringAt(v + 24, f.packetCount);
      m.stringAt(v + 32, f.byteCount);
      oxmFields(m, v + 40, f.match);
      return;
    }
    case 'switch-error':
      m.stringAt(v, e.val.dpid);
      m.u16At(v + 8, e.val.type);
      m.u16At(v + 10, e.val.code);
      m.bytesAt(v + 12, e.val.data);
      return;
    case 'message':
      m.stringAt(v, e.val.subject);
      m.bytesAt(v + 8, e.val.payload);
      return;
    case 'kv-change':
      m.bytesAt(v, e.val.key);
      if (e.val.value === undefined) m.u8At(v + 8, 0);
      else {
        m.u8At(v + 8, 1);
        m.bytesAt(v + 12, e.val.value);
      }
      m.stringAt(v + 20, e.val.revision);
      return;
    default:
      throw new Error(`event case ${e.tag} is not lowered by hand; check lowers() first`);
  }
}

/** Lowers `events` (every one `lowers`) and returns the list's address; its length is events.length. */
export function lowerEvents(m: GuestMemory, events: readonly WorkerEvent[]): number {
  const ptr = m.alloc(EVENT_ALIGN, events.length * EVENT);
  for (let i = 0; i < events.length; i++) event(m, ptr + i * EVENT, events[i]!);
  return ptr;
}
