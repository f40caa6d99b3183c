import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDpid } from '../../runtime/dist/openflow/index.js';
import { EtcdCluster } from '../../runtime/dist/testing/etcd-cluster.js';
import { OvsHarness, waitFor, type FlowEntry } from '../../runtime/dist/testing/ovs/index.js';
import { startServe, type ServeProcess } from '../../runtime/dist/testing/serve-process.js';
import { machineLine, positiveNumber, runCli } from './cli.js';
import { freePort } from './proc.js';

/**
 * `npm run bench:failover`: how long a switch goes without a master when its
 * master node dies. 3 etcd members and 3 `serve --mastership etcd --app
 * learning-switch` nodes on loopback, one Open vSwitch bridge connected to all
 * three, two hosts pinging each other every 50 ms. Each run SIGKILLs the
 * bridge's master, deletes the bridge's flows (so only the new master's count)
 * and measures, from the kill:
 * - elected: the new master's "switch role changed" log line (role master, so
 *   the switch already confirmed its ROLE_REQUEST), pino's ms timestamp;
 * - first flow-mod: the table-miss flow the new master's learning switch
 *   installs, seen by polling `ovs-ofctl dump-flows` (resolution: one poll,
 *   printed; an upper bound);
 * - pings: the longest gap between replies, and the requests lost;
 * then restarts the killed node (a slave again) for the next run. Needs root,
 * Open vSwitch and etcd (scripts/install-system-deps.sh); run it under
 * `flock /tmp/sdn-ovs.lock` like the OVS tests.
 */

const USAGE = `usage: flock /tmp/sdn-ovs.lock npm run bench:failover -- [--runs N] [--lease-ttl-seconds S]
  --runs N               failovers to measure (default 10)
  --lease-ttl-seconds S  the nodes' --mastership-lease-ttl-seconds (default 2)`;

interface Options {
  readonly help: boolean;
  readonly runs: number;
  readonly leaseTtlSeconds: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean' }, runs: { type: 'string' }, 'lease-ttl-seconds': { type: 'string' } } });
  return {
    help: values.help === true,
    runs: positiveNumber('runs', values.runs, 10, { max: 100 }),
    leaseTtlSeconds: positiveNumber('lease-ttl-seconds', values['lease-ttl-seconds'], 2, { max: 60 }),
  };
}

const DPID = 0x1n;
const WAIT_MS = 30_000;
const PING_INTERVAL_MS = 50;
const HOSTS = [
  { name: 'h1', ip: '10.0.0.1', mac: '00:00:00:00:00:01' },
  { name: 'h2', ip: '10.0.0.2', mac: '00:00:00:00:00:02' },
] as const;

/** One runtime node with a fixed OpenFlow port (the bridge's controller list names it across restarts). */
class Node {
  process: ServeProcess | undefined;

  constructor(
    readonly name: string,
    readonly openflowPort: number,
    private readonly args: readonly string[],
  ) {}

  async start(): Promise<void> {
    this.process = await startServe([...this.args, '--node-id', this.name, '--openflow-host', '127.0.0.1', '--openflow-port', String(this.openflowPort)], WAIT_MS);
  }

  /** This node's latest role line for the bridge, if any after `sinceMs`. */
  role(sinceMs = 0): { readonly role: string; readonly time: number } | undefined {
    const line = (this.process?.lines ?? []).filter((l) => l.msg === 'switch role changed' && l.dpid === formatDpid(DPID) && Number(l.time) >= sinceMs).pop();
    return line === undefined ? undefined : { role: String(line.role), time: Number(line.time) };
  }

  /** The time of this node's first master line after `sinceMs`. */
  masterSince(sinceMs: number): number | undefined {
    const line = (this.process?.lines ?? []).find((l) => l.msg === 'switch role changed' && l.dpid === formatDpid(DPID) && l.role === 'master' && Number(l.time) >= sinceMs);
    return line === undefined ? undefined : Number(line.time);
  }

