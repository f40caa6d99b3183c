import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tracedRun, type TracedRun } from '../testing/traced-run.js';

/**
 * What each CLI command loads, checked by module tracing instead of timing: the
 * help and the offline commands must not pull in the server's heavy modules
 * (gRPC, the store, logging, metrics, the plugin host and its transpiler), which
 * cost most of a run's start-up; a remote command loads gRPC and nothing of the
 * server.
 */

const BIN = fileURLToPath(new URL('../../bin/sdn-runtime.js', import.meta.url));

const HEAVY: Readonly<Record<string, RegExp>> = {
  '@grpc/grpc-js': /\/node_modules\/@grpc\/grpc-js\//,
  lmdb: /\/node_modules\/lmdb\//,
  pino: /\/node_modules\/pino\//,
  'prom-client': /\/node_modules\/prom-client\//,
  jco: /\/node_modules\/@bytecodealliance\//,
  'the plugin host (dist/plugins)': /\/dist\/plugins\//,
  'the runtime (dist/serve/runtime.js)': /\/dist\/serve\/runtime\.js$/,
};

/** An OpenFlow 1.3 HELLO with a version bitmap [1.0, 1.3], xid 7. */
const HELLO = Buffer.from('04000010000000070001000800000012', 'hex');

function loaded(run: TracedRun, name: string): boolean {
  return run.modules.some((url) => HEAVY[name]!.test(url));
}

function assertNotLoaded(run: TracedRun, names: readonly string[]): void {
  for (const name of names) {
    const hits = run.modules.filter((url) => HEAVY[name]!.test(url));
    assert.equal(hits.length, 0, `${name} was loaded (${hits.length} modules, the first ${hits[0]}): import it in the command's action instead`);
  }
}

function assertOk(run: TracedRun): void {
  assert.equal(run.status, 0, `exit status ${run.status}, stderr: ${run.stderr}`);
}

/** A loopback port nothing listens on (the kernel picked it, then it was closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const ALL = Object.keys(HEAVY);

describe('CLI start-up: modules each command loads', () => {
  it('--help loads none of the heavy modules', async () => {
    const run = await tracedRun(BIN, ['--help']);
    assertOk(run);
    assert.match(run.stdout, /Usage: sdn-runtime/);
    assertNotLoaded(run, ALL);
    assert.deepEqual(run.modules.filter((url) => /\/dist\/openflow\/codec\.js$/.test(url)), [], 'the OpenFlow codec was loaded for --help');
  });

  it('serve --help and plugin load --help load none of them either', async () => {
    for (const args of [['serve', '--help'], ['plugin', 'load', '--help']]) {
      const run = await tracedRun(BIN, args);
      assertOk(run);
      assert.match(run.stdout, new RegExp(`Usage: sdn-runtime ${args.slice(0, -1).join(' ')}`));
      assertNotLoaded(run, ALL);
    }
  });

  it('ofp decode of one message loads none of them', async () => {
    const run = await tracedRun(BIN, ['ofp', 'decode'], { input: HELLO });
    assertOk(run);
    assert.match(run.stdout, /^\{"version":4,"xid":7,"OFPHello"/);
    assertNotLoaded(run, ALL);
  });

  it('status and plugin list load gRPC, and nothing of the server', async () => {
    for (const command of [['status'], ['plugin', 'list']]) {
      const run = await tracedRun(BIN, [...command, '--target', `127.0.0.1:${await closedPort()}`, '--timeout-ms', '20000']);
      assert.equal(run.status, 1, `exit status ${run.status}, stderr: ${run.stderr}`);
      assert.match(run.stderr, /cannot reach the runtime/);
      // The trace must see gRPC here, or the absences above prove nothing.
      assert.ok(loaded(run, '@grpc/grpc-js'), `${command.join(' ')}: the trace did not see @grpc/grpc-js load`);
      assertNotLoaded(run, ALL.filter((name) => name !== '@grpc/grpc-js'));
    }
  });
});
