import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-serve-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  readonly child: ReturnType<typeof spawn>;
  readonly lines: Record<string, unknown>[];
  readonly serving: Record<string, unknown>;
}

/** Starts `sdn-runtime serve` with JSON logs and waits for its "serving" line. */
async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--log-format', 'json', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const serving = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "serving" log line within 10 s: ${JSON.stringify(lines)}`));
    }, 10_000);
    child.once('exit', () => clearTimeout(timer));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      lines.push(parsed);
      if (parsed.msg === 'sdn-runtime serving') {
        clearTimeout(timer);
        resolve(parsed);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before serving: ${JSON.stringify(lines)}`)));
  });
  return { child, lines, serving };
}

describe('sdn-runtime serve', () => {
  it('serves health and metrics on the bound ports and stops cleanly on SIGTERM', async () => {
    const { child, lines, serving } = await serve(['--openflow-port', '0', '--http-port', '0', '--grpc-port', '0', '--http-host', '127.0.0.1', '--openflow-host', '127.0.0.1', '--grpc-host', '127.0.0.1', '--data-dir', join(dir, 'a')]);
    const httpPort = Number(String(serving.http).split(':').pop());
    assert.match(String(serving.grpc), /^127\.0\.0\.1:\d+$/);
    assert.ok(lines.some((l) => String(l.msg).includes('the gRPC API has no tokens configured')), 'an open API is announced with a warning');
    const health = (await (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).json()) as { status: string; switches: number };
    assert.deepEqual([health.status, health.switches], ['ok', 0]);
    assert.match(await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text(), /sdn_runtime_switches_connected 0/);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
    assert.ok(lines.some((l) => l.msg === 'stopped'));
  });

  it('takes options from a config file, overridden by env, overridden by flags', async () => {
    const file = join(dir, 'runtime.json');
    writeFileSync(file, JSON.stringify({ openflowHost: '127.0.0.1', httpHost: '127.0.0.1', openflowPort: 0, httpPort: 0, grpcHost: '127.0.0.1', grpcPort: 0, apps: ['learning-switch'], logLevel: 'debug', dataDir: join(dir, 'b') }));
    const { child, serving } = await serve(['-c', file, '--log-level', 'info'], { SDN_RUNTIME_LOG_LEVEL: 'warn', SDN_RUNTIME_HTTP_HOST: '127.0.0.1' });
    assert.deepEqual(serving.apps, ['learning-switch']);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
  });

  it('rejects a bad option with a message that says what to do', async () => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--app', 'nope'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 1);
    assert.match(stderr, /unknown app "nope": built-in apps are learning-switch/);
  });
});
