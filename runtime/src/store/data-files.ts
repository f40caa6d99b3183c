import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KvError } from './errors.js';
import { HEADER_READ_BYTES, headerProblem } from './lmdb-header.js';

/**
 * Checks of a store directory's files before lmdb opens them. lmdb opens a
 * missing or empty data file as a new, empty store, and crashes (SIGSEGV,
 * SIGBUS: no error, no log line) on a damaged one. So:
 *
 * - `store-created` is written once, when a new store has its format; if it is
 *   there, a missing data file is a lost store, not a new one.
 * - the data file's meta pages are checked (lmdb-header.ts), an empty file included;
 * - an existing data file is then read whole in a child process
 *   (lmdb-probe.ts): a damaged page kills the child, and the runtime refuses
 *   with a message instead of dying. This costs one read of the store at
 *   start (about the time to read the file from disk).
 *
 * Every refusal is `KV_CORRUPT`, names the file and says what to do.
 */

const DATA_FILE = 'data.mdb';
const CREATED_FILE = 'store-created';
const PROBE = fileURLToPath(new URL('./lmdb-probe.js', import.meta.url));
/** Stderr kept from the probe: one error line is expected. */
const PROBE_STDERR_BYTES = 4096;

function whatToDo(directory: string): string {
  return `restore ${directory} from a backup, or move it away to start an empty store (its keys are then lost)`;
}

/** Whether `<directory>/store-created` exists. */
export function wasCreated(directory: string): boolean {
  return fs.existsSync(path.join(directory, CREATED_FILE));
}

/** Refuses a store directory whose data file is lost or damaged; a new store passes. @throws KvError `KV_CORRUPT`, `KV_STORAGE`. */
export async function checkDataFiles(directory: string, probeTimeoutMs: number): Promise<void> {
  const file = path.join(directory, DATA_FILE);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new KvError('KV_STORAGE', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
    if (wasCreated(directory)) {
      throw new KvError('KV_CORRUPT', `${file} is missing, but ${path.join(directory, CREATED_FILE)} says a store was created here: ${whatToDo(directory)}`);
    }
    return;
  }
  const problem = headerProblem(readHead(file, size), size);
  if (problem !== undefined) throw new KvError('KV_CORRUPT', `${file} is damaged (${problem}): ${whatToDo(directory)}`);
  await probe(directory, file, probeTimeoutMs);
}

/** Records that the store in `directory` exists (durably: the file and its directory entry are synced). */
export function markCreated(directory: string): void {
  const file = path.join(directory, CREATED_FILE);
  if (fs.existsSync(file)) return;
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, `an sdn-runtime KV store was created here on ${new Date().toISOString()}; without ${DATA_FILE} it is lost, not new\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  const dir = fs.openSync(directory, 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}

function readHead(file: string, size: number): Buffer {
  const head = Buffer.alloc(Math.min(size, HEADER_READ_BYTES));
  const fd = fs.openSync(file, 'r');
  try {
    let length = 0;
    while (length < head.length) {
      const read = fs.readSync(fd, head, length, head.length - length, length);
      if (read === 0) break;
      length += read;
    }
    return head.subarray(0, length);
  } finally {
    fs.closeSync(fd);
  }
}

async function probe(directory: string, file: string, timeoutMs: number): Promise<void> {
  const child = spawn(process.execPath, [PROBE, directory], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < PROBE_STDERR_BYTES) stderr += chunk.toString('utf8', 0, PROBE_STDERR_BYTES - stderr.length);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c: number | null, s: NodeJS.Signals | null) => resolve([c, s]));
  }).finally(() => clearTimeout(timer));
  if (timedOut) throw new KvError('KV_STORAGE', `reading ${file} to check it took more than ${timeoutMs} ms (raise the store's checkTimeoutMs for a store this large)`);
  if (signal !== null) throw new KvError('KV_CORRUPT', `${file} is damaged (lmdb crashed with ${signal} reading it): ${whatToDo(directory)}`);
  if (code !== 0) throw new KvError('KV_CORRUPT', `${file} is damaged (${stderr.trim().split('\n')[0] ?? 'lmdb failed to read it'}): ${whatToDo(directory)}`);
}
