import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { nodeIdOf } from '../core/index.js';
import { parseSeeds } from '../overlay/index.js';
import { InProcessBus, type PubSubMessage } from '../pubsub/index.js';
import { eventually } from '../testing/test-runtime.js';
import { ClusterBus } from './overlay-pubsub.js';
import { OverlayRunner } from './overlay-runner.js';

const runners: OverlayRunner[] = [];

async function node(name: string, seeds = ''): Promise<{ runner: OverlayRunner; bus: ClusterBus }> {
  const id = nodeIdOf(name);
  const runner = new OverlayRunner({ nodeId: id, host: '127.0.0.1', port: 0, seeds: parseSeeds(seeds, id), aliases: [], tls: undefined, log: pino({ level: 'silent' }), registry: new Registry(), overrides: { recordMinIntervalMs: 50, backoffInitialMs: 50 } });
  await runner.start();
  runners.push(runner);
  return { runner, bus: new ClusterBus(new InProcessBus(), runner, pino({ level: 'silent' })) };
}

const text = (m: PubSubMessage): string => `${m.subject}=${Buffer.from(m.payload).toString()}`;

describe('pubsub across nodes (ClusterBus over three overlay runners, a - b - c)', () => {
  after(async () => {
    await Promise.all(runners.map((r) => r.stop()));
  });

  it('delivers a publish on a to the subscribers on a and on c, exactly once each, and not to b', async () => {
    const c = await node('ps-c');
    const b = await node('ps-b', `${nodeIdOf('ps-c')}@127.0.0.1:${c.runner.port}`);
    const a = await node('ps-a', `${nodeIdOf('ps-b')}@127.0.0.1:${b.runner.port}`);
    const got: Record<string, string[]> = { a: [], b: [], c: [] };
    a.bus.subscribe('topo.>', (m) => got.a!.push(text(m)));
    b.bus.subscribe('other.*', (m) => got.b!.push(text(m)));
    c.bus.subscribe(['topo.links', 'topo.*'], (m) => got.c!.push(text(m)));
    await eventually(() => a.runner.node.record(nodeIdOf('ps-c'))?.patterns.includes('topo.*') === true, 'c\'s patterns known at a', 10_000);
    assert.equal(a.bus.publish({ subject: 'topo.links', payload: Buffer.from('1'), headers: {} }), 2, 'one local subscriber, one node');
    a.bus.publish({ subject: 'topo.links', payload: Buffer.from('2'), headers: {} });
    await eventually(() => got.c!.includes('topo.links=2'), 'the second message at c', 5000);
    assert.deepEqual(got, { a: ['topo.links=1', 'topo.links=2'], b: [], c: ['topo.links=1', 'topo.links=2'] });
  });

  it('stops announcing a pattern when its last local subscription goes', async () => {
    const d = await node('ps-d');
    const first = d.bus.subscribe('x.y', () => {});
    const second = d.bus.subscribe('x.y', () => {});
    first.unsubscribe();
    first.unsubscribe();
    assert.deepEqual(d.runner.node.record(nodeIdOf('ps-d'))?.patterns, ['x.y']);
    second.unsubscribe();
    assert.deepEqual(d.runner.node.record(nodeIdOf('ps-d'))?.patterns, []);
  });
});
