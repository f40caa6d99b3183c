import { LmdbKvStore } from '../store/lmdb-store.js';

/**
 * Child process of store/crash.test.ts: writes `crash/<i>` = `value-<i>` with
 * `concurrency` requests in flight (every tenth as a txn that also writes
 * `crash/<i>/meta`), and prints `<i> <revision>` on stdout once a write's
 * promise resolved. stdout is a pipe, which Node writes synchronously on Linux,
 * so every line the parent reads was acknowledged before the kill. Runs until
 * killed or `count` writes are done.
 */
const [dataDir, countText, concurrencyText] = process.argv.slice(2);
if (dataDir === undefined || countText === undefined || concurrencyText === undefined) {
  process.stderr.write('usage: kv-crash-writer <dataDir> <count> <concurrency>\n');
  process.exit(2);
}
const count = Number(countText);
const store = await LmdbKvStore.open({ dataDir });
const text = (s: string): Uint8Array => Buffer.from(s);
let next = 0;

async function writer(): Promise<void> {
  while (next < count) {
    const i = next++;
    const key = text(`crash/${i}`);
    const value = text(`value-${i}`);
    const revision =
      i % 10 === 0
        ? (await store.txn([], [{ type: 'put', key, value }, { type: 'put', key: text(`crash/${i}/meta`), value: text(`meta-${i}`) }], [])).revision
        : (await store.put(key, value)).revision;
    process.stdout.write(`${i} ${revision}\n`);
  }
}

await Promise.all(Array.from({ length: Number(concurrencyText) }, writer));
await store.close();
