import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServe, type ServeProcess } from '../testing/serve-process.js';

/**
 * grpcurl, the usual gRPC command-line client, against a real `sdn-runtime serve`
 * process: server reflection lists every service and describes every message,
 * health answers, and tokens guard reflection but not health.
 * grpcurl comes from `bash scripts/install-grpcurl.sh`.
 */

const INSTALL = 'bash scripts/install-grpcurl.sh';

/** $GRPCURL, else where the install script puts it, else grpcurl on the PATH. */
function findGrpcurl(): string {
  const candidates = [process.env.GRPCURL, join(process.env.GRPCURL_BIN_DIR ?? join(homedir(), 'go', 'bin'), 'grpcurl')];
  const found = candidates.find((c) => c !== undefined && c !== '' && existsSync(c));
  if (found !== undefined) return found;
  try {
    execFileSync('grpcurl', ['-version'], { stdio: 'pipe' });
    return 'grpcurl';
  } catch {
    throw new Error(`grpcurl is not installed: run \`${INSTALL}\` (from the repository root), or set GRPCURL to its path`);
  }
}

const TOKEN = 'grpcurl-test-token-0123456789';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const OUR_SERVICES = [
  'grpc.health.v1.Health',
  'grpc.reflection.v1.ServerReflection',
  'grpc.reflection.v1alpha.ServerReflection',
  'sdn.runtime.v1.Cluster',
  'sdn.runtime.v1.Events',
  'sdn.runtime.v1.KV',
  'sdn.runtime.v1.Plugins',
  'sdn.runtime.v1.PubSub',
  'sdn.runtime.v1.Switches',
  'sdn.runtime.v1.Topology',
];

describe('grpcurl against sdn-runtime serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-grpcurl-'));
  let grpcurl: string;
  /** The default configuration: no tokens, gRPC on loopback. */
  let open: ServeProcess;
  /** With a token configured. */
  let guarded: ServeProcess;

  /** `grpcurl -plaintext [flags] ADDRESS ...args`, bounded by 20 s. */
  const run = (serve: ServeProcess, args: string[], flags: string[] = []): Promise<Run> =>
    new Promise((resolve) => {
      execFile(grpcurl, ['-plaintext', '-max-time', '15', ...flags, String(serve.serving.grpc), ...args], { timeout: 20_000 }, (err, stdout, stderr) =>
        resolve({ code: err === null ? 0 : Number((err as { code?: unknown }).code ?? 1), stdout, stderr }),
      );
    });
  const bearer = `authorization: Bearer ${TOKEN}`;

  before(async () => {
    grpcurl = findGrpcurl();
    const config = join(dir, 'runtime.json');
    writeFileSync(config, JSON.stringify({ tokens: [{ name: 'ops', token: TOKEN, scopes: ['events:read'] }] }));
    const common = ['--openflow-host', '127.0.0.1', '--openflow-port', '0', '--http-host', '127.0.0.1', '--http-port', '0', '--grpc-port', '0'];
    open = await startServe([...common, '--data-dir', join(dir, 'open')]);
    guarded = await startServe(['-c', config, ...common, '--data-dir', join(dir, 'guarded')]);
  });
  after(async () => {
    await open?.stop();
    await guarded?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists our services, health and reflection (default configuration: loopback, no tokens)', async () => {
    assert.match(String(open.serving.grpc), /^127\.0\.0\.1:\d+$/);
    const list = await run(open, ['list']);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.trim().split('\n'), OUR_SERVICES);
  });

  it('answers grpc.health.v1.Health/Check SERVING', async () => {
    const check = await run(open, ['grpc.health.v1.Health/Check']);
    assert.equal(check.code, 0, check.stderr);
    assert.deepEqual(JSON.parse(check.stdout), { status: 'SERVING' });
    const kv = await run(open, ['grpc.health.v1.Health/Check'], ['-d', '{"service":"sdn.runtime.v1.KV"}']);
    assert.deepEqual(JSON.parse(kv.stdout), { status: 'SERVING' });
  });

  it('describes messages with maps, oneofs and imports (descriptors grpcurl accepts)', async () => {
    const described = await run(open, ['describe', 'sdn.runtime.v1.PublishRequest']);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /sdn\.runtime\.v1\.PublishRequest is a message/);
    const events = await run(open, ['describe', 'sdn.runtime.v1.Events']);
    assert.equal(events.code, 0, events.stderr);
    assert.match(events.stdout, /rpc Connect \( stream \.sdn\.runtime\.v1\.ClientMessage \) returns \( stream \.sdn\.runtime\.v1\.ServerMessage \)/);
  });

  it('with tokens: reflection needs one, health does not', async () => {
    const refused = await run(guarded, ['list']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Unauthenticated/);
    const list = await run(guarded, ['list'], ['-H', bearer]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.trim().split('\n'), OUR_SERVICES);
    // The token goes to reflection only (grpcurl needs the schema); the Check itself carries none.
    const check = await run(guarded, ['grpc.health.v1.Health/Check'], ['-reflect-header', bearer]);
    assert.equal(check.code, 0, check.stderr);
    assert.deepEqual(JSON.parse(check.stdout), { status: 'SERVING' });
  });
});
