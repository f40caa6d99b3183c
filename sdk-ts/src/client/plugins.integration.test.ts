import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '../connect.js';
import { ErrorCode, SdnClientError } from '../errors.js';
import { buildGuest, startRuntime, writePlugin, type RuntimeProcess } from '../testing/real-runtime.js';
import type { SdnApp } from './app.js';
import type { PluginStateChange, PluginWatch } from './plugins.js';

// app.plugins against a real runtime, with a component built from the runtime's echo test guest.

const ADMIN = 'sdk-ts-plugins-admin-0123456789';
const READER = 'sdk-ts-plugins-reader-0123456789';
const code = (c: ErrorCode, message: RegExp = /./) => (e: unknown) => e instanceof SdnClientError && e.code === c && message.test(e.message);
const manifest = (version: string): string => JSON.stringify({ name: 'echo', version, component: 'echo.wasm', capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] } });

async function nextChange(watch: PluginWatch): Promise<PluginStateChange> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no plugin state change within 20 s')), 20_000)));
  try {
    const r = await Promise.race([watch.next(), late]);
    assert.equal(r.done, false, 'the watch ended');
    return r.value as PluginStateChange;
  } finally {
    clearTimeout(timer);
  }
}

describe('sdk-ts plugins client against a real runtime', () => {
  let rt: RuntimeProcess;
  let admin: SdnApp;
  let reader: SdnApp;
  let echo: Uint8Array;
  const dir = mkdtempSync(join(tmpdir(), 'sdk-ts-plugins-'));

  before(async () => {
    echo = await buildGuest('echo');
    const tokens = join(dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify([
      { name: 'admin', token: ADMIN, scopes: ['admin'] },
      { name: 'reader', token: READER, scopes: ['events:read'] },
    ]));
    // The test writes plugin folders into `dir`: the runtime may load from it.
    rt = await startRuntime({ env: { SDN_RUNTIME_TOKENS_FILE: tokens, SDN_RUNTIME_PLUGIN_LOAD_DIRS: dir } });
    admin = await connect({ target: rt.target, name: 'admin', token: ADMIN });
    reader = await connect({ target: rt.target, name: 'reader', token: READER });
  });
  after(async () => {
    await admin?.close();
    await reader?.close();
    await rt?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('needs the admin scope', async () => {
    await assert.rejects(reader.plugins.list(), code(ErrorCode.PERMISSION_DENIED, /Plugins\.List needs the scope "admin"/));
    await assert.rejects(reader.plugins.upload(manifest('1'), echo), code(ErrorCode.PERMISSION_DENIED));
    await assert.rejects(reader.plugins.watch().next(), code(ErrorCode.PERMISSION_DENIED, /Plugins\.WatchState/));
    assert.deepEqual(await admin.plugins.list(), []);
  });

  it('uploads, loads by path, gets, reloads and unloads, while a watch reports each change', async () => {
    const watch = admin.plugins.watch();
    const uploaded = await admin.plugins.upload(manifest('1'), echo);
    assert.deepEqual([uploaded.name, uploaded.version, uploaded.state], ['echo', '1', 'running']);
    assert.deepEqual([await nextChange(watch), await nextChange(watch)].map((c) => [c.state, c.previous, c.current]), [['loading', undefined, false], ['running', 'loading', false]]);

    const folder = writePlugin(join(dir, 'echo-2'), JSON.parse(manifest('2')) as Record<string, unknown>, echo, 'echo.wasm');
    const swapped = await admin.plugins.load(folder, { timeoutMs: 60_000 });
    assert.deepEqual([swapped.version, swapped.manifestPath], ['2', join(folder, 'plugin.json')]);
    const swap = await nextChange(watch);
    assert.deepEqual([swap.version, swap.state, swap.reason], ['2', 'running', 'version 2 swapped in']);

    writePlugin(join(dir, 'echo-bad'), JSON.parse(manifest('3')) as Record<string, unknown>, new Uint8Array([0, 97, 115, 109]), 'echo.wasm');
    await assert.rejects(admin.plugins.load(join(dir, 'echo-bad')), code(ErrorCode.INVALID, /not a WebAssembly component.*version 2 keeps running/s));
    const rejected = await nextChange(watch);
    assert.deepEqual([rejected.version, rejected.state, rejected.previous, rejected.error?.cause], ['3', 'running', 'running', 'load']);
    const got = await admin.plugins.get('echo');
    assert.deepEqual([got.version, got.state, got.lastError?.cause, got.counters.restarts], ['2', 'running', 'load', 0n]);

    assert.equal((await admin.plugins.reload('echo')).version, '2');
    assert.equal((await nextChange(watch)).reason, 'version 2 swapped in');
    assert.equal((await admin.plugins.unload('echo')).version, '2');
    assert.deepEqual([(await nextChange(watch)).state], ['unloaded']);
    await assert.rejects(admin.plugins.get('echo'), code(ErrorCode.NOT_FOUND, /no plugin called echo is loaded/));
    await assert.rejects(admin.plugins.load(join(dir, 'nowhere')), code(ErrorCode.NOT_FOUND, /cannot read/));
    await assert.rejects(admin.plugins.get(''), code(ErrorCode.INVALID));
    await watch.return();
  });

  it('a watch starts with the current states; closing the app ends it', async () => {
    await admin.plugins.upload(manifest('4'), echo);
    const app = await connect({ target: rt.target, name: 'watcher', token: ADMIN });
    const watch = app.plugins.watch({ name: 'echo' });
    const current = await nextChange(watch);
    assert.deepEqual([current.name, current.version, current.state, current.current], ['echo', '4', 'running', true]);
    await app.close();
    assert.deepEqual(await watch.next(), { value: undefined, done: true });
    await admin.plugins.unload('echo');
  });
});
