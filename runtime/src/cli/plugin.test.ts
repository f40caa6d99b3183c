import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildGuest, writePlugin } from '../plugins/testing/guests.js';
import { startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const ADMIN = 'cli-plugins-admin-0123456789';
const READER = 'cli-plugins-reader-0123456789';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `sdn-runtime ARGS` as a process (asynchronously: the runtime under test lives in this process). */
function run(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd, env: { ...process.env, SDN_RUNTIME_TARGET: '', SDN_RUNTIME_TOKEN: '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

const manifest = (version: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'echo', version, capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] }, ...extra });

describe('sdn-runtime plugin list | load | unload | reload, against a running runtime', () => {
  let t: TestRuntime;
  let env: NodeJS.ProcessEnv;
  let echo: Uint8Array;
  const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-cli-plugins-'));
  before(async () => {
    echo = await buildGuest('echo');
    t = await startTestRuntime({ pluginLoadDirs: [dir], tokens: [{ name: 'admin', token: ADMIN, scopes: ['admin'] }, { name: 'reader', token: READER, scopes: ['events:read'] }] });
    env = { SDN_RUNTIME_TARGET: `127.0.0.1:${t.rt.grpcPort}`, SDN_RUNTIME_TOKEN: ADMIN };
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('list says so when there are none; load (a relative path, resolved here) prints one line; list shows a table or JSON', async () => {
    const empty = await run(['plugin', 'list'], env);
    assert.deepEqual([empty.code, empty.stdout, empty.stderr], [0, 'no plugins loaded\n', '']);

    writePlugin(join(dir, 'echo-1'), manifest('1'), echo);
    const loaded = await run(['plugin', 'load', 'echo-1'], env, dir);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal(loaded.stdout, `loaded echo 1 (running) from ${join(dir, 'echo-1', 'plugin.json')}\n`);

    const text = await run(['plugin', 'list'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^NAME +VERSION +STATE +EVENTS +COMMANDS +FAULTS +RESTARTS +UP +LAST ERROR\necho +1 +running +0 +0 +0 +0 +\d+\.\ds +\n$/);
    const json = JSON.parse((await run(['plugin', 'list', '--json'], env)).stdout) as { plugins: { name: string; state: string; counters: { events: string } }[] };
    assert.deepEqual(json.plugins.map((p) => [p.name, p.state, p.counters.events]), [['echo', 'PLUGIN_STATE_RUNNING', '0']]);
  });

  it('load --upload sends the plugin; a rejected version fails with exit 1 and the old one keeps running', async () => {
    const up = await run(['plugin', 'load', '--upload', writePlugin(join(dir, 'echo-2'), manifest('2'), echo), '--json'], env);
    assert.equal(up.code, 0, up.stderr);
    const status = JSON.parse(up.stdout) as { version: string; state: string; manifestPath: string };
    assert.deepEqual([status.version, status.state], ['2', 'PLUGIN_STATE_RUNNING']);
    assert.ok(status.manifestPath.startsWith(t.rt.plugins.uploads.dir), status.manifestPath);

    const broken = await run(['plugin', 'load', writePlugin(join(dir, 'echo-3'), manifest('3'), Buffer.from('not a component'))], env);
    assert.equal(broken.code, 1);
    assert.equal(broken.stdout, '');
    assert.match(broken.stderr, /^sdn-runtime: plugin echo: not a WebAssembly component this host can load: .*; version 2 keeps running\n$/s);
    assert.equal(t.rt.plugins.status('echo').version, '2');
  });

  it('reload and unload by name; unknown names and paths say what to do', async () => {
    const reloaded = await run(['plugin', 'reload', 'echo'], env);
    assert.equal(reloaded.code, 0, reloaded.stderr);
    assert.match(reloaded.stdout, /^reloaded echo 2 \(running\) from .*plugin\.json\n$/);
    const unloaded = await run(['plugin', 'unload', 'echo'], env);
    assert.deepEqual([unloaded.code, unloaded.stdout], [0, 'unloaded echo 2\n']);

    const again = await run(['plugin', 'unload', 'echo'], env);
    assert.deepEqual([again.code, again.stderr], [1, 'sdn-runtime: no plugin called echo is loaded (see sdn-runtime plugin list)\n']);
    const missing = await run(['plugin', 'load', join(dir, 'not-there')], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read .*not-there: ENOENT.* \(the runtime reads the path on its own machine; to send the plugin from this one, add --upload\)\n$/);
    const outside = await run(['plugin', 'load', join(tmpdir(), 'elsewhere')], env);
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /is not inside a folder plugins may be loaded from .*--plugin-load-dirs.* \(the runtime reads the path on its own machine; to send the plugin from this one, add --upload\)\n$/);
    assert.doesNotMatch(outside.stderr, /use a token/, 'a refused path is not a missing scope');
  });

  it('checks an upload before sending it: a bad manifest, a plugin too large', async () => {
    const bad = await run(['plugin', 'load', '--upload', writePlugin(join(dir, 'echo-bad'), manifest('4', { limits: { deadlineMs: -1 } }), echo)], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^sdn-runtime: .*echo-bad\/plugin\.json: limits\.deadlineMs: must be an integer from 1 to 60000; got -1\n$/);
    const big = writePlugin(join(dir, 'echo-big'), manifest('5'), echo);
    writeFileSync(join(big, 'plugin.wasm'), Buffer.alloc(33 * 2 ** 20));
    const large = await run(['plugin', 'load', '--upload', big], env);
    assert.equal(large.code, 1);
    assert.match(large.stderr, /the plugin is 33\.0 MiB, more than the 32 MiB a runtime accepts in one upload: copy its folder to the runtime's machine and load it by path \(without --upload\)\n$/);
    assert.deepEqual(t.rt.plugins.list(), []);
  });

  it('needs the admin scope, and says which token to give', async () => {
    const r = await run(['plugin', 'list'], { ...env, SDN_RUNTIME_TOKEN: READER });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'sdn-runtime: Plugins.List needs the scope "admin", which the token of "reader" does not have (use a token that has it: --token or SDN_RUNTIME_TOKEN)\n');
    const none = await run(['plugin', 'reload', 'echo'], { SDN_RUNTIME_TARGET: env.SDN_RUNTIME_TARGET });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /the runtime refused the token: missing token/);
  });
});
