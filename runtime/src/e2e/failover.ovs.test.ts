import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials, Metadata } from '@grpc/grpc-js';
import { nodeIdOf } from '../core/index.js';
import { TopologyClient, type GetTopologyResponse } from '../generated/sdn/runtime/v1/topology.js';
import { formatDpid } from '../openflow/index.js';
import { StreamClient } from '../testing/api-client.js';
import { EtcdCluster } from '../testing/etcd-cluster.js';
import { waitFor } from '../testing/ovs/index.js';
import { MAIN, startServe, type ServeProcess } from '../testing/serve-process.js';
import { TcpProxy } from '../testing/tcp-proxy.js';
import { BRIDGES, DPIDS, HOSTS, Topology, type Bridge } from './topology.js';

/**
 * Switch mastership for real: 3 etcd members, 3 `serve --store etcd
 * --mastership etcd --app learning-switch` processes, both bridges connected to
 * all three. Each node reaches etcd through its own TCP proxies, so one node
 * can be cut off from etcd while it keeps its switch connections. Scenarios:
 * the master of both bridges is SIGKILLed (another node takes over, flows come
 * back, pings resume: outage and pings lost are printed, not asserted); split
 * brain (the master loses etcd: it stops writing before another node wins,
 * and its API refuses writes with NOT_MASTER); the etcd leader is killed
 * (one master per bridge again, pings); ovs-vswitchd restarts (the master
 * re-asserts, flows come back). That the switch refuses a stale
 * generation is proven on Open vSwitch directly by roles.ovs.test.ts. Needs
 * root, Open vSwitch and etcd (scripts/install-system-deps.sh); run under
 * `flock /tmp/sdn-ovs.lock`.
 */

const NODES = ['n0', 'n1', 'n2'] as const;
const WAIT_MS = 20_000;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface RoleLine {
  readonly time: number;
  readonly dpid: string;
  readonly role: string;
  readonly master: string | undefined;
  readonly generation: string | undefined;
}

/** One runtime node: its fixed ports, its etcd proxies, its current process. */
class Node {
  process: ServeProcess | undefined;
  readonly proxies: TcpProxy[] = [];
  openflowPort = 0;
  grpcPort = 0;

  constructor(
    readonly name: string,
    private readonly dataDir: string,
  ) {}

  async init(cluster: EtcdCluster): Promise<void> {
    for (const endpoint of cluster.endpoints) this.proxies.push(await TcpProxy.start({ host: '127.0.0.1', port: Number(endpoint.split(':')[1]) }));
    this.openflowPort = await freePort();
    this.grpcPort = await freePort();
  }

  async start(clusterName: string): Promise<void> {
    this.process = await startServe([
      '--store', 'etcd', '--etcd-endpoints', this.proxies.map((p) => p.endpoint).join(','), '--etcd-prefix', `/${clusterName}/kv/`,
      '--mastership', 'etcd', '--cluster', clusterName, '--node-id', this.name,
      '--app', 'learning-switch', '--data-dir', this.dataDir,
      '--topology-secret-file', path.join(this.dataDir, '..', 'topology-secret'),
      '--openflow-host', '127.0.0.1', '--openflow-port', String(this.openflowPort),
      '--http-host', '127.0.0.1', '--http-port', '0', '--grpc-port', String(this.grpcPort),
    ]);
  }

  get alive(): boolean {
    return this.process !== undefined && this.process.child.exitCode === null && this.process.child.signalCode === null;
  }

  roleLines(): RoleLine[] {
    return (this.process?.lines ?? []).filter((l) => l.msg === 'switch role changed').map((l) => ({ time: Number(l.time), dpid: String(l.dpid), role: String(l.role), master: l.master as string | undefined, generation: l.generation as string | undefined }));
  }

  /** This node's latest role for the switch. */
  role(bridge: Bridge): string | undefined {
    return this.roleLines().filter((l) => l.dpid === formatDpid(DPIDS[bridge])).pop()?.role;
  }

  /** `sdn_runtime_topology_probes_sent_total` from its /metrics. */
  async probesSent(): Promise<number> {
    const text = await (await fetch(`http://${String(this.process!.serving.http)}/metrics`)).text();
    return Number(/^sdn_runtime_topology_probes_sent_total (\d+)$/m.exec(text)?.[1] ?? 'NaN');
  }

  async topology(): Promise<GetTopologyResponse> {
    const client = new TopologyClient(`127.0.0.1:${this.grpcPort}`, credentials.createInsecure());
    try {
      return await new Promise((resolve, reject) => client.get({}, new Metadata(), (err, res) => (err === null ? resolve(res) : reject(err))));
    } finally {
      client.close();
    }
  }

