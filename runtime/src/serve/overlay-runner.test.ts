import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { nodeIdOf } from '../core/index.js';
import { encodeFrame, OverlayNode, overlayDefaults, parseSeeds, type OverlayOutput } from '../overlay/index.js';
import { makeCa, nodeCertificate, type NodeCertificate } from '../testing/overlay-pki.js';
import { eventually } from '../testing/test-runtime.js';
import { OverlayRunner, type OverlayTlsFiles } from './overlay-runner.js';


function files(c: NodeCertificate): OverlayTlsFiles {
  return { cert: readFileSync(c.cert), key: readFileSync(c.key), ca: readFileSync(c.ca) };
}

async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.filter((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val)).reduce((sum, v) => sum + v.value, 0) ?? 0;
}

interface Started {
  readonly runner: OverlayRunner;
  readonly registry: Registry;
  readonly outputs: OverlayOutput[];
}

const running: OverlayRunner[] = [];

async function start(name: string, tls: OverlayTlsFiles | undefined, seeds = '', maxSendQueueBytes?: number): Promise<Started> {
  const registry = new Registry();
  const nodeId = nodeIdOf(name);
  const runner = new OverlayRunner({ nodeId, host: '127.0.0.1', port: 0, seeds: parseSeeds(seeds, nodeId), aliases: [name], tls, log: pino({ level: 'silent' }), registry, ...(maxSendQueueBytes === undefined ? {} : { maxSendQueueBytes }), overrides: { backoffInitialMs: 50, backoffMaxMs: 200 } });
  const outputs: OverlayOutput[] = [];
  runner.onOutput((o) => outputs.push(o));
  await runner.start();
  running.push(runner);
  return { runner, registry, outputs };
}

describe('the overlay runner: links over mutual TLS', () => {
  let dir: string;
  let cluster: Record<string, NodeCertificate>;
  let stranger: NodeCertificate;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-overlay-runner-'));
    makeCa(dir, 'ca');
    makeCa(dir, 'other-ca');
    cluster = Object.fromEntries(['node-a', 'node-b', 'impostor'].map((n) => [n, nodeCertificate(dir, n, 'ca')]));
    stranger = nodeCertificate(dir, 'node-c', 'other-ca');
  });
  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('joins two nodes through a seed and carries a message between them', async () => {
    const b = await start('node-b', files(cluster['node-b']!));
    const a = await start('node-a', files(cluster['node-a']!), `${nodeIdOf('node-b')}@127.0.0.1:${b.runner.port}`);
    await eventually(() => a.runner.node.route(nodeIdOf('node-b')) !== undefined && b.runner.node.route(nodeIdOf('node-a')) !== undefined, 'routes both ways', 10_000);
    a.runner.control((node) => node.sendTo(nodeIdOf('node-b'), Buffer.from('hello b')));
    await eventually(() => b.outputs.some((o) => o.kind === 'unicast' && Buffer.from(o.data).toString() === 'hello b'), 'the message at node b', 5000);
    assert.ok((await value(a.registry, 'sdn_runtime_overlay_bytes_total', { peer: String(nodeIdOf('node-b')), direction: 'out' })) > 0);
    assert.ok((await value(b.registry, 'sdn_runtime_overlay_messages_total', { peer: String(nodeIdOf('node-a')), direction: 'in' })) >= 3, 'Hello, Ping, Pong at least');
    assert.ok((await value(b.registry, 'sdn_runtime_overlay_link_rtt_seconds', { peer: String(nodeIdOf('node-a')) })) > 0);
    await eventually(() => a.runner.node.nodesNamed('node-b').length === 1, 'node b\'s alias at node a', 10_000);
  });

  it('refuses a node whose certificate comes from another CA, and counts it at both ends', async () => {
    const b = await start('node-b', files(cluster['node-b']!));
    const c = await start('node-c', files(stranger), `${nodeIdOf('node-b')}@127.0.0.1:${b.runner.port}`);
    const refusedAtB = async (): Promise<number> => value(b.registry, 'sdn_runtime_overlay_links_refused_total', { reason: 'tls' });
    const deadline = Date.now() + 10_000;
    while ((await refusedAtB()) === 0 || (await value(c.registry, 'sdn_runtime_overlay_dial_failures_total', { reason: 'tls' })) === 0) {
      if (Date.now() > deadline) throw new Error('no TLS refusal counted within 10 s');
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(b.runner.node.links().length, 0);
    assert.equal(c.runner.node.links().length, 0);
  });

  it('refuses a Hello whose node id the certificate does not name', async () => {
    const b = await start('node-b', files(cluster['node-b']!));
    // Holds a cluster certificate for "impostor" but says it is node-a.
    const liar = await start('node-a', files(cluster['impostor']!), `${nodeIdOf('node-b')}@127.0.0.1:${b.runner.port}`);
    const deadline = Date.now() + 10_000;
    while ((await value(b.registry, 'sdn_runtime_overlay_links_refused_total', { reason: 'refused' })) === 0) {
      if (Date.now() > deadline) throw new Error('no refusal counted within 10 s');
      await new Promise((resolve) => setImmediate(resolve));
    }
    await eventually(() => liar.outputs.some((o) => o.kind === 'close' && o.reason.code === 'refused-by-peer' && /certificate names/.test(o.reason.detail)), 'the refusal, with its reason, at the liar', 5000);
    assert.equal(b.runner.node.links().length, 0);
  });
});

