import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { SwitchMessage } from '../generated/sdn/overlay/v1/overlay.js';
import { parseSeeds } from '../overlay/index.js';
import { TcpProxy } from '../testing/tcp-proxy.js';
import { eventually } from '../testing/test-runtime.js';
import { OverlayRunner, SHED_QUEUE_SHARE } from './overlay-runner.js';

/** The relay's send queue bound: small, so that the flood backs it up quickly. */
const MAX_SEND_QUEUE_BYTES = 1024 * 1024;
/** One flood frame: 32 packet-in-sized events of 1 KiB (about 33 KiB on the wire). */
const EVENTS_PER_FRAME = 32;
const FRAMES_PER_TURN = 16;
/** Bounds of the flood: frames (about 660 MB at most) and wall time. */
const MAX_FRAMES = 20_000;
const MAX_FLOOD_MS = 30_000;

const running: { stop(): Promise<void> }[] = [];

after(async () => {
  for (const r of running.reverse()) await r.stop();
});

async function sum(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.filter((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val)).reduce((total, v) => total + v.value, 0) ?? 0;
}

async function node(id: number, seeds: string, maxSendQueueBytes?: number): Promise<{ runner: OverlayRunner; registry: Registry }> {
  const registry = new Registry();
  // Node 3 hears nothing from node 2 while the proxy holds its reads: liveness must outlast the hold (bounded below by the flood's bounds).
  const overrides = { backoffInitialMs: 50, backoffMaxMs: 200, recordMinIntervalMs: 20, pullRetryMs: 200, livenessTimeoutMs: MAX_FLOOD_MS + 10_000 };
  const runner = new OverlayRunner({ nodeId: id, host: '127.0.0.1', port: 0, seeds: parseSeeds(seeds, id), aliases: [], tls: undefined, log: pino({ level: 'silent' }), registry, overrides, ...(maxSendQueueBytes === undefined ? {} : { maxSendQueueBytes }) });
  await runner.start();
  running.push(runner);
  return { runner, registry };
}

function floodFrame(seq: number): SwitchMessage {
  const events = Array.from({ length: EVENTS_PER_FRAME }, (_, i) => ({ dpid: 0xabn, seq: BigInt(seq * EVENTS_PER_FRAME + i), body: { $case: 'openflow' as const, value: Buffer.alloc(1024, i) } }));
  return { body: { $case: 'events', value: { events } } };
}

describe('the overlay runner: a relay toward a node that reads slowly', () => {
  it('sheds the sheddable frames it relays while the link onward is backed up; links stay up, control traffic arrives, the queue stays bounded', async () => {
    // The line 1 - 2 - 3; node 2 reaches node 3 through a proxy that can stop reading (node 3 "reads slowly").
    const n3 = await node(3, '');
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: n3.runner.port });
    running.push({ stop: () => proxy.close() });
    const n2 = await node(2, `3@${proxy.endpoint}`, MAX_SEND_QUEUE_BYTES);
    const n1 = await node(1, `2@127.0.0.1:${n2.runner.port}`);
    await eventually(() => n1.runner.node.route(3)?.nextHop === 2 && n3.runner.node.route(1)?.nextHop === 2, 'routes 1 -> 3 and 3 -> 1 through node 2', 10_000);
    n3.runner.control((n) => n.subscribe('control.>'));
    await eventually(() => n1.runner.node.record(3)?.patterns.includes('control.>') === true, 'node 1 learns node 3\'s subscription', 10_000);

    let floodArrived = 0;
    const controlArrived: string[] = [];
    n3.runner.onOutput((o) => {
      if (o.kind === 'switch-message') floodArrived++;
      else if (o.kind === 'publish') controlArrived.push(o.subject);
      else if (o.kind === 'unicast') controlArrived.push(Buffer.from(o.data).toString());
    });

    proxy.hold();
    let stop = false;
    let sent = 0;
    let maxShare = 0;
    let floodError: unknown;
    const started = Date.now();
    const flood = (async () => {
      while (!stop && sent < MAX_FRAMES && Date.now() - started < MAX_FLOOD_MS) {
        try {
          for (let i = 0; i < FRAMES_PER_TURN; i++) n1.runner.control((n) => n.sendSwitchMessage(3, floodFrame(sent++), { sheddable: true }));
        } catch (err) {
          // No route to node 3 any more: the relay's link toward it was closed.
          floodError = err;
          stop = true;
        }
        maxShare = Math.max(maxShare, n2.runner.sendQueueShare(3));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      const shedAtRelay = (): Promise<number> => sum(n2.registry, 'sdn_runtime_overlay_drops_total', { peer: '3', reason: 'shed' });
      while ((await shedAtRelay()) === 0) {
        if (stop || sent >= MAX_FRAMES || Date.now() - started >= MAX_FLOOD_MS) {
          const closed = await sum(n2.registry, 'sdn_runtime_overlay_links_closed_total', { reason: 'slow-peer' });
          throw new Error(`the relay shed nothing: ${sent} frames in ${Date.now() - started} ms, links closed as slow peers at node 2: ${closed}`, { cause: floodError });
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      // Control traffic sent while the relay's link onward is backed up: queued behind the flood, never shed.
      n1.runner.control((n) => n.publish('control.after-shed', Buffer.from('p')));
      n1.runner.control((n) => n.sendTo(3, Buffer.from('command reply')));
      proxy.release();
      await eventually(() => controlArrived.includes('control.after-shed') && controlArrived.includes('command reply'), 'the pubsub message and the unicast at node 3 while the flood goes on', 15_000);
    } finally {
      stop = true;
      await flood;
    }

    for (const n of [n1, n2, n3]) assert.equal(await sum(n.registry, 'sdn_runtime_overlay_links_closed_total'), 0, `no link closed at node ${n.runner.node.nodeId}`);
    assert.deepEqual(n2.runner.node.links().map((l) => l.peer).sort(), [1, 3]);
    assert.equal(n3.runner.node.route(1)?.nextHop, 2);
    assert.equal(await sum(n2.registry, 'sdn_runtime_overlay_drops_total', { reason: 'send-queue-full' }), 0);
    // Sheddable frames stop at half the queue; the control frames queued above it are small.
    assert.ok(maxShare <= SHED_QUEUE_SHARE + 0.1, `the relay's queue toward node 3 peaked at ${maxShare} of its bound`);
    assert.ok(floodArrived > 0, 'the flood reached node 3, less what the relay shed');
  });
});
