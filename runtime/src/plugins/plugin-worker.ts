import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, type MessagePort } from 'node:worker_threads';
import type { Reader, Writer } from '../openflow/index.js';
import { WorkerChannel, type ChannelShared } from './channel.js';
import { readEvent, type WorkerEvent } from './events-wire.js';
import type { WitWorldVersion } from '../core/event-kinds.js';
import { loadGlue, type PluginExports } from './glue.js';
import { withHandWrittenHandle } from './hand-glue.js';
import { KV_DELETE, KV_GET, KV_PUT, KvClient } from './kv-bridge.js';
import { ownThreadCpuFile } from './thread-cpu.js';
import { InvalidCommandError, writeCommand } from './wit-commands.js';
import type { WitCommand, WitHostError, WitLogLevel } from './wit-types.js';
import { beginReply, emptyTrailer, finishReply, HOST_INTERFACES, LOG_LEVELS, MSG_BATCH, MSG_REINSTANTIATE, resetTrailer, writeFault, type HostInterface } from './wire.js';

/**
 * Worker entry: one plugin instance. Started before it knows its plugin (a
 * spare, worker-supply.ts), it waits for an `assign` message, runs the glue
 * (loaded as a function body), instantiates the core modules it was given
 * (compiled with the memory cap by module-cache.ts), calls `initialize`, then
 * waits on the batch channel (channel.ts) and runs one `handle` per batch
 * (through the hand-written glue where it applies: hand-glue.ts). A
 * trap poisons the instance: the worker reports it and re-instantiates only
 * when the main thread says so (after its backoff). Deadlines are the main
 * thread's job: it terminates this worker. Between batches this thread spins,
 * then blocks in `Atomics.wait`; its event loop runs only while it starts or
 * re-instantiates.
 */
export interface PluginWorkerData {
  readonly name: string;
  /** The compile-cache folder of the component (glue.js). */
  readonly dir: string;
  /** The world version the component was built for: the hand-written `handle` glue has the layout of one (hand-glue.ts). */
  readonly world: WitWorldVersion;
  /** Core modules by file name, compiled with the memory cap. */
  readonly modules: ReadonlyMap<string, WebAssembly.Module>;
  readonly config: string;
  readonly capabilities: readonly string[];
  /** The key prefixes (UTF-8) kv calls may touch; undefined: every key. */
  readonly kvPrefixes: readonly string[] | undefined;
  readonly maxCommands: number;
  readonly kvBuffer: SharedArrayBuffer;
  readonly channel: ChannelShared;
  /** The channel's port for messages too big for its areas (transferred). */
  readonly port: MessagePort;
}

/** The first message a plugin worker gets, and the only one on its parent port. */
export interface AssignMessage {
  readonly t: 'assign';
  readonly data: PluginWorkerData;
}

const MAX_LOGS_PER_CALL = 100;
const MAX_LOG_CHARS = 4096;
const SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;

const port = parentPort!;
const data = await new Promise<PluginWorkerData>((resolve) => port.once('message', (m: AssignMessage) => resolve(m.data)));
/** When this worker got its plugin, in epoch ms (sub-millisecond, comparable across threads). */
const epochMs = (): number => performance.timeOrigin + performance.now();
const assignedAt = epochMs();
const granted = new Set<string>([...data.capabilities, 'log', 'clock']);
const kvPrefixes = data.kvPrefixes?.map((p) => Buffer.from(p, 'utf8'));
const kv = new KvClient(data.kvBuffer, () => port.postMessage({ t: 'kv' }));
const channel = new WorkerChannel(data.channel, data.port);
/** What the current call produced besides its commands, which go straight into `reply`. */
const out = emptyTrailer();
let reply: Writer = channel.begin();
let handled = 0;
let commands = 0;

function addCommand(c: WitCommand, source: string, index: number): void {
  if (handled >= data.maxCommands) {
    out.cut++;
    return;
  }
  handled++;
  try {
    writeCommand(reply, c, source, index);
    commands++;
  } catch (err) {
    if (!(err instanceof InvalidCommandError)) throw err;
    if (out.invalid++ === 0) out.firstInvalidReason = err.message;
  }
}

/**
 * Wraps a host function: counts the call, or refuses it when its capability is
 * not granted or `inScope` says its arguments reach beyond the manifest.
 */
function host<A extends unknown[], R>(iface: HostInterface, fn: (...args: A) => R, inScope?: (...args: A) => string | undefined): (...args: A) => R {
  const index = HOST_INTERFACES.indexOf(iface);
  if (!granted.has(iface)) {
    return () => {
      out.denied[index]!++;
      throw { tag: 'denied', val: `the ${iface} capability is not granted to plugin ${data.name}` } satisfies WitHostError;
    };
  }
  return (...args) => {
    const refusal = inScope?.(...args);
    if (refusal !== undefined) {
      out.denied[index]!++;
      throw { tag: 'denied', val: refusal } satisfies WitHostError;
    }
    out.hostCalls[index]!++;
    return fn(...args);
  };
}

