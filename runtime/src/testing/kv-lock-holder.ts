import { LmdbKvStore } from '../store/lmdb-store.js';

/**
 * Child process of store/lock.test.ts: opens the store in `dataDir`, prints
 * `ready <pid>` on stdout and keeps it open until its stdin closes (then closes
 * the store and exits) or it is killed.
 */
const [dataDir] = process.argv.slice(2);
if (dataDir === undefined) {
  process.stderr.write('usage: kv-lock-holder <dataDir>\n');
  process.exit(2);
}
const store = await LmdbKvStore.open({ dataDir });
process.stdout.write(`ready ${process.pid}\n`);
process.stdin.resume();
process.stdin.on('end', () => void store.close());
