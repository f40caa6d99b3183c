import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeRecord, SwitchInterest } from '../../generated/sdn/overlay/v1/overlay.js';
import { overlayDefaults } from '../config.js';
import { type Graph, type Simulator, simulate } from '../testing/index.js';

const star: Graph = { nodes: [1, 2, 3, 4], edges: [2, 3, 4].map((b) => ({ a: 1, b, latencyMs: 3 * b })) };
/** Node 1 owns a switch; node 3, two hops away (20 ms each way per hop), subscribes to it. */
const line: Graph = { nodes: [1, 2, 3], edges: [{ a: 1, b: 2, latencyMs: 20 }, { a: 2, b: 3, latencyMs: 20 }] };
const ONE_WAY_MS = 40;
const TICK_MS = 10;
const { interestMinIntervalMs } = overlayDefaults({ nodeId: 1, seeds: [], random: Math.random });
const packetIns: SwitchInterest[] = [{ kind: 'packetIn', dpids: [], packed: true }];

function wantsPacketIns(record: NodeRecord | undefined): boolean {
  return record?.switchInterests.some((i) => i.kind === 'packetIn') === true;
}

/** Advances 1 ms at a time until `check` holds; returns the simulated time it took (throws past `boundMs`). */
function msUntil(sim: Simulator, check: () => boolean, boundMs: number, what: string): number {
  const start = sim.nowMs;
  while (!check()) {
    if (sim.nowMs - start > boundMs) throw new Error(`not within ${boundMs} simulated ms: ${what}`);
    sim.advance(1);
  }
  return sim.nowMs - start;
}

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

  it('carries a new interest to the owners at once: the owner sends the subscriber packet-ins within one round trip (and a tick)', () => {
    const sim = simulate(line, { tickMs: TICK_MS });
    sim.control(1, (n) => n.setDpids([0x10n]));
    sim.advance(3000);
    // Node 3's record got a version 200 ms ago (pulled by now): an interest waiting for the next ordinary version waits 800 ms more.
    sim.control(3, (n) => n.setAliases(['subscriber']));
    sim.advance(200);
    sim.events();
    sim.control(3, (n) => n.setSwitchInterests(packetIns));
    const ownerKnowsMs = msUntil(sim, () => wantsPacketIns(sim.node(1).record(3)), 5000, 'node 1 learns that node 3 wants packet-ins');
    assert.ok(ownerKnowsMs <= ONE_WAY_MS + TICK_MS, `the owner knew after ${ownerKnowsMs} ms`);
    // The owner's first packet-in after it knows.
    sim.control(1, (n) => n.sendSwitchMessage(3, { body: { $case: 'events', value: { events: [] } } }, { sheddable: true }));
    msUntil(sim, () => sim.events().some((e) => e.node === 3 && e.output.kind === 'switch-message'), 5000, 'the packet-in reaches node 3');
    assert.ok(ownerKnowsMs + ONE_WAY_MS <= 2 * ONE_WAY_MS + TICK_MS);
    // The node in between pulls the new version as before.
    sim.advance(1000);
    assert.equal(wantsPacketIns(sim.node(2).record(3)), true);
  });

  it('sends a burst of 1,000 interest changes as a bounded number of record versions, the last one with the last state', () => {
    const sim = simulate(line, { tickMs: TICK_MS, recordSends: true });
    sim.control(1, (n) => n.setDpids([0x10n]));
    sim.advance(3000);
    sim.events();
    const before = sim.node(3).record(3)!.version;
    for (let change = 1; change <= 1000; change++) {
      sim.control(3, (n) => n.setSwitchInterests([{ kind: 'packetIn', dpids: [BigInt(change)], packed: true }]));
      sim.advance(1);
    }
    sim.advance(2000);
    const versions = sim.node(3).record(3)!.version - before;
    assert.ok(versions <= Math.ceil(1000 / interestMinIntervalMs) + 1, `${versions} versions`);
    const records = sim.events().filter((e) => e.node === 3 && e.output.kind === 'send' && e.output.message.body?.$case === 'unicast' && e.output.message.body.value.payload?.$case === 'record');
    // Each version is pushed to the owner and pulled by node 2 at most once.
    assert.ok(records.length <= 2 * versions, `${records.length} records sent for ${versions} versions`);
    assert.deepEqual(sim.node(1).record(3)?.switchInterests, [{ kind: 'packetIn', dpids: [1000n], packed: true }]);
    assert.deepEqual(sim.node(2).record(3)?.switchInterests, [{ kind: 'packetIn', dpids: [1000n], packed: true }]);
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