/** Why `key` is beyond the manifest's kvPrefixes, or undefined when it is not. */
function keyOutsidePrefixes(key: Uint8Array): string | undefined {
  if (kvPrefixes === undefined || kvPrefixes.some((p) => p.length <= key.length && p.equals(key.subarray(0, p.length)))) return undefined;
  return `plugin ${data.name} may only use keys starting with ${data.kvPrefixes!.map((p) => JSON.stringify(p)).join(', ')}`;
}

let sent = 0;
const imports = {
  'sdn:plugin/types': {},
  'sdn:plugin/openflow': { send: host('openflow', (commands: WitCommand[]) => commands.forEach((c) => addCommand(c, 'send', sent++))) },
  'sdn:plugin/pubsub': {
    publish: host('pubsub', (subject: string, payload: Uint8Array) => {
      if (!SUBJECT.test(subject)) throw { tag: 'invalid', val: `${JSON.stringify(subject.slice(0, 80))} is not a subject (dot-separated tokens, no wildcards)` } satisfies WitHostError;
      out.publishes.push({ subject, payload: payload.slice() });
    }),
  },
  'sdn:plugin/kv': {
    get: host('kv-read', (key: Uint8Array) => kv.call(KV_GET, key), keyOutsidePrefixes),
    put: host('kv-write', (key: Uint8Array, value: Uint8Array) => void kv.call(KV_PUT, key, value), keyOutsidePrefixes),
    delete: host('kv-write', (key: Uint8Array) => void kv.call(KV_DELETE, key), keyOutsidePrefixes),
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

/** Starts the reply of a call (batch id 0: `initialize`). */
function startCall(batchId: number): void {
  resetTrailer(out);
  handled = 0;
  sent = 0;
  commands = 0;
  reply = channel.begin();
  beginReply(reply, batchId);
}

const glue = withHandWrittenHandle(loadGlue(readFileSync(join(data.dir, 'glue.js'), 'utf8')), data.world);
/** Start-up phases in ms, reported with `ready` (see StartupTimes in runner.ts); the glue's is known now. */
/** Where the runner reads this thread's CPU time for the deadline (thread-cpu.ts). */
const cpuFile = ownThreadCpuFile();
const startup = { assignedAt, glueMs: epochMs() - assignedAt, instantiateMs: 0, initializeMs: 0 };
let instance: PluginExports | undefined;

/** Instantiates and initializes; says `ready` (with initialize's outputs) or `failed` on the parent port. */
async function instantiateAndInit(): Promise<boolean> {
  instance = undefined;
  startCall(0);
  try {
    const instantiating = performance.now();
    const fresh = await glue(async (name) => data.modules.get(name) ?? Promise.reject(new Error(`no core module ${name}`)), imports);
    const entered = performance.now();
    fresh.initialize(data.config);
    const returned = performance.now();
    out.guestMicros = (returned - entered) * 1000;
    startup.instantiateMs = entered - instantiating;
    startup.initializeMs = returned - entered;
    instance = fresh;
    finishReply(reply, commands, out);
    port.postMessage({ t: 'ready', out: channel.detach(), startup, handleGlue: fresh.jcoOnly === undefined ? 'hand-written' : `jco (${fresh.jcoOnly})`, cpuFile });
    return true;
  } catch (err) {
    port.postMessage({ t: 'failed', reason: 'initFailed', message: `initialize failed: ${messageOf(err)}` });
    return false;
  }
}

const events: WorkerEvent[] = [];

/**
 * A trap's message, with the call's last log line: a trap says only where it
 * happened ("unreachable"), and a guest's panic hook logs why just before it.
 */
function trapMessage(err: unknown): string {
  const last = out.logs.at(-1);
  return last === undefined ? messageOf(err) : `${messageOf(err)}; the guest's last log line: ${last.text}`;
}

function runBatch(r: Reader): void {
  const batchId = r.u32('batchId');
  events.length = 0;
  for (let n = r.u32('count'); n > 0; n--) events.push(readEvent(r));
  startCall(batchId);
  let returned: WitCommand[];
  try {
    if (instance === undefined) throw new Error('the instance is not running');
    const entered = performance.now();
    returned = instance.handle(events) as WitCommand[];
    out.guestMicros = (performance.now() - entered) * 1000;
  } catch (err) {
    instance = undefined;
    writeFault(channel.begin(), batchId, 'trap', trapMessage(err));
    channel.send();
    return;
  }
  for (let i = 0; i < returned.length; i++) addCommand(returned[i]!, 'handle', i);
  finishReply(reply, commands, out);
  channel.send();
}

/** Serves the channel until the main thread terminates this worker. */
async function serve(): Promise<void> {
  for (;;) {
    const r = channel.next();
    const type = r.u8('type');
    if (type === MSG_BATCH) runBatch(r);
    else if (type === MSG_REINSTANTIATE) await instantiateAndInit();
    else throw new Error(`unknown request type ${type} on the batch channel`);
  }
}

if (await instantiateAndInit()) await serve();
