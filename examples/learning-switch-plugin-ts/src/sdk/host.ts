import { nowMs as hostNowMs } from 'sdn:plugin/clock@0.2.0';
import kv from 'sdn:plugin/kv@0.2.0';
import { log as hostLog } from 'sdn:plugin/log@0.2.0';
import { send as hostSend } from 'sdn:plugin/openflow@0.2.0';
import { publish as hostPublish } from 'sdn:plugin/pubsub@0.2.0';
import { utf8 } from './bytes.js';
import type { Command, HostError } from './wit.js';

/**
 * Calls into the runtime. A call whose capability plugin.json does not grant
 * (openflow, pubsub, kv-read, kv-write) throws an Error whose `payload` is a
 * HostError (`hostError(err)` reads it); `log` and `clock` are always granted.
 * The guest has no WASI: `Date.now()` and `new Date()` trap, there is no
 * `console` and no TextEncoder. Use `nowMs()`, `log` and `utf8()`.
 */

/** Lines in the runtime's log, tagged with the plugin's name (at most 100 per call, 4096 characters each). */
export const log = {
  debug: (message: string): void => hostLog('debug', message),
  info: (message: string): void => hostLog('info', message),
  warn: (message: string): void => hostLog('warn', message),
  error: (message: string): void => hostLog('error', message),
};

/** Milliseconds since the Unix epoch. */
export function nowMs(): number {
  return hostNowMs();
}

/** Sends commands now, before `handle` returns. Capability: openflow. */
export function send(commands: readonly Command[]): void {
  hostSend(commands);
}

/** Publishes to other apps; `subject` is dot-separated tokens without wildcards. Capability: pubsub. */
export function publish(subject: string, payload: Uint8Array | string): void {
  hostPublish(subject, typeof payload === 'string' ? utf8(payload) : payload);
}

const keyBytes = (key: Uint8Array | string): Uint8Array => (typeof key === 'string' ? utf8(key) : key);

/** The value under `key`, or null. Capability: kv-read. */
export function kvGet(key: Uint8Array | string): Uint8Array | null {
  return kv.get(keyBytes(key));
}

/** Capability: kv-write. */
export function kvPut(key: Uint8Array | string, value: Uint8Array | string): void {
  kv.put(keyBytes(key), typeof value === 'string' ? utf8(value) : value);
}

/** Capability: kv-write. */
export function kvDelete(key: Uint8Array | string): void {
  kv.delete(keyBytes(key));
}

/** The HostError a failed host call threw, or undefined for any other exception. */
export function hostError(err: unknown): HostError | undefined {
  if (typeof err !== 'object' || err === null || !('payload' in err)) return undefined;
  const payload = (err as { payload: unknown }).payload;
  if (typeof payload !== 'object' || payload === null || !('tag' in payload)) return undefined;
  return payload as HostError;
}