  async kill(): Promise<void> {
    const child = this.process?.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

interface Run {
  readonly killed: string;
  readonly master: string;
  readonly electedMs: number;
  readonly firstFlowMs: number;
  readonly pollMs: number;
  readonly pingsLost: number;
  readonly pingGapMs: number;
}

const isTableMiss = (f: FlowEntry): boolean => f.priority === 0 && f.match === '' && /CONTROLLER/.test(f.actions);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** Every node up, one master and two slaves of the bridge, its table-miss flow in (bounded). */
async function settled(nodes: readonly Node[], ovs: OvsHarness): Promise<Node> {
  const master = await waitFor('one master and two slaves', WAIT_MS, async () => {
    const roles = nodes.map((n) => n.role()?.role);
    return roles.filter((r) => r === 'master').length === 1 && roles.filter((r) => r === 'slave').length === 2 ? nodes[roles.indexOf('master')] : undefined;
  });
  await waitFor('the table-miss flow', WAIT_MS, async () => ((await ovs.dumpFlows('s1')).some(isTableMiss) ? true : undefined));
  return master!;
}

async function measure(nodes: readonly Node[], ovs: OvsHarness): Promise<Run> {
  const master = await settled(nodes, ovs);
  const pings = ovs.pingStream('h1', HOSTS[1].ip, { count: 2000, intervalMs: PING_INTERVAL_MS });
  try {
    await pings.replyAfter(pings.startedAtMs, WAIT_MS);
    const killedAt = Date.now();
    await master.kill();
    // The old master's flows would keep forwarding: only the new master's count.
    await ovs.delFlows('s1');
    let polls = 0;
    let pollTotalMs = 0;
    const firstFlowAt = await waitFor('the new master\'s table-miss flow', WAIT_MS, async () => {
      const before = Date.now();
      const flows = await ovs.dumpFlows('s1');
      polls += 1;
      pollTotalMs += Date.now() - before;
      return flows.some(isTableMiss) ? Date.now() : undefined;
    });
    // The log line travels through a pipe and may come after the flow-mod it preceded.
    const next = await waitFor('the new master\'s log line', WAIT_MS, async () => nodes.find((n) => n !== master && n.masterSince(killedAt) !== undefined));
    await pings.replyAfter(firstFlowAt, WAIT_MS);
    const summary = await pings.stop();
    return {
      killed: master.name,
      master: next.name,
      electedMs: next.masterSince(killedAt)! - killedAt,
      firstFlowMs: firstFlowAt - killedAt,
      pollMs: Math.round(pollTotalMs / polls),
      pingsLost: summary.lost,
      pingGapMs: summary.longestGapMs,
    };
  } finally {
    await pings.stop();
    await master.start();
  }
}

async function run(options: Options): Promise<number> {
  const ttlMs = options.leaseTtlSeconds * 1000;
  process.stdout.write(`${machineLine(`${options.runs} failovers, lease TTL ${options.leaseTtlSeconds} s, pings every ${PING_INTERVAL_MS} ms`)}\n`);
  const root = mkdtempSync(join(tmpdir(), 'sdn-bench-failover-'));
  const cluster = await EtcdCluster.start(3);
  const nodes: Node[] = [];
  let ovs: OvsHarness | undefined;
  try {
    const clusterName = `bench-failover-${process.pid}`;
    for (const name of ['n0', 'n1', 'n2']) {
      nodes.push(new Node(name, await freePort(), [
        '--store', 'etcd', '--etcd-endpoints', cluster.endpoints.join(','), '--etcd-prefix', `/${clusterName}/kv/`,
        '--mastership', 'etcd', '--cluster', clusterName, '--mastership-lease-ttl-seconds', String(options.leaseTtlSeconds),
        '--app', 'learning-switch', '--data-dir', join(root, name),
        '--http-host', '127.0.0.1', '--http-port', '0', '--grpc-host', '127.0.0.1', '--grpc-port', '0',
      ]));
    }
    for (const node of nodes) await node.start();
    ovs = await OvsHarness.start();
    await ovs.addBridge('s1', { dpid: formatDpid(DPID), controller: nodes.map((n) => `tcp:127.0.0.1:${n.openflowPort}`), maxBackoffMs: 1000 });
    for (const h of HOSTS) await ovs.addHost(h.name, { bridge: 's1', ip: `${h.ip}/24`, mac: h.mac });

    const runs: Run[] = [];
    process.stdout.write('run  killed  new master  elected ms  first flow-mod ms  (poll ms)  pings lost  longest ping gap ms\n');
    for (let i = 1; i <= options.runs; i++) {
      const r = await measure(nodes, ovs);
      runs.push(r);
      process.stdout.write(`${String(i).padStart(3)}  ${r.killed.padEnd(6)}  ${r.master.padEnd(10)}  ${String(r.electedMs).padStart(10)}  ${String(r.firstFlowMs).padStart(17)}  ${String(r.pollMs).padStart(9)}  ${String(r.pingsLost).padStart(10)}  ${String(r.pingGapMs).padStart(19)}\n`);
    }
    const line = (what: string, values: number[]): string => `${what.padEnd(28)} median ${String(median(values)).padStart(5)}  max ${String(Math.max(...values)).padStart(5)}`;
    process.stdout.write(`${line('elected (ms after SIGKILL)', runs.map((r) => r.electedMs))}\n`);
    process.stdout.write(`${line('first flow-mod (ms)', runs.map((r) => r.firstFlowMs))}  (aim: <= TTL + 500 = ${ttlMs + 500}; dump-flows poll ~${median(runs.map((r) => r.pollMs))} ms)\n`);
    process.stdout.write(`${line('pings lost (every 50 ms)', runs.map((r) => r.pingsLost))}\n`);
    process.stdout.write(`${line('longest ping gap (ms)', runs.map((r) => r.pingGapMs))}\n`);
    process.stdout.write(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    return 0;
  } finally {
    await ovs?.stop();
    for (const node of nodes) await node.kill();
    await cluster.close();
    rmSync(root, { recursive: true, force: true });
  }
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
