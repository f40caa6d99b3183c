import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopologyFrameError } from './errors.js';
import { HostTracker, type HostOutput } from './hosts.js';
import { arp, ipv4, neighbourDiscovery, tagged } from './testing/frames.js';

const H1 = '02:00:00:00:00:01';
const H2 = '02:00:00:00:00:02';

function drain(t: HostTracker): HostOutput[] {
  const out: HostOutput[] = [];
  for (let o = t.popOutput(); o !== undefined; o = t.popOutput()) out.push(o);
  return out;
}

describe('host tracking', () => {
  it('learns a host, its IPv4 address from ARP and its place from the packet-in', () => {
    const t = new HostTracker(() => true);
    t.packetIn(1n, 3, arp(H1, '10.0.0.1', '10.0.0.2'), 100);
    const [added] = drain(t);
    assert.equal(added?.kind, 'hostAdded');
    assert.deepEqual(t.currentHosts(), [{ mac: H1, ips: ['10.0.0.1'], location: { dpid: 1n, port: 3 }, firstSeenMs: 100, lastSeenMs: 100 }]);
  });

  it('takes IPv6 addresses from neighbour discovery, never IPs from routed traffic or ARP probes', () => {
    const t = new HostTracker(() => true);
    t.packetIn(1n, 1, neighbourDiscovery(H1, 'fe80:0:0:0:0:0:0:1', 136, '2001:db8:0:0:0:0:0:1'), 1);
    t.packetIn(1n, 2, ipv4(H2, H1, '192.0.2.99', '10.0.0.1'), 1);
    t.packetIn(1n, 2, arp(H2, '0.0.0.0', '10.0.0.2'), 2);
    t.packetIn(1n, 2, arp(H2, '10.0.0.7', '10.0.0.2', 2, '02:00:00:00:00:99'), 3);
    t.packetIn(1n, 1, tagged(neighbourDiscovery(H1, '0:0:0:0:0:0:0:0', 135, 'fe80:0:0:0:0:0:0:9'), 10), 4);
    const byMac = new Map(t.currentHosts().map((h) => [h.mac, h.ips]));
    assert.deepEqual(byMac.get(H1), ['fe80::1', '2001:db8::1']);
    assert.deepEqual(byMac.get(H2), []);
  });

  it('learns only on edge ports', () => {
    const t = new HostTracker((_dpid, port) => port !== 9);
    t.packetIn(1n, 9, arp(H1, '10.0.0.1', '10.0.0.2'), 1);
    assert.deepEqual(t.currentHosts(), []);
  });

  it('reports a move, then holds a flapping MAC in place and says so once per window', () => {
    const t = new HostTracker(() => true, { flapWindowMs: 10_000, maxMovesPerWindow: 3 });
    t.packetIn(1n, 1, arp(H1, '10.0.0.1', '10.0.0.2'), 0);
    for (let i = 1; i <= 50; i++) t.packetIn(1n, 1 + (i % 2), ipv4(H1, H2, '10.0.0.1', '10.0.0.2'), i);
    const out = drain(t);
    assert.equal(out.filter((o) => o.kind === 'hostMoved').length, 3);
    assert.deepEqual(out.filter((o) => o.kind === 'limit').map((o) => o.kind === 'limit' && o.what), ['flapping']);
    const moved = out.find((o) => o.kind === 'hostMoved');
    assert.ok(moved?.kind === 'hostMoved' && moved.from.port === 1 && moved.host.location.port === 2);
    t.packetIn(1n, 5, ipv4(H1, H2, '10.0.0.1', '10.0.0.2'), 10_001);
    assert.equal(drain(t)[0]?.kind, 'hostMoved', 'moves are allowed again in the next window');
  });

  it('removes a host not heard from within the timeout, and not one heard from since', () => {
    const t = new HostTracker(() => true, { hostTimeoutMs: 1000 });
    t.packetIn(1n, 1, arp(H1, '10.0.0.1', '10.0.0.2'), 0);
    t.packetIn(1n, 2, arp(H2, '10.0.0.2', '10.0.0.1'), 0);
    t.packetIn(1n, 2, ipv4(H2, H1, '10.0.0.2', '10.0.0.1'), 900);
    drain(t);
    t.tick(t.nextDueMs()!);
    assert.deepEqual(drain(t).map((o) => o.kind === 'hostRemoved' && `${o.host.mac} ${o.reason}`), [`${H1} timeout`]);
    t.tick(1899);
    assert.deepEqual(drain(t), []);
    t.tick(1900);
    assert.equal(drain(t).length, 1);
  });

  it('removes hosts on a port that goes down or turns out to be a link, and on a switch that goes', () => {
    const t = new HostTracker(() => true);
    t.packetIn(1n, 1, arp(H1, '10.0.0.1', '10.0.0.2'), 0);
    t.packetIn(2n, 1, arp(H2, '10.0.0.2', '10.0.0.1'), 0);
    drain(t);
    t.portGone({ dpid: 1n, port: 1 }, 'notEdge');
    t.switchGone(2n);
    assert.deepEqual(drain(t).map((o) => o.kind === 'hostRemoved' && o.reason), ['notEdge', 'switchDown']);
    assert.deepEqual(t.currentHosts(), []);
  });

  it('keeps at most maxHosts hosts and maxIpsPerHost addresses, and reports the refused ones', () => {
    const t = new HostTracker(() => true, { maxHosts: 2, maxIpsPerHost: 2 });
    for (let i = 1; i <= 4; i++) t.packetIn(1n, 1, arp(`02:00:00:00:01:0${i}`, `10.0.1.${i}`, '10.0.0.254'), i);
    for (let i = 2; i <= 4; i++) t.packetIn(1n, 1, arp('02:00:00:00:01:01', `10.0.0.${i}`, '10.0.0.254'), 10 + i);
    const limits = drain(t).filter((o) => o.kind === 'limit');
    assert.deepEqual(limits.map((o) => o.kind === 'limit' && o.what), ['hosts', 'hosts']);
    assert.deepEqual(t.currentHosts().map((h) => [h.mac, h.ips]), [
      ['02:00:00:00:01:01', ['10.0.0.3', '10.0.0.4']],
      ['02:00:00:00:01:02', ['10.0.1.2']],
    ]);
  });

  it('refuses truncated headers as PACKET_MALFORMED and ignores group source MACs', () => {
    const t = new HostTracker(() => true);
    const short = arp(H1, '10.0.0.1', '10.0.0.2').subarray(0, 30);
    assert.throws(() => t.packetIn(1n, 1, short, 0), (err) => err instanceof TopologyFrameError && err.code === 'PACKET_MALFORMED');
    assert.throws(() => t.packetIn(1n, 1, Buffer.alloc(10), 0), (err) => err instanceof TopologyFrameError && err.code === 'PACKET_MALFORMED');
    t.packetIn(1n, 1, ipv4('01:00:5e:00:00:01', H1, '10.0.0.1', '10.0.0.2'), 0);
    assert.deepEqual(t.currentHosts(), []);
  });
});
