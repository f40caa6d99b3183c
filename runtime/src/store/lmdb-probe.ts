import { open, type Database } from 'lmdb';

/**
 * Child process of data-files.ts: opens the store in `<directory>` read-only
 * and reads every entry of its three databases, which visits every page in
 * use (branch, leaf and value pages). A damaged page can crash lmdb with
 * SIGSEGV, SIGBUS or a libc abort instead of an error; that kills this child,
 * not the runtime. Prints entry and byte counts on stdout and exits 0; an lmdb
 * error is one line on stderr and exit 1.
 */
const [directory] = process.argv.slice(2);
if (directory === undefined) {
  process.stderr.write('usage: lmdb-probe <directory>\n');
  process.exit(2);
}
try {
  const env = open({ path: directory, readOnly: true, maxDbs: 3 });
  const counts: Record<string, { entries: number; bytes: number }> = {};
  for (const name of ['meta', 'keys', 'log']) {
    const db: Database<Buffer, Buffer> = env.openDB<Buffer, Buffer>({ name, keyEncoding: 'binary', encoding: 'binary' });
    const count = { entries: 0, bytes: 0 };
    for (const { key, value } of db.getRange()) {
      count.entries += 1;
      count.bytes += key.length + value.length;
    }
    counts[name] = count;
  }
  await env.close();
  process.stdout.write(`${JSON.stringify(counts)}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
