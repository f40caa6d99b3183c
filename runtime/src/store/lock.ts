import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { KvError } from './errors.js';

interface NativeLock {
  tryLock(fd: number): boolean;
}
let nativeLock: NativeLock | undefined;

/**
 * Node has no file lock of its own; fs-native-extensions ships prebuilt
 * binaries (nothing is compiled at install: linux x64/arm64 with glibc, macOS,
 * Windows) and takes an open file description lock (Linux `F_OFD_SETLK`,
 * `flock` on macOS). Loaded on first use, so a platform without a prebuilt
 * binary gets a KvError that says so instead of an import failure.
 */
function loadNativeLock(): NativeLock {
  try {
    nativeLock ??= createRequire(import.meta.url)('fs-native-extensions') as NativeLock;
    return nativeLock;
  } catch (error) {
    throw new KvError('KV_STORAGE', `cannot load fs-native-extensions, the store's file lock (${(error as Error).message}): run \`npm ci\` on a platform it ships a binary for (${process.platform}-${process.arch} here)`, { cause: error });
  }
}

/**
 * One process owns a store directory: the revision counter and the watch
 * fan-out live in that process's memory, so a second writer would hand out
 * duplicate revisions. lmdb itself allows several processes, hence this lock.
 *
 * It is a kernel lock on `owner.lock`, held by an open file descriptor: the
 * kernel releases it when the process ends however it ends (kill -9, OOM,
 * container restart), so a crash never leaves a lock that blocks the next
 * start, and no pid is trusted (a pid in a file can be reused, belong to a
 * zombie, or be 1 in every container). A second descriptor conflicts even
 * within one process, so opening a store twice is refused too. The file's text
 * (pid, host, start time) only names the holder in the refusal; the file is
 * never deleted, since a lock on a deleted file protects nothing.
 */
export class DirectoryLock {
  private constructor(private fd: number | undefined) {}

  /** @throws KvError `KV_LOCKED` when a live process (this one included) holds the lock, `KV_STORAGE` when the file cannot be opened. */
  static acquire(path: string): DirectoryLock {
    let fd: number;
    try {
      fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    } catch (error) {
      throw new KvError('KV_STORAGE', `cannot open lock file ${path}: ${(error as Error).message}`, { cause: error });
    }
    let locked: boolean;
    try {
      locked = loadNativeLock().tryLock(fd);
    } catch (error) {
      fs.closeSync(fd);
      throw new KvError('KV_STORAGE', `cannot lock ${path}: ${(error as Error).message}`, { cause: error });
    }
    if (!locked) {
      const holder = readHolder(fd);
      fs.closeSync(fd);
      const self = holder.pid === process.pid && holder.host === os.hostname() ? ' (this process: the store is already open)' : '';
      throw new KvError('KV_LOCKED', `${path} is locked by a running process: ${holder.text}${self}; stop it or give this runtime another data directory`);
    }
    try {
      const text = `pid ${process.pid} on host ${os.hostname()} since ${new Date().toISOString()}\n`;
      fs.ftruncateSync(fd, 0);
      fs.writeSync(fd, text, 0);
    } catch (error) {
      fs.closeSync(fd);
      throw new KvError('KV_STORAGE', `cannot write lock file ${path}: ${(error as Error).message}`, { cause: error });
    }
    return new DirectoryLock(fd);
  }

  /** Releases the lock (closing the descriptor drops it); idempotent. */
  release(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      fs.ftruncateSync(fd, 0);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Who holds the lock, as its file says (bounded read: the text is one short line). */
function readHolder(fd: number): { text: string; pid: number | undefined; host: string | undefined } {
  const buffer = Buffer.alloc(256);
  let length = 0;
  try {
    length = fs.readSync(fd, buffer, 0, buffer.length, 0);
  } catch {
    return { text: 'unknown process (its lock file cannot be read)', pid: undefined, host: undefined };
  }
  const text = buffer.subarray(0, length).toString('utf8').trim();
  const match = /^pid (\d+) on host (\S+)/.exec(text);
  if (match === null) return { text: text === '' ? 'unknown process (it has not written its name yet)' : JSON.stringify(text), pid: undefined, host: undefined };
  return { text, pid: Number(match[1]), host: match[2] };
}
