import fs from 'node:fs';
import { KvError } from './errors.js';

/**
 * One process owns a store directory: the revision counter and the watch
 * fan-out live in that process's memory, so a second writer would hand out
 * duplicate revisions. lmdb itself allows several processes, hence this lock
 * file holding the owner's pid. A file left by a process that died (kill -9) is
 * taken over when that pid no longer runs. Limit: two processes taking over the
 * same stale file at the same instant can both succeed; the lock protects
 * against a second runtime started by mistake, not against that race.
 */
export class DirectoryLock {
  private constructor(private readonly path: string) {}

  static acquire(path: string): DirectoryLock {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
        return new DirectoryLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new KvError('KV_STORAGE', `cannot create lock file ${path}: ${(error as Error).message}`, { cause: error });
        }
      }
      const owner = readOwner(path);
      if (owner !== undefined && isRunning(owner)) {
        throw new KvError('KV_LOCKED', `${path} is held by running process ${owner}${owner === process.pid ? ' (this process: the store is already open)' : ''}`);
      }
      fs.rmSync(path, { force: true });
    }
    throw new KvError('KV_LOCKED', `${path}: another process took the lock while a stale one was removed`);
  }

  release(): void {
    fs.rmSync(this.path, { force: true });
  }
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
