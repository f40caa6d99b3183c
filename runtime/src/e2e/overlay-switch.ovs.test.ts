import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials, Metadata } from '@grpc/grpc-js';
import { nodeIdOf } from '../core/index.js';
import { appIdOf, preferredAppId } from '../ownership/index.js';
import { SwitchesClient, type ListSwitchesResponse } from '../generated/sdn/runtime/v1/switches.js';
import { makeCa, nodeCertificate, type NodeCertificate } from '../testing/overlay-pki.js';
import { startServe, type ServeProcess } from '../testing/serve-process.js';
import { waitFor, type FlowEntry } from '../testing/ovs/index.js';
import { eventually } from '../testing/test-runtime.js';
import { ClientProcess } from './client-process.js';
import { BRIDGES, describeFlow, DPIDS, SWITCH_UP_MS, Topology } from './topology.js';

/**
 * Remote switches for real: three `serve` processes joined over mutual TLS
 * (seeds 1-2, 2-3 and 1-3), the Open vSwitch bridges of topology.ts connected to
 * node 1 only, and the learning-switch TS client connected to node 3: it sees
 * the bridges through node 3's Switches service and drives them through the
 * overlay, and every host pings every other. The ACL client (examples/acl-ts)
 * connected to node 2 then shares the bridges with it: two apps on two nodes
 * writing the switches of a third, confined by node 1 (docs/apps-sharing-a-switch.md,
 * "Across nodes"). Node 2 is then killed with SIGKILL;
 * nodes 1 and 3 keep their direct link and the hosts ping again.
 * Run alone: flock /tmp/sdn-ovs.lock node --test --test-concurrency=1 runtime/dist/e2e/overlay-switch.ovs.test.js
 */

const NAMES = ['ovs-ov-1', 'ovs-ov-2', 'ovs-ov-3'] as const;
type Name = (typeof NAMES)[number];
/** Pings after node 2's death may fail while routes and flows settle: this many rounds, each a full pingAll. */
const PING_ROUNDS = 5;
/** examples/acl-ts's priority, the pair it blocks, and the app names of the two clients. */
const ACL_PRIORITY = 1000;
const BLOCKED = ['10.0.0.1', '10.0.0.3'] as const;
const ACL_NAME = 'acl-ts';
const LS_NAME = 'learning-switch-ts';

function serveArgs(dir: string, name: string, cert: NodeCertificate, seeds: readonly string[]): string[] {
  return [
    '--node-id', name,
    '--openflow-host', '127.0.0.1', '--openflow-port', '0',
    '--http-host', '127.0.0.1', '--http-port', '0',
    '--grpc-host', '127.0.0.1', '--grpc-port', '0',
    '--data-dir', join(dir, name),
    '--overlay-host', '127.0.0.1', '--overlay-port', '0',
    '--overlay-tls-ca', cert.ca, '--overlay-tls-cert', cert.cert, '--overlay-tls-key', cert.key,
    ...(seeds.length === 0 ? [] : ['--seeds', seeds.join(',')]),
  ];
}

function seedOf(p: ServeProcess, name: string): string {
  const line = p.lines.find((l) => String(l.msg).startsWith('overlay listening'));
  assert.ok(line !== undefined, `${name} logged where its overlay listens`);
  return `${nodeIdOf(name)}@${String(line.address)}`;
}

function listSwitches(client: SwitchesClient): Promise<ListSwitchesResponse> {
  return new Promise((resolve, reject) => client.list({}, new Metadata(), (err, res) => (err === null ? resolve(res) : reject(err))));
}

async function pingUntilClean(topo: Topology): Promise<string[]> {
  let failures: string[] = [];
  for (let round = 0; round < PING_ROUNDS; round++) {
    failures = await topo.pingAll();
    if (failures.length === 0) return [];
  }
  return failures;
}

