import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeAnnouncement, encodeAnnouncement, MAX_ANNOUNCED_ITEMS, MAX_ANNOUNCEMENT_BYTES } from './announcement.js';
import { ClusterTopology, type ClusterOutput, type TopologyQuery } from './cluster.js';
import { TopologyFrameError } from './errors.js';
import { shortestPath } from './paths.js';
import type { Host, Link, TopologyEvent } from './types.js';

const SECRET = Buffer.from('the cluster test secret, 32 byte');
const REFRESH_MS = 1000;
const A = 0xa;
const B = 0xb;

/** A node's own topology, as the Topology instance would answer it. */
class LocalStub implements TopologyQuery {
  linkList: Link[] = [];
  hosts: Host[] = [];
  links(): Link[] {
    return [...this.linkList];
  }
  hostList(): Host[] {
    return [...this.hosts];
  }
  path(from: bigint, to: bigint): Link[] | undefined {
    return shortestPath(this.links(), from, to);
  }
}

function link(src: [bigint, number], dst: [bigint, number], srcNode = A): Link {
  return { src: { dpid: src[0], port: src[1] }, dst: { dpid: dst[0], port: dst[1] }, latencyMs: 3, srcNode, upSinceMs: 100, lastSeenMs: 200 };
}

function host(mac: string, dpid: bigint, port: number): Host {
  return { mac, ips: ['10.0.0.1', 'fe80::1'], location: { dpid, port }, firstSeenMs: 100, lastSeenMs: 200 };
}

function node(id: number, firstSeq = 1000) {
  const local = new LocalStub();
  const cluster = new ClusterTopology(local, { node: id, secret: SECRET, refreshIntervalMs: REFRESH_MS, firstSeq, maxLinks: 4, maxHosts: 4, maxNodes: 2 });
  return { local, cluster };
}

function drain(c: ClusterTopology): ClusterOutput[] {
  const out: ClusterOutput[] = [];
  for (let o = c.popOutput(); o !== undefined; o = c.popOutput()) out.push(o);
  return out;
}

function payloads(c: ClusterTopology): Buffer[] {
  return drain(c).flatMap((o) => (o.kind === 'announce' ? [o.payload] : []));
}

/** The remote events of `outputs` as `node:kind:detail` lines. */
function events(outputs: readonly ClusterOutput[]): string[] {
  return outputs.flatMap((o) => (o.kind === 'remote' ? [`${o.node}:${describe_(o.event)}`] : []));
}

function describe_(e: TopologyEvent): string {
  if (e.kind === 'linkUp') return `linkUp ${e.link.src.dpid}/${e.link.src.port}>${e.link.dst.dpid}/${e.link.dst.port}`;
  if (e.kind === 'linkDown') return `linkDown ${e.link.dst.dpid}/${e.link.dst.port} ${e.reason}`;
  if (e.kind === 'hostMoved') return `hostMoved ${e.host.mac} ${e.from.dpid}/${e.from.port}>${e.host.location.dpid}/${e.host.location.port}`;
  if (e.kind === 'hostRemoved') return `hostRemoved ${e.host.mac} ${e.reason}`;
  return `hostAdded ${e.host.mac}`;
}

function refused(fn: () => void, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof TopologyFrameError && e.code === code, code);
}

