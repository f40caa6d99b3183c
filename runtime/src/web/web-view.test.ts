import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { OfpMessage } from '../openflow/index.js';
import { fakePort, FakeSwitch } from '../testing/fake-switch.js';
import { packetInOn, relayProbe } from '../testing/probe-relay.js';
import { metricValue, startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';
import { appCookie, preferredAppId } from '../ownership/index.js';
import { arp } from '../topology/testing/frames.js';
import { SseReader } from './testing/sse-reader.js';

async function getJson(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers, redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: res.headers };
}

const HOST_MAC = '02:aa:00:00:00:01';

/** Flows of the runtime (app id 0), of the topology service, and of an app id this node has not named. */
const COOKIES = [0n, appCookie(preferredAppId('topology'), 5n), appCookie(77, 1n)];

/** Answers flow-stats and port-stats requests as a switch with the three flows of COOKIES would. */
function statsResponder(msg: OfpMessage, sw: FakeSwitch): boolean {
  if (msg.type !== 'MultipartRequest') return false;
  const base = { tableId: 0, durationSec: 3, durationNsec: 0, idleTimeout: 0, hardTimeout: 0, flags: 0, packetCount: 7n, byteCount: 700n, instructions: [] };
  if (msg.body.type === 'flow') {
    const stats = [
      { ...base, priority: 0, cookie: COOKIES[0]!, match: [] },
      { ...base, priority: 10, cookie: COOKIES[1]!, match: [{ field: 'in_port' as const, value: 1 }] },
      { ...base, priority: 20, cookie: COOKIES[2]!, match: [] },
    ];
    sw.send({ type: 'MultipartReply', version: 4, xid: msg.xid, flags: 0, body: { type: 'flow', stats } });
    return true;
  }
  if (msg.body.type === 'portStats') {
    const counters = { rxPackets: 11n, txPackets: 12n, rxBytes: 1100n, txBytes: 1200n, rxDropped: 0n, txDropped: 0n, rxErrors: 0n, txErrors: 0n, rxFrameErr: 0n, rxOverErr: 0n, rxCrcErr: 0n, collisions: 0n, durationSec: 3, durationNsec: 0 };
    sw.send({ type: 'MultipartReply', version: 4, xid: msg.xid, flags: 0, body: { type: 'portStats', stats: [{ ...counters, portNo: 1 }] } });
    return true;
  }
  return false;
}

describe('web view JSON and event stream, against fake switches', () => {
  let t: TestRuntime;
  let s1: FakeSwitch;
  let s2: FakeSwitch;
  before(async () => {
    t = await startTestRuntime({ topology: true, topologyProbeIntervalMs: 5000, topologySecret: 'the web view test secret, 32 b..' });
    s1 = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 1n, ports: [fakePort(1), fakePort(2)] });
    s2 = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 2n, ports: [fakePort(1), fakePort(2)] });
    s1.responder = statsResponder;
    await relayProbe(s1, 1, s2, 1);
    await relayProbe(s2, 1, s1, 1);
    s1.send(packetInOn(2, arp(HOST_MAC, '10.0.0.1', '10.0.0.2')));
  });
  after(async () => {
    await s1.close();
    await s2.close();
    await t.stop();
  });

  it('answers the whole picture: node, switches with their node, links with latency, hosts, apps', async () => {
    let doc: Record<string, unknown> = {};
    for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
      doc = (await getJson(t.rt.httpPort, '/api/v1/topology')).body;
      if ((doc.hosts as unknown[]).length === 1) break;
    }
    const node = (doc.nodes as { id: number; name: string }[])[0]!;
    assert.equal(node.name, 'test-node');
    assert.deepEqual(
      (doc.switches as { dpid: string; node: number; role: string; master: string }[]).map((s) => [s.dpid, s.node, s.role, s.master]).sort(),
      [
        ['0000000000000001', node.id, 'master', 'test-node'],
        ['0000000000000002', node.id, 'master', 'test-node'],
      ],
    );
    const links = (doc.links as { src: { dpid: string; port: number }; dst: { dpid: string; port: number }; latencyMs: number }[]).map((l) => `${l.src.dpid.slice(-1)}:${l.src.port}>${l.dst.dpid.slice(-1)}:${l.dst.port}`);
    assert.deepEqual(links.sort(), ['1:1>2:1', '2:1>1:1']);
    assert.deepEqual(doc.hosts, [{ mac: HOST_MAC, ips: ['10.0.0.1'], dpid: '0000000000000001', port: 2 }]);
    assert.deepEqual(doc.apps, ['topology']);
    assert.match(doc.eventId as string, /^[0-9a-f]+\.\d+$/);
    assert.deepEqual(doc.truncated, {});
  });

  it('answers a switch with its ports and counters and its flows grouped by the app id in their cookies', async () => {
    const { status, body } = await getJson(t.rt.httpPort, '/api/v1/switches/00:00:00:00:00:00:00:01');
    assert.equal(status, 200);
    assert.equal(body.flowCount, 3);
    assert.deepEqual(body.flowsByApp, { runtime: 1, topology: 1, 'app 77': 1 });
    const ports = body.ports as { port: number; counters?: { rxPackets: string } }[];
    assert.deepEqual(ports.map((p) => [p.port, p.counters?.rxPackets]), [
      [1, '11'],
      [2, undefined],
    ]);
    assert.equal((body.flows as Record<string, { priority: number }[]>).topology![0]!.priority, 10);
  });

  it('refuses a bad dpid, an unknown switch and an unknown path with JSON errors, counted', async () => {
    const bad = await getJson(t.rt.httpPort, '/api/v1/switches/xyz');
    assert.equal(bad.status, 404, 'a path that is no dpid is no route');
    const long = await getJson(t.rt.httpPort, '/api/v1/switches/11111111111111111');
    assert.equal(long.status, 400);
    assert.equal((long.body.error as { code: string }).code, 'WEB_BAD_REQUEST');
    const unknown = await getJson(t.rt.httpPort, '/api/v1/switches/99');
    assert.equal(unknown.status, 404);
    assert.match((unknown.body.error as { message: string }).message, /no switch 0000000000000099 is connected/);
    assert.equal(await metricValue(t.rt, 'sdn_runtime_web_refused_total', { code: 'WEB_NOT_FOUND' }), 2);
    assert.equal(await metricValue(t.rt, 'sdn_runtime_web_refused_total', { code: 'WEB_BAD_REQUEST' }), 1);
    const metrics = await fetch(`http://127.0.0.1:${t.rt.httpPort}/metrics`);
    assert.equal(metrics.status, 200, '/metrics is still served');
  });

  it('streams events after the snapshot, with ids a reconnect resumes from, and asks for a reload when it cannot', async () => {
    const doc = (await getJson(t.rt.httpPort, '/api/v1/topology')).body;
    const stream = await SseReader.open(t.rt.httpPort, `?after=${doc.eventId as string}`);
    const s3 = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 3n, ports: [fakePort(1)] });
    const up = await stream.next((m) => m.event === 'switchUp', 'switch 3 up');
    assert.equal(up.data.dpid, '0000000000000003');
    await s3.close();
    const down = await stream.next((m) => m.event === 'switchDown', 'switch 3 down');
    stream.close();

    const resumed = await SseReader.open(t.rt.httpPort, '', { 'last-event-id': up.id! });
    const again = await resumed.next((m) => m.event === 'switchDown', 'the switch-down again after a resume');
    assert.equal(again.id, down.id);
    resumed.close();

    const run = up.id!.split('.')[0]!;
    const stale = await SseReader.open(t.rt.httpPort, '', { 'last-event-id': `${run === 'a' ? 'b' : 'a'}.1` });
    const reload = await stale.next((m) => m.event === 'reload', 'a reload');
    assert.match(reload.data.reason as string, /restarted/);
  });
});

