import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { CommandError_Code } from '../generated/sdn/runtime/v1/events.js';
import { SwitchesClient } from '../generated/sdn/runtime/v1/switches.js';
import { StreamClient } from '../testing/api-client.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';
import { ownCookie } from '../ownership/index.js';

/** A unary call as a promise: resolves with the response or rejects with the ServiceError. */
function call<Req, Res>(client: SwitchesClient, method: 'list' | 'get' | 'dumpFlows' | 'status', request: Req, token?: string): Promise<Res> {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    (client[method] as unknown as (r: Req, m: Metadata, cb: (err: ServiceError | null, res: Res) => void) => void).call(client, request, metadata, (err, res) => (err === null ? resolve(res) : reject(err)));
  });
}

async function refused(p: Promise<unknown>, code: status, details: RegExp): Promise<void> {
  await assert.rejects(p, (err: ServiceError) => {
    assert.equal(err.code, code, `expected ${status[code]}, got ${status[err.code]}: ${err.details}`);
    assert.match(err.details, details);
    return true;
  });
}

const flowStats = { tableId: 0, durationSec: 5, durationNsec: 0, priority: 1, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: 9n, packetCount: 1n, byteCount: 64n, match: [], instructions: [] };

describe('Switches service', () => {
  let t: TestRuntime;
  let client: SwitchesClient;
  const switches: FakeSwitch[] = [];
  before(async () => {
    t = await startTestRuntime();
    client = new SwitchesClient(`127.0.0.1:${t.rt.grpcPort}`, credentials.createInsecure());
    const watcher = new StreamClient(t.rt.grpcPort);
    await watcher.subscribe({});
    for (const dpid of [0x20n, 0x10n]) switches.push(await FakeSwitch.connect(t.rt.openflowPort, { dpid }));
    await watcher.until(() => watcher.events.filter((e) => e.body?.$case === 'switchUp').length === 2, 'both switches up');
    watcher.close();
    switches[0]!.responder = (m, s) => {
      if (m.type !== 'MultipartRequest' || m.body.type !== 'flow') return false;
      s.send({ type: 'MultipartReply', version: 4, xid: m.xid, flags: 1, body: { type: 'flow', stats: [{ ...flowStats, tableId: m.body.tableId }] } });
      s.send({ type: 'MultipartReply', version: 4, xid: m.xid, flags: 0, body: { type: 'flow', stats: [{ ...flowStats, cookie: 10n }] } });
      return true;
    };
  });
  after(async () => {
    client.close();
    for (const sw of switches) await sw.close();
    await t.stop();
  });

  it('lists the connected switches by dpid and gets one; an unknown dpid is NOT_FOUND', async () => {
    const list = await call<object, { switches: { dpid: bigint; dpidHex: string; ports: unknown[]; desc?: { mfrDesc: string } }[] }>(client, 'list', {});
    assert.deepEqual(list.switches.map((s) => s.dpidHex), ['0000000000000010', '0000000000000020']);
    assert.equal(list.switches[0]!.ports.length, 2);
    assert.equal(list.switches[0]!.desc?.mfrDesc, 'sdn-runtime tests');
    const one = await call<{ dpid: bigint }, { dpid: bigint }>(client, 'get', { dpid: 0x20n });
    assert.equal(one.dpid, 0x20n);
    await refused(call(client, 'get', { dpid: 0x30n }), status.NOT_FOUND, /no switch with dpid 0000000000000030/);
  });

  it('dumps the flow table through a FLOW stats request, reassembled', async () => {
    const flows = await call<{ dpid: bigint; tableId?: number }, { flows: { cookie: bigint; tableId: number }[] }>(client, 'dumpFlows', { dpid: 0x20n });
    assert.deepEqual(flows.flows.map((f) => [f.cookie, f.tableId]), [[9n, 0xff], [10n, 0]], 'absent table_id asks for every table (OFPTT_ALL)');
    await refused(call(client, 'dumpFlows', { dpid: 0x30n }), status.NOT_FOUND, /no switch/);
    await refused(call(client, 'dumpFlows', { dpid: 0x20n, tableId: 256 }), status.INVALID_ARGUMENT, /^table_id: 256 does not fit in 8 bits/);
  });

  it('reports the node status', async () => {
    const s = await call<object, Record<string, unknown>>(client, 'status', {});
    assert.equal(s.nodeId, 'test-node');
    assert.equal(s.switches, 2);
    assert.equal(s.grpcPort, t.rt.grpcPort);
    assert.equal(s.openflowPort, t.rt.openflowPort);
    assert.equal(s.httpPort, t.rt.httpPort);
    assert.match(String(s.version), /^\d+\.\d+\.\d+/);
    assert.equal(s.lastSeq, 2n);
    assert.equal(typeof s.uptimeMs, 'bigint');
  });
});

