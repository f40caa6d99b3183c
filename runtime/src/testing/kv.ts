import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LmdbKvStore, type LmdbStoreOptions } from '../store/lmdb-store.js';
import type { KvChange, WatchHandler } from '../store/types.js';

/** Bytes from text, for readable tests. */
export function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

export function text(value: Uint8Array): string {
  return Buffer.from(value).toString('latin1');
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A store in a fresh temporary directory; `dispose` closes it and removes the directory. */
export async function openTempStore(options: Partial<LmdbStoreOptions> = {}): Promise<{ store: LmdbKvStore; dataDir: string; dispose: () => Promise<void> }> {
  const dataDir = options.dataDir ?? tempDir('sdn-kv-');
  const store = await LmdbKvStore.open({ ...options, dataDir });
  return {
    store,
    dataDir,
    dispose: async () => {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Records what a watch delivers so a test can wait for a revision instead of sleeping. */
export class WatchRecorder implements WatchHandler {
  readonly deliveries: { revision: bigint; changes: readonly KvChange[] }[] = [];
  compacted: bigint | undefined;
  error: Error | undefined;
  private waiters: { done: () => boolean; resolve: () => void }[] = [];

  onChanges(changes: readonly KvChange[], revision: bigint): void {
    this.deliveries.push({ revision, changes });
    this.wake();
  }

  onCompacted(firstAvailable: bigint): void {
    this.compacted = firstAvailable;
    this.wake();
  }

  onError(error: Error): void {
    this.error = error;
    this.wake();
  }

  get revisions(): bigint[] {
    return this.deliveries.map((d) => d.revision);
  }

  /** Resolves once a delivery with revision >= `revision` arrived (or the watch ended); rejects after `timeoutMs`. */
  until(revision: bigint, timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.deliveries.some((d) => d.revision >= revision), `revision ${revision}`, timeoutMs);
  }

  untilCompacted(timeoutMs = 5000): Promise<bigint> {
    return this.waitFor(() => this.compacted !== undefined, 'onCompacted', timeoutMs).then(() => this.compacted as bigint);
  }

  private waitFor(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const done = (): boolean => predicate() || this.error !== undefined || (this.compacted !== undefined && what !== 'onCompacted');
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== finish);
        reject(new Error(`watch: no ${what} within ${timeoutMs} ms; got revisions [${this.revisions.join(', ')}]`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ done, resolve: finish });
    });
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.done());
    this.waiters = this.waiters.filter((w) => !w.done());
    for (const w of ready) w.resolve();
  }
}
