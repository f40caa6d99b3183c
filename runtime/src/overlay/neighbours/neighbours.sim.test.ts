import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Simulator } from '../testing/index.js';

describe('neighbours (simulated)', () => {
  it('nodes join through seeds and every node reaches every other', () => {
    const sim = new Simulator();
    sim.addNode(1);
    sim.addNode(2, [1]);
    sim.addNode(3, [1]);
    sim.addNode(4, [3]);
    sim.advance(1000);
    for (const a of [1, 2, 3, 4]) {
      assert.deepEqual([...sim.node(a).routes().keys()].sort(), [1, 2, 3, 4].filter((b) => b !== a));
    }
  });

  it('measures each link\'s RTT as the sum of its two one-way latencies', () => {
    const sim = new Simulator();
    sim.addNode(1);
    sim.addNode(2, [1]);
    sim.addNode(3, [1, 2]);
    sim.setLatency(1, 2, 12);
    sim.setLatency(2, 1, 30, true);
    sim.setLatency(1, 3, 7);
    sim.setLatency(2, 3, 40);
    sim.advance(5000);
    const rtt = (a: number, b: number): number | undefined => sim.node(a).links().find((l) => l.peer === b)?.rttMs;
    assert.deepEqual([rtt(1, 2), rtt(2, 1), rtt(1, 3), rtt(3, 2)], [42, 42, 14, 80]);
  });

  it('a crashed seed is redialed with backoff and the link comes back after its restart', () => {
    const sim = new Simulator();
    sim.addNode(1);
    sim.addNode(2, [1]);
    sim.advance(500);
    sim.events();
    sim.crash(1);
    sim.advance(3000);
    const down = sim.events().filter((e) => e.node === 2);
    assert.ok(down.some((e) => e.output.kind === 'neighbour-down'));
    assert.ok(down.filter((e) => e.output.kind === 'connect').length >= 2, 'redialed more than once');
    sim.restart(1);
    sim.advance(20_000);
    assert.deepEqual(sim.node(2).links().map((l) => l.peer), [1]);
  });

  it('two nodes seeding each other end with one link, the other refused as a duplicate', () => {
    const sim = new Simulator();
    sim.addNode(1, [2]);
    sim.addNode(2, [1]);
    sim.advance(2000);
    assert.deepEqual(sim.node(1).links().map((l) => l.peer), [2]);
    assert.deepEqual(sim.node(2).links().map((l) => l.peer), [1]);
    const closes = sim.events().flatMap((e) => (e.output.kind === 'close' ? [`${e.node}:${e.output.reason.code}`] : [])).sort();
    assert.deepEqual(closes, ['1:duplicate', '2:duplicate'], 'each end refuses the link the larger id dialed, once');
  });
});
