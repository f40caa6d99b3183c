import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials, Metadata } from '@grpc/grpc-js';
import { nodeIdOf } from '../core/index.js';
import { ClusterClient, type ListClusterNodesResponse, type ListClusterRoutesResponse } from '../generated/sdn/runtime/v1/cluster.js';
import { PubSubClient } from '../generated/sdn/runtime/v1/pubsub.js';
import { makeCa, nodeCertificate, type NodeCertificate } from '../testing/overlay-pki.js';
import { MAIN, startServe, type ServeProcess } from '../testing/serve-process.js';
import { eventually } from '../testing/test-runtime.js';

/**
 * Three `sdn-runtime serve` processes on loopback joined into one overlay over
 * mutual TLS from a throwaway cluster CA (made with openssl): 1 dials 2, 2 dials
 * 3. Pubsub from node 1 reaches node 3 through node 2, the Cluster service on
 * node 3 sees the whole mesh, a node with a certificate from another CA is
 * refused and counted, and node 3 reports node 2 (and node 1 behind it)
 * unreachable once node 2 is killed.
 */

const NAMES = ['ov-1', 'ov-2', 'ov-3'] as const;
const ID = Object.fromEntries(NAMES.map((n) => [n, nodeIdOf(n)])) as Record<(typeof NAMES)[number], number>;

function serveArgs(dir: string, name: string, cert: NodeCertificate, seeds: string | undefined): string[] {
  return [
    '--node-id', name,
    '--openflow-host', '127.0.0.1', '--openflow-port', '0',
    '--http-host', '127.0.0.1', '--http-port', '0',
    '--grpc-port', '0',
    '--data-dir', join(dir, name),
    '--overlay-host', '127.0.0.1', '--overlay-port', '0',
    '--overlay-tls-ca', cert.ca, '--overlay-tls-cert', cert.cert, '--overlay-tls-key', cert.key,
    ...(seeds === undefined ? [] : ['--seeds', seeds]),
  ];
}

/** `ID@HOST:PORT` of a started node, from its "overlay listening" log line. */
function seedOf(p: ServeProcess, name: string): string {
  const line = p.lines.find((l) => String(l.msg).startsWith('overlay listening'));
  assert.ok(line !== undefined, `${name} logged where its overlay listens`);
  return `${nodeIdOf(name)}@${String(line.address)}`;
}

function logged(p: ServeProcess, msg: string, node: number): boolean {
  return p.lines.some((l) => l.msg === msg && l.node === node);
}

function unary<Res>(fn: (req: object, md: Metadata, cb: (err: Error | null, res: Res) => void) => void): Promise<Res> {
  return new Promise((resolve, reject) => fn({}, new Metadata(), (err, res) => (err === null ? resolve(res) : reject(err))));
}

async function metric(p: ServeProcess, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`http://${String(p.serving.http)}/metrics`)).text();
  const match = pattern.exec(text);
  return match === null ? 0 : Number(match[1]);
}

