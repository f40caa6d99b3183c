import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Graph, simulate } from '../testing/index.js';

const star: Graph = { nodes: [1, 2, 3, 4], edges: [2, 3, 4].map((b) => ({ a: 1, b, latencyMs: 3 * b })) };

describe('directory (simulated)', () => {
  it('resolves a remote dpid to the node that owns it, and forgets it when that node is gone', () => {
    const sim = simulate(star);
    sim.control(3, (n) => n.setDpids([0x10n, 0xffff_ffff_ffff_ffffn]));
    sim.advance(3000);
    assert.deepEqual(sim.node(2).ownersOf(0x10n), [3]);
    assert.deepEqual(sim.node(4).ownersOf(0xffff_ffff_ffff_ffffn), [3]);
    assert.deepEqual(sim.node(3).ownersOf(0x10n), [3]);
    assert.deepEqual(sim.node(2).ownersOf(0x11n), []);
    sim.crash(3);
    sim.advance(1000);
    assert.deepEqual(sim.node(2).ownersOf(0x10n), []);
  });

  it('names nodes by alias, conflicts listed, and refuses a malformed alias', () => {
    const sim = simulate(star);
    sim.control(2, (n) => n.setAliases(['edge-a', 'shared']));
    sim.control(4, (n) => n.setAliases(['shared']));
    sim.advance(3000);
    assert.deepEqual(sim.node(1).nodesNamed('edge-a'), [2]);
    assert.deepEqual(sim.node(3).nodesNamed('shared'), [2, 4]);
    assert.throws(() => sim.control(1, (n) => n.setAliases(['has space'])), { code: 'OVERLAY_RECORD' });
  });

  it('reports a node unreachable with the names its record had (the record is dropped right after)', () => {
    const sim = simulate(star);
    sim.control(4, (n) => n.setAliases(['far']));
    sim.advance(3000);
    sim.crash(4);
    sim.advance(6000);
    const down = sim.events().filter((e) => e.node === 2 && e.output.kind === 'node-unreachable');
    assert.deepEqual(down.map((e) => e.output), [{ kind: 'node-unreachable', node: 4, aliases: ['far'] }]);
    assert.equal(sim.node(2).record(4), undefined);
  });

  it('carries a node\'s switch interests to every node, and refuses more than a receiver takes', () => {
    const sim = simulate(star);
    sim.control(4, (n) => n.setSwitchInterests([{ kind: 'packetIn', dpids: [], packed: true }, { kind: 'flowRemoved', dpids: [7n], packed: true }]));
    sim.advance(3000);
    assert.deepEqual(sim.node(2).record(4)?.switchInterests, [{ kind: 'packetIn', dpids: [], packed: true }, { kind: 'flowRemoved', dpids: [7n], packed: true }]);
    sim.control(4, (n) => n.setSwitchInterests([]));
    sim.advance(3000);
    assert.deepEqual(sim.node(2).record(4)?.switchInterests, []);
    const many = Array.from({ length: 17 }, (_, i) => ({ kind: `kind${i}`, dpids: [], packed: true }));
    assert.throws(() => sim.control(1, (n) => n.setSwitchInterests(many)), { code: 'OVERLAY_LIMIT' });
    assert.throws(() => sim.control(1, (n) => n.setSwitchInterests([{ kind: '', dpids: [], packed: true }])), { code: 'OVERLAY_LIMIT' });
  });

  it('gives the visualization every node, every link with its RTT and the switches per node', () => {
    const sim = simulate(star);
    sim.control(2, (n) => n.setDpids([1n]));
    sim.control(4, (n) => n.setAliases(['far']));
    sim.advance(3000);
    const snapshot = sim.node(3).snapshot();
    assert.deepEqual(
      snapshot.nodes.map((n) => [n.node, n.aliases, n.dpids]),
      [
        [1, [], []],
        [2, [], [1n]],
        [3, [], []],
        [4, ['far'], []],
      ],
    );
    assert.deepEqual(snapshot.links, [
      { from: 1, to: 2, rttMs: 12 },
      { from: 1, to: 3, rttMs: 18 },
      { from: 1, to: 4, rttMs: 24 },
    ]);
  });
});
