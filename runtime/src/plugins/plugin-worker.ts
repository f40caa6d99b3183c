import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { Writer } from '../openflow/index.js';
import { readEvent } from './events-wire.js';
import { loadGlue, type PluginExports } from './glue.js';
import { KV_DELETE, KV_GET, KV_PUT, KvClient } from './kv-bridge.js';
import { capMemory } from './wasm-memory.js';
import { encodeCommand, InvalidCommandError } from './wit-commands.js';
import type { WitCommand, WitEvent, WitHostError, WitLogLevel } from './wit-types.js';
import { emptyOutputs, HOST_INTERFACES, LOG_LEVELS, MSG_BATCH, MSG_FAULT, MSG_REPLY, readerOf, toTransferable, writeOutputs, writeStr, type HostInterface, type Outputs } from './wire.js';

/**
 * Worker entry: one plugin instance. Runs the glue (loaded as a function body),
 * compiles the core modules with the memory cap, calls `initialize`, then one
 * `handle` per batch message. A trap poisons the instance: the worker reports it
 * and re-instantiates only when the main thread says so (after its backoff).
 * Deadlines are the main thread's job: it terminates this worker.
 */
export interface PluginWorkerData {
  readonly name: string;
  readonly dir: string;
  readonly coreModules: readonly string[];
  readonly memoryPages: number;
  readonly config: string;
  readonly capabilities: readonly string[];
  readonly maxCommands: number;
  readonly kvBuffer: SharedArrayBuffer;
}

/** QuickJS guests are built with extended constant expressions (default from Node 22). */
setFlagsFromString('--experimental-wasm-extended-const');

const MAX_LOGS_PER_CALL = 100;
const MAX_LOG_CHARS = 4096;
const SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;

const data = workerData as PluginWorkerData;
const port = parentPort!;
const granted = new Set<string>([...data.capabilities, 'log', 'clock']);
const kv = new KvClient(data.kvBuffer, () => port.postMessage({ t: 'kv' }));
let out: Outputs = emptyOutputs();
let handled = 0;

function addCommand(c: WitCommand, where: string): void {
  if (handled >= data.maxCommands) {
    out.cut++;
    return;
  }
  handled++;
  try {
    out.commands.push(encodeCommand(c, where));
  } catch (err) {
    if (!(err instanceof InvalidCommandError)) throw err;
    if (out.invalid++ === 0) out.firstInvalidReason = err.message;
  }
}

/** Wraps a host function: counts the call, or refuses it when its capability is not granted. */
function host<A extends unknown[], R>(iface: HostInterface, fn: (...args: A) => R): (...args: A) => R {
  const index = HOST_INTERFACES.indexOf(iface);
  if (!granted.has(iface)) {
    return () => {
      out.denied[index]!++;
      throw { tag: 'denied', val: `the ${iface} capability is not granted to plugin ${data.name}` } satisfies WitHostError;
    };
  }
  return (...args) => {
    out.hostCalls[index]!++;
    return fn(...args);
  };
}

let sent = 0;
const imports = {
  'sdn:plugin/types': {},
  'sdn:plugin/openflow': { send: host('openflow', (commands: WitCommand[]) => commands.forEach((c) => addCommand(c, `send[${sent++}]`))) },
  'sdn:plugin/pubsub': {
    publish: host('pubsub', (subject: string, payload: Uint8Array) => {
      if (!SUBJECT.test(subject)) throw { tag: 'invalid', val: `${JSON.stringify(subject.slice(0, 80))} is not a subject (dot-separated tokens, no wildcards)` } satisfies WitHostError;
      out.publishes.push({ subject, payload: payload.slice() });
    }),
  },
  'sdn:plugin/kv': {
    get: host('kv-read', (key: Uint8Array) => kv.call(KV_GET, key)),
    put: host('kv-write', (key: Uint8Array, value: Uint8Array) => void kv.call(KV_PUT, key, value)),
    delete: host('kv-write', (key: Uint8Array) => void kv.call(KV_DELETE, key)),
  },
  'sdn:plugin/log': {
    log: host('log', (level: WitLogLevel, message: string) => {
      if (out.logs.length >= MAX_LOGS_PER_CALL) out.logsDropped++;
      else out.logs.push({ level: LOG_LEVELS.indexOf(level), text: message.slice(0, MAX_LOG_CHARS) });
    }),
  },
  'sdn:plugin/clock': { nowMs: host('clock', () => BigInt(Date.now())) },
};