describe('web view access', () => {
  const tokens = [
    { name: 'viewer', token: 'viewer-token-0123456789', scopes: ['events:read' as const] },
    { name: 'kv', token: 'kv-token-0123456789abcd', scopes: ['kv:read' as const] },
  ];
  let t: TestRuntime;
  before(async () => {
    t = await startTestRuntime({ tokens });
  });
  after(async () => {
    await t.stop();
  });

  it('needs a token with events:read when tokens are configured: header, or ?token= once and then the cookie', async () => {
    const none = await getJson(t.rt.httpPort, '/api/v1/topology');
    assert.equal(none.status, 401);
    assert.equal((none.body.error as { code: string }).code, 'WEB_UNAUTHENTICATED');
    assert.equal((await getJson(t.rt.httpPort, '/', {})).status, 401, 'the page too');
    assert.equal((await getJson(t.rt.httpPort, '/api/v1/topology', { authorization: 'Bearer kv-token-0123456789abcd' })).status, 403);
    assert.equal((await getJson(t.rt.httpPort, '/api/v1/topology', { authorization: 'Bearer viewer-token-0123456789' })).status, 200);
    assert.equal((await getJson(t.rt.httpPort, '/?token=wrong-token-0123456789')).status, 401);
    const login = await getJson(t.rt.httpPort, '/?token=viewer-token-0123456789');
    assert.equal(login.status, 303);
    assert.equal(login.headers.get('location'), '/');
    const cookie = login.headers.get('set-cookie')!;
    assert.match(cookie, /^sdn_runtime_token=viewer-token-0123456789; HttpOnly; SameSite=Strict; Path=\/$/);
    const page = await fetch(`http://127.0.0.1:${t.rt.httpPort}/`, { headers: { cookie: cookie.split(';')[0]! } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script src="\/assets\/web-view.js" defer><\/script>\s*<script src="\/assets\/cytoscape.min.js" defer><\/script>/, 'the page script runs first: it asks for the snapshot while cytoscape loads');
    assert.equal((await getJson(t.rt.httpPort, '/api/v1/node', { cookie: 'sdn_runtime_token=%E0%A4%A' })).status, 401, 'a malformed cookie is no token, not a failure');
    assert.equal((await fetch(`http://127.0.0.1:${t.rt.httpPort}/metrics`)).status, 200, '/metrics stays open to scrapers');
  });
});

describe('web view without tokens', () => {
  let t: TestRuntime;
  before(async () => {
    t = await startTestRuntime();
  });
  after(async () => {
    await t.stop();
  });

  it('answers this machine, and refuses a Host header that is not loopback (DNS rebinding)', async () => {
    const page = await fetch(`http://127.0.0.1:${t.rt.httpPort}/`);
    assert.equal(page.status, 200);
    const script = await fetch(`http://localhost:${t.rt.httpPort}/assets/cytoscape.min.js`);
    assert.equal(script.status, 200);
    assert.ok((await script.text()).length > 100_000, 'cytoscape is served from the package');
    const rebound = await new Promise<IncomingMessage>((resolve, reject) => get({ host: '127.0.0.1', port: t.rt.httpPort, path: '/api/v1/topology', headers: { host: 'evil.example:8080' } }, resolve).on('error', reject));
    rebound.resume();
    assert.equal(rebound.statusCode, 403);
    assert.equal(await metricValue(t.rt, 'sdn_runtime_web_refused_total', { code: 'WEB_NOT_EXPOSED' }), 1);
  });
});
