import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeProbe } from './lldp-probe.js';
import { arp, plainLldp } from './testing/frames.js';
import { portInfo, SimNetwork } from './testing/sim-network.js';
import { Topology } from './topology.js';

const SECRET = Buffer.from('topology-test-cluster-secret-32b');

describe('Topology', () => {
  it('consumes every LLDP frame, counts the refused ones, and leaves other frames to apps', () => {
    const t = new Topology({ discovery: { node: 0xa, secret: SECRET } });
    t.switchUp(1n, [portInfo(1n, 1)], 0);
    assert.deepEqual(t.packetIn(1n, 1, encodeProbe({ dpid: 2n, port: 1, hwAddr: '02:00:00:00:00:02', node: 0xb, nowMs: 0 }, SECRET), 1), { consumed: true });
    const foreign = t.packetIn(1n, 1, plainLldp('02:00:00:00:00:aa'), 1);
    assert.equal(foreign.consumed, true);
    assert.equal(foreign.error?.code, 'LLDP_FOREIGN');
    const forged = t.packetIn(1n, 1, encodeProbe({ dpid: 2n, port: 1, hwAddr: '02:00:00:00:00:02', node: 0xe, nowMs: 0 }, Buffer.alloc(32, 1)), 1);
    assert.equal(forged.error?.code, 'LLDP_FORGED');
    assert.deepEqual(t.packetIn(1n, 2, arp('02:00:00:00:00:01', '10.0.0.1', '10.0.0.2'), 1), { consumed: false });
    const runt = t.packetIn(1n, 2, Buffer.alloc(8), 1);
    assert.equal(runt.consumed, false);
    assert.equal(runt.error?.code, 'PACKET_MALFORMED');
  });

  it('learns hosts on edge ports only, and forgets one learned on a port that turns out to be a link', () => {
    const t = new Topology({ discovery: { node: 0xa, secret: SECRET, probeIntervalMs: 1000 } });
    const sim = new SimNetwork(t, 1);
    sim.wire({ dpid: 1n, port: 1 }, { dpid: 2n, port: 1 });
    t.switchUp(1n, [portInfo(1n, 1), portInfo(1n, 2)], sim.nowMs);
    t.switchUp(2n, [portInfo(2n, 1), portInfo(2n, 2)], sim.nowMs);
    // Before discovery knows the link, a host's ARP flooded across it shows up on 2/1 too.
    t.packetIn(1n, 2, arp('02:00:00:00:00:0a', '10.0.0.10', '10.0.0.20'), sim.nowMs);
    t.packetIn(2n, 1, arp('02:00:00:00:00:0b', '10.0.0.11', '10.0.0.20'), sim.nowMs);
    sim.run(sim.nowMs + 1500);
    const kinds = sim.events.map((e) => (e.kind === 'hostRemoved' ? `${e.kind} ${e.host.mac} ${e.reason}` : e.kind));
    assert.ok(kinds.includes('hostRemoved 02:00:00:00:00:0b notEdge'), kinds.join(', '));
    assert.deepEqual(t.hostList().map((h) => `${h.mac}@${h.location.dpid}/${h.location.port}`), ['02:00:00:00:00:0a@1/2']);
    t.packetIn(2n, 1, arp('02:00:00:00:00:0a', '10.0.0.10', '10.0.0.20'), sim.nowMs);
    assert.equal(t.hostList()[0]?.location.port, 2, 'a frame arriving over a link does not move the host');
    assert.equal(t.path(1n, 2n)?.length, 1);
  });
});
