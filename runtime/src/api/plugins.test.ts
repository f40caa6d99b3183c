import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials, Metadata, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { PluginsClient, PluginState, type PluginStateChange, type PluginStatus } from '../generated/sdn/runtime/v1/plugins.js';
import type { OfpMessage } from '../openflow/index.js';
import { buildGuest, writePlugin } from '../plugins/testing/guests.js';
import { packetIn } from '../plugins/testing/harness.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';
import { MAX_RECEIVE_MESSAGE_BYTES } from './server.js';

// The Plugins service of a real runtime (serve's own plugin host), through a
// real gRPC client, with components built from the test guests.

const ADMIN = 'plugins-admin-token-0123456789';
const OPERATOR = 'plugins-operator-token-0123456789';

type Method = 'list' | 'get' | 'load' | 'unload' | 'reload';
const isPacketOut = (m: OfpMessage): m is Extract<OfpMessage, { type: 'PacketOut' }> => m.type === 'PacketOut';
const portOf = (m: OfpMessage): number => (isPacketOut(m) && m.actions[0]?.type === 'output' ? m.actions[0].port : -1);
const echoManifest = (version: string, outPort: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'echo',
  version,
  capabilities: ['openflow'],
  subscriptions: { kinds: ['packet-in'] },
  limits: { deadlineMs: 2000 },
  config: { outPort },
  ...extra,
});

/** Call metadata with `token`; null: none. */
function metadata(token: string | null): Metadata {
  const md = new Metadata();
  if (token !== null) md.set('authorization', `Bearer ${token}`);
  return md;
}

/** A gRPC failure with `code` whose details match `details`. */
const failure = (code: status, details: RegExp = /./) => (err: unknown): boolean => {
  const e = err as ServiceError;
  assert.equal(e.code, code, `expected ${status[code]}, got ${status[e.code]}: ${e.details}`);
  assert.match(e.details, details);
  return true;
};

