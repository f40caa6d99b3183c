import type { AppEvent } from '../core/index.js';
// The table itself, not core/index.ts: this module runs in every plugin worker, which needs none of the rest of the core.
import { EVENT_KINDS } from '../core/event-kinds.js';
import { decodeMessage, encodeMessageInto, formatDpid, type OxmField, type OxmValue, type Port, type Reader, type Writer } from '../openflow/index.js';
import type { PubSubMessage } from '../pubsub/index.js';
import type { KvChange } from '../store/index.js';
import type { EventKind } from './manifest.js';
import type { Endpoint, Host, Link } from '../topology/index.js';
import type { WitEndpoint, WitEvent, WitHost, WitLink, WitOxmField, WitOxmValue, WitPort } from './wit-types.js';
import { packetInParts, writePacketInFrame, type PacketInFrame } from './packet-in-frame.js';
import { readBlob, readStr, writeBlob, writeStr } from './wire.js';

/**
 * Events on their way to a plugin worker. The main thread writes each event in a
 * few bytes (OpenFlow messages with a match stay in their wire form: the codec is
 * the compact encoding we already have; a packet-in goes as the bytes the switch
 * sent, packet-in-frame.ts) and the worker turns them into the values the glue
 * lowers into the guest.
 */
export type HostEvent =
  | AppEvent
  | { readonly type: 'pubsub'; readonly message: PubSubMessage }
  | { readonly type: 'kvChange'; readonly change: KvChange };

const KIND_CODES: Readonly<Record<EventKind, number>> = {
  'switch-up': 1,
  'switch-down': 2,
  'packet-in': 3,
  'port-status': 4,
  'flow-removed': 5,
  'switch-error': 6,
  message: 7,
  'kv-change': 8,
  'link-up': 9,
  'link-down': 10,
  'host-added': 11,
  'host-moved': 12,
  'host-removed': 13,
  'role-changed': 14,
};

const WIT_KIND_BY_TYPE: ReadonlyMap<string, EventKind> = new Map(EVENT_KINDS.flatMap((r) => (r.wit === undefined ? [] : [[r.type, r.wit] as const])));

/** The WIT kind of an event (core/event-kinds.ts), or undefined for events plugins do not see (other OpenFlow messages). */
export function eventKind(event: HostEvent): EventKind | undefined {
  return WIT_KIND_BY_TYPE.get(event.type);
}

function writeOpenFlow(w: Writer, message: Parameters<typeof encodeMessageInto>[0]): void {
  w.u32(0, 'length');
  const at = w.pos;
  encodeMessageInto(message, w);
  w.buf.writeUInt32BE(w.pos - at, at - 4);
}

function writePort(w: Writer, p: Port): void {
  w.u32(p.portNo, 'portNo');
  writeStr(w, p.hwAddr, 'hwAddr');
  writeStr(w, p.name, 'name');
  w.u32(p.config, 'config');
  w.u32(p.state, 'state');
  w.u32(p.currSpeed, 'currSpeed');
  w.u32(p.maxSpeed, 'maxSpeed');
}

function writeEndpoint(w: Writer, e: Endpoint): void {
  w.u64(e.dpid, 'dpid');
  w.u32(e.port, 'port');
}

/** Milliseconds as the WIT's integers: topology measures them as fractions. */
const wholeMs = (ms: number): number => Math.min(Math.max(Math.round(ms), 0), Number.MAX_SAFE_INTEGER);

function writeLink(w: Writer, l: Link): void {
  writeEndpoint(w, l.src);
  writeEndpoint(w, l.dst);
  w.u32(Math.min(wholeMs(l.latencyMs), 0xffffffff), 'latencyMs');
  w.u32(l.srcNode, 'srcNode');
  w.u64(BigInt(wholeMs(l.upSinceMs)), 'upSinceMs');
  w.u64(BigInt(wholeMs(l.lastSeenMs)), 'lastSeenMs');
}

function writeHost(w: Writer, h: Host): void {
  writeStr(w, h.mac, 'mac');
  w.u32(h.ips.length, 'ips');
  for (const ip of h.ips) writeStr(w, ip, 'ip');
  writeEndpoint(w, h.location);
  w.u64(BigInt(wholeMs(h.firstSeenMs)), 'firstSeenMs');
  w.u64(BigInt(wholeMs(h.lastSeenMs)), 'lastSeenMs');
}

