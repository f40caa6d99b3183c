import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials, status, type ServiceError, Metadata } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { KVClient } from '../generated/sdn/runtime/v1/kv.js';
import { EtcdCluster } from '../testing/etcd-cluster.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { unary } from '../testing/grpc-loopback.js';
import { eventually, metricValue, startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';
import { ConfigError } from './config.js';
import { loadServeConfig } from './load-config.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

function configError(message: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof ConfigError && message.test(error.message);
}

describe('serve --store etcd: configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdn-etcd-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('takes endpoints from flags, env and the file; lmdb stays the default', () => {
    assert.equal(loadServeConfig({}, {}, undefined).store, 'lmdb');
    const config = loadServeConfig({ store: 'etcd' }, { SDN_RUNTIME_ETCD_ENDPOINTS: 'a:2379, b:2379' }, undefined);
    assert.deepEqual([config.store, config.etcdEndpoints, config.etcdPrefix], ['etcd', ['a:2379', 'b:2379'], '/sdn-runtime/kv/']);
  });

  it('refuses etcd without endpoints, a bad endpoint, an unknown store, a client certificate without a CA', () => {
    assert.throws(() => loadServeConfig({ store: 'etcd' }, {}, undefined), configError(/--store etcd needs --etcd-endpoints/));
    assert.throws(() => loadServeConfig({ store: 'etcd', etcdEndpoints: 'localhost' }, {}, undefined), configError(/"localhost" is not host:port/));
    assert.throws(() => loadServeConfig({ store: 'redis' }, {}, undefined), configError(/--store "redis".*use lmdb, etcd/));
    assert.throws(() => loadServeConfig({ etcdTlsCert: 'c.pem', etcdTlsKey: 'k.pem' }, {}, undefined), configError(/etcdTlsCert needs etcdTlsCa/));
  });

  it('reads the password from a file or the environment, never from a flag, and wants a user with it', () => {
    const file = join(dir, 'password');
    writeFileSync(file, 'secret\n');
    assert.equal(loadServeConfig({ etcdUser: 'sdn', etcdPasswordFile: file }, {}, undefined).etcdPassword, 'secret');
    assert.equal(loadServeConfig({ etcdUser: 'sdn' }, { SDN_RUNTIME_ETCD_PASSWORD: 'from-env' }, undefined).etcdPassword, 'from-env');
    assert.throws(() => loadServeConfig({ etcdUser: 'sdn' }, {}, undefined), configError(/etcdUser needs a password/));
    assert.throws(() => loadServeConfig({ etcdUser: 'sdn', etcdPasswordFile: join(dir, 'missing') }, {}, undefined), configError(/etcdPasswordFile: cannot read/));
  });
});

describe('serve --store etcd: etcd unreachable at start', () => {
  it('exits 1 with one line naming the endpoints', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const dataDir = mkdtempSync(join(tmpdir(), 'sdn-etcd-serve-'));
    try {
      const child = spawn(process.execPath, [MAIN, 'serve', '--store', 'etcd', '--etcd-endpoints', endpoint, '--openflow-host', '127.0.0.1', '--openflow-port', '0', '--http-host', '127.0.0.1', '--http-port', '0', '--grpc-port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearTimeout(timer);
      assert.equal(code, 1, stderr);
      const lines = stderr.trim().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0]!, new RegExp(`^sdn-runtime serve: --etcd-endpoints ${endpoint} \\(env SDN_RUNTIME_ETCD_ENDPOINTS\\): etcd cannot be reached`));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('serve --store etcd on a 3-member cluster', () => {
  let cluster: EtcdCluster;
  let t: TestRuntime;
  let kv: KVClient;
  before(async () => {
    cluster = await EtcdCluster.start(3);
    t = await startTestRuntime({ store: 'etcd', etcdEndpoints: cluster.endpoints, etcdPrefix: '/serve-test/' });
    kv = new KVClient(`127.0.0.1:${t.rt.grpcPort}`, credentials.createInsecure());
  });
  after(async () => {
    kv?.close();
    await t?.stop();
    await cluster?.close();
  });

  it('serves the KV API from etcd; with etcd gone KV calls fail UNAVAILABLE, counted, and switches are still served', async () => {
    const key = Buffer.from('config/a');
    const put = await unary<{ revision: bigint }>((done) => kv.put({ key, value: Buffer.from('1') }, new Metadata(), done));
    const got = await unary<{ kv?: { value: Buffer; modRevision: bigint } }>((done) => kv.get({ key }, new Metadata(), done));
    assert.deepEqual([got.kv?.value.toString(), got.kv?.modRevision], ['1', put.revision]);
    for (let i = 0; i < cluster.size; i++) await cluster.kill(i);
    await assert.rejects(unary((done) => kv.get({ key }, new Metadata(), done)), (error: ServiceError) => error.code === status.UNAVAILABLE && /etcd range/.test(error.details));
    assert.ok((await metricValue(t.rt, 'sdn_runtime_errors_total', { cause: 'kv_unavailable' })) >= 1);
    assert.ok(t.logs.some((line) => line.msg === 'KV calls fail: etcd cannot be reached (switches are still served)'));
    const sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0x7n });
    try {
      await eventually(() => t.rt.switches.list().length === 1, 'the switch is ready', 10_000);
    } finally {
      sw.close();
    }
  });
});