describe('ClusterTopology', () => {
  it("hands one node's links and hosts to another as events once, and both sides of a cross-node link make one view with paths", () => {
    const a = node(A);
    const b = node(B);
    const ab = link([1n, 1], [2n, 1], B);
    const ba = link([2n, 1], [1n, 1], A);
    a.local.linkList = [ba];
    b.local.linkList = [ab];
    a.cluster.localEvent({ kind: 'linkUp', link: ba });
    a.cluster.localEvent({ kind: 'hostAdded', host: host('02:00:00:00:00:01', 1n, 2) });
    a.cluster.flush();
    const sent = payloads(a.cluster);
    assert.equal(sent.length, 1, 'one announcement for the events of a flush');
    for (const p of sent) b.cluster.received(p, 0);
    assert.deepEqual(events(drain(b.cluster)), [`${A}:linkUp 2/1>1/1`, `${A}:hostAdded 02:00:00:00:00:01`]);
    assert.deepEqual(b.cluster.links().map((l) => `${l.src.dpid}>${l.dst.dpid}`), ['1>2', '2>1']);
    assert.deepEqual(b.cluster.hostList().map((h) => [h.mac, h.ips, h.location]), [['02:00:00:00:00:01', ['10.0.0.1', 'fe80::1'], { dpid: 1n, port: 2 }]]);
    assert.deepEqual(b.cluster.path(2n, 1n)?.map((l) => l.srcNode), [A]);
    a.cluster.flush();
    assert.deepEqual(payloads(a.cluster), [], 'nothing new, nothing sent');
    // The local bus hands a node its own announcement back: skipped.
    for (const p of sent) a.cluster.received(p, 0);
    assert.deepEqual(drain(a.cluster), []);
  });

  it('refreshes everything each interval (a late node catches up), withdraws what went down, and times out what a gone node no longer refreshes', () => {
    const a = node(A);
    const b = node(B);
    a.local.linkList = [link([2n, 1], [1n, 1])];
    a.local.hosts = [host('02:00:00:00:00:01', 1n, 2), host('02:00:00:00:00:02', 1n, 3)];
    a.cluster.tick(0);
    assert.deepEqual(payloads(a.cluster), [], 'the first tick starts the refresh clock');
    assert.equal(a.cluster.nextDueMs(), REFRESH_MS);
    a.cluster.tick(REFRESH_MS);
    for (const p of payloads(a.cluster)) b.cluster.received(p, REFRESH_MS);
    assert.deepEqual(events(drain(b.cluster)), [`${A}:linkUp 2/1>1/1`, `${A}:hostAdded 02:00:00:00:00:01`, `${A}:hostAdded 02:00:00:00:00:02`]);

    a.cluster.localEvent({ kind: 'hostRemoved', host: a.local.hosts[1]!, reason: 'portDown' });
    a.local.hosts = a.local.hosts.slice(0, 1);
    a.cluster.flush();
    for (const p of payloads(a.cluster)) b.cluster.received(p, REFRESH_MS + 10);
    assert.deepEqual(events(drain(b.cluster)), [`${A}:hostRemoved 02:00:00:00:00:02 portDown`]);

    a.cluster.tick(2 * REFRESH_MS);
    for (const p of payloads(a.cluster)) b.cluster.received(p, 2 * REFRESH_MS);
    assert.deepEqual(events(drain(b.cluster)), [], 'a refresh of known items is no event');
    // Node A goes away: its last refresh expires 3 intervals later, not before.
    b.cluster.tick(5 * REFRESH_MS - 1);
    assert.deepEqual(events(drain(b.cluster)), []);
    b.cluster.tick(5 * REFRESH_MS);
    assert.deepEqual(events(drain(b.cluster)).sort(), [`${A}:hostRemoved 02:00:00:00:00:01 timeout`, `${A}:linkDown 1/1 timeout`]);
    assert.deepEqual(b.cluster.links(), []);
    assert.deepEqual(b.cluster.hostList(), []);
  });

  it('a host announced at another place (by the same or another node) is hostMoved; a link heard from a new source replaces the old', () => {
    const a = node(A);
    const c = node(0xc);
    const b = node(B);
    a.cluster.localEvent({ kind: 'hostAdded', host: host('02:00:00:00:00:01', 1n, 2) });
    a.cluster.localEvent({ kind: 'linkUp', link: link([2n, 1], [1n, 1]) });
    a.cluster.flush();
    c.cluster.localEvent({ kind: 'hostAdded', host: host('02:00:00:00:00:01', 3n, 4) });
    c.cluster.localEvent({ kind: 'linkUp', link: link([3n, 1], [1n, 1], 0xc) });
    c.cluster.flush();
    for (const p of [...payloads(a.cluster), ...payloads(c.cluster)]) b.cluster.received(p, 0);
    assert.deepEqual(events(drain(b.cluster)), [`${A}:linkUp 2/1>1/1`, `${A}:hostAdded 02:00:00:00:00:01`, `${A}:linkDown 1/1 replaced`, '12:linkUp 3/1>1/1', '12:hostMoved 02:00:00:00:00:01 1/2>3/4']);
    // A's withdrawal of what C holds now changes nothing.
    a.cluster.localEvent({ kind: 'hostRemoved', host: host('02:00:00:00:00:01', 1n, 2), reason: 'timeout' });
    a.cluster.flush();
    for (const p of payloads(a.cluster)) b.cluster.received(p, 1);
    assert.deepEqual(events(drain(b.cluster)), []);
    assert.deepEqual(b.cluster.hostList().map((h) => h.location.dpid), [3n]);
  });

  it("this node's own links and hosts win over announced ones in queries", () => {
    const a = node(A);
    const b = node(B);
    a.cluster.localEvent({ kind: 'linkUp', link: link([2n, 1], [1n, 1]) });
    a.cluster.localEvent({ kind: 'hostAdded', host: host('02:00:00:00:00:01', 1n, 2) });
    a.cluster.flush();
    for (const p of payloads(a.cluster)) b.cluster.received(p, 0);
    b.local.linkList = [link([5n, 1], [1n, 1], B)];
    b.local.hosts = [host('02:00:00:00:00:01', 5n, 9)];
    assert.deepEqual(b.cluster.links().map((l) => l.src.dpid), [5n]);
    assert.deepEqual(b.cluster.hostList().map((h) => h.location.dpid), [5n]);
  });

  it('splits a large refresh into announcements of at most MAX_ANNOUNCED_ITEMS per list', () => {
    const local = new LocalStub();
    const big = new ClusterTopology(local, { node: A, secret: SECRET, refreshIntervalMs: REFRESH_MS, firstSeq: 1 });
    local.linkList = Array.from({ length: 2 * MAX_ANNOUNCED_ITEMS + 1 }, (_, i) => link([1n, i + 1], [2n, i + 1]));
    big.tick(0);
    big.tick(REFRESH_MS);
    const sent = payloads(big);
    assert.deepEqual(sent.map((p) => decodeAnnouncement(p, SECRET).links.length), [MAX_ANNOUNCED_ITEMS, MAX_ANNOUNCED_ITEMS, 1]);
    assert.ok(sent.every((p) => p.length < MAX_ANNOUNCEMENT_BYTES));
    const receiver = new ClusterTopology(new LocalStub(), { node: B, secret: SECRET, refreshIntervalMs: REFRESH_MS, firstSeq: 1 });
    for (const p of sent) receiver.received(p, 0);
    assert.equal(receiver.links().length, 2 * MAX_ANNOUNCED_ITEMS + 1);
  });

  it('refuses forged, foreign, malformed, oversized and replayed announcements, and caps links, hosts and nodes', () => {
    const a = node(A);
    const b = node(B);
    const other = new ClusterTopology(new LocalStub(), { node: A, secret: Buffer.from('another cluster secret, 32 bytes'), refreshIntervalMs: REFRESH_MS, firstSeq: 5000 });
    other.localEvent({ kind: 'linkUp', link: link([2n, 1], [1n, 1]) });
    other.flush();
    const [forged] = payloads(other);
    refused(() => b.cluster.received(forged!, 0), 'ANNOUNCE_FORGED');
    const tampered = Buffer.from(forged!);
    tampered[0] = 2;
    refused(() => b.cluster.received(tampered, 0), 'ANNOUNCE_FOREIGN');
    refused(() => b.cluster.received(Buffer.alloc(MAX_ANNOUNCEMENT_BYTES + 1, 1), 0), 'ANNOUNCE_MALFORMED');
    refused(() => b.cluster.received(Buffer.from([1, 2, 3]), 0), 'ANNOUNCE_MALFORMED');
    const signed = (json: string): Buffer => {
      const body = Buffer.from(json);
      const header = Buffer.from([1, 0, 0, 0, 1]);
      return Buffer.concat([header, createHmac('sha256', SECRET).update(header).update(body).digest(), body]);
    };
    refused(() => b.cluster.received(signed('{"node":1'), 0), 'ANNOUNCE_MALFORMED');
    refused(() => b.cluster.received(signed('{"node":2,"seq":1,"ttlMs":1000,"links":[],"hosts":[],"linksDown":[],"hostsDown":[]}'), 0), 'ANNOUNCE_MALFORMED');
    refused(() => b.cluster.received(signed('{"node":1,"seq":1,"ttlMs":1000,"links":[{"src":{"dpid":"xyz","port":1}}],"hosts":[],"linksDown":[],"hostsDown":[]}'), 0), 'ANNOUNCE_MALFORMED');
    refused(() => b.cluster.received(signed('{"node":1,"seq":1,"ttlMs":1000,"links":[],"hosts":[],"linksDown":[],"hostsDown":[{"mac":"02:00:00:00:00:01","reason":"gone"}]}'), 0), 'ANNOUNCE_MALFORMED');
    assert.deepEqual(drain(b.cluster), [], 'nothing learned from refused input');

    for (let i = 1; i <= 5; i++) a.cluster.localEvent({ kind: 'linkUp', link: link([9n, i], [8n, i]) });
    a.cluster.flush();
    const [five] = payloads(a.cluster);
    b.cluster.received(five!, 0);
    const out = drain(b.cluster);
    assert.equal(events(out).length, 4);
    assert.deepEqual(out.flatMap((o) => (o.kind === 'limit' ? [o.what] : [])), ['links']);
    refused(() => b.cluster.received(five!, 0), 'ANNOUNCE_STALE');

    const third = new ClusterTopology(new LocalStub(), { node: 0xc, secret: SECRET, refreshIntervalMs: REFRESH_MS, firstSeq: 1 });
    const fourth = new ClusterTopology(new LocalStub(), { node: 0xd, secret: SECRET, refreshIntervalMs: REFRESH_MS, firstSeq: 1 });
    for (const n of [third, fourth]) {
      n.tick(0);
      n.tick(REFRESH_MS);
      for (const p of payloads(n)) b.cluster.received(p, 0);
    }
    assert.deepEqual(drain(b.cluster).flatMap((o) => (o.kind === 'limit' ? [o.what] : [])), ['nodes'], 'at most 2 nodes tracked');
  });

  it('encodes and decodes an announcement to the same values', () => {
    const a = { node: A, seq: 7, ttlMs: 3000, links: [link([1n, 1], [0xffffffffffffffffn, 0xfffffffe])], hosts: [host('02:00:00:00:00:01', 1n, 2)], linksDown: [{ dst: { dpid: 3n, port: 4 }, reason: 'portDown' as const }], hostsDown: [{ mac: '02:00:00:00:00:02', reason: 'notEdge' as const }] };
    assert.deepEqual(decodeAnnouncement(encodeAnnouncement(a, SECRET), SECRET), a);
  });
});
