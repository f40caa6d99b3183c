import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bytes, tempDir, text, WatchRecorder } from '../testing/kv.js';
import { LmdbKvStore } from './lmdb-store.js';

const WRITER = fileURLToPath(new URL('../testing/kv-crash-writer.js', import.meta.url));

/** Runs the writer, SIGKILLs it once `killAfter` acknowledgements arrived; returns key index -> acknowledged revision. */
async function writeAndKill(dataDir: string, killAfter: number, concurrency: number): Promise<Map<number, bigint>> {
  const child = spawn(process.execPath, [WRITER, dataDir, '1000000', String(concurrency)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked = new Map<number, bigint>();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [index, revision] = line.split(' ');
    acked.set(Number(index), BigInt(revision ?? 'x'));
    if (acked.size === killAfter) child.kill('SIGKILL');
  });
  const [code, signal] = (await exited) as [number | null, string | null];
  assert.equal(signal, 'SIGKILL', `the writer ended by itself (code ${code}) after ${acked.size} acknowledgements: ${stderr}`);
  return acked;
}

describe('LmdbKvStore: kill -9', { timeout: 60_000 }, () => {
  const rounds = [
    { killAfter: 1 + Math.floor(Math.random() * 300), concurrency: 1 },
    { killAfter: 200 + Math.floor(Math.random() * 1500), concurrency: 64 },
    { killAfter: 200 + Math.floor(Math.random() * 1500), concurrency: 64 },
    { killAfter: 1 + Math.floor(Math.random() * 200), concurrency: 8 },
  ];

  it(`every acknowledged write survives, revisions stay consistent (kills after ${rounds.map((r) => r.killAfter).join(', ')} acks)`, async () => {
    const dataDir = tempDir('sdn-kv-crash-');
    try {
      const acked = new Map<number, bigint>();
      for (const round of rounds) {
        // Each round reopens the store the previous round's kill left behind
        // (stale lock included) and overwrites keys from 0, so versions grow.
        for (const [index, revision] of await writeAndKill(dataDir, round.killAfter, round.concurrency)) acked.set(index, revision);
        const store = await LmdbKvStore.open({ dataDir });
        try {
          const current = store.revision();
          for (const [index, revision] of acked) {
            const kv = await store.get(bytes(`crash/${index}`));
            assert.equal(kv === undefined ? 'missing' : text(kv.value), `value-${index}`, `crash/${index}, acknowledged at revision ${revision}`);
            assert.ok(kv !== undefined && kv.modRevision >= revision && kv.modRevision <= current, `crash/${index}: modRevision ${kv?.modRevision}, acknowledged ${revision}, store at ${current}`);
            if (index % 10 === 0) assert.equal(text((await store.get(bytes(`crash/${index}/meta`)))?.value ?? bytes('missing')), `meta-${index}`);
          }
          // The change log replays exactly revisions 1..current, and replaying
          // it yields exactly the stored keys with their stored revisions.
          const recorder = new WatchRecorder();
          const watch = store.watch(new Uint8Array(0), { prefix: true, startRevision: 1n }, recorder);
          await recorder.until(current);
          watch.close();
          assert.deepEqual(
            recorder.revisions,
            Array.from({ length: Number(current) }, (_, i) => BigInt(i + 1)),
          );
          const replayed = new Map<string, bigint>();
          for (const delivery of recorder.deliveries) for (const change of delivery.changes) replayed.set(text(change.kv.key), change.kv.modRevision);
          const stored = await store.range(new Uint8Array(0), { prefix: true });
          assert.equal(stored.revision, current);
          assert.deepEqual(new Map(stored.kvs.map((kv) => [text(kv.key), kv.modRevision])), replayed);
          assert.equal((await store.put(bytes('after-crash'), bytes('ok'))).revision, current + 1n);
        } finally {
          await store.close();
        }
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
