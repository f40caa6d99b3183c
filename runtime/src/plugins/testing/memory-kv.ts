import type { KeyValue, KvChange, KvStore, Watch, WatchHandler } from '../../store/types.js';

/**
 * A KvStore in a Map, for plugin tests (the lmdb store lives on another branch).
 * It models what the plugin host uses: get, put, delete and prefix watches.
 */
export class MemoryKv implements KvStore {
  private readonly data = new Map<string, KeyValue>();
  private rev = 0n;
  private readonly watches = new Set<{ prefix: string; handler: WatchHandler }>();

  revision(): bigint {
    return this.rev;
  }

  get(key: Uint8Array): Promise<KeyValue | undefined> {
    return Promise.resolve(this.data.get(Buffer.from(key).toString('latin1')));
  }

  put(key: Uint8Array, value: Uint8Array): Promise<{ revision: bigint; previous: KeyValue | undefined }> {
    const k = Buffer.from(key).toString('latin1');
    const previous = this.data.get(k);
    this.rev++;
    const kv: KeyValue = { key: key.slice(), value: value.slice(), createRevision: previous?.createRevision ?? this.rev, modRevision: this.rev, version: (previous?.version ?? 0n) + 1n };
    this.data.set(k, kv);
    this.notify(k, { type: 'put', kv });
    return Promise.resolve({ revision: this.rev, previous });
  }

  delete(key: Uint8Array): Promise<{ revision: bigint; deleted: number }> {
    const k = Buffer.from(key).toString('latin1');
    const had = this.data.delete(k);
    if (had) {
      this.rev++;
      this.notify(k, { type: 'delete', kv: { key: key.slice(), value: new Uint8Array(0), createRevision: 0n, modRevision: this.rev, version: 0n } });
    }
    return Promise.resolve({ revision: this.rev, deleted: had ? 1 : 0 });
  }

  range(): never {
    throw new Error('MemoryKv does not implement range: the plugin host does not use it');
  }

  txn(): never {
    throw new Error('MemoryKv does not implement txn: the plugin host does not use it');
  }

  watch(key: Uint8Array, _options: unknown, handler: WatchHandler): Watch {
    const entry = { prefix: Buffer.from(key).toString('latin1'), handler };
    this.watches.add(entry);
    return { close: () => this.watches.delete(entry) };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private notify(key: string, change: KvChange): void {
    for (const w of this.watches) if (key.startsWith(w.prefix)) w.handler.onChanges([change], this.rev);
  }
}
