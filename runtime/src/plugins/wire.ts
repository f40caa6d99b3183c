import type { Reader, Writer } from '../openflow/index.js';

/**
 * The compact binary messages between the main thread and a plugin worker, in
 * the areas of the batch channel (channel.ts). Big-endian, built on the codec's
 * Writer/Reader.
 *
 *   batch        (main -> worker): u8 MSG_BATCH, u32 batch id, u32 count, events (events-wire.ts)
 *   reinstantiate (main -> worker): u8 MSG_REINSTANTIATE
 *   reply        (worker -> main): u8 MSG_REPLY, u32 batch id, outputs
 *   fault        (worker -> main): u8 MSG_FAULT, u32 batch id, str cause, str message
 *   outputs: commands (u32 n; u64 dpid, blob OpenFlow 1.3 message), then u32 µs inside the guest,
 *            u32 invalid, u32 cut, str first invalid reason, u32[6] host calls, u32[6] denied,
 *            u32 logs dropped, publishes (u32 n; str subject, blob payload), logs (u32 n; u8 level, str text)
 * Commands come first because the worker encodes each one into the reply as the
 * guest produces it; the count is patched in when the call returns.
 */
export const MSG_BATCH = 1;
export const MSG_REPLY = 2;
export const MSG_FAULT = 3;
export const MSG_REINSTANTIATE = 4;

/** Offset of the command count in a reply. */
const COUNT_AT = 5;

/** Host interfaces in counter order; log and clock are always granted. */
export const HOST_INTERFACES = ['openflow', 'pubsub', 'kv-read', 'kv-write', 'log', 'clock'] as const;
export type HostInterface = (typeof HOST_INTERFACES)[number];

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A u32 byte length, then the UTF-8 bytes, written in place. */
export function writeStr(w: Writer, s: string, field: string): void {
  const at = w.pos;
  w.u32(0, field);
  if (s.length === 0) return;
  w.ensure(s.length * 3);
  const n = w.buf.write(s, w.pos, 'utf8');
  w.buf.writeUInt32BE(n, at);
  w.pos += n;
}

export function writeBlob(w: Writer, b: Uint8Array, field: string): void {
  w.u32(b.length, field);
  w.bytes(b, field);
}

export function readStr(r: Reader, field: string): string {
  const n = r.u32(field);
  return n === 0 ? '' : r.bytes(n, field).toString('utf8');
}

export function readBlob(r: Reader, field: string): Buffer {
  return r.bytes(r.u32(field), field);
}

/** One command a plugin asked for: the switch and an OpenFlow 1.3 message (xid 0). */
export interface WireCommand {
  readonly dpid: bigint;
  readonly message: Buffer;
}

/** What one `initialize` or `handle` call produced besides its commands (the worker keeps one and resets it per call). */
export interface CallTrailer {
  /** Commands that could not become OpenFlow messages. */
  invalid: number;
  /** Commands beyond the manifest's maxCommandsPerBatch. */
  cut: number;
  /** Microseconds the call spent inside the guest (`handle` or `initialize`). */
  guestMicros: number;
  firstInvalidReason: string;
  readonly hostCalls: number[];
  readonly denied: number[];
  logsDropped: number;
  readonly publishes: { readonly subject: string; readonly payload: Uint8Array }[];
  readonly logs: { readonly level: number; readonly text: string }[];
}

/** What one `initialize` or `handle` call produced, as the main thread reads it. */
export interface Outputs extends CallTrailer {
  readonly commands: WireCommand[];
}

export function emptyTrailer(): CallTrailer {
  return { invalid: 0, cut: 0, guestMicros: 0, firstInvalidReason: '', hostCalls: HOST_INTERFACES.map(() => 0), denied: HOST_INTERFACES.map(() => 0), logsDropped: 0, publishes: [], logs: [] };
}

export function resetTrailer(t: CallTrailer): void {
  t.invalid = 0;
  t.cut = 0;
  t.guestMicros = 0;
  t.firstInvalidReason = '';
  t.hostCalls.fill(0);
  t.denied.fill(0);
  t.logsDropped = 0;
  t.publishes.length = 0;
  t.logs.length = 0;
}

/** Starts a reply (or the outputs of `initialize`, id 0); commands follow. */
export function beginReply(w: Writer, batchId: number): void {
  w.u8(MSG_REPLY, 'type');
  w.u32(batchId, 'batchId');
  w.u32(0, 'commands');
}

/** Ends a reply begun with `beginReply`: the command count, then the trailer. */
export function finishReply(w: Writer, commands: number, t: CallTrailer): void {
  w.buf.writeUInt32BE(commands, COUNT_AT);
  w.u32(Math.min(0xffffffff, Math.round(t.guestMicros)), 'guestMicros');
  w.u32(t.invalid, 'invalid');
  w.u32(t.cut, 'cut');
  writeStr(w, t.firstInvalidReason, 'firstInvalidReason');
  for (const n of t.hostCalls) w.u32(n, 'hostCalls');
  for (const n of t.denied) w.u32(n, 'denied');
  w.u32(t.logsDropped, 'logsDropped');
  w.u32(t.publishes.length, 'publishes');
  for (const p of t.publishes) {
    writeStr(w, p.subject, 'subject');
    writeBlob(w, p.payload, 'payload');
  }
  w.u32(t.logs.length, 'logs');
  for (const l of t.logs) {
    w.u8(l.level, 'level');
    writeStr(w, l.text, 'text');
  }
}

export function writeFault(w: Writer, batchId: number, cause: string, message: string): void {
  w.u8(MSG_FAULT, 'type');
  w.u32(batchId, 'batchId');
  writeStr(w, cause, 'cause');
  writeStr(w, message, 'message');
}

/** Reads the outputs of a reply, after its type and batch id. */
function readCounts(r: Reader, field: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < HOST_INTERFACES.length; i++) out.push(r.u32(field));
  return out;
}

export function readOutputs(r: Reader): Outputs {
  const commands: WireCommand[] = [];
  for (let n = r.u32('commands'); n > 0; n--) commands.push({ dpid: r.u64('dpid'), message: readBlob(r, 'message') });
  const guestMicros = r.u32('guestMicros');
  const invalid = r.u32('invalid');
  const cut = r.u32('cut');
  const firstInvalidReason = readStr(r, 'firstInvalidReason');
  const hostCalls = readCounts(r, 'hostCalls');
  const denied = readCounts(r, 'denied');
  const logsDropped = r.u32('logsDropped');
  const publishes: CallTrailer['publishes'] = [];
  for (let n = r.u32('publishes'); n > 0; n--) publishes.push({ subject: readStr(r, 'subject'), payload: readBlob(r, 'payload') });
  const logs: CallTrailer['logs'] = [];
  for (let n = r.u32('logs'); n > 0; n--) logs.push({ level: r.u8('level'), text: readStr(r, 'text') });
  return { commands, guestMicros, invalid, cut, firstInvalidReason, hostCalls, denied, logsDropped, publishes, logs };
}
