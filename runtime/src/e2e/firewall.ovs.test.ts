import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { formatDpid } from '../openflow/index.js';
import { ownCookie } from '../ownership/index.js';
import { DEFAULT_SERVE_CONFIG } from '../serve/config.js';
import { startRuntime, type RunningRuntime } from '../serve/runtime.js';
import { EventWatcher } from '../testing/event-watcher.js';
import { OvsHarness, waitFor, type FlowEntry } from '../testing/ovs/index.js';
import { ClientProcess } from './client-process.js';
import { NamespaceTcpServer, tcpConnect } from './tcp-probe.js';
import { describeFlow, SWITCH_UP_MS } from './topology.js';

// Real end-to-end for examples/firewall-ts: a runtime with no built-in app, one
// Open vSwitch bridge (fail_mode=secure) with h1 inside and h2 outside, and the
// firewall as its own process over gRPC, run as a user runs it. Connections
// from h1 to h2 work both ways through conntrack; connections opened by h2 are
// dropped by the switch.

const DPID = 0xf1n;
const ZONE = 5;
/** The firewall's default cookie ("frwall" in ASCII), below the app id the runtime puts in the top 16 bits. */
const COOKIE = 0x667277616c6cn;
/** Flows of the pipeline for one inside port: 7 in table 0, 6 in table 1 (examples/firewall-ts/src/pipeline.ts). */
const PIPELINE_FLOWS = 13;
const H1 = { name: 'h1', ip: '10.0.0.1', mac: '00:00:00:00:00:01' };
const H2 = { name: 'h2', ip: '10.0.0.2', mac: '00:00:00:00:00:02' };
const TCP_PORT = 5001;
/** How long a connection that the firewall drops is given before it counts as timed out. */
const BLOCKED_CONNECT_MS = 2_000;
/** Counters reach the OpenFlow table from OVS's revalidator, ~0.1-0.5 s after the packets. */
const COUNTERS_MS = 5_000;

