import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MastershipSim, type SimFault } from '../testing/mastership-sim.js';

/**
 * The safety property of mastership, on a simulated cluster (N nodes, one
 * etcd with leases on its own clock, one switch with Open vSwitch's role
 * rules, random message delays, crashes, pauses, partitions from etcd, link
 * losses and switch restarts): at no instant may two nodes write to the
 * switch, and the switch never accepts a write sent under an older generation
 * after one sent under a newer generation. Once the faults are over, one live
 * node is master again.
 */

const TTL_MS = 2000;
const FAULTS_UNTIL_MS = 10_000;
/** After the last fault: time for a lease to expire, a campaign, and the role round trip. */
const SETTLE_MS = 4 * TTL_MS;

function faultArbitrary(nodes: number): fc.Arbitrary<SimFault> {
  const node = fc.integer({ min: 0, max: nodes - 1 });
  const span = fc.tuple(fc.integer({ min: 0, max: FAULTS_UNTIL_MS }), fc.integer({ min: 50, max: 3 * TTL_MS }));
  return fc.oneof(
    fc.record({ type: fc.constant('crash' as const), node, atMs: fc.integer({ min: 0, max: FAULTS_UNTIL_MS }) }),
    ...(['pause', 'partition', 'link'] as const).map((type) => fc.tuple(node, span).map(([n, [from, length]]) => ({ type, node: n, fromMs: from, toMs: from + length }))),
    span.map(([from, length]) => ({ type: 'switchRestart' as const, fromMs: from, toMs: from + Math.min(length, 1500) })),
  );
}

const scenario = fc.integer({ min: 2, max: 4 }).chain((nodes) =>
  fc.record({
    nodes: fc.constant(nodes),
    seed: fc.integer(),
    maxDelayMs: fc.integer({ min: 0, max: 250 }),
    faults: fc.array(faultArbitrary(nodes), { maxLength: 6 }),
  }),
);

function check(s: { nodes: number; seed: number; maxDelayMs: number; faults: SimFault[] }): void {
  const sim = new MastershipSim({ ...s, leaseTtlMs: TTL_MS, marginMs: 300 });
  const lastFault = Math.max(0, ...s.faults.map((f) => ('toMs' in f ? f.toMs : f.atMs)));
  sim.run(Math.max(FAULTS_UNTIL_MS, lastFault) + SETTLE_MS);
  assert.deepEqual(sim.overlaps, [], 'two nodes writable at once');
  for (let i = 1; i < sim.accepted.length; i++) {
    const [before, write] = [sim.accepted[i - 1]!, sim.accepted[i]!];
    assert.ok(write.generation >= before.generation, `t=${write.atMs}: n${write.node} generation ${write.generation} accepted after n${before.node} generation ${before.generation}`);
    if (write.generation === before.generation) assert.equal(write.node, before.node, `generation ${write.generation} written by two nodes`);
  }
  const alive = s.nodes - new Set(s.faults.flatMap((f) => (f.type === 'crash' ? [f.node] : []))).size;
  const { writers, switchMaster } = sim.settled();
  if (alive > 0) {
    assert.equal(writers.length, 1, `after the faults: writers ${writers.join(',')} of ${alive} live nodes`);
    assert.equal(switchMaster, writers[0], 'the switch holds the writer as master');
  } else {
    assert.deepEqual(writers, []);
  }
}

describe('mastership on a simulated cluster', () => {
  it('no faults: one master, and it is the switch master', () => {
    check({ nodes: 3, seed: 1, maxDelayMs: 20, faults: [] });
  });

  it('the master crashes: another takes over, never two writers', () => {
    const sim = new MastershipSim({ nodes: 3, seed: 2, maxDelayMs: 20, leaseTtlMs: TTL_MS, marginMs: 300, faults: [] });
    sim.run(2000);
    const [first] = sim.settled().writers;
    assert.notEqual(first, undefined);
    check({ nodes: 3, seed: 2, maxDelayMs: 20, faults: [{ type: 'crash', node: first!, atMs: 2000 }] });
  });

  it('the master is partitioned from etcd but keeps its switch connection (split brain): it stops writing before another wins', () => {
    const sim = new MastershipSim({ nodes: 3, seed: 3, maxDelayMs: 20, leaseTtlMs: TTL_MS, marginMs: 300, faults: [] });
    sim.run(2000);
    const [first] = sim.settled().writers;
    check({ nodes: 3, seed: 3, maxDelayMs: 20, faults: [{ type: 'partition', node: first!, fromMs: 2000, toMs: 9000 }] });
  });

  it('a campaign whose answer is lost after the watch showed its key: the node asks again and becomes master (found by the property below)', () => {
    check({ nodes: 3, seed: 593544728, maxDelayMs: 14, faults: [{ type: 'partition', node: 0, fromMs: 27, toMs: 77 }] });
  });

  it('a campaign answer that arrives after a newer deletion on the watch is ignored: the survivor campaigns and wins (found by the property below)', () => {
    check({ nodes: 2, seed: 1526372152, maxDelayMs: 177, faults: [{ type: 'crash', node: 1, atMs: 483 }, { type: 'switchRestart', fromMs: 284, toMs: 486 }] });
  });

  it('overlapping pauses keep every channel in order: the survivor sees its connection up last and wins (found by the property below)', () => {
    check({ nodes: 2, seed: 0, maxDelayMs: 0, faults: [{ type: 'pause', node: 0, fromMs: 1, toMs: 52 }, { type: 'pause', node: 0, fromMs: 0, toMs: 51 }, { type: 'switchRestart', fromMs: 0, toMs: 50 }, { type: 'crash', node: 1, atMs: 0 }] });
  });

  it('random interleavings of delays and faults (property)', () => {
    fc.assert(fc.property(scenario, check), { numRuns: 150 });
  });
});