describe('a switch on node 1 driven by a client on node 3 through the overlay (Open vSwitch)', () => {
  let dir: string;
  const nodes: Partial<Record<Name, ServeProcess>> = {};
  let topo: Topology | undefined;
  let client: ClientProcess | undefined;
  let switches3: SwitchesClient | undefined;

  before(async () => {
    mkdirSync(join(tmpdir(), 'wt-remote'), { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'wt-remote', 'overlay-switch-'));
    makeCa(dir, 'ca');
    const certs = Object.fromEntries(NAMES.map((n) => [n, nodeCertificate(dir, n, 'ca')])) as Record<Name, NodeCertificate>;
    nodes['ovs-ov-3'] = await startServe(serveArgs(dir, 'ovs-ov-3', certs['ovs-ov-3'], []));
    nodes['ovs-ov-2'] = await startServe(serveArgs(dir, 'ovs-ov-2', certs['ovs-ov-2'], [seedOf(nodes['ovs-ov-3'], 'ovs-ov-3')]));
    nodes['ovs-ov-1'] = await startServe(serveArgs(dir, 'ovs-ov-1', certs['ovs-ov-1'], [seedOf(nodes['ovs-ov-2'], 'ovs-ov-2'), seedOf(nodes['ovs-ov-3'], 'ovs-ov-3')]));
    const openflow1 = Number(String(nodes['ovs-ov-1'].serving.openflow).split(':').pop());
    topo = await Topology.start(openflow1);
    switches3 = new SwitchesClient(String(nodes['ovs-ov-3'].serving.grpc), credentials.createInsecure());
  });

  after(async () => {
    await client?.stop();
    await topo?.stop();
    switches3?.close();
    for (const p of Object.values(nodes)) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('node 3 lists the bridges of node 1, and its client makes every host reach every other', async () => {
    const wanted = Object.values(DPIDS).sort();
    let listed: bigint[] = [];
    const deadline = Date.now() + 20_000;
    while (listed.length !== wanted.length) {
      assert.ok(Date.now() < deadline, `node 3 lists ${listed.join(',')} of node 1's bridges after 20 s`);
      listed = (await listSwitches(switches3!)).switches.map((s) => s.dpid).sort();
      if (listed.length !== wanted.length) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(listed, wanted);
    client = ClientProcess.typescriptLearningSwitch(String(nodes['ovs-ov-3']!.serving.grpc), 60);
    await client.whileRunning(topo!.tableMissInstalled());
    assert.deepEqual(await client.whileRunning(pingUntilClean(topo!)), [], client.log);
    // Each node's topology probes only its own switches; LLDP stays on the switch's node.
    for (const [name, p] of Object.entries(nodes)) assert.deepEqual(p.lines.filter((l) => l.msg === 'frame refused by topology (more of this kind within a minute are only counted)'), [], `${name} refused LLDP frames`);
  });

  it('an ACL client on node 2 shares node 1\'s bridges with the learning switch client on node 3: its deletes of "all flows" leave the learning switch\'s flows, and stopping it removes exactly its own', async () => {
    const flows = (bridge: (typeof BRIDGES)[number]): Promise<FlowEntry[]> => topo!.ovs.dumpFlows(bridge);
    const show = (fs: readonly FlowEntry[]): string => fs.map((f) => `cookie=0x${f.cookie.toString(16)} ${describeFlow(f)}`).join('\n') || 'no flows';
    const acl = ClientProcess.typescriptAcl(String(nodes['ovs-ov-2']!.serving.grpc), [BLOCKED.join(',')]);
    try {
      for (const bridge of BRIDGES) {
        let last: FlowEntry[] = [];
        await acl.whileRunning(
          waitFor(`the ACL's two drop flows beside the learning switch's table-miss flow on ${bridge}`, SWITCH_UP_MS, async () => {
            last = await flows(bridge);
            return last.filter((f) => f.priority === ACL_PRIORITY).length === 2 && (await topo!.tableMiss(bridge)) !== undefined ? true : undefined;
          }, () => `${show(last)}\nacl-ts:\n${acl.log}`),
        );
        const ids = new Set(last.map((f) => appIdOf(f.cookie)));
        assert.ok(ids.has(preferredAppId(ACL_NAME)) && ids.has(preferredAppId(LS_NAME)), show(last));
      }
      const failures = await acl.whileRunning(topo!.pingAll());
      assert.deepEqual(failures.map((f) => f.split(':')[0]).sort(), ['h1 -> 10.0.0.3', 'h3 -> 10.0.0.1'], failures.join('\n'));
    } finally {
      assert.deepEqual(await acl.stop(), { code: 0, signal: null }, acl.log);
    }
    for (const bridge of BRIDGES) {
      const left = await flows(bridge);
      assert.deepEqual(left.filter((f) => appIdOf(f.cookie) === preferredAppId(ACL_NAME)), [], show(left));
      assert.ok((await topo!.tableMiss(bridge)) !== undefined, show(left));
    }
    assert.deepEqual(await client!.whileRunning(pingUntilClean(topo!)), [], client!.log);
  });

  it('pings still pass after the relay node 2 is killed (nodes 1 and 3 are linked directly)', async () => {
    nodes['ovs-ov-2']!.child.kill('SIGKILL');
    const p3 = nodes['ovs-ov-3']!;
    await eventually(() => p3.lines.some((l) => l.msg === 'overlay node unreachable' && l.node === nodeIdOf('ovs-ov-2')), 'node 3 notices node 2 is gone', 15_000);
    await topo!.forgetLearned();
    assert.deepEqual(await client!.whileRunning(pingUntilClean(topo!)), [], client!.log);
  });
});
