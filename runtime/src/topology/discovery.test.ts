import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkDiscovery } from './discovery.js';
import { TopologyFrameError } from './errors.js';
import { encodeProbe } from './lldp-probe.js';
import { portInfo, SimNetwork } from './testing/sim-network.js';
import { Topology } from './topology.js';
import type { TopologyEvent } from './types.js';

const SECRET = Buffer.from('discovery-test-cluster-secret-32');
const INTERVAL = 1000;

/** A seeded source in [0, 1) (a 32-bit LCG): runs repeat exactly. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function topology(overrides: Record<string, unknown> = {}): Topology {
  return new Topology({ discovery: { node: 0xa, secret: SECRET, probeIntervalMs: INTERVAL, jitter: 0.2, random: seeded(7), timeoutIntervals: 3, ...overrides } });
}

function describeLink(e: TopologyEvent): string {
  if (e.kind !== 'linkUp' && e.kind !== 'linkDown') return e.kind;
  const r = e.kind === 'linkDown' ? ` ${e.reason}` : '';
  return `${e.kind} ${e.link.src.dpid}/${e.link.src.port}>${e.link.dst.dpid}/${e.link.dst.port}${r}`;
}

/** Switches 1 and 2, port 1 of each wired to the other; port 2 of each unwired. */
function twoSwitches(t = topology(), latencyMs = 3): SimNetwork {
  const sim = new SimNetwork(t, latencyMs);
  sim.wire({ dpid: 1n, port: 1 }, { dpid: 2n, port: 1 });
  for (const dpid of [1n, 2n]) t.switchUp(dpid, [portInfo(dpid, 1), portInfo(dpid, 2)], sim.nowMs);
  return sim;
}

