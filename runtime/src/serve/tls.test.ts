import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { connect, type Socket } from 'node:net';
import { FakeSwitch } from '../testing/fake-switch.js';
import { eventually, metricValue } from '../testing/test-runtime.js';
import { DEFAULT_SERVE_CONFIG } from './config.js';
import { startRuntime, type RunningRuntime } from './runtime.js';

/** A CA plus a server and a client certificate it signed, made with the openssl CLI. */
function makePki(dir: string): void {
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=sdn-runtime test CA');
  for (const name of ['server', 'client']) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? 'localhost' : 'switch'}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1');
  }
}

describe('OpenFlow over mutual TLS', () => {
  let dir: string;
  let rt: RunningRuntime;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-tls-'));
    makePki(dir);
    rt = await startRuntime(
      {
        ...DEFAULT_SERVE_CONFIG,
        openflowHost: '127.0.0.1',
        openflowPort: 0,
        httpHost: '127.0.0.1',
        httpPort: 0,
        grpcHost: '127.0.0.1',
        grpcPort: 0,
        dataDir: join(dir, 'data'),
        apps: ['learning-switch'],
        tlsCert: join(dir, 'server.pem'),
        tlsKey: join(dir, 'server.key'),
        tlsCa: join(dir, 'ca.pem'),
        // Long enough for a TLS and an OpenFlow handshake on a loaded machine, short enough to wait out below.
        handshakeTimeoutMs: 3000,
        maxSwitchConnectionsPerSource: 2,
        topology: false,
      },
      pino({ level: 'silent' }),
    );
  });
  after(async () => {
    await rt.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a switch with a certificate from the CA', async () => {
    const read = (f: string): Buffer => readFileSync(join(dir, f));
    const sw = await FakeSwitch.connect(rt.openflowPort, { dpid: 0x77n, tls: { ca: read('ca.pem'), cert: read('client.pem'), key: read('client.key'), servername: 'localhost' } });
    const miss = await sw.waitFor((m) => m.type === 'FlowMod');
    assert.equal(miss.type === 'FlowMod' && miss.priority, 0);
    assert.deepEqual(rt.switches.list().map((s) => s.dpid), [0x77n]);
    await sw.close();
  });

  it('refuses a switch without a client certificate', async () => {
    const sw = await FakeSwitch.connect(rt.openflowPort, { dpid: 0x78n, tls: { ca: readFileSync(join(dir, 'ca.pem')), servername: 'localhost' } });
    await sw.closed;
    assert.ok(!rt.switches.list().some((s) => s.dpid === 0x78n));
  });

  it('closes a connection over the per-source limit at once, before any TLS handshake, and silent ones after the handshake timeout', async () => {
    const idle: Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(rt.openflowPort, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
        socket.on('error', () => {});
        idle.push(socket);
      }
      // Connections that say nothing would wait for their TLS ClientHello; the one over the limit of 2 is closed by the runtime.
      await eventually(() => idle.some((s) => s.closed), 'a connection over the limit closed', 5000);
      assert.ok((await metricValue(rt, 'sdn_runtime_switch_connections_refused_total', { reason: 'perSource' })) >= 1);
      // The admitted ones get the switch handshake timeout (3 s here) for their TLS handshake, not Node's 120 s.
      await eventually(() => idle.every((s) => s.closed), 'the silent TLS connections closed after the handshake timeout', 15_000);
    } finally {
      for (const s of idle) s.destroy();
    }
  });
});