describe('Tokens and scopes', () => {
  const VIEWER = 'viewer-token-0123456789';
  const OPERATOR = 'operator-token-0123456789';
  let t: TestRuntime;
  let client: SwitchesClient;
  let sw: FakeSwitch;
  before(async () => {
    t = await startTestRuntime({
      tokens: [
        { name: 'viewer', token: VIEWER, scopes: ['events:read'] },
        { name: 'operator', token: OPERATOR, scopes: ['events:read', 'flows:write'] },
        { name: 'kv-only', token: 'kv-only-token-0123456789', scopes: ['kv:read'] },
      ],
    });
    client = new SwitchesClient(`127.0.0.1:${t.rt.grpcPort}`, credentials.createInsecure());
    sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 1n });
  });
  after(async () => {
    client.close();
    await sw.close();
    await t.stop();
  });

  it('refuses calls without a known token (UNAUTHENTICATED) and outside their scope (PERMISSION_DENIED)', async () => {
    await refused(call(client, 'list', {}), status.UNAUTHENTICATED, /missing token/);
    await refused(call(client, 'list', {}, 'not-a-token-0123456789'), status.UNAUTHENTICATED, /unknown token/);
    await refused(call(client, 'status', {}, 'kv-only-token-0123456789'), status.PERMISSION_DENIED, /Switches\.Status needs the scope "events:read", which the token of "kv-only" does not have/);
    const ok = await call<object, { switches: unknown[] }>(client, 'list', {}, VIEWER);
    assert.ok(Array.isArray(ok.switches));
    assert.equal(t.logs.some((l) => String(l.msg).includes('no tokens configured')), false);
  });

  it('a stream without events:read cannot subscribe; a command outside the token\'s scope is refused and changes nothing', async () => {
    const noEvents = new StreamClient(t.rt.grpcPort, 'kv-only-token-0123456789');
    noEvents.send({ kind: { $case: 'subscribe', value: { appName: 'x', kinds: [], dpids: [], packetIn: undefined, initialCredit: 0, maxBatch: 0, topics: [], kvWatches: [], tables: [] } } });
    const s = await noEvents.status;
    assert.equal(s.code, status.PERMISSION_DENIED);
    assert.match(s.details, /"events:read"/);
    noEvents.close();

    const viewer = new StreamClient(t.rt.grpcPort, VIEWER);
    // Replay from the log: the switch may have come up before this stream subscribed.
    await viewer.subscribe({ resumeAfterSeq: 0n });
    await viewer.event((e) => e.body?.$case === 'switchUp', 'switch up');
    const denied = await viewer.command({ dpid: 1n, confirm: true, kind: { $case: 'flowMod', value: { cookie: 0x66n } } });
    assert.equal(denied.kind?.$case === 'error' && denied.kind.value.code, CommandError_Code.CODE_PERMISSION_DENIED);
    assert.match(denied.kind?.$case === 'error' ? denied.kind.value.message : '', /command flow_mod needs the scope "flows:write", which the token of "viewer" does not have/);

    const operator = new StreamClient(t.rt.grpcPort, OPERATOR);
    await operator.subscribe({});
    const allowed = await operator.command({ dpid: 1n, confirm: true, kind: { $case: 'flowMod', value: { cookie: 0x67n } } });
    assert.deepEqual(allowed.kind, { $case: 'ok', value: {} });
    const first = await sw.waitFor((m) => m.type === 'FlowMod');
    assert.equal(first.type === 'FlowMod' && ownCookie(first.cookie), 0x67n, 'the refused FLOW_MOD never reached the switch');
    viewer.close();
    operator.close();
  });
});

describe('gRPC over mutual TLS', () => {
  let dir: string;
  let t: TestRuntime;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-grpc-tls-'));
    const openssl = (...args: string[]): void => {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    };
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=sdn-runtime test CA');
    for (const name of ['server', 'client']) {
      openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? 'localhost' : 'app'}`);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1');
    }
    t = await startTestRuntime({ grpcTlsCert: join(dir, 'server.pem'), grpcTlsKey: join(dir, 'server.key'), grpcTlsCa: join(dir, 'ca.pem') });
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a client with a certificate from the CA and refuses one without', async () => {
    const read = (f: string): Buffer => readFileSync(join(dir, f));
    const options = { 'grpc.ssl_target_name_override': 'localhost' };
    const good = new SwitchesClient(`127.0.0.1:${t.rt.grpcPort}`, credentials.createSsl(read('ca.pem'), read('client.key'), read('client.pem')), options);
    const s = await call<object, { nodeId: string }>(good, 'status', {});
    assert.equal(s.nodeId, 'test-node');
    good.close();
    const anonymous = new SwitchesClient(`127.0.0.1:${t.rt.grpcPort}`, credentials.createSsl(read('ca.pem')), options);
    await refused(call(anonymous, 'status', {}), status.UNAVAILABLE, /./);
    anonymous.close();
  });
});
