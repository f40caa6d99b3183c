import { connect, type SdnApp } from '@sdn-runtime/sdk';

export interface ConfigMirrorOptions {
  /** The runtime's gRPC address, "host:port". */
  readonly target: string;
  readonly token?: string;
  /** The key prefix to mirror, e.g. "config/". */
  readonly prefix: string;
  /** Called after each change is applied to the mirror. */
  readonly onChange?: (key: string, value: string | undefined) => void;
}

export interface ConfigMirror {
  readonly app: SdnApp;
  /** The current value of a key under the prefix (undefined when absent). */
  get(key: string): string | undefined;
  /** Every key and value under the prefix. */
  entries(): ReadonlyMap<string, string>;
  /** Sets `key` only if it does not exist yet (a compare-and-set transaction); false when it did. */
  create(key: string, value: string): Promise<boolean>;
  close(): Promise<void>;
}

const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

/** Sets `key` only if it does not exist yet: one transaction comparing its create revision with 0. False when it existed. */
export async function createIfAbsent(app: SdnApp, key: string, value: string): Promise<boolean> {
  const r = await app.kv.txn({ compare: [{ key, target: 'createRevision', result: 'equal', number: 0n }], success: [{ type: 'put', key, value }] });
  return r.succeeded;
}

/**
 * A live local copy of every key under a prefix: one Range read, then a Watch
 * from the revision after it, so no change between the two is missed or applied twice. Shows the
 * KV API: range, watch with a start revision, and a transaction with a compare.
 */
export async function startConfigMirror(options: ConfigMirrorOptions): Promise<ConfigMirror> {
  const app = await connect({
    target: options.target,
    name: 'config-mirror',
    ...(options.token === undefined ? {} : { token: options.token }),
    subscribe: { kinds: ['switchUp'] },
  });
  const mirror = new Map<string, string>();
  const snapshot = await app.kv.range(options.prefix, { prefix: true }).catch(async (err: unknown) => {
    await app.close();
    throw err;
  });
  for (const kv of snapshot.kvs) mirror.set(text(kv.key), text(kv.value));
  // The start revision is inclusive: the first change the snapshot does not hold.
  const watch = app.kv.watch(options.prefix, { prefix: true, startRevision: snapshot.revision + 1n });
  // A watch that fails (the store compacted its history, the app lost its
  // scope) closes the app: `app.closed` then resolves, and close() rethrows it.
  let failure: unknown;
  const watching = (async () => {
    for await (const change of watch) {
      const key = text(change.kv.key);
      if (change.change === 'put') mirror.set(key, text(change.kv.value));
      else mirror.delete(key);
      options.onChange?.(key, mirror.get(key));
    }
  })().catch(async (err: unknown) => {
    failure = err;
    await app.close();
  });

  return {
    app,
    get: (key) => mirror.get(key),
    entries: () => mirror,
    create: (key, value) => createIfAbsent(app, key, value),
    async close() {
      await watch.return();
      await watching;
      await app.close();
      if (failure !== undefined) throw failure;
    },
  };
}