describe('the overlay runner: bad input', () => {
  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
  });

  it('closes a link that sends a malformed frame, counts it by code and logs it once a minute', async () => {
    const lines: Record<string, unknown>[] = [];
    const registry = new Registry();
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const runner = new OverlayRunner({ nodeId: nodeIdOf('node-b'), host: '127.0.0.1', port: 0, seeds: [], aliases: [], tls: undefined, log, registry });
    await runner.start();
    running.push(runner);
    for (let i = 0; i < 2; i++) {
      const socket = connect(runner.port, '127.0.0.1');
      await once(socket, 'connect');
      // A frame of format 9 (this node speaks 1).
      socket.end(Buffer.from([0, 0, 0, 2, 9, 0]));
      socket.on('error', () => {});
      socket.resume();
      await once(socket, 'close');
    }
    await eventually(() => runner.node.links().length === 0, 'links gone');
    const deadline = Date.now() + 5000;
    while ((await value(registry, 'sdn_runtime_overlay_problems_total', { code: 'OVERLAY_FRAME' })) < 2) {
      if (Date.now() > deadline) throw new Error('two OVERLAY_FRAME problems not counted within 5 s');
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(lines.filter((l) => l.code === 'OVERLAY_FRAME').length, 1, 'the second one is counted, not logged');
    assert.equal(await value(registry, 'sdn_runtime_overlay_links_refused_total', { reason: 'protocol' }), 2);
  });
});

describe('the overlay runner: connection flood', () => {
  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
  });

  it('accepts at most twice maxLinks connections at once and counts the ones it drops', async () => {
    const registry = new Registry();
    const runner = new OverlayRunner({ nodeId: nodeIdOf('node-f'), host: '127.0.0.1', port: 0, seeds: [], aliases: [], tls: undefined, log: pino({ level: 'silent' }), registry, overrides: { maxLinks: 2 } });
    await runner.start();
    running.push(runner);
    const sockets = [];
    try {
      for (let i = 0; i < 6; i++) {
        const socket = connect(runner.port, '127.0.0.1');
        socket.on('error', () => {});
        socket.resume();
        await once(socket, 'connect');
        sockets.push(socket);
      }
      const deadline = Date.now() + 5000;
      while ((await value(registry, 'sdn_runtime_overlay_links_refused_total', { reason: 'limit' })) < 2) {
        if (Date.now() > deadline) throw new Error('the connections over the limit were not counted within 5 s');
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });
});

describe('the overlay runner: a peer that stops reading', () => {
  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
  });

  it('closes its link once the send queue is over the bound, counts the drop and keeps running', async () => {
    const b = await start('node-b', undefined, '', 1024 * 1024);
    // The peer: an OverlayNode driven by hand over a plain socket, so the test can stop its reads.
    const peer = new OverlayNode(overlayDefaults({ nodeId: nodeIdOf('reader'), seeds: [], random: () => 0 }));
    const socket = connect(b.runner.port, '127.0.0.1');
    await once(socket, 'connect');
    const pump = (): void => {
      for (const o of peer.drain()) if (o.kind === 'send') socket.write(encodeFrame(o.message));
    };
    socket.on('data', (chunk: Buffer) => {
      peer.onBytes(1, chunk, performance.now());
      pump();
    });
    socket.on('error', () => {});
    peer.onConnected(1, performance.now());
    pump();
    await eventually(() => b.runner.node.links().length === 1, 'the reader\'s link up at node b', 5000);
    socket.pause();
    const chunk = new Uint8Array(256 * 1024);
    // Bounded: 200 broadcasts of 256 KiB, far over what the kernel's buffers and the 1 MiB queue hold.
    for (let i = 0; i < 200 && b.runner.node.links().length > 0; i++) {
      b.runner.control((node) => node.broadcast(chunk));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await eventually(() => b.outputs.some((o) => o.kind === 'neighbour-down'), 'the reader\'s link closed', 5000);
    assert.ok((await value(b.registry, 'sdn_runtime_overlay_drops_total', { reason: 'send-queue-full' })) >= 1);
    assert.equal(await value(b.registry, 'sdn_runtime_overlay_links_closed_total', { reason: 'slow-peer' }), 1);
    socket.destroy();
  });
});