/** Appends one event for the plugin of app id `appId` (the cookie it is shown of a packet-in); `kind` is `eventKind(event)`. */
export function writeEvent(w: Writer, event: HostEvent, kind: EventKind, appId: number): void {
  w.u8(KIND_CODES[kind], 'kind');
  switch (event.type) {
    case 'switchUp': {
      w.u64(event.dpid, 'dpid');
      w.u8(event.view.version, 'version');
      w.u8(event.view.features.nTables, 'nTables');
      w.u32(event.view.ports.size, 'ports');
      for (const p of event.view.ports.values()) writePort(w, p);
      return;
    }
    case 'switchDown':
      w.u64(event.dpid, 'dpid');
      writeStr(w, event.reason, 'reason');
      return;
    case 'packetIn':
      w.u64(event.dpid, 'dpid');
      writePacketInFrame(w, event, appId);
      return;
    case 'flowRemoved':
      w.u64(event.dpid, 'dpid');
      writeOpenFlow(w, event.message);
      return;
    case 'portStatus':
      w.u64(event.dpid, 'dpid');
      w.u8(event.message.reason, 'reason');
      writePort(w, event.message.desc);
      return;
    case 'error': {
      const m = event.message;
      w.u64(event.dpid, 'dpid');
      w.u16(m.type === 'Error' ? m.errorType : 0xffff, 'type');
      w.u16(m.type === 'Error' ? m.code : m.expType, 'code');
      writeBlob(w, m.data, 'data');
      return;
    }
    case 'pubsub':
      writeStr(w, event.message.subject, 'subject');
      writeBlob(w, event.message.payload, 'payload');
      return;
    case 'kvChange': {
      const { kv } = event.change;
      writeBlob(w, kv.key, 'key');
      w.u8(event.change.type === 'put' ? 1 : 0, 'hasValue');
      writeBlob(w, kv.value, 'value');
      w.u64(kv.modRevision, 'revision');
      return;
    }
    case 'linkUp':
      writeLink(w, event.link);
      return;
    case 'linkDown':
      writeLink(w, event.link);
      writeStr(w, event.reason, 'reason');
      return;
    case 'hostAdded':
      writeHost(w, event.host);
      return;
    case 'hostMoved':
      writeHost(w, event.host);
      writeEndpoint(w, event.from);
      return;
    case 'hostRemoved':
      writeHost(w, event.host);
      writeStr(w, event.reason, 'reason');
      return;
    case 'roleChanged':
      w.u64(event.dpid, 'dpid');
      writeStr(w, event.role, 'role');
      w.u8(event.masterNode === undefined ? 0 : 1, 'hasMasterNode');
      writeStr(w, event.masterNode ?? '', 'masterNode');
      w.u8(event.generation === undefined ? 0 : 1, 'hasGeneration');
      w.u64(event.generation ?? 0n, 'generation');
      return;
    default:
      throw new Error(`event ${event.type} has no WIT form`);
  }
}

/** The last dpid read and its text: a batch holds runs of events from one switch. */
let lastDpid = -1n;
let lastDpidText = '';

function readDpid(r: Reader): string {
  const dpid = r.u64('dpid');
  if (dpid !== lastDpid) {
    lastDpidText = formatDpid(dpid);
    lastDpid = dpid;
  }
  return lastDpidText;
}

function witValue(v: OxmValue): WitOxmValue {
  if (typeof v === 'number') return { tag: 'uint', val: v };
  if (typeof v === 'bigint') return { tag: 'big', val: v.toString() };
  return { tag: 'text', val: v };
}

/** OXM fields the codec keeps opaque (other classes, experimenter fields) have no WIT form and are left out. */
export function witMatch(match: readonly OxmField[]): WitOxmField[] {
  const out: WitOxmField[] = [];
  for (const f of match) {
    if ('oxmClass' in f) continue;
    out.push({ field: f.field, value: witValue(f.value), mask: f.mask === undefined ? undefined : witValue(f.mask) });
  }
  return out;
}

function readPort(r: Reader): WitPort {
  return { portNo: r.u32('portNo'), hwAddr: readStr(r, 'hwAddr'), name: readStr(r, 'name'), config: r.u32('config'), state: r.u32('state'), currSpeed: r.u32('currSpeed'), maxSpeed: r.u32('maxSpeed') };
}

function readEndpoint(r: Reader): WitEndpoint {
  return { dpid: formatDpid(r.u64('dpid')), port: r.u32('port') };
}

function readLink(r: Reader): WitLink {
  return { src: readEndpoint(r), dst: readEndpoint(r), latencyMs: r.u32('latencyMs'), srcNode: r.u32('srcNode'), upSinceMs: r.u64('upSinceMs'), lastSeenMs: r.u64('lastSeenMs') };
}