describe('the Plugins service, against a running runtime', () => {
  let t: TestRuntime;
  let client: PluginsClient;
  let sw: FakeSwitch;
  let echo: Uint8Array;
  let seq = 0;
  const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-plugins-api-'));
  const call = <Res>(method: Method, request: object, token: string | null = ADMIN): Promise<Res> =>
    new Promise((resolve, reject) => {
      const fn = client[method] as unknown as (r: object, m: Metadata, cb: (e: ServiceError | null, r: Res) => void) => void;
      fn.call(client, request, metadata(token), (err, res) => (err === null ? resolve(res) : reject(err)));
    });
  /** The port of the plugin's answer to a new packet-in (-1 when none came). */
  const answerPort = async (): Promise<number> => {
    const mine = ++seq;
    sw.send(packetIn(mine));
    return portOf(await sw.waitFor((m) => isPacketOut(m) && Buffer.from(m.data).readUInt32BE(14) === mine, 20_000));
  };

  before(async () => {
    echo = await buildGuest('echo');
    t = await startTestRuntime({
      pluginLoadDirs: [dir],
      tokens: [
        { name: 'admin', token: ADMIN, scopes: ['admin'] },
        { name: 'operator', token: OPERATOR, scopes: ['events:read', 'flows:write', 'kv:read', 'kv:write', 'pubsub'] },
      ],
    });
    client = new PluginsClient(`127.0.0.1:${t.rt.grpcPort}`, credentials.createInsecure());
    sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0x7n });
  });
  after(async () => {
    client.close();
    await sw.close();
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses every method to a token without the admin scope, and to no token; nothing changes', async () => {
    const running = await call<PluginStatus>('load', { source: { $case: 'path', value: writePlugin(join(dir, 'echo-admin'), echoManifest('0', 10), echo) } });
    const folder = writePlugin(join(dir, 'echo-denied'), echoManifest('1', 1), echo);
    const requests: [Method, object][] = [
      ['list', {}],
      ['get', { name: 'echo' }],
      ['load', { source: { $case: 'path', value: folder } }],
      ['load', { source: { $case: 'upload', value: { manifest: readFileSync(join(folder, 'plugin.json'), 'utf8'), component: Buffer.from(echo) } } }],
      ['unload', { name: 'echo' }],
      ['reload', { name: 'echo' }],
    ];
    for (const [method, request] of requests) {
      await assert.rejects(call(method, request, OPERATOR), failure(status.PERMISSION_DENIED, new RegExp(`Plugins\\.${method[0]!.toUpperCase()}${method.slice(1)} needs the scope "admin"`)));
      await assert.rejects(call(method, request, null), failure(status.UNAUTHENTICATED));
    }
    const refused = await new Promise<ServiceError>((resolve) => {
      const watch = client.watchState({ name: '' }, metadata(OPERATOR));
      watch.on('data', (change: PluginStateChange) => assert.fail(`a refused watch sent ${JSON.stringify(change)}`));
      watch.on('error', resolve);
    });
    failure(status.PERMISSION_DENIED, /Plugins\.WatchState needs the scope "admin"/)(refused);
    assert.deepEqual(t.rt.plugins.list().map((p) => [p.name, p.version, p.state, p.loadedAtMs]), [['echo', '0', 'running', Number(running.loadedAtMs)]]);
    assert.equal(existsSync(t.rt.plugins.uploads.dir), false, 'nothing was written for the refused upload');
    assert.equal(await answerPort(), 10, 'the plugin loaded before still serves');
    await call('unload', { name: 'echo' });
  });

  it('loads by path, lists, gets, reloads and unloads; unknown names are NOT_FOUND', async () => {
    const folder = writePlugin(join(dir, 'echo-v1'), echoManifest('1', 1), echo);
    const loaded = await call<PluginStatus>('load', { source: { $case: 'path', value: folder } });
    assert.deepEqual([loaded.name, loaded.version, loaded.state, loaded.manifestPath], ['echo', '1', PluginState.PLUGIN_STATE_RUNNING, join(folder, 'plugin.json')]);
    assert.match(loaded.componentHash, /^[0-9a-f]{64}$/);
    assert.equal(await answerPort(), 1);
    const listed = await call<{ plugins: PluginStatus[] }>('list', {});
    assert.deepEqual(listed.plugins.map((p) => [p.name, p.version, p.state]), [['echo', '1', PluginState.PLUGIN_STATE_RUNNING]]);
    assert.equal(listed.plugins[0]!.counters?.events, 1n);
    assert.equal(listed.plugins[0]!.counters?.hostCalls.log, 1n);
    assert.equal((await call<PluginStatus>('get', { name: 'echo' })).counters?.commands, 1n);

    writePlugin(folder, echoManifest('1.1', 2), echo);
    const reloaded = await call<PluginStatus>('reload', { name: 'echo' });
    assert.deepEqual([reloaded.version, reloaded.state], ['1.1', PluginState.PLUGIN_STATE_RUNNING]);
    assert.ok(reloaded.loadedAtMs >= loaded.loadedAtMs);
    assert.equal(await answerPort(), 2, 'the reloaded version serves');

    const unloaded = await call<{ plugin: PluginStatus }>('unload', { name: 'echo' });
    assert.equal(unloaded.plugin.version, '1.1');
    assert.deepEqual((await call<{ plugins: PluginStatus[] }>('list', {})).plugins, []);
    for (const method of ['get', 'unload', 'reload'] as const) await assert.rejects(call(method, { name: 'echo' }), failure(status.NOT_FOUND, /no plugin called echo is loaded/));
    await assert.rejects(call('get', { name: '' }), failure(status.INVALID_ARGUMENT, /^name: is required/));
    await assert.rejects(call('load', {}), failure(status.INVALID_ARGUMENT, /^source: give a path/));
    await assert.rejects(call('load', { source: { $case: 'path', value: join(dir, 'nowhere') } }), failure(status.NOT_FOUND, /cannot read .*nowhere: ENOENT/));
  });

  it('loads an upload from its bytes, replaces it with another, and removes its files on unload', async () => {
    const upload = (version: string, outPort: number) => ({ source: { $case: 'upload', value: { manifest: JSON.stringify({ component: 'echo.wasm', ...echoManifest(version, outPort) }), component: Buffer.from(echo) } } });
    const first = await call<PluginStatus>('load', upload('u1', 3));
    assert.equal(first.state, PluginState.PLUGIN_STATE_RUNNING);
    assert.ok(first.manifestPath.startsWith(join(t.rt.plugins.uploads.dir, 'echo')), first.manifestPath);
    assert.equal(readFileSync(join(first.manifestPath, '..', 'echo.wasm')).equals(Buffer.from(echo)), true);
    assert.equal(await answerPort(), 3);
    const second = await call<PluginStatus>('load', upload('u2', 4));
    assert.equal(second.version, 'u2');
    assert.equal(await answerPort(), 4);
    assert.deepEqual(readdirSync(join(t.rt.plugins.uploads.dir, 'echo')), [join(second.manifestPath, '..').split('/').pop()], 'only the version in use is kept');
    await call('unload', { name: 'echo' });
    assert.equal(existsSync(join(t.rt.plugins.uploads.dir, 'echo')), false);
    await assert.rejects(call('load', { source: { $case: 'upload', value: { manifest: '{"name": "Bad"}', component: Buffer.alloc(0) } } }), failure(status.INVALID_ARGUMENT, /uploaded plugin\.json: name: must be lowercase/));
  });

  it('answers a garbage upload with a short INVALID_ARGUMENT and a short log line, never repeating it', { timeout: 60_000 }, async () => {
    const before = t.logs.length;
    const garbage = Buffer.alloc(2 * 2 ** 20, 'A');
    const manifest = JSON.stringify(echoManifest('1', 1, { component: 'plugin.wasm' }));
    let details = '';
    await assert.rejects(call('load', { source: { $case: 'upload', value: { manifest, component: garbage } } }), (err: unknown) => {
      details = (err as ServiceError).details;
      return failure(status.INVALID_ARGUMENT, /^plugin echo: not a WebAssembly component this host can load: its 2097152 bytes start with 4141414141414141/)(err);
    });
    assert.ok(details.length < 400, `${details.length} characters of details`);
    await assert.rejects(call('load', { source: { $case: 'upload', value: { manifest: 'A'.repeat(2 ** 20), component: garbage } } }), failure(status.INVALID_ARGUMENT, /^uploaded plugin.json: not valid JSON \(1048576 characters\)$/));
    const longest = Math.max(...t.logs.slice(before).map((l) => JSON.stringify(l).length));
    assert.ok(longest < 1024, `a log line of ${longest} characters`);
    assert.equal(t.rt.plugins.list().some((p) => p.name === 'echo'), false, 'garbage is refused before a placeholder or a file is made');
    assert.equal(existsSync(join(t.rt.plugins.uploads.dir, 'echo')), false);
  });

  it('refuses a path outside the plugin folders with PERMISSION_DENIED, the same for a file that exists and one that does not', async () => {
    for (const path of ['/dev/zero', '/etc/passwd', '/etc/no-such-file', join(dir, '..', '..', 'etc', 'passwd')]) {
      await assert.rejects(call('load', { source: { $case: 'path', value: path } }), failure(status.PERMISSION_DENIED, /is not inside a folder plugins may be loaded from/));
    }
  });

  it(`refuses an upload over ${MAX_RECEIVE_MESSAGE_BYTES / 2 ** 20} MiB with RESOURCE_EXHAUSTED`, async () => {
    const manifest = JSON.stringify({ component: 'echo.wasm', ...echoManifest('big', 1) });
    await assert.rejects(call('load', { source: { $case: 'upload', value: { manifest, component: Buffer.alloc(MAX_RECEIVE_MESSAGE_BYTES) } } }), failure(status.RESOURCE_EXHAUSTED));
    assert.deepEqual(t.rt.plugins.list(), []);
  });

  it('rejects a bad new version with a clear status and message while the old version keeps serving', async () => {
    const good = writePlugin(join(dir, 'echo-good'), echoManifest('5', 5), echo);
    await call('load', { source: { $case: 'path', value: good } });
    const notWasm = writePlugin(join(dir, 'echo-not-wasm'), echoManifest('6', 6), Buffer.from('not wasm at all'));
    await assert.rejects(call('load', { source: { $case: 'path', value: notWasm } }), failure(status.INVALID_ARGUMENT, /^plugin echo: not a WebAssembly component .*; version 5 keeps running$/s));
    const otherWit = join(dir, 'other.wit');
    writeFileSync(otherWit, 'package test:other;\n\nworld other {\n  export handle: func(x: u32) -> u32;\n}\n');
    const wrongWorld = writePlugin(join(dir, 'echo-wrong-world'), echoManifest('7', 7), await buildGuest('wrong-world', otherWit));
    await assert.rejects(call('load', { source: { $case: 'path', value: wrongWorld } }), failure(status.INVALID_ARGUMENT, /does not export initialize.*; version 5 keeps running$/s));
    const initFails = writePlugin(join(dir, 'echo-init-fails'), { ...echoManifest('8', 8), config: { mode: 'init-fail' } }, await buildGuest('hostile'));
    await assert.rejects(call('load', { source: { $case: 'path', value: initFails } }), failure(status.FAILED_PRECONDITION, /refusing to start.*; version 5 keeps running$/s));
    const badManifest = join(dir, 'echo-bad-manifest');
    writePlugin(badManifest, { ...echoManifest('9', 9), limits: { deadlineMs: 0 } }, echo);
    await assert.rejects(call('load', { source: { $case: 'path', value: badManifest } }), failure(status.INVALID_ARGUMENT, /limits\.deadlineMs: must be an integer from 1/));

    const now = await call<PluginStatus>('get', { name: 'echo' });
    assert.deepEqual([now.version, now.state, now.lastError?.cause], ['5', PluginState.PLUGIN_STATE_RUNNING, 'load']);
    assert.equal(await answerPort(), 5, 'the old version still answers');
    await call('unload', { name: 'echo' });
  });

  it('watches state: the current states first, then changes, faults with their error, and rejected versions', async () => {
    await call('load', { source: { $case: 'path', value: writePlugin(join(dir, 'echo-watched'), echoManifest('1', 1), echo) } });
    const watch: ClientReadableStream<PluginStateChange> = client.watchState({ name: '' }, metadata(ADMIN));
    const changes = watch[Symbol.asyncIterator]() as AsyncIterator<PluginStateChange>;
    const next = async (): Promise<PluginStateChange> => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no plugin state change within 20 s')), 20_000)));
      try {
        return ((await Promise.race([changes.next(), late])) as IteratorResult<PluginStateChange>).value as PluginStateChange;
      } finally {
        clearTimeout(timer);
      }
    };
    const current = await next();
    assert.deepEqual([current.name, current.version, current.state, current.current], ['echo', '1', PluginState.PLUGIN_STATE_RUNNING, true]);

    const trapper = writePlugin(join(dir, 'trapper'), { name: 'trapper', version: '1', capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] }, config: { mode: 'trap' } }, await buildGuest('hostile'));
    await call('load', { source: { $case: 'path', value: trapper } });
    const loading = await next();
    assert.deepEqual([loading.name, loading.state, loading.previous, loading.current], ['trapper', PluginState.PLUGIN_STATE_LOADING, PluginState.PLUGIN_STATE_UNSPECIFIED, false]);
    assert.deepEqual([(await next()).state], [PluginState.PLUGIN_STATE_RUNNING]);
    await answerPort();
    const fault = await next();
    assert.deepEqual([fault.name, fault.state, fault.previous, fault.error?.cause], ['trapper', PluginState.PLUGIN_STATE_RESTARTING, PluginState.PLUGIN_STATE_RUNNING, 'trap']);
    assert.match(fault.reason, /^trap: restarting in \d+ ms$/);
    assert.match(fault.error?.message ?? '', /unreachable/);
    const restarted = await next();
    assert.deepEqual([restarted.state, restarted.reason, restarted.error], [PluginState.PLUGIN_STATE_RUNNING, 'restarted after trap', undefined]);

    await assert.rejects(call('load', { source: { $case: 'path', value: writePlugin(join(dir, 'echo-watched-bad'), echoManifest('2', 2), Buffer.from('nope')) } }));
    const rejected = await next();
    assert.deepEqual([rejected.name, rejected.version, rejected.state, rejected.previous, rejected.error?.cause], ['echo', '2', PluginState.PLUGIN_STATE_RUNNING, PluginState.PLUGIN_STATE_RUNNING, 'load']);
    assert.equal(rejected.reason, 'version 2 rejected; version 1 stays running');

    await call('unload', { name: 'trapper' });
    assert.deepEqual([(await next()).state], [PluginState.PLUGIN_STATE_UNLOADED]);
    watch.cancel();
    await call('unload', { name: 'echo' });
  });
});

