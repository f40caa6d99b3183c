import { rmSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { ip, makeContext, ofctl, paths, vsctl, type OvsContext } from './context.js';
import { createDatabase, daemonPid, killDaemon, startDatabaseServer, startSwitchDaemon } from './daemons.js';
import { OvsHarnessError } from './errors.js';
import { parseDumpFlows, type FlowEntry } from './flows.js';
import { claimFolder, cleanLeftovers, defaultHarnessRoot, removeByPrefix } from './leftovers.js';
import { scopedName } from './names.js';
import { PingStream } from './ping-stream.js';
import { pidsByCommand } from './processes.js';
import { resolvePrograms } from './programs.js';
import { tryRun } from './run.js';
import { createBridge, createHost, createLink, type BridgeOptions, type HostOptions } from './topology.js';

export interface HarnessOptions {
  /** Parent of the per-harness folders; default `<os tmpdir>/sdn-runtime-ovs-<uid>`. */
  readonly tmpRoot?: string;
}

export interface PingOptions {
  /** Echo requests to send; default 1. */
  readonly count?: number;
  /** Seconds to wait for each reply (ping -W); default 1. */
  readonly timeoutSec?: number;
}

/** Longest folder path for which OVS's unix sockets (`<dir>/ovs-vswitchd.<pid>.ctl`) fit sun_path (108 bytes). */
const MAX_DIR_LENGTH = 80;

/**
 * A private Open vSwitch (ovsdb-server + userspace ovs-vswitchd) with bridges
 * and hosts in network namespaces, for end-to-end tests. All methods are async
 * and must not be called concurrently on one harness (they change shared
 * state: the OVS db, the machine's interfaces). Only one harness may run per
 * machine (one userspace ovs-vswitchd per network namespace): run OVS tests
 * serially. Always pair `start()` with `stop()` (see README.md).
 */
export class OvsHarness {
  /** Every namespace and root-namespace interface of this harness starts with it. */
  readonly prefix: string;
  /** The harness folder: OVS run, log, db and sysconf dir. */
  readonly dir: string;
  private readonly ctx: OvsContext;
  private readonly bridges = new Map<string, string>();
  /** The protocol ovs-ofctl speaks to each bridge: the highest it accepts. */
  private readonly ofctlProtocols = new Map<string, string>();
  private readonly hosts = new Map<string, string>();
  /** "a>b" -> the interface of bridge a's end of its cable to b. */
  private readonly cableEnds = new Map<string, string>();
  private readonly usedNames = new Set<string>();
  private stopping: Promise<void> | undefined;

  private constructor(ctx: OvsContext) {
    this.ctx = ctx;
    this.prefix = ctx.prefix;
    this.dir = ctx.dir;
  }

  /**
   * Cleans up after crashed earlier runs, then starts both daemons in a fresh
   * folder and waits until ovs-vswitchd applies configuration.
   * @throws OvsHarnessError when a program is missing (naming it and the
   *   install script), when not root, when another ovs-vswitchd runs, or when a
   *   daemon does not answer within its deadline (with its log's last lines).
   */
  static async start(options: HarnessOptions = {}): Promise<OvsHarness> {
    const programs = resolvePrograms();
    if (process.getuid?.() !== 0) {
      throw new OvsHarnessError('the OVS harness needs root (it creates network namespaces and tap devices)');
    }
    const root = options.tmpRoot ?? defaultHarnessRoot();
    await cleanLeftovers(root, programs);
    const others = pidsByCommand('ovs-vswitchd');
    if (others.length > 0) {
      throw new OvsHarnessError(
        `another ovs-vswitchd is running (pid ${others.join(', ')}), not a leftover of a harness under ${root}; ` +
          'only one userspace ovs-vswitchd can run per machine: stop it first (or run OVS tests serially)',
      );
    }
    const { dir, prefix } = claimFolder(root);
    if (dir.length > MAX_DIR_LENGTH) {
      rmSync(dir, { recursive: true, force: true });
      throw new OvsHarnessError(`harness folder ${dir} is longer than ${MAX_DIR_LENGTH} chars: OVS's unix socket paths would not fit; pick a shorter tmpRoot`);
    }
    const harness = new OvsHarness(makeContext(programs, dir, prefix));
    try {
      await createDatabase(harness.ctx);
      await startDatabaseServer(harness.ctx);
      await startSwitchDaemon(harness.ctx);
    } catch (error) {
      await harness.stop().catch((stopError: unknown) => {
        throw new OvsHarnessError(`${(error as Error).message}; cleaning up after that failed too: ${(stopError as Error).message}`, { cause: error });
      });
      throw error;
    }
    return harness;
  }

  /** The pid of this harness's ovs-vswitchd, undefined while it is not running. */
  get switchPid(): number | undefined {
    return daemonPid(this.ctx, 'ovs-vswitchd');
  }

  /** The bridge's name inside OVS (and of its tap device): `<prefix><name>`. */
  ovsBridgeName(name: string): string {
    const ovsName = this.bridges.get(name);
    if (ovsName === undefined) throw new OvsHarnessError(`no bridge ${JSON.stringify(name)} in this harness`);
    return ovsName;
  }

  /** The host's network namespace (for `ip netns exec`), `<prefix><name>`. */
  hostNamespace(name: string): string {
    const ns = this.hosts.get(name);
    if (ns === undefined) throw new OvsHarnessError(`no host ${JSON.stringify(name)} in this harness`);
    return ns;
  }

  /** Adds a userspace (netdev) bridge speaking OpenFlow 1.3 by default, fail_mode secure by default. */
  async addBridge(name: string, options: BridgeOptions = {}): Promise<void> {
    const ovsName = this.claim(name);
    await createBridge(this.ctx, ovsName, options);
    this.bridges.set(name, ovsName);
    this.ofctlProtocols.set(name, [...(options.protocols ?? ['OpenFlow13'])].sort().pop()!);
  }

  /**
   * Adds a host: a network namespace whose `eth0` has `options.ip`, cabled to
   * `options.bridge` by a veth pair.
   * @returns the OpenFlow port number of the host's port on the bridge.
   */
  async addHost(name: string, options: HostOptions): Promise<number> {
    const bridge = this.ovsBridgeName(options.bridge);
    const ovsName = this.claim(name);
    this.hosts.set(name, ovsName);
    return createHost(this.ctx, ovsName, bridge, options);
  }

  /**
   * Cables bridge `a` to bridge `b` with a veth pair (interfaces `<prefix><a>-<b>`
   * and `<prefix><b>-<a>`).
   * @returns the OpenFlow port numbers on `a` and on `b`.
   */
  async linkBridges(a: string, b: string): Promise<{ portA: number; portB: number }> {
    const [bridgeA, bridgeB] = [this.ovsBridgeName(a), this.ovsBridgeName(b)];
    const [endA, endB] = [this.claim(a, b), this.claim(b, a)];
    this.cableEnds.set(`${a}>${b}`, endA);
    this.cableEnds.set(`${b}>${a}`, endB);
    return createLink(this.ctx, bridgeA, endA, bridgeB, endB);
  }

  /**
   * `ip link set <a's end of the cable to b> down` (or up): the cable goes dark,
   * and OVS reports both ends without carrier (PORT_STATUS), as a pulled cable would.
   */
  async setCable(a: string, b: string, state: 'up' | 'down'): Promise<void> {
    const end = this.cableEnds.get(`${a}>${b}`);
    if (end === undefined) throw new OvsHarnessError(`no cable from ${JSON.stringify(a)} to ${JSON.stringify(b)} in this harness`);
    await ip(this.ctx, ['link', 'set', end, state]);
  }

  /**
   * Pings `toIp` from inside host `fromHost`, one request every 0.2 s. Never
   * throws for lost packets: `ok` is true when every request got its reply,
   * `output` is ping's stdout and stderr.
   */
  async ping(fromHost: string, toIp: string, options: PingOptions = {}): Promise<{ ok: boolean; output: string }> {
    const ns = this.hostNamespace(fromHost);
    const count = options.count ?? 1;
    const timeoutSec = options.timeoutSec ?? 1;
    if (!isIPv4(toIp)) throw new OvsHarnessError(`ping: ${JSON.stringify(toIp)} is not an IPv4 address`);
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(timeoutSec) || timeoutSec < 1) {
      throw new OvsHarnessError(`ping: count and timeoutSec must be positive integers, got ${count} and ${timeoutSec}`);
    }
    const args = ['netns', 'exec', ns, this.ctx.programs.ping, '-n', '-c', String(count), '-i', '0.2', '-W', String(timeoutSec), toIp];
    const result = await tryRun(this.ctx.programs.ip, args, { timeoutMs: (count * 0.2 + timeoutSec) * 1000 + 5000 });
    // iputils exits 0 when at least one reply came: count them for "all answered".
    const received = /(\d+) received/.exec(result.stdout)?.[1];
    return { ok: result.code === 0 && received === String(count), output: result.stdout + result.stderr };
  }

  /**
   * Starts a continuous ping from `fromHost` to `toIp`: `count` requests, one
   * every `intervalMs` (>= 10: ping's root minimum is 2 ms, kept well above it), each
   * answered within 1 s or lost. The stream ends by itself after `count * intervalMs
   * + 5 s` at most; `stop()` it when the scenario is over.
   */
  pingStream(fromHost: string, toIp: string, options: { readonly count: number; readonly intervalMs: number }): PingStream {
    const ns = this.hostNamespace(fromHost);
    const { count, intervalMs } = options;
    if (!isIPv4(toIp)) throw new OvsHarnessError(`pingStream: ${JSON.stringify(toIp)} is not an IPv4 address`);
    if (!Number.isInteger(count) || count < 1 || count > 100_000 || !Number.isInteger(intervalMs) || intervalMs < 10) {
      throw new OvsHarnessError(`pingStream: count must be 1 to 100000 and intervalMs an integer >= 10, got ${count} and ${intervalMs}`);
    }
    const deadlineSec = Math.ceil((count * intervalMs) / 1000) + 5;
    return new PingStream([this.ctx.programs.ip, 'netns', 'exec', ns, this.ctx.programs.ping, '-D', '-n', '-c', String(count), '-i', String(intervalMs / 1000), '-W', '1', '-w', String(deadlineSec), toIp]);
  }

  /** The bridge's flow table as ovs-ofctl sees it, parsed. */
  async dumpFlows(bridge: string): Promise<FlowEntry[]> {
    return parseDumpFlows(await ofctl(this.ctx, 'dump-flows', this.ovsBridgeName(bridge), [], this.ofctlProtocols.get(bridge)));
  }

  /** `ovs-ofctl add-flow` with an ovs-ofctl flow spec, e.g. 'priority=0,actions=NORMAL'. */
  async addFlow(bridge: string, flowSpec: string): Promise<void> {
    await ofctl(this.ctx, 'add-flow', this.ovsBridgeName(bridge), ['--', flowSpec], this.ofctlProtocols.get(bridge));
  }

  /** `ovs-ofctl del-flows`: every flow, or those matching `flowSpec`. */
  async delFlows(bridge: string, flowSpec?: string): Promise<void> {
    await ofctl(this.ctx, 'del-flows', this.ovsBridgeName(bridge), flowSpec === undefined ? [] : ['--', flowSpec], this.ofctlProtocols.get(bridge));
  }

  /** ovs-vsctl on this harness's db, for what the methods above do not cover; returns stdout. */
  vsctl(args: readonly string[]): Promise<string> {
    return vsctl(this.ctx, args);
  }

  /** SIGKILLs ovs-vswitchd (as a crash would) and waits until it is gone. The db and its bridges stay. */
  async killSwitchDaemon(): Promise<void> {
    await killDaemon(paths.pidfile(this.ctx, 'ovs-vswitchd'), 'ovs-vswitchd');
  }

  /** Starts ovs-vswitchd again after `killSwitchDaemon` (bridges, ports and controllers come back from the db, flows do not). */
  async startSwitchDaemon(): Promise<void> {
    await startSwitchDaemon(this.ctx);
  }

  /**
   * Kills ovs-vswitchd if it runs and starts it again on the same db: bridges,
   * ports and controllers come back (same ofports), flows do not.
   */
  async restartSwitchDaemon(): Promise<void> {
    await this.killSwitchDaemon();
    await startSwitchDaemon(this.ctx);
  }

  /**
   * Kills both daemons, deletes every namespace and interface with this
   * harness's prefix and the harness folder. Safe on a half-built harness and
   * safe to call again (later calls return the first call's outcome).
   * @throws OvsHarnessError only when something of ours is still there after trying.
   */
  stop(): Promise<void> {
    this.stopping ??= this.teardown();
    return this.stopping;
  }

  private async teardown(): Promise<void> {
    await killDaemon(paths.pidfile(this.ctx, 'ovs-vswitchd'), 'ovs-vswitchd');
    await killDaemon(paths.pidfile(this.ctx, 'ovsdb-server'), 'ovsdb-server');
    const remaining = await removeByPrefix(this.ctx.programs, this.prefix);
    rmSync(this.dir, { recursive: true, force: true });
    if (remaining.length > 0) {
      throw new OvsHarnessError(`harness ${this.prefix} stopped, but could not remove: ${remaining.join(', ')}`);
    }
  }

  /** Reserves the scoped interface/namespace name for `parts`, refusing a second use. */
  private claim(...parts: string[]): string {
    if (this.stopping !== undefined) throw new OvsHarnessError(`harness ${this.prefix} is stopped`);
    const name = scopedName(this.prefix, ...parts);
    if (this.usedNames.has(name)) {
      throw new OvsHarnessError(`${JSON.stringify(parts.join('-'))} is already used in this harness (bridge, host and link names share one name space)`);
    }
    this.usedNames.add(name);
    return name;
  }
}