describe('link discovery', () => {
  it('finds both directions of a wire within one probe interval, with the measured latency', () => {
    const sim = twoSwitches();
    sim.run(sim.nowMs + INTERVAL * 1.2);
    assert.deepEqual(sim.events.map(describeLink).sort(), ['linkUp 1/1>2/1', 'linkUp 2/1>1/1']);
    for (const link of sim.topology.links()) {
      // The probe carries whole milliseconds; the simulated clock has fractions.
      assert.ok(link.latencyMs >= 3 && link.latencyMs < 4, `latency ${link.latencyMs} ms`);
      assert.equal(link.srcNode, 0xa);
    }
  });

  it('probes every up port once per interval, each wait within the jitter', () => {
    const sim = twoSwitches();
    sim.run(sim.nowMs + INTERVAL * 20);
    for (const dpid of [1n, 2n]) {
      for (const port of [1, 2]) {
        const times = sim.probes.filter((p) => p.dpid === dpid && p.port === port).map((p) => p.atMs);
        assert.ok(times.length >= 17 && times.length <= 26, `${times.length} probes of ${dpid}/${port} in 20 intervals`);
        for (let i = 1; i < times.length; i++) {
          const wait = times[i]! - times[i - 1]!;
          assert.ok(wait >= INTERVAL * 0.8 && wait < INTERVAL * 1.2, `wait of ${wait} ms`);
        }
      }
    }
  });

  it('takes a link down when its port goes down, and stops probing it', () => {
    const sim = twoSwitches();
    sim.run(sim.nowMs + INTERVAL * 2);
    sim.topology.portChanged(1n, portInfo(1n, 1, false), sim.nowMs);
    const probesBefore = sim.probes.length;
    sim.run(sim.nowMs + INTERVAL * 2);
    assert.deepEqual(sim.events.slice(2).map(describeLink).sort(), ['linkDown 1/1>2/1 portDown', 'linkDown 2/1>1/1 portDown']);
    assert.equal(sim.probes.slice(probesBefore).filter((p) => p.dpid === 1n && p.port === 1).length, 0);
    sim.topology.portChanged(1n, portInfo(1n, 1, true), sim.nowMs);
    sim.run(sim.nowMs + INTERVAL * 1.5);
    assert.equal(sim.topology.links().length, 2, 'the link comes back with the port');
  });

  it('times a link out after the timeout when its probes stop arriving', () => {
    const sim = twoSwitches();
    sim.run(sim.nowMs + INTERVAL * 2);
    const cutAt = sim.nowMs;
    sim.cut({ dpid: 1n, port: 1 });
    sim.run(cutAt + INTERVAL * 3 - INTERVAL * 1.3);
    assert.equal(sim.topology.links().length, 2, 'still up well before the timeout');
    sim.run(cutAt + INTERVAL * 3 + 10);
    assert.deepEqual(sim.events.slice(2).map(describeLink).sort(), ['linkDown 1/1>2/1 timeout', 'linkDown 2/1>1/1 timeout']);
  });

  it('takes every link of a switch down when the switch goes', () => {
    const sim = twoSwitches();
    sim.run(sim.nowMs + INTERVAL * 2);
    sim.topology.switchDown(2n, sim.nowMs);
    sim.run(sim.nowMs + 1);
    assert.deepEqual(sim.events.slice(2).map(describeLink).sort(), ['linkDown 1/1>2/1 switchDown', 'linkDown 2/1>1/1 switchDown']);
  });

  it('replaces a link when the cable moves to another port', () => {
    const sim = twoSwitches();
    sim.run(sim.nowMs + INTERVAL * 2);
    sim.cut({ dpid: 1n, port: 1 });
    sim.wire({ dpid: 1n, port: 1 }, { dpid: 2n, port: 2 });
    sim.run(sim.nowMs + INTERVAL * 1.5);
    const later = sim.events.slice(2).map(describeLink);
    assert.ok(later.includes('linkDown 1/1>2/1 replaced'), later.join(', '));
    assert.ok(later.includes('linkUp 1/1>2/2'), later.join(', '));
    assert.ok(later.includes('linkUp 2/2>1/1'), later.join(', '));
  });

  it('finds every link of a ring of 200 switches within one jittered interval of their connecting', () => {
    const t = topology();
    const sim = new SimNetwork(t, 2);
    const n = 200;
    for (let i = 1; i <= n; i++) sim.wire({ dpid: BigInt(i), port: 1 }, { dpid: BigInt((i % n) + 1), port: 2 });
    const start = sim.nowMs;
    for (let i = 1; i <= n; i++) t.switchUp(BigInt(i), [1, 2, 3, 4].map((p) => portInfo(BigInt(i), p)), start);
    sim.run(start + INTERVAL * 0.2 + 2);
    assert.equal(t.links().length, 2 * n);
    assert.equal(sim.probes.length, 4 * n, 'one probe per port so far');
    assert.equal(t.path(1n, 101n)?.length, 100);
  });

  it('finds both directions of the links of a switch that connects after its neighbours probed within one probe round trip, not at their next turn', () => {
    const t = topology();
    const sim = new SimNetwork(t, 3);
    sim.wire({ dpid: 1n, port: 1 }, { dpid: 2n, port: 1 });
    t.switchUp(1n, [portInfo(1n, 1)], sim.nowMs);
    sim.run(sim.nowMs + INTERVAL * 0.5);
    assert.equal(sim.probes.length, 1, "switch 1's first probe went out before switch 2 was there");
    const upAt = sim.nowMs;
    t.switchUp(2n, [portInfo(2n, 1)], upAt);
    // Switch 2's first probe within the jitter, then switch 1's answer probe: one round trip (2 x 3 ms).
    sim.run(upAt + INTERVAL * 0.2 + 2 * 3 + 1);
    assert.deepEqual(sim.events.map(describeLink).sort(), ['linkUp 1/1>2/1', 'linkUp 2/1>1/1']);
    const early = sim.probes.length;
    assert.equal(early, 3);
    // Then each port keeps to one probe per jittered interval: the early probe replaced the port's turn.
    sim.run(sim.nowMs + INTERVAL * 10);
    for (const dpid of [1n, 2n]) {
      const times = sim.probes.filter((p) => p.dpid === dpid).map((p) => p.atMs);
      for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= INTERVAL * 0.8 || (dpid === 1n && i === 1), `switch ${dpid}: probes ${times[i - 1]} and ${times[i]}`);
    }
  });

  it('does not probe back early when its own probe left after the far end sent its probe (that one is on its way)', () => {
    const t = topology({ jitter: 0 });
    const sim = new SimNetwork(t, 3);
    sim.wire({ dpid: 1n, port: 1 }, { dpid: 2n, port: 1 });
    // Without jitter both first probes leave at once and cross on the wire.
    for (const dpid of [1n, 2n]) t.switchUp(dpid, [portInfo(dpid, 1)], sim.nowMs);
    sim.run(sim.nowMs + 10);
    assert.equal(sim.topology.links().length, 2);
    assert.equal(sim.probes.length, 2, 'one probe per port, none early');
  });

  it('refuses a probe older than the link timeout (a replay) as LLDP_STALE', () => {
    const d = new LinkDiscovery({ node: 0xa, secret: SECRET, probeIntervalMs: INTERVAL });
    d.switchUp(2n, [portInfo(2n, 1)], 0);
    const old = encodeProbe({ dpid: 1n, port: 1, hwAddr: '02:00:00:00:00:01', node: 0xb, nowMs: 0 }, SECRET);
    assert.throws(() => d.probeReceived(2n, 1, old, d.linkTimeoutMs + 1), (err) => err instanceof TopologyFrameError && err.code === 'LLDP_STALE');
    const link = d.probeReceived(2n, 1, old, 5);
    assert.deepEqual(link?.src, { dpid: 1n, port: 1 }, 'a probe of another node (a switch we do not own) is trusted on its HMAC');
    assert.equal(link?.srcNode, 0xb);
  });

  it('ignores a probe still in flight when its receiving port went down', () => {
    const d = new LinkDiscovery({ node: 0xa, secret: SECRET });
    d.switchUp(2n, [portInfo(2n, 1, false)], 0);
    const probe = encodeProbe({ dpid: 1n, port: 1, hwAddr: '02:00:00:00:00:01', node: 0xa, nowMs: 0 }, SECRET);
    assert.equal(d.probeReceived(2n, 1, probe, 1), undefined);
    assert.equal(d.currentLinks().length, 0);
  });

  it('probes at most maxPortsPerSwitch ports of a switch with thousands, and says so once per refused port', () => {
    const d = new LinkDiscovery({ node: 0xa, secret: SECRET, probeIntervalMs: INTERVAL, maxPortsPerSwitch: 100, random: seeded(1) });
    d.switchUp(1n, Array.from({ length: 5000 }, (_, i) => portInfo(1n, i + 1)), 0);
    const limits = [];
    for (let out = d.popOutput(); out !== undefined; out = d.popOutput()) limits.push(out);
    assert.equal(limits.length, 4900);
    assert.ok(limits.every((o) => o.kind === 'limit' && o.what === 'ports'));
    d.tick(INTERVAL * 10);
    let probes = 0;
    for (let out = d.popOutput(); out !== undefined; out = d.popOutput()) if (out.kind === 'probe') probes++;
    assert.equal(probes, 100, 'each probed port once: its next probe is one interval later');
  });

  it('keeps its timer queue bounded while a port flaps', () => {
    const d = new LinkDiscovery({ node: 0xa, secret: SECRET, probeIntervalMs: 60_000, random: seeded(3) });
    d.switchUp(1n, [portInfo(1n, 1)], 0);
    for (let i = 1; i <= 20_000; i++) d.portChanged(1n, portInfo(1n, 1, i % 2 === 0), i);
    const queued = (d as unknown as { timers: { size: number } }).timers.size;
    assert.ok(queued <= 2 * 1 + 1024 + 1, `${queued} timers queued for one port`);
  });

  it('refuses new switches and links beyond its tables and reports it', () => {
    const d = new LinkDiscovery({ node: 0xa, secret: SECRET, maxSwitches: 1, maxLinks: 1 });
    d.switchUp(1n, [portInfo(1n, 1), portInfo(1n, 2)], 0);
    d.switchUp(2n, [portInfo(2n, 1)], 0);
    const probe = (port: number): Buffer => encodeProbe({ dpid: 9n, port, hwAddr: '02:00:00:00:00:09', node: 0xb, nowMs: 0 }, SECRET);
    assert.ok(d.probeReceived(1n, 1, probe(1), 1) !== undefined);
    assert.equal(d.probeReceived(1n, 2, probe(2), 1), undefined);
    const limits = [];
    for (let out = d.popOutput(); out !== undefined; out = d.popOutput()) if (out.kind === 'limit') limits.push(out.what);
    assert.deepEqual(limits, ['switches', 'links']);
  });
});
