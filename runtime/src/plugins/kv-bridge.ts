import type { KvStore } from '../store/index.js';
import type { WitHostError } from './wit-types.js';

/**
 * `kv.get/put/delete` are synchronous in the guest, the KvStore is asynchronous
 * on the main thread. The worker writes the request into a SharedArrayBuffer,
 * tells the main thread with a message and blocks in `Atomics.wait`; the main
 * thread (which never waits) runs the store call and wakes it with
 * `Atomics.notify`. The time counts against the batch deadline, so a store that
 * hangs gets the plugin restarted, not the runtime stuck.
 *
 * Layout: Int32 [state, op|status, keyLen, valueLen], then the data area
 * (key then value for a request; the value or an error text for an answer).
 */
export const KV_DATA_BYTES = 1 << 20;
const HEADER_BYTES = 16;
const IDLE = 0;
const REQUEST = 1;
const ANSWER = 2;

export const KV_GET = 1;
export const KV_PUT = 2;
export const KV_DELETE = 3;

const OK_NONE = 0;
const OK_VALUE = 1;
const ERR_UNAVAILABLE = 2;

export function createKvBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + KV_DATA_BYTES);
}

/** Worker side: one blocking call at a time (the guest is single-threaded). */
export class KvClient {
  private readonly control: Int32Array;
  private readonly data: Uint8Array;
  private readonly notifyMain: () => void;

  constructor(buffer: SharedArrayBuffer, notifyMain: () => void) {
    this.control = new Int32Array(buffer, 0, 4);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
    this.notifyMain = notifyMain;
  }

  /** Returns the value (get) or undefined; throws a WitHostError for the guest. */
  call(op: number, key: Uint8Array, value?: Uint8Array): Uint8Array | undefined {
    const valueLen = value?.length ?? 0;
    if (key.length + valueLen > KV_DATA_BYTES) throw { tag: 'invalid', val: `key and value together exceed ${KV_DATA_BYTES} bytes` } satisfies WitHostError;
    this.data.set(key, 0);
    if (value !== undefined) this.data.set(value, key.length);
    this.control[1] = op;
    this.control[2] = key.length;
    this.control[3] = valueLen;
    Atomics.store(this.control, 0, REQUEST);
    this.notifyMain();
    while (Atomics.load(this.control, 0) === REQUEST) Atomics.wait(this.control, 0, REQUEST);
    const status = this.control[1]!;
    const len = this.control[3]!;
    const answer = this.data.slice(0, len);
    Atomics.store(this.control, 0, IDLE);
    if (status === OK_VALUE) return answer;
    if (status === OK_NONE) return undefined;
    throw { tag: 'unavailable', val: new TextDecoder().decode(answer) } satisfies WitHostError;
  }
}

/** Main side: answers the request waiting in `buffer` (called when the worker says so). */
export async function serveKv(buffer: SharedArrayBuffer, store: KvStore | undefined): Promise<void> {
  const control = new Int32Array(buffer, 0, 4);
  const data = new Uint8Array(buffer, HEADER_BYTES);
  if (Atomics.load(control, 0) !== REQUEST) return;
  const op = control[1]!;
  const key = data.slice(0, control[2]!);
  const value = data.slice(control[2]!, control[2]! + control[3]!);
  let status = OK_NONE;
  let answer: Uint8Array = new Uint8Array(0);
  try {
    if (store === undefined) throw new Error('this runtime has no key-value store');
    if (op === KV_GET) {
      const kv = await store.get(key);
      if (kv !== undefined) {
        status = OK_VALUE;
        answer = kv.value;
      }
    } else if (op === KV_PUT) await store.put(key, value);
    else await store.delete(key);
  } catch (err) {
    status = ERR_UNAVAILABLE;
    answer = new TextEncoder().encode((err as Error).message.slice(0, 1024));
  }
  if (answer.length > KV_DATA_BYTES) {
    status = ERR_UNAVAILABLE;
    answer = new TextEncoder().encode(`the value is larger than ${KV_DATA_BYTES} bytes`);
  }
  data.set(answer, 0);
  control[1] = status;
  control[3] = answer.length;
  Atomics.store(control, 0, ANSWER);
  Atomics.notify(control, 0);
}
