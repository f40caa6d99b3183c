import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bytes, tempDir, text } from '../testing/kv.js';
import { KvError } from './errors.js';
import { LmdbKvStore } from './lmdb-store.js';

const HOLDER = fileURLToPath(new URL('../testing/kv-lock-holder.js', import.meta.url));

/** Starts a process that holds the store in `dataDir`; resolves with it and its pid once it has the store open (bounded). */
async function startHolder(dataDir: string): Promise<{ child: ChildProcess; pid: number }> {
  const child = spawn(process.execPath, [HOLDER, dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  try {
    for await (const line of lines) {
      const match = /^ready (\d+)$/.exec(line);
      if (match !== null) return { child, pid: Number(match[1]) };
    }
    throw new Error(`the holder ended before opening the store: ${stderr}`);
  } finally {
    clearTimeout(timer);
  }
}

async function killed(child: ChildProcess): Promise<void> {
  const exit = once(child, 'exit');
  child.kill('SIGKILL');
  await exit;
}

function writeStaleLock(dataDir: string, content: string): void {
  fs.mkdirSync(path.join(dataDir, 'kv'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'kv', 'owner.lock'), content);
}

describe('DirectoryLock: one owner per store directory', () => {
  it('a lock file naming pid 1 (a container\'s restarted runtime) does not prevent a start', async () => {
    const dataDir = tempDir('sdn-kv-lock-');
    try {
      writeStaleLock(dataDir, '1\n');
      const store = await LmdbKvStore.open({ dataDir });
      await store.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a lock file naming a pid that now belongs to another live process does not prevent a start', async () => {
    const dataDir = tempDir('sdn-kv-lock-');
    try {
      writeStaleLock(dataDir, `${process.ppid}\n`);
      const store = await LmdbKvStore.open({ dataDir });
      await store.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a second live process, naming the holder, and is free again once the holder is killed', async () => {
    const dataDir = tempDir('sdn-kv-lock-');
    const { child, pid } = await startHolder(dataDir);
    try {
      await assert.rejects(
        LmdbKvStore.open({ dataDir }),
        (error: unknown) => error instanceof KvError && error.code === 'KV_LOCKED' && error.message.includes(`pid ${pid} on host`) && error.message.includes('owner.lock'),
      );
      await killed(child);
      const store = await LmdbKvStore.open({ dataDir });
      await store.put(bytes('after'), bytes('kill'));
      assert.equal(text((await store.get(bytes('after')))?.value ?? new Uint8Array()), 'kill');
      await store.close();
    } finally {
      if (child.exitCode === null && child.signalCode === null) await killed(child);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