function readHost(r: Reader): WitHost {
  const mac = readStr(r, 'mac');
  const ips: string[] = [];
  for (let n = r.u32('ips'); n > 0; n--) ips.push(readStr(r, 'ip'));
  return { mac, ips, location: readEndpoint(r), firstSeenMs: r.u64('firstSeenMs'), lastSeenMs: r.u64('lastSeenMs') };
}

/** An event as the worker reads it: a WIT value, or a packet-in still in its wire form (`witEvent` decodes it). */
export type WorkerEvent = WitEvent | PacketInFrame;

/** `e` as a WIT value: a packet-in frame decoded (for jco's glue, which lowers WIT values only). */
export function witEvent(e: WorkerEvent): WitEvent {
  if (e.tag !== 'packet-in-frame') return e;
  const p = packetInParts(e);
  return {
    tag: 'packet-in',
    val: { dpid: e.dpid, bufferId: p.bufferId, totalLen: p.totalLen, reason: p.reason, tableId: p.tableId, cookie: p.cookie, inPort: p.inPort, match: witMatch(p.match), data: e.bytes.subarray(p.dataStart, e.end) },
  };
}

/** Reads one event written by `writeEvent` (worker side); a packet-in stays a frame, in `r`'s buffer. */
export function readEvent(r: Reader): WorkerEvent {
  const code = r.u8('kind');
  switch (code) {
    case 1: {
      const dpid = readDpid(r);
      const version = r.u8('version');
      const nTables = r.u8('nTables');
      const ports: WitPort[] = [];
      for (let n = r.u32('ports'); n > 0; n--) ports.push(readPort(r));
      return { tag: 'switch-up', val: { dpid, version, nTables, ports } };
    }
    case 2:
      return { tag: 'switch-down', val: { dpid: readDpid(r), reason: readStr(r, 'reason') } };
    case 3: {
      const dpid = readDpid(r);
      const length = r.u32('packetIn');
      const start = r.pos;
      r.need(length, 'packetIn');
      r.pos += length;
      return { tag: 'packet-in-frame', dpid, bytes: r.buf, start, end: r.pos };
    }
    case 4:
      return { tag: 'port-status', val: { dpid: readDpid(r), reason: r.u8('reason'), desc: readPort(r) } };
    case 5: {
      const dpid = readDpid(r);
      const m = decodeMessage(readBlob(r, 'flowRemoved'));
      if (m.type !== 'FlowRemoved') throw new Error(`expected a FlowRemoved, got ${m.type}`);
      return {
        tag: 'flow-removed',
        val: { dpid, cookie: m.cookie.toString(), priority: m.priority, reason: m.reason, tableId: m.tableId, durationSec: m.durationSec, packetCount: m.packetCount.toString(), byteCount: m.byteCount.toString(), match: witMatch(m.match) },
      };
    }
    case 6:
      return { tag: 'switch-error', val: { dpid: readDpid(r), type: r.u16('type'), code: r.u16('code'), data: new Uint8Array(readBlob(r, 'data')) } };
    case 7:
      return { tag: 'message', val: { subject: readStr(r, 'subject'), payload: new Uint8Array(readBlob(r, 'payload')) } };
    case 8: {
      const key = new Uint8Array(readBlob(r, 'key'));
      const hasValue = r.u8('hasValue') === 1;
      const value = new Uint8Array(readBlob(r, 'value'));
      return { tag: 'kv-change', val: { key, value: hasValue ? value : undefined, revision: r.u64('revision').toString() } };
    }
    case 9:
      return { tag: 'link-up', val: { link: readLink(r) } };
    case 10:
      return { tag: 'link-down', val: { link: readLink(r), reason: readStr(r, 'reason') } };
    case 11:
      return { tag: 'host-added', val: { host: readHost(r) } };
    case 12:
      return { tag: 'host-moved', val: { host: readHost(r), from: readEndpoint(r) } };
    case 13:
      return { tag: 'host-removed', val: { host: readHost(r), reason: readStr(r, 'reason') } };
    case 14: {
      const dpid = readDpid(r);
      const role = readStr(r, 'role');
      const hasMaster = r.u8('hasMasterNode') === 1;
      const masterNode = readStr(r, 'masterNode');
      const hasGeneration = r.u8('hasGeneration') === 1;
      const generation = r.u64('generation');
      return { tag: 'role-changed', val: { dpid, role, masterNode: hasMaster ? masterNode : undefined, generation: hasGeneration ? generation.toString() : undefined } };
    }
    default:
      throw new Error(`unknown event kind code ${code}`);
  }
}