describe('a Plugins watch at shutdown', () => {
  it('ends with UNAVAILABLE when the runtime stops, without holding the stop up', async () => {
    const t = await startTestRuntime();
    const client = new PluginsClient(`127.0.0.1:${t.rt.grpcPort}`, credentials.createInsecure());
    let stopMs = Number.NaN;
    let ended: Promise<ServiceError> | undefined;
    try {
      const watch = client.watchState({ name: '' }, new Metadata());
      ended = new Promise<ServiceError>((resolve) => watch.on('error', resolve));
      // The watch is registered once a change reaches it: a rejected upload makes two
      // (one that passes the preamble check: garbage is refused before any change).
      const seen = new Promise<void>((resolve) => watch.once('data', () => resolve()));
      await assert.rejects(t.rt.plugins.loadUpload(JSON.stringify({ name: 'ghost', version: '1', component: 'ghost.wasm' }), Buffer.from('0061736d0d000100ff', 'hex')));
      await seen;
    } finally {
      const started = performance.now();
      await t.stop();
      stopMs = performance.now() - started;
      client.close();
    }
    failure(status.UNAVAILABLE, /the runtime is shutting down/)(await ended);
    assert.ok(stopMs < 1500, `the stop took ${stopMs.toFixed(0)} ms (the server waits 2 s for calls that do not end)`);
  });
});