  async kill(): Promise<void> {
    const child = this.process?.child;
    if (child === undefined || !this.alive) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

describe('switch mastership on Open vSwitch: failover, split brain, switch restart', () => {
  let cluster: EtcdCluster;
  let topo: Topology;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sdn-failover-'));
  const clusterName = `failover-${process.pid}`;
  const nodes = NODES.map((name) => new Node(name, path.join(root, name)));

  /** The live node the switch's master is, once exactly one live node says it is master (bounded). */
  async function masterOf(bridge: Bridge, since = 0): Promise<Node> {
    let seen = '';
    return waitFor(`one master of ${bridge}`, WAIT_MS, async () => {
      const masters = nodes.filter((n) => n.alive && n.role(bridge) === 'master' && n.roleLines().some((l) => l.time >= since && l.role === 'master' && l.dpid === formatDpid(DPIDS[bridge])));
      seen = nodes.map((n) => `${n.name}:${n.alive ? n.role(bridge) : 'dead'}`).join(' ');
      return masters.length === 1 ? masters[0] : undefined;
    }, () => `roles: ${seen}; last log lines: ${nodes.map((n) => `${n.name}: ${(n.process?.lines ?? []).slice(-4).map((l) => JSON.stringify(l)).join(' | ')}`).join('; ')}`);
  }

  /** Single pings h1 -> h3 (across both bridges) until one answers: [attempts lost, ms until it answered]. */
  async function pingUntilAnswered(fromMs: number): Promise<[number, number]> {
    for (let lost = 0; lost < 30; lost++) {
      const { ok } = await topo.ovs.ping('h1', HOSTS[2].ip, { count: 1, timeoutSec: 1 });
      if (ok) return [lost, Date.now() - fromMs];
    }
    assert.fail('h1 -> h3 did not answer in 30 pings');
  }

  before(async () => {
    fs.writeFileSync(path.join(root, 'topology-secret'), 'the failover topology secret, 32 bytes\n', { mode: 0o600 });
    cluster = await EtcdCluster.start(3);
    for (const node of nodes) await node.init(cluster);
    for (const node of nodes) await node.start(clusterName);
    topo = await Topology.start(nodes.map((n) => n.openflowPort));
  });

  after(async () => {
    await topo?.stop();
    for (const node of nodes) {
      await node.kill();
      for (const proxy of node.proxies) await proxy.close();
    }
    await cluster?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('one master per bridge, the others slaves; the master installs the flows and hosts ping', async () => {
    for (const bridge of BRIDGES) {
      const master = await masterOf(bridge);
      await waitFor(`two slaves of ${bridge}`, WAIT_MS, async () => (nodes.filter((n) => n !== master && n.role(bridge) === 'slave').length === 2 ? true : undefined));
    }
    await topo.tableMissInstalled();
    const [lost] = await pingUntilAnswered(Date.now());
    assert.ok(lost < 5, `${lost} pings lost before the first answer`);
    // `sdn-runtime switches` on a slave of s1 names the master and its generation.
    const master = await masterOf('s1');
    const slave = nodes.find((n) => n !== master)!;
    const text = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [MAIN, 'switches'], { env: { ...process.env, SDN_RUNTIME_TARGET: `127.0.0.1:${slave.grpcPort}`, SDN_RUNTIME_TOKEN: '' } }, (err, stdout, stderr) => (err === null ? resolve(stdout) : reject(new Error(`${err.message}: ${stderr}`)))),
    );
    const generation = master.roleLines().filter((l) => l.dpid === formatDpid(DPIDS.s1) && l.role === 'master').pop()?.generation;
    assert.match(text, new RegExp(`^${formatDpid(DPIDS.s1)} .* slave +${master.name} +${generation} `, 'm'), text);
  });

  it('only the master of a bridge probes it: the link s1 -> s2 carries the node id of the master of s1, and a node master of neither sent no probe', async () => {
    const [m1, m2] = [await masterOf('s1'), await masterOf('s2')];
    let seen = '';
    await waitFor('the masters list the link in both directions, each probed by the other bridge\'s master', WAIT_MS, async () => {
      const probedBy = async (dst: Node, dpid: bigint): Promise<number | undefined> => (await dst.topology()).links.find((l) => l.dst?.dpid === dpid)?.srcNode;
      const found = [await probedBy(m2, DPIDS.s2), await probedBy(m1, DPIDS.s1)];
      seen = `s1->s2 by ${found[0]}, s2->s1 by ${found[1]}`;
      return found[0] === nodeIdOf(m1.name) && found[1] === nodeIdOf(m2.name) ? true : undefined;
    }, () => `${seen}; node ids ${nodes.map((n) => `${n.name}=${nodeIdOf(n.name)}`).join(' ')}`);
    for (const n of nodes.filter((x) => x !== m1 && x !== m2)) assert.equal(await n.probesSent(), 0, `${n.name} is master of neither bridge`);
    assert.ok((await m1.probesSent()) > 0);
  });

  it('SIGKILL of the master of both bridges: another node becomes master, installs the flows again, pings resume', async (t) => {
    const masters = new Set(await Promise.all(BRIDGES.map((b) => masterOf(b))));
    const killedAt = Date.now();
    for (const m of masters) await m.kill();
    // Without this the old master's flows would keep forwarding: the new master must install them.
    await topo.clearFlows();
    const next = await Promise.all(BRIDGES.map((b) => masterOf(b, killedAt)));
    for (const n of next) assert.ok(!masters.has(n), `${n.name} was killed`);
    const elected = Math.max(...next.map((n) => Math.max(...n.roleLines().filter((l) => l.role === 'master').map((l) => l.time)))) - killedAt;
    await topo.tableMissInstalled();
    const [lost, outageMs] = await pingUntilAnswered(killedAt);
    t.diagnostic(`failover: killed ${[...masters].map((m) => m.name).join(',')}; new master(s) ${next.map((n) => n.name).join(',')} after ${elected} ms; first ping answered ${outageMs} ms after the kill, ${lost} single pings (1 s timeout) lost (lease TTL 2 s)`);
    for (const m of masters) await m.start(clusterName);
    for (const bridge of BRIDGES) await waitFor(`the restarted node(s) slaves of ${bridge}`, WAIT_MS, async () => ([...masters].every((m) => m.role(bridge) === 'slave') ? true : undefined));
  });

  it('split brain: the master cut off from etcd stops writing before another node wins; its API refuses writes with NOT_MASTER', async (t) => {
    const master = await masterOf('s1');
    const cutAt = Date.now();
    for (const proxy of master.proxies) proxy.cut();
    try {
      const next = await masterOf('s1', cutAt);
      assert.notEqual(next, master);
      const dpid = formatDpid(DPIDS.s1);
      const stepDown = master.roleLines().find((l) => l.time >= cutAt && l.dpid === dpid && l.role !== 'master');
      const won = next.roleLines().find((l) => l.time >= cutAt && l.dpid === dpid && l.role === 'master');
      assert.ok(stepDown !== undefined, `${master.name} never stepped down`);
      assert.ok(stepDown.time < won!.time, `${master.name} stepped down at +${stepDown.time - cutAt} ms, ${next.name} became master at +${won!.time - cutAt} ms`);
      t.diagnostic(`split brain: ${master.name} stopped writing ${stepDown.time - cutAt} ms after the cut, ${next.name} master ${won!.time - cutAt} ms after`);

      const client = new StreamClient(master.grpcPort);
      try {
        await client.subscribe({ appName: 'split-brain' });
        const result = await client.command({ dpid: DPIDS.s1, confirm: true, kind: { $case: 'flowMod', value: { cookie: 0x5b1n, priority: 9 } } });
        assert.equal(result.kind?.$case, 'error', JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
        assert.match((result.kind as { value: { message: string } }).value.message, /not its master/);
      } finally {
        client.close();
      }
      assert.equal((await topo.ovs.dumpFlows('s1')).some((f) => f.cookie === 0x5b1n), false, 'the refused flow is not on the switch');
    } finally {
      for (const proxy of master.proxies) proxy.restore();
    }
    await waitFor(`${master.name} a slave again`, WAIT_MS, async () => (master.role('s1') === 'slave' ? true : undefined));
  });

  it('the etcd leader killed: every bridge has one master again, the flows stay, hosts ping', async (t) => {
    const leader = await cluster.waitLeader();
    const killedAt = Date.now();
    await cluster.kill(leader);
    try {
      await cluster.waitLeader();
      const masters = await Promise.all(BRIDGES.map((b) => masterOf(b)));
      const changes = nodes.flatMap((n) => n.roleLines().filter((l) => l.time >= killedAt));
      t.diagnostic(`etcd leader m${leader} killed: masters ${masters.map((m) => m.name).join(',')}, ${changes.length} role changes after the kill`);
      await topo.tableMissInstalled();
      const [lost] = await pingUntilAnswered(killedAt);
      assert.ok(lost < 10, `${lost} pings lost`);
    } finally {
      cluster.restart(leader);
      await cluster.waitLeader();
    }
  });

  it('ovs-vswitchd restarted: the master re-asserts its role and the flows come back', async () => {
    const masters = await Promise.all(BRIDGES.map((b) => masterOf(b)));
    const restartedAt = Date.now();
    await topo.ovs.restartSwitchDaemon();
    await topo.tableMissInstalled();
    const again = await Promise.all(BRIDGES.map((b) => masterOf(b, restartedAt)));
    assert.deepEqual(again.map((n) => n.name), masters.map((n) => n.name), 'the same nodes are master after the restart');
    const [lost] = await pingUntilAnswered(restartedAt);
    assert.ok(lost < 10, `${lost} pings lost`);
  });
});