describe('the overlay across three serve processes (mutual TLS, seeds 1-2 and 2-3)', () => {
  let dir: string;
  const nodes: Partial<Record<(typeof NAMES)[number], ServeProcess>> = {};
  let cluster3: ClusterClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-overlay-e2e-'));
    makeCa(dir, 'ca');
    const certs = Object.fromEntries(NAMES.map((n) => [n, nodeCertificate(dir, n, 'ca')])) as Record<(typeof NAMES)[number], NodeCertificate>;
    nodes['ov-3'] = await startServe(serveArgs(dir, 'ov-3', certs['ov-3'], undefined));
    nodes['ov-2'] = await startServe(serveArgs(dir, 'ov-2', certs['ov-2'], seedOf(nodes['ov-3'], 'ov-3')));
    nodes['ov-1'] = await startServe(serveArgs(dir, 'ov-1', certs['ov-1'], seedOf(nodes['ov-2'], 'ov-2')));
    cluster3 = new ClusterClient(String(nodes['ov-3'].serving.grpc), credentials.createInsecure());
  });

  after(async () => {
    cluster3?.close();
    for (const p of Object.values(nodes)) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('joins: node 3 reaches node 1 through node 2, and its Cluster service and CLI show it', async () => {
    const p3 = nodes['ov-3']!;
    await eventually(() => logged(p3, 'overlay node reachable', ID['ov-1']), 'node 3 reaches node 1', 20_000);
    const listed = await unary<ListClusterNodesResponse>((r, m, cb) => cluster3.listNodes(r, m, cb));
    assert.equal(listed.self, ID['ov-3']);
    assert.equal(listed.overlay, true);
    assert.deepEqual(listed.nodes.map((n) => n.nodeId).sort(), Object.values(ID).sort());
    const routes = await unary<ListClusterRoutesResponse>((r, m, cb) => cluster3.listRoutes(r, m, cb));
    const toNode1 = routes.routes.find((r) => r.dest === ID['ov-1']);
    assert.deepEqual(toNode1 && { nextHop: toNode1.nextHop, path: toNode1.path }, { nextHop: ID['ov-2'], path: [ID['ov-2'], ID['ov-1']] });
    const cli = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [MAIN, 'cluster', 'routes', '--target', String(p3.serving.grpc)], (err, stdout) => (err === null ? resolve(stdout) : reject(err))),
    );
    assert.match(cli, new RegExp(`^${ID['ov-1']}\\s+${ID['ov-2']}\\s+[0-9.]+ ms\\s+${ID['ov-2']} > ${ID['ov-1']}$`, 'm'));
  });

  it('delivers a message published on node 1 to a subscriber on node 3, once', async () => {
    const pub = new PubSubClient(String(nodes['ov-1']!.serving.grpc), credentials.createInsecure());
    const sub = new PubSubClient(String(nodes['ov-3']!.serving.grpc), credentials.createInsecure());
    const got: string[] = [];
    const stream = sub.subscribe({ patterns: ['e2e.>'] });
    stream.on('data', (m: { subject: string; payload: Buffer }) => got.push(`${m.subject}=${m.payload.toString()}`));
    stream.on('error', () => {});
    try {
      const publish = (subject: string, text: string): Promise<number> =>
        new Promise((resolve, reject) => pub.publish({ message: { subject, payload: Buffer.from(text), headers: {} } }, (err, res) => (err === null ? resolve(res.delivered) : reject(err))));
      // Node 1 learns node 3's subscription from node 3's record (within about a second): until then
      // a publish is handed to no one (delivered 0) and goes nowhere, so it can be repeated.
      const deadline = Date.now() + 15_000;
      while ((await publish('e2e.hello', 'from node 1')) === 0) {
        if (Date.now() > deadline) throw new Error('node 1 never learnt of the subscription on node 3');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(await publish('e2e.end', 'marker'), 1);
      await eventually(() => got.includes('e2e.end=marker'), 'the marker at node 3', 5000);
      assert.deepEqual(got, ['e2e.hello=from node 1', 'e2e.end=marker']);
    } finally {
      stream.cancel();
      pub.close();
      sub.close();
    }
  });

  it('refuses a node whose certificate is signed by another CA, and counts it', async () => {
    makeCa(dir, 'rogue-ca');
    const rogue = await startServe(serveArgs(dir, 'ov-rogue', nodeCertificate(dir, 'ov-rogue', 'rogue-ca'), seedOf(nodes['ov-3']!, 'ov-3')));
    try {
      await eventually(() => rogue.lines.some((l) => String(l.msg).startsWith('overlay seed refused')), 'the rogue node\'s dial refused', 15_000);
      assert.ok((await metric(nodes['ov-3']!, /^sdn_runtime_overlay_links_refused_total\{reason="tls"\} (\d+)/m)) >= 1);
      assert.ok(!logged(nodes['ov-3']!, 'overlay node reachable', nodeIdOf('ov-rogue')));
    } finally {
      await rogue.stop();
    }
  });

  it('reports node 2, and node 1 behind it, unreachable at node 3 once node 2 is killed', async () => {
    const p3 = nodes['ov-3']!;
    nodes['ov-2']!.child.kill('SIGKILL');
    await eventually(() => logged(p3, 'overlay node unreachable', ID['ov-2']) && logged(p3, 'overlay node unreachable', ID['ov-1']), 'nodes 2 and 1 unreachable at node 3', 10_000);
    const listed = await unary<ListClusterNodesResponse>((r, m, cb) => cluster3.listNodes(r, m, cb));
    assert.deepEqual(listed.nodes.map((n) => n.nodeId), [ID['ov-3']]);
  });
});
