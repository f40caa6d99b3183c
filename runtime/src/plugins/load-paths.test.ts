import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RuntimeMetrics } from '../observability/metrics.js';
import { PluginLoadError } from './errors.js';
import { PluginManager } from './manager.js';

/**
 * Plugins.Load names a file on the runtime's machine: only the allowed folders
 * are read, only regular files, only up to the size cap, and never in a way
 * that can block a thread-pool thread. No plugin runs here: every load fails
 * before the component is compiled.
 */
describe('loading a plugin by path reads only regular files inside the allowed folders', () => {
  const root = mkdtempSync(join(tmpdir(), 'sdn-runtime-load-paths-'));
  const allowed = join(root, 'allowed');
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(allowed, { recursive: true });
  mkdirSync(elsewhere, { recursive: true });
  const secret = join(elsewhere, 'secret');
  writeFileSync(secret, 'root:*:20200:0:99999:7:::\n');
  const manager = (options: { loadDirs?: string[]; maxComponentBytes?: number; metrics?: RuntimeMetrics } = {}): PluginManager =>
    new PluginManager({ dataDir: join(root, 'data'), watch: false, spareWorker: false, metrics: new RuntimeMetrics(), loadDirs: [allowed], ...options });
  const failure = async (load: Promise<unknown>): Promise<PluginLoadError> => {
    try {
      await load;
    } catch (err) {
      assert.ok(err instanceof PluginLoadError, `not a PluginLoadError: ${String(err)}`);
      return err;
    }
    assert.fail('the load did not fail');
  };
  after(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a path outside the folders alike whether it exists or not, and never quotes the file', async () => {
    const metrics = new RuntimeMetrics();
    const m = manager({ metrics });
    const existing = await failure(m.load(secret));
    const missing = await failure(m.load(join(elsewhere, 'no-such-file')));
    const climbing = await failure(m.load(join(allowed, '..', 'elsewhere', 'secret')));
    for (const err of [existing, missing, climbing]) {
      assert.equal(err.reason, 'outside');
      assert.doesNotMatch(err.message, /root:/);
    }
    assert.equal(existing.message.replaceAll(secret, 'PATH'), missing.message.replaceAll(join(elsewhere, 'no-such-file'), 'PATH'));
    assert.match(await metrics.registry.metrics(), /sdn_runtime_plugin_loads_rejected_total\{reason="outside"\} 3/);
  });

  it('follows symlinks before it decides: a link inside to a file or folder outside is outside', async () => {
    symlinkSync(secret, join(allowed, 'link-to-secret.json'));
    symlinkSync(elsewhere, join(allowed, 'link-to-elsewhere'));
    const m = manager();
    for (const path of [join(allowed, 'link-to-secret.json'), join(allowed, 'link-to-elsewhere', 'secret'), join(allowed, 'link-to-elsewhere', 'missing')]) {
      const err = await failure(m.load(path));
      assert.equal(err.reason, 'outside', path);
      assert.doesNotMatch(err.message, /root:/);
    }
    // A component named by a manifest inside, linked to a file outside, is refused too.
    const folder = join(allowed, 'linked-component');
    mkdirSync(folder);
    writeFileSync(join(folder, 'plugin.json'), JSON.stringify({ name: 'linked', version: '1', component: 'plugin.wasm' }));
    symlinkSync(secret, join(folder, 'plugin.wasm'));
    assert.equal((await failure(m.load(folder))).reason, 'outside');
  });

  it('says not found for a missing file inside, and refuses a plugin.json that is not JSON without quoting it', async () => {
    const m = manager();
    const missing = await failure(m.load(join(allowed, 'nowhere')));
    assert.equal(missing.reason, 'unreadable');
    assert.match(missing.message, /cannot read .*nowhere: ENOENT/);
    const folder = join(allowed, 'not-json');
    mkdirSync(folder);
    writeFileSync(join(folder, 'plugin.json'), 'root:*:20200:0:99999:7:::\n');
    await assert.rejects(m.load(folder), (err: unknown) => err instanceof Error && /not valid JSON/.test(err.message) && !/root/.test(err.message));
  });

  it('refuses devices and FIFOs at once, without a read that could block or never end', { timeout: 10_000 }, async (t) => {
    const m = manager({ loadDirs: [allowed, '/dev'] });
    const started = performance.now();
    const zero = await failure(m.load('/dev/zero'));
    assert.equal(zero.reason, 'unreadable');
    assert.match(zero.message, /\/dev\/zero is not a regular file/);
    const fifo = join(allowed, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    // More loads than the thread pool has threads (4): none may take one for good.
    const fifos = await Promise.all(Array.from({ length: 8 }, () => failure(m.load(fifo))));
    for (const err of fifos) assert.match(err.message, /fifo\.json is not a regular file/);
    t.diagnostic(`9 refusals in ${(performance.now() - started).toFixed(1)} ms`);
    // The thread pool still serves: a read through it completes.
    assert.match(await readFile(secret, 'utf8'), /^root/);
    await failure(m.load(join(allowed, 'nowhere')));
  });

  it('refuses a component larger than the cap before reading it', async () => {
    const m = manager({ maxComponentBytes: 1024 });
    const folder = join(allowed, 'big');
    mkdirSync(folder);
    writeFileSync(join(folder, 'plugin.json'), JSON.stringify({ name: 'big', version: '1', component: 'plugin.wasm' }));
    writeFileSync(join(folder, 'plugin.wasm'), Buffer.alloc(4096));
    const err = await failure(m.load(folder));
    assert.equal(err.reason, 'tooBig');
    assert.match(err.message, /has 4096 bytes; the limit is 1024/);
    const upload = await failure(m.loadUpload(JSON.stringify({ name: 'big', version: '1', component: 'plugin.wasm' }), Buffer.alloc(4096)));
    assert.equal(upload.reason, 'tooBig');
  });
});
