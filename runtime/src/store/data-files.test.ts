import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bytes, tempDir } from '../testing/kv.js';
import { KvError } from './errors.js';
import { HEADER_READ_BYTES, headerProblem } from './lmdb-header.js';
import { LmdbKvStore } from './lmdb-store.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const KEYS = 2000;
/** A key whose leaf node the crash case damages; its text is unique in the data file. */
const MARKED_KEY = 'marked/key-that-is-damaged';

let root: string;
let pristine: string;

/** A copy of the store with real keys, its data file changed by `damage`. */
function damagedCopy(name: string, damage: (file: string) => void): string {
  const dataDir = path.join(root, name);
  fs.cpSync(pristine, dataDir, { recursive: true });
  damage(path.join(dataDir, 'kv', 'data.mdb'));
  return dataDir;
}

function patch(file: string, offset: number, bytesToWrite: Uint8Array): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, bytesToWrite, 0, bytesToWrite.length, offset);
  } finally {
    fs.closeSync(fd);
  }
}

async function refused(dataDir: string, detail: RegExp): Promise<void> {
  await assert.rejects(LmdbKvStore.open({ dataDir }), (error: unknown) => {
    assert.ok(error instanceof KvError, String(error));
    assert.equal(error.code, 'KV_CORRUPT', error.message);
    assert.ok(error.message.includes(path.join(dataDir, 'kv')), `the message names the store: ${error.message}`);
    assert.match(error.message, detail);
    assert.match(error.message, /restore .* from a backup, or move it away to start an empty store/);
    return true;
  });
}

before(async () => {
  root = tempDir('sdn-kv-damage-');
  pristine = path.join(root, 'pristine');
  const store = await LmdbKvStore.open({ dataDir: pristine });
  const value = new Uint8Array(100).fill(1);
  await Promise.all(Array.from({ length: KEYS }, (_, i) => store.put(bytes(`key/${i}`), value)));
  await store.put(bytes(MARKED_KEY), value);
  await store.close();
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('a damaged or lost data file is refused, never opened as an empty store', () => {
  it('the pristine copy opens with every key (the fixture is sound)', async () => {
    const dataDir = damagedCopy('sound', () => {});
    const store = await LmdbKvStore.open({ dataDir });
    try {
      assert.equal((await store.range(bytes('key/'), { prefix: true })).kvs.length, KEYS);
    } finally {
      await store.close();
    }
  });

  it('a data file truncated to 0 bytes', async () => {
    await refused(damagedCopy('empty', (file) => fs.truncateSync(file, 0)), /data\.mdb is damaged \(it is empty \(0 bytes\)\)/);
  });

  it('a data file cut in half (lmdb would read past its end: SIGBUS)', async () => {
    await refused(damagedCopy('half', (file) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2))), /data\.mdb is damaged \(meta page \d: .*(truncated|outside)/);
  });

  it('a data file that is gone while the store-created marker says there was one', async () => {
    await refused(damagedCopy('missing', (file) => fs.rmSync(file)), /data\.mdb is missing, but .*store-created says a store was created here/);
  });

  it('a header with a wrong magic number', async () => {
    await refused(damagedCopy('magic', (file) => patch(file, 0x18, Buffer.from('BADMAGIC'))), /meta page 0: magic/);
  });

  it('a header whose database root points far outside the file (lmdb would follow it: SIGSEGV)', async () => {
    const page = Buffer.alloc(8);
    page.writeBigUInt64LE(0x0100_0000_0000n);
    await refused(damagedCopy('root', (file) => patch(file, 4096 + 0x88, page)), /meta page 1: the main database root is page/);
  });

  it('a damaged data page that crashes lmdb is found by the check process, and the runtime lives on', async () => {
    const dataDir = damagedCopy('leaf', (file) => {
      const data = fs.readFileSync(file);
      const length = Buffer.alloc(2);
      length.writeUInt16LE(MARKED_KEY.length);
      const at = data.indexOf(Buffer.concat([length, Buffer.from(MARKED_KEY)]));
      assert.ok(at > 0, 'the marked key is in a leaf node');
      // The leaf node's data size is mn_lo, mn_hi (u16 each) 6 bytes before the key length: make it about 2.3 GB.
      patch(file, at - 3, Uint8Array.of(0x89));
    });
    await refused(dataDir, /data\.mdb is damaged \(lmdb crashed with SIG(SEGV|BUS|ABRT) reading it\)/);
  });

  it('headerProblem accepts the pristine header and names what is wrong otherwise (pure)', () => {
    const file = path.join(pristine, 'kv', 'data.mdb');
    const data = fs.readFileSync(file).subarray(0, HEADER_READ_BYTES);
    const size = fs.statSync(file).size;
    assert.equal(headerProblem(data, size), undefined);
    assert.equal(headerProblem(data.subarray(0, 100), 100), 'it is 100 bytes, shorter than an lmdb meta page');
    const notMeta = Buffer.from(data);
    notMeta[0x12] = 0x02;
    assert.equal(headerProblem(notMeta, size), 'meta page 0: it is not marked as a meta page');
    const deep = Buffer.from(data);
    deep.writeUInt16LE(200, 4096 + 0x66);
    assert.equal(headerProblem(deep, size), 'meta page 1: the main database has depth 200, not 1..32');
  });
});

describe('sdn-runtime serve on a damaged store', () => {
  it('exits 1 with one line that names the file and what to do, not with a crash signal', async () => {
    const dataDir = damagedCopy('serve', (file) => fs.truncateSync(file, 0));
    const child = spawn(process.execPath, [MAIN, 'serve', '--log-format', 'json', '--openflow-port', '0', '--http-port', '0', '--grpc-port', '0', '--openflow-host', '127.0.0.1', '--http-host', '127.0.0.1', '--grpc-host', '127.0.0.1', '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(timer);
    assert.deepEqual([code, signal], [1, null], stderr);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0] ?? '', /^sdn-runtime serve: .*kv\/data\.mdb is damaged \(it is empty \(0 bytes\)\): restore .* from a backup/);
  });
});