function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'payload' in err) return String((err as { payload: unknown }).payload);
  return err instanceof Error ? err.message : String(err);
}

function startCall(): void {
  out = emptyOutputs();
  handled = 0;
  sent = 0;
}

function encodeOutputs(type: number, batchId: number): ArrayBuffer {
  const w = new Writer(256);
  w.u8(type, 'type');
  w.u32(batchId, 'batchId');
  writeOutputs(w, out);
  return toTransferable(w);
}

const glue = loadGlue(readFileSync(join(data.dir, 'glue.js'), 'utf8'));
const modules = new Map<string, WebAssembly.Module>();
let instance: PluginExports | undefined;

interface LoadProblem {
  readonly reason: 'memory' | 'notComponent';
  readonly message: string;
}

async function compileAll(): Promise<LoadProblem | undefined> {
  for (const name of data.coreModules) {
    try {
      const capped = capMemory(readFileSync(join(data.dir, name)), data.memoryPages);
      if (capped.requiredPages > data.memoryPages) {
        return { reason: 'memory', message: `the component starts with ${Math.ceil(capped.requiredPages / 16)} MiB of memory; the manifest caps it at ${data.memoryPages / 16} MiB` };
      }
      modules.set(name, await WebAssembly.compile(capped.bytes));
    } catch (err) {
      return { reason: 'notComponent', message: `core module ${name} does not compile: ${messageOf(err)}` };
    }
  }
  return undefined;
}

async function instantiateAndInit(): Promise<void> {
  instance = undefined;
  startCall();
  try {
    const fresh = await glue(async (name) => modules.get(name) ?? Promise.reject(new Error(`no core module ${name}`)), imports);
    fresh.initialize(data.config);
    instance = fresh;
    port.postMessage({ t: 'ready', out: encodeOutputs(MSG_REPLY, 0) });
  } catch (err) {
    port.postMessage({ t: 'failed', reason: 'initFailed', message: `initialize failed: ${messageOf(err)}` });
  }
}

function runBatch(buffer: ArrayBuffer): void {
  const r = readerOf(buffer, 'batch');
  r.u8('type');
  const batchId = r.u32('batchId');
  const events: WitEvent[] = [];
  for (let n = r.u32('count'); n > 0; n--) events.push(readEvent(r));
  startCall();
  let returned: WitCommand[];
  try {
    if (instance === undefined) throw new Error('the instance is not running');
    returned = instance.handle(events) as WitCommand[];
  } catch (err) {
    instance = undefined;
    const w = new Writer(128);
    w.u8(MSG_FAULT, 'type');
    w.u32(batchId, 'batchId');
    writeStr(w, 'trap', 'cause');
    writeStr(w, messageOf(err), 'message');
    const fault = toTransferable(w);
    port.postMessage(fault, [fault]);
    return;
  }
  returned.forEach((c, i) => addCommand(c, `handle[${i}]`));
  const reply = encodeOutputs(MSG_REPLY, batchId);
  port.postMessage(reply, [reply]);
}

port.on('message', (msg: ArrayBuffer | { t: 'reinstantiate' }) => {
  if (msg instanceof ArrayBuffer) {
    if (new Uint8Array(msg)[0] === MSG_BATCH) runBatch(msg);
  } else if (msg.t === 'reinstantiate') void instantiateAndInit();
});

const problem = await compileAll();
if (problem !== undefined) port.postMessage({ t: 'failed', ...problem });
else await instantiateAndInit();
