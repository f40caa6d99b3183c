import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials, Metadata } from '@grpc/grpc-js';
import { nodeIdOf } from '../core/index.js';
import { formatDpid } from '../openflow/index.js';
import { EventKind } from '../generated/sdn/runtime/v1/events.js';
import { TopologyClient, type GetTopologyResponse } from '../generated/sdn/runtime/v1/topology.js';
import { StreamClient } from '../testing/api-client.js';
import { makeCa, nodeCertificate } from '../testing/overlay-pki.js';
import { OvsHarness, waitFor } from '../testing/ovs/index.js';
import { startServe, type ServeProcess } from '../testing/serve-process.js';
import { DPIDS, HOSTS, show } from './topology.js';

/**
 * One topology for a cluster, for real: two `serve` processes joined by
 * `--seeds` over mutual TLS, sharing the topology secret; Open vSwitch bridge s1
 * controlled by node 1 only and s2 by node 2 only, cabled by a veth pair, two
 * hosts on each. Each node learns the direction whose probes the other node
 * sent (checked with the shared secret), and both nodes' Topology services list
 * both links and all four hosts, and an Events client of each node gets each
 * link and host event once. Node 2 is then killed: node 1 drops what node 2
 * announced once it is no longer refreshed.
 * Run alone: flock /tmp/sdn-ovs.lock node --test --test-concurrency=1 runtime/dist/e2e/topology-cluster.ovs.test.js
 */

const NAMES = ['ovs-tc-1', 'ovs-tc-2'] as const;
const PROBE_INTERVAL_MS = 500;
/** Switches connected, their first probes out and back, and the announcements across. */
const DISCOVERY_MS = 30_000;
/** A link times out after 3 probe intervals; announced state 3 refreshes (of one link timeout each) after the node went quiet. */
const GONE_MS = 4 * 3 * 3 * PROBE_INTERVAL_MS + 10_000;

function serveArgs(dir: string, name: string, seeds: readonly string[]): string[] {
  const cert = nodeCertificate(dir, name, 'ca');
  return [
    '--node-id', name,
    '--openflow-host', '127.0.0.1', '--openflow-port', '0',
    '--http-host', '127.0.0.1', '--http-port', '0',
    '--grpc-host', '127.0.0.1', '--grpc-port', '0',
    '--data-dir', join(dir, name),
    '--overlay-host', '127.0.0.1', '--overlay-port', '0',
    '--overlay-tls-ca', cert.ca, '--overlay-tls-cert', cert.cert, '--overlay-tls-key', cert.key,
    '--topology-secret-file', join(dir, 'topology-secret'),
    '--topology-probe-interval-ms', String(PROBE_INTERVAL_MS),
    ...(seeds.length === 0 ? [] : ['--seeds', seeds.join(',')]),
  ];
}

function seedOf(p: ServeProcess, name: string): string {
  const line = p.lines.find((l) => String(l.msg).startsWith('overlay listening'));
  assert.ok(line !== undefined, `${name} logged where its overlay listens`);
  return `${nodeIdOf(name)}@${String(line.address)}`;
}

function getTopology(client: TopologyClient): Promise<GetTopologyResponse> {
  return new Promise((resolve, reject) => client.get({}, new Metadata(), (err, res) => (err === null ? resolve(res) : reject(err))));
}

/** "1/2>2/3 by <node>" per link, sorted. */
function linkLines(t: GetTopologyResponse): string[] {
  return t.links.map((l) => `${l.src!.dpid}/${l.src!.port}>${l.dst!.dpid}/${l.dst!.port} by ${l.srcNode}`).sort();
}

function hostLines(t: GetTopologyResponse): string[] {
  return t.hosts.map((h) => `${h.mac}@${h.location!.dpid}`).sort();
}

