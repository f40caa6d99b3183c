import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { OfpMessage } from '../openflow/index.js';
import { buildProject, KITS } from '../plugins/testing/kits.js';
import { FakeSwitch } from '../testing/fake-switch.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-serve-'));
/** Every runtime a test started: one that failed midway is killed at the end, so the file can exit. */
const children = new Set<ReturnType<typeof spawn>>();
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  readonly child: ReturnType<typeof spawn>;
  readonly lines: Record<string, unknown>[];
  readonly serving: Record<string, unknown>;
  /** Resolves with the first log line (past or future) that matches. */
  waitForLine(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Starts `sdn-runtime serve` with JSON logs and waits for its "serving" line. */
async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--log-format', 'json', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  const lines: Record<string, unknown>[] = [];
  let waiters: { predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];
  const serving = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "serving" log line within 10 s: ${JSON.stringify(lines)}`));
    }, 10_000);
    child.once('exit', () => clearTimeout(timer));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      lines.push(parsed);
      for (const w of waiters.filter((w) => w.predicate(parsed))) w.resolve(parsed);
      waiters = waiters.filter((w) => !w.predicate(parsed));
      if (parsed.msg === 'sdn-runtime serving') {
        clearTimeout(timer);
        resolve(parsed);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before serving: ${JSON.stringify(lines)}`)));
  });
  const waitForLine = (predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 30_000): Promise<Record<string, unknown>> => {
    const seen = lines.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms: ${JSON.stringify(lines)}`)), timeoutMs);
      waiters.push({ predicate, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  };
  return { child, lines, serving, waitForLine };
}

describe('sdn-runtime serve', () => {
  it('serves health and metrics on the bound ports and stops cleanly on SIGTERM', async () => {
    const { child, lines, serving } = await serve(['--openflow-port', '0', '--http-port', '0', '--grpc-port', '0', '--http-host', '127.0.0.1', '--openflow-host', '127.0.0.1', '--grpc-host', '127.0.0.1', '--data-dir', join(dir, 'a')]);
    // A failed assertion must not leave the runtime running (the test file would never end).
    try {
      const httpPort = Number(String(serving.http).split(':').pop());
      assert.match(String(serving.grpc), /^127\.0\.0\.1:\d+$/);
      assert.equal(serving.plugins, join(dir, 'a', 'plugins'), 'plugins live in <dataDir>/plugins by default');
      assert.ok(lines.some((l) => String(l.msg).includes('the gRPC API has no tokens configured')), 'an open API is announced with a warning');
      // One line per listener: where, TLS, who is authenticated.
      const surfaces = lines.filter((l) => l.surface !== undefined).map((l) => [l.surface, l.address, l.tls, l.authentication]);
      assert.deepEqual(surfaces, [
        ['openflow', serving.openflow, false, 'none'],
        ['http', serving.http, false, 'none'],
        ['grpc', serving.grpc, false, 'none'],
      ]);
      assert.match(String(lines.find((l) => l.surface === 'grpc')!.msg), /^grpc listening on 127\.0\.0\.1:\d+: plaintext, no tokens: every client that connects has every scope$/);
      const health = (await (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).json()) as { status: string; switches: number };
      assert.deepEqual([health.status, health.switches], ['ok', 0]);
      assert.match(await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text(), /sdn_runtime_switches_connected 0/);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
    assert.ok(lines.some((l) => l.msg === 'stopped'));
  });

  it('takes options from a config file, overridden by env, overridden by flags', async () => {
    const file = join(dir, 'runtime.json');
    writeFileSync(file, JSON.stringify({ openflowHost: '127.0.0.1', httpHost: '127.0.0.1', openflowPort: 0, httpPort: 0, grpcHost: '127.0.0.1', grpcPort: 0, apps: ['learning-switch'], logLevel: 'debug', dataDir: join(dir, 'b') }));
    const { child, serving } = await serve(['-c', file, '--log-level', 'info'], { SDN_RUNTIME_LOG_LEVEL: 'warn', SDN_RUNTIME_HTTP_HOST: '127.0.0.1', SDN_RUNTIME_TOPOLOGY: 'false' });
    assert.deepEqual(serving.apps, ['learning-switch']);
    // Without --no-topology on the command line, the env's "false" stands (commander sets no default that would override it).
    assert.equal(serving.topology, false);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
  });

  it('loads a plugin folder dropped into --plugins-dir while serving, and runs it', async () => {
    const built = await buildProject(KITS.ts, 'ts');
    const pluginsDir = join(dir, 'my-plugins');
    const { child, serving, waitForLine } = await serve(['--openflow-port', '0', '--http-port', '0', '--grpc-port', '0', '--http-host', '127.0.0.1', '--openflow-host', '127.0.0.1', '--grpc-host', '127.0.0.1', '--data-dir', join(dir, 'c'), '--plugins-dir', pluginsDir]);
    assert.equal(serving.plugins, pluginsDir);
    cpSync(built.folder, join(pluginsDir, 'hub'), { recursive: true });
    const loaded = await waitForLine((l) => l.msg === 'plugin loaded' && l.plugin === 'hub');
    assert.equal(loaded.version, '0.1.0');
    const httpPort = Number(String(serving.http).split(':').pop());
    assert.match(await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text(), /sdn_runtime_plugin_compilations_total\{result="transpiled"\} 1/);
    // The hub installs a table-miss flow on every switch that comes up (topology, on by default, its LLDP flow).
    const sw = await FakeSwitch.connect(Number(String(serving.openflow).split(':').pop()), { dpid: 0x5n });
    const miss = await sw.waitFor((m: OfpMessage) => m.type === 'FlowMod' && m.priority === 0, 30_000);
    assert.ok(miss.type === 'FlowMod' && miss.match.length === 0);
    await sw.close();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
    await waitForLine((l) => l.msg === 'plugin unloaded' && l.plugin === 'hub');
  });

  it('exits with an error, not hanging on its plugins folder watcher, when the OpenFlow port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const child = spawn(process.execPath, [MAIN, 'serve', '--log-format', 'json', '--openflow-host', '127.0.0.1', '--openflow-port', String(port), '--http-port', '0', '--grpc-port', '0', '--http-host', '127.0.0.1', '--grpc-host', '127.0.0.1', '--data-dir', join(dir, 'd')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
      clearTimeout(timer);
      assert.deepEqual([code, signal], [1, null], `serve did not exit by itself: ${stderr}`);
      assert.match(stderr, /EADDRINUSE/);
    } finally {
      taken.close();
    }
  });

  it('rejects a bad option with a message that says what to do, exit status 2', async () => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--app', 'nope'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 2);
    assert.match(stderr, /unknown app "nope": built-in apps are learning-switch/);
  });

  it('refuses an OpenFlow version whose handshake it does not complete at start, before any switch connects', async () => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--openflow-versions', '1.4', '--openflow-port', '0', '--http-port', '0', '--grpc-port', '0', '--data-dir', join(dir, 'v')], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const bound = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    clearTimeout(bound);
    assert.equal(code, 2, `serve did not refuse 1.4 by itself: ${stderr}`);
    assert.equal(stderr, 'sdn-runtime serve: openflowVersions: "1.4" is not supported: the runtime completes the switch handshake only for OpenFlow 1.0, 1.3\n');
  });

  it('offers only the supported OpenFlow versions and the connection limits in --help', async () => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    await once(child, 'exit');
    const help = stdout.replace(/\s+/g, ' ');
    assert.match(help, /--openflow-versions <list> OpenFlow versions to negotiate, comma-separated; supported: 1\.0, 1\.3 \[env SDN_RUNTIME_OPENFLOW_VERSIONS\] \(default: 1\.3\)/);
    assert.doesNotMatch(help, /1\.4|1\.5/);
    for (const flag of ['--max-switch-connections <n>', '--max-switch-connections-per-source <n>', '--max-switch-handshakes <n>']) assert.ok(help.includes(flag), flag);
  });
});