describe('firewall-ts (conntrack) on Open vSwitch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-e2e-firewall-'));
  const watcher = new EventWatcher();
  const servers: NamespaceTcpServer[] = [];
  let ovs: OvsHarness | undefined;
  let rt: RunningRuntime | undefined;
  let firewall: ClientProcess | undefined;
  let insidePort = 0;

  before(async () => {
    rt = await startRuntime(
      { ...DEFAULT_SERVE_CONFIG, openflowHost: '127.0.0.1', openflowPort: 0, httpHost: '127.0.0.1', httpPort: 0, grpcHost: '127.0.0.1', grpcPort: 0, apps: [], dataDir: join(dir, 'data'), pluginsDir: join(dir, 'plugins') },
      pino({ level: 'warn' }),
    );
    await rt.controller.use(watcher);
    ovs = await OvsHarness.start();
    await ovs.addBridge('s1', { dpid: formatDpid(DPID), controller: `tcp:127.0.0.1:${rt.openflowPort}`, maxBackoffMs: 1000 });
    insidePort = await ovs.addHost(H1.name, { bridge: 's1', ip: `${H1.ip}/24`, mac: H1.mac });
    await ovs.addHost(H2.name, { bridge: 's1', ip: `${H2.ip}/24`, mac: H2.mac });
    await watcher.waitFor((e) => e.type === 'switchUp' && e.dpid === DPID, SWITCH_UP_MS);
    firewall = ClientProcess.typescriptFirewall(`127.0.0.1:${rt.grpcPort}`, [insidePort], ZONE);
  });
  after(async () => {
    for (const server of servers) server.stop();
    await firewall?.stop();
    await ovs?.stop();
    await rt?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const flows = async (): Promise<FlowEntry[]> => (await ovs!.dumpFlows('s1')).filter((f) => ownCookie(f.cookie) === COOKIE);
  const show = (fs: readonly FlowEntry[]): string => fs.map((f) => `table=${f.table} n_packets=${f.nPackets} ${describeFlow(f)}`).join('\n');
  /** The one flow of the pipeline in `table` whose match and actions fit. */
  const flowOf = (fs: readonly FlowEntry[], table: number, matchText: RegExp, actionsText: RegExp): FlowEntry => {
    const found = fs.filter((f) => f.table === table && matchText.test(f.match) && actionsText.test(f.actions));
    assert.equal(found.length, 1, `table ${table}: ${matchText} -> ${actionsText} in:\n${show(fs)}`);
    return found[0]!;
  };
  const startServer = async (host: typeof H1): Promise<NamespaceTcpServer> => {
    const server = await NamespaceTcpServer.start(ovs!.hostNamespace(host.name), host.ip, TCP_PORT);
    servers.push(server);
    return server;
  };

  it('installs the two-table conntrack pipeline (dump-flows shows the ct flows)', async () => {
    let last: FlowEntry[] = [];
    await firewall!.whileRunning(
      waitFor('the firewall pipeline on s1', SWITCH_UP_MS, async () => ((last = await flows()).length === PIPELINE_FLOWS ? true : undefined), () => show(last)),
    );
    flowOf(last, 0, /^ct_state=-trk,ip$/, new RegExp(`^ct\\(table=1,zone=${ZONE}\\)$`));
    flowOf(last, 0, /^ct_state=-trk,ipv6$/, new RegExp(`^ct\\(table=1,zone=${ZONE}\\)$`));
    flowOf(last, 1, /^ct_state=\+est\+trk$/, /^FLOOD$/);
    flowOf(last, 1, /^ct_state=\+rel\+trk$/, /^FLOOD$/);
    flowOf(last, 1, new RegExp(`^ct_state=\\+new\\+trk,ip,in_port=${insidePort}$`), new RegExp(`^ct\\(commit,zone=${ZONE}\\),FLOOD$`));
    flowOf(last, 1, /^ct_state=\+new\+trk$/, /^drop$/);
  });

  it('lets h1 (inside) ping h2, and not h2 ping h1', async () => {
    const out = await firewall!.whileRunning(ovs!.ping(H1.name, H2.ip, { count: 3, timeoutSec: 2 }));
    assert.ok(out.ok, `h1 -> h2: ${out.output}\n${firewall!.log}`);
    const back = await firewall!.whileRunning(ovs!.ping(H2.name, H1.ip, { count: 2, timeoutSec: 1 }));
    assert.equal(back.ok, false, `h2 -> h1 got through the firewall: ${back.output}`);
    assert.match(back.output, /2 packets transmitted, 0 received/);
  });

  it('carries a TCP connection from h1 to h2, and drops one from h2 to h1 (connect times out)', async () => {
    const outside = await startServer(H2);
    const out = await firewall!.whileRunning(tcpConnect(ovs!.hostNamespace(H1.name), H2.ip, TCP_PORT, 5_000));
    assert.deepEqual(out, { kind: 'replied', reply: 'pong ping' });
    assert.equal(outside.accepted, 1);

    const inside = await startServer(H1);
    const started = performance.now();
    const back = await firewall!.whileRunning(tcpConnect(ovs!.hostNamespace(H2.name), H1.ip, TCP_PORT, BLOCKED_CONNECT_MS));
    assert.deepEqual(back, { kind: 'timeout' }, 'h2 -> h1 must neither connect nor be refused: the SYN is dropped');
    assert.ok(performance.now() - started < BLOCKED_CONNECT_MS + 10_000, 'the blocked connect did not end within its bound');
    assert.equal(inside.accepted, 0, 'the server inside saw a connection from outside');
  });

  it('counts the traffic on the flows that decided it', async () => {
    let last: FlowEntry[] = [];
    await waitFor(
      'the counters of the commit, established and new-drop flows',
      COUNTERS_MS,
      async () => {
        last = await flows();
        const commit = flowOf(last, 1, /^ct_state=\+new\+trk,ip,in_port=/, /^ct\(commit/);
        const established = flowOf(last, 1, /^ct_state=\+est\+trk$/, /^FLOOD$/);
        const dropped = flowOf(last, 1, /^ct_state=\+new\+trk$/, /^drop$/);
        // Committed: h1's ping and TCP connection; established: their replies; dropped: h2's pings and SYNs.
        return commit.nPackets >= 2n && established.nPackets >= 4n && dropped.nPackets >= 3n ? true : undefined;
      },
      () => show(last),
    );
  });

  it('stops cleanly on SIGINT', async () => {
    const exit = await firewall!.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, firewall!.log);
  });
});