describe('one topology across two runtime nodes, each controlling one Open vSwitch bridge', () => {
  let dir: string;
  const nodes: ServeProcess[] = [];
  const clients: TopologyClient[] = [];
  const streams: StreamClient[] = [];
  let ovs: OvsHarness | undefined;
  let ports: { portA: number; portB: number };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-topology-cluster-'));
    makeCa(dir, 'ca');
    writeFileSync(join(dir, 'topology-secret'), 'the cluster e2e topology secret, 32 bytes or more\n', { mode: 0o600 });
    nodes.push(await startServe(serveArgs(dir, NAMES[0], [])));
    nodes.push(await startServe(serveArgs(dir, NAMES[1], [seedOf(nodes[0]!, NAMES[0])])));
    for (const p of nodes) clients.push(new TopologyClient(String(p.serving.grpc), credentials.createInsecure()));
    for (const p of nodes) {
      const stream = new StreamClient(Number(String(p.serving.grpc).split(':').pop()));
      await stream.subscribe({ appName: 'topology-cluster-e2e', kinds: [EventKind.EVENT_KIND_LINK_UP, EventKind.EVENT_KIND_HOST_ADDED] });
      stream.grant(10_000);
      streams.push(stream);
    }
    ovs = await OvsHarness.start();
    const openflow = nodes.map((p) => String(p.serving.openflow).split(':').pop());
    await ovs.addBridge('s1', { dpid: formatDpid(DPIDS.s1), controller: [`tcp:127.0.0.1:${openflow[0]}`], maxBackoffMs: 1000, protocols: ['OpenFlow13'] });
    await ovs.addBridge('s2', { dpid: formatDpid(DPIDS.s2), controller: [`tcp:127.0.0.1:${openflow[1]}`], maxBackoffMs: 1000, protocols: ['OpenFlow13'] });
    ports = await ovs.linkBridges('s1', 's2');
    for (const h of HOSTS) await ovs.addHost(h.name, { bridge: h.bridge, ip: `${h.ip}/24`, mac: h.mac });
    // No forwarding app: every frame goes to the controller, where topology learns the hosts.
    for (const bridge of ['s1', 's2']) await ovs.addFlow(bridge, 'priority=0,actions=CONTROLLER:65535');
  });

  after(async () => {
    for (const c of clients) c.close();
    for (const s of streams) s.close();
    await ovs?.stop();
    for (const p of nodes) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the link between the two nodes\' bridges and lists it, and every host, on both nodes', async () => {
    const [n1, n2] = NAMES.map(nodeIdOf) as [number, number];
    const wantedLinks = [`1/${ports.portA}>2/${ports.portB} by ${n1}`, `2/${ports.portB}>1/${ports.portA} by ${n2}`];
    const wantedHosts = HOSTS.map((h) => `${h.mac}@${DPIDS[h.bridge]}`).sort();
    for (const [i, client] of clients.entries()) {
      let seen: GetTopologyResponse | undefined;
      await waitFor(
        `node ${i + 1} lists both links and every host`,
        DISCOVERY_MS,
        async () => {
          // Each host speaks (ARP for a neighbour), so its bridge's node learns it; nothing forwards, so the ping fails.
          if (i === 0) for (const h of HOSTS) await ovs!.ping(h.name, HOSTS.find((o) => o.bridge === h.bridge && o !== h)!.ip, { count: 1, timeoutSec: 1 });
          seen = await getTopology(client);
          return show(linkLines(seen)) === show(wantedLinks) && show(hostLines(seen)) === show(wantedHosts) ? true : undefined;
        },
        () => `links ${show(seen === undefined ? [] : linkLines(seen))}, hosts ${show(seen === undefined ? [] : hostLines(seen))}`,
      );
    }
    for (const [i, stream] of streams.entries()) {
      const once = (): string[] =>
        stream.events.flatMap((e) => (e.body?.$case === 'linkUp' ? [`${e.body.value.link!.src!.dpid}>${e.body.value.link!.dst!.dpid}`] : e.body?.$case === 'hostAdded' ? [e.body.value.host!.mac] : [])).sort();
      const wanted = ['1>2', '2>1', ...HOSTS.map((h) => h.mac)].sort();
      await stream.until(() => once().length >= wanted.length, `node ${i + 1}'s Events client got every link and host`, DISCOVERY_MS);
      assert.deepEqual(once(), wanted, `node ${i + 1}: each event once`);
    }
    for (const [i, p] of nodes.entries()) {
      assert.deepEqual(p.lines.filter((l) => String(l.msg).startsWith('frame refused by topology') || String(l.msg).startsWith('topology announcement refused')), [], `node ${i + 1} refused nothing`);
    }
  });

  it('node 2 killed: node 1 drops the link and hosts node 2 announced once they are not refreshed', async () => {
    nodes[1]!.child.kill('SIGKILL');
    let seen: GetTopologyResponse | undefined;
    await waitFor(
      'node 1 lists only its own hosts and no link',
      GONE_MS,
      async () => {
        seen = await getTopology(clients[0]!);
        return seen.links.length === 0 && show(hostLines(seen)) === show(HOSTS.filter((h) => h.bridge === 's1').map((h) => `${h.mac}@${DPIDS.s1}`).sort()) ? true : undefined;
      },
      () => `links ${show(seen === undefined ? [] : linkLines(seen))}, hosts ${show(seen === undefined ? [] : hostLines(seen))}`,
    );
  });
});
