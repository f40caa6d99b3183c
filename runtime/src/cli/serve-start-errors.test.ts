import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serveUntilExit, type ServeExit } from '../testing/serve-process.js';

/**
 * `sdn-runtime serve` that cannot start says so in one line naming the option,
 * without a stack trace, and exits: 2 for a configuration error, 1 when the
 * machine is in the way.
 */

const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-start-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every port 0 on loopback, JSON logs; `args` come last and win. */
function run(args: string[], timeoutMs?: number): Promise<ServeExit> {
  const base = ['--log-format', 'json', '--openflow-host', '127.0.0.1', '--openflow-port', '0', '--http-host', '127.0.0.1', '--http-port', '0', '--grpc-port', '0', '--data-dir', join(dir, 'data')];
  return serveUntilExit([...base, ...args], timeoutMs);
}

/** Asserts the exit status and that stderr holds, besides JSON log lines, exactly one line, matching `line`. */
function assertOneLine(exit: ServeExit, code: number, line: RegExp): void {
  const text = exit.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{'));
  assert.equal(exit.signal, null, `serve did not exit by itself: ${exit.stderr}`);
  assert.equal(exit.code, code, exit.stderr);
  assert.equal(text.length, 1, `one line expected on stderr besides the log, got:\n${text.join('\n')}`);
  assert.match(text[0]!, /^sdn-runtime serve: /);
  assert.match(text[0]!, line);
  assert.doesNotMatch(exit.stderr, /internal error|\n\s+at /);
}

describe('serve start-up errors', () => {
  let pem: { cert: string; key: string; otherKey: string; junk: string };
  before(() => {
    const openssl = (...args: string[]): void => {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    };
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.pem', '-days', '1', '-subj', '/CN=localhost');
    openssl('genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'other.key');
    writeFileSync(join(dir, 'junk.pem'), 'not a PEM file\n');
    pem = { cert: join(dir, 'server.pem'), key: join(dir, 'server.key'), otherKey: join(dir, 'other.key'), junk: join(dir, 'junk.pem') };
  });

  it('a port in use: exit 1, naming the flag and how to pick another', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as AddressInfo).port);
      for (const surface of ['openflow', 'http', 'grpc']) {
        const exit = await run([`--${surface}-port`, port]);
        assertOneLine(exit, 1, new RegExp(`--${surface}-port ${port}: .*EADDRINUSE.*the port is in use.*--${surface}-port 0 takes any free port`));
      }
    } finally {
      taken.close();
    }
  });

  it('TLS files that are missing, not PEM, or a key of another certificate: exit 2, naming the flag', async () => {
    assertOneLine(await run(['--grpc-tls-cert', join(dir, 'nope.pem'), '--grpc-tls-key', pem.key]), 2, /--grpc-tls-cert \S+nope\.pem: cannot read it: ENOENT/);
    assertOneLine(await run(['--grpc-tls-cert', pem.junk, '--grpc-tls-key', pem.junk]), 2, /--grpc-tls-cert \S+junk\.pem and --grpc-tls-key \S+junk\.pem are not a PEM certificate and its private key/);
    assertOneLine(await run(['--tls-cert', pem.cert, '--tls-key', pem.otherKey]), 2, /--tls-cert \S+server\.pem and --tls-key \S+other\.key are not a PEM certificate and its private key: .*mismatch/);
    assertOneLine(await run(['--tls-cert', pem.cert, '--tls-key', pem.key, '--tls-ca', pem.junk]), 2, /--tls-ca \S+junk\.pem: not a PEM CA bundle/);
  });

  it('an unknown log level: exit 2, listing the levels', async () => {
    assertOneLine(await run(['--log-level', 'loud']), 2, /--log-level "loud" \(env SDN_RUNTIME_LOG_LEVEL, config "logLevel"\) is not a level: use trace, debug, info, warn, error, fatal, silent/);
  });

  it('--mastership etcd without --store etcd, or an unknown kind: exit 2, naming what is needed', async () => {
    assertOneLine(await run(['--mastership', 'etcd']), 2, /--mastership etcd needs --store etcd/);
    assertOneLine(await run(['--mastership', 'raft']), 2, /--mastership "raft".*use none, etcd/);
  });

  it('a gRPC bind beyond loopback without tokens: exit 2, saying how to configure tokens', async () => {
    assertOneLine(await run(['--grpc-host', '0.0.0.0']), 2, /--grpc-host 0\.0\.0\.0 .*"tokens" in the -c config file.*SDN_RUNTIME_TOKENS_FILE.*--grpc-tls-ca.*--grpc-host 127\.0\.0\.1/);
  });

  it('an unusable data or plugins folder (a file, or under /proc) fails at once with exit 1 instead of hanging', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    assertOneLine(await run(['--data-dir', join(dir, 'a-file')]), 1, /--data-dir \S+a-file .*is not a folder this user can write: \S+a-file is not a folder; choose another with --data-dir/);
    // mkdir -p loops for ever under /proc (mkdir answers ENOENT although the parent exists).
    for (const where of ['/proc/sdn-runtime-data', '/proc/self']) {
      const startedAt = Date.now();
      assertOneLine(await run(['--data-dir', where], 10_000), 1, new RegExp(`--data-dir ${where} .*is not a folder this user can write: ENOENT`));
      assert.ok(Date.now() - startedAt < 10_000);
    }
    assertOneLine(await run(['--plugins-dir', '/proc/sdn-runtime-plugins'], 10_000), 1, /--plugins-dir \/proc\/sdn-runtime-plugins \(env SDN_RUNTIME_PLUGINS_DIR, config "pluginsDir"\) is not a folder this user can write: ENOENT/);
  });
});
