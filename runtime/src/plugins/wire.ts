import type { Writer } from '../openflow/index.js';
import { Reader } from '../openflow/index.js';

/**
 * The compact binary messages between the main thread and a plugin worker
 * (structured-clone envelopes cost 40-60 us each, so a batch travels as one
 * transferred ArrayBuffer). Big-endian, built on the codec's Writer/Reader.
 *
 *   batch  (main -> worker): u8 MSG_BATCH, u32 batch id, u32 count, events (events-wire.ts)
 *   reply  (worker -> main): u8 MSG_REPLY, u32 batch id, outputs
 *   fault  (worker -> main): u8 MSG_FAULT, u32 batch id, str cause, str message
 *   outputs: u32 invalid, u32 cut, str first invalid reason, u32[6] host calls, u32[6] denied,
 *            u32 logs dropped, commands (u32 n; u64 dpid, blob OpenFlow 1.3 message),
 *            publishes (u32 n; str subject, blob payload), logs (u32 n; u8 level, str text)
 */
export const MSG_BATCH = 1;
export const MSG_REPLY = 2;
export const MSG_FAULT = 3;

/** Host interfaces in counter order; log and clock are always granted. */
export const HOST_INTERFACES = ['openflow', 'pubsub', 'kv-read', 'kv-write', 'log', 'clock'] as const;
export type HostInterface = (typeof HOST_INTERFACES)[number];

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function writeStr(w: Writer, s: string, field: string): void {
  writeBlob(w, utf8.encode(s), field);
}

export function writeBlob(w: Writer, b: Uint8Array, field: string): void {
  w.u32(b.length, field);
  w.bytes(b, field);
}

export function readStr(r: Reader, field: string): string {
  return utf8Decoder.decode(readBlob(r, field));
}

export function readBlob(r: Reader, field: string): Buffer {
  return r.bytes(r.u32(field), field);
}

/** The bytes written so far as a fresh ArrayBuffer of exactly that size (to transfer). */
export function toTransferable(w: Writer): ArrayBuffer {
  const out = new ArrayBuffer(w.pos);
  new Uint8Array(out).set(w.view());
  return out;
}

export function readerOf(buffer: ArrayBuffer, context: string): Reader {
  const buf = Buffer.from(buffer);
  return new Reader(buf, 0, buf.length, context);
}

/** One command a plugin asked for: the switch and an OpenFlow 1.3 message (xid 0). */
export interface WireCommand {
  readonly dpid: bigint;
  readonly message: Buffer;
}

/** What one `initialize` or `handle` call produced, besides the verdict. */
export interface Outputs {
  /** Commands that could not become OpenFlow messages. */
  invalid: number;
  /** Commands beyond the manifest's maxCommandsPerBatch. */
  cut: number;
  firstInvalidReason: string;
  readonly hostCalls: number[];
  readonly denied: number[];
  logsDropped: number;
  readonly commands: WireCommand[];
  readonly publishes: { readonly subject: string; readonly payload: Uint8Array }[];
  readonly logs: { readonly level: number; readonly text: string }[];
}

export function emptyOutputs(): Outputs {
  return { invalid: 0, cut: 0, firstInvalidReason: '', hostCalls: HOST_INTERFACES.map(() => 0), denied: HOST_INTERFACES.map(() => 0), logsDropped: 0, commands: [], publishes: [], logs: [] };
}

export function writeOutputs(w: Writer, o: Outputs): void {
  w.u32(o.invalid, 'invalid');
  w.u32(o.cut, 'cut');
  writeStr(w, o.firstInvalidReason, 'firstInvalidReason');
  for (const n of o.hostCalls) w.u32(n, 'hostCalls');
  for (const n of o.denied) w.u32(n, 'denied');
  w.u32(o.logsDropped, 'logsDropped');
  w.u32(o.commands.length, 'commands');
  for (const c of o.commands) {
    w.u64(c.dpid, 'dpid');
    writeBlob(w, c.message, 'message');
  }
  w.u32(o.publishes.length, 'publishes');
  for (const p of o.publishes) {
    writeStr(w, p.subject, 'subject');
    writeBlob(w, p.payload, 'payload');
  }
  w.u32(o.logs.length, 'logs');
  for (const l of o.logs) {
    w.u8(l.level, 'level');
    writeStr(w, l.text, 'text');
  }
}

export function readOutputs(r: Reader): Outputs {
  const o = emptyOutputs();
  o.invalid = r.u32('invalid');
  o.cut = r.u32('cut');
  o.firstInvalidReason = readStr(r, 'firstInvalidReason');
  for (let i = 0; i < HOST_INTERFACES.length; i++) o.hostCalls[i] = r.u32('hostCalls');
  for (let i = 0; i < HOST_INTERFACES.length; i++) o.denied[i] = r.u32('denied');
  o.logsDropped = r.u32('logsDropped');
  for (let n = r.u32('commands'); n > 0; n--) o.commands.push({ dpid: r.u64('dpid'), message: readBlob(r, 'message') });
  for (let n = r.u32('publishes'); n > 0; n--) o.publishes.push({ subject: readStr(r, 'subject'), payload: readBlob(r, 'payload') });
  for (let n = r.u32('logs'); n > 0; n--) o.logs.push({ level: r.u8('level'), text: readStr(r, 'text') });
  return o;
}
