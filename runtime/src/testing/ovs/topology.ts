import { isIPv4 } from 'node:net';
import { ip, vsctl, type OvsContext } from './context.js';
import { OvsHarnessError } from './errors.js';
import { run } from './run.js';
import { waitFor } from './wait.js';

/**
 * Building blocks of a test topology: bridges, hosts (a network namespace with
 * one veth into a bridge) and bridge-to-bridge links (a veth pair). Names passed
 * here are already scoped with the harness prefix (see names.ts).
 */

export interface BridgeOptions {
  /** Datapath id as 16 hex digits; OVS derives one from a MAC address otherwise. */
  readonly dpid?: string;
  /** OpenFlow versions the bridge accepts; default ['OpenFlow13']. */
  readonly protocols?: readonly string[];
  /** Controller target, e.g. 'tcp:127.0.0.1:6653', or several (the switch connects to each: mastership tests); none by default. */
  readonly controller?: string | readonly string[];
  /** 'secure' (default): without a controller the bridge forwards only what its flows say. */
  readonly failMode?: 'secure' | 'standalone';
  /** Longest wait between reconnect attempts to the controller, ms (OVS minimum 1000; default 8000). */
  readonly maxBackoffMs?: number;
  /** Idle time before OVS sends an echo to the controller, ms; 0 disables; OVS minimum 5000. */
  readonly inactivityProbeMs?: number;
}

export interface HostOptions {
  /** The bridge name the harness was given (not the scoped one). */
  readonly bridge: string;
  /** IPv4 address with prefix length, e.g. '10.0.0.1/24'. */
  readonly ip: string;
  /** MAC of the host's interface, e.g. '00:00:00:00:00:01'; random by default. */
  readonly mac?: string;
}

/** The host's interface name inside its namespace. */
export const HOST_IFACE = 'eth0';
const OFPORT_DEADLINE_MS = 5_000;

export async function createBridge(ctx: OvsContext, ovsName: string, options: BridgeOptions): Promise<void> {
  const protocols = options.protocols ?? ['OpenFlow13'];
  if (protocols.length === 0 || protocols.some((p) => !/^OpenFlow1[0-5]$/.test(p))) {
    throw new OvsHarnessError(`bridge ${ovsName}: protocols must be OpenFlow10..OpenFlow15, got ${JSON.stringify(protocols)}`);
  }
  const settings = [
    'datapath_type=netdev',
    `protocols=${protocols.join(',')}`,
    `fail_mode=${options.failMode ?? 'secure'}`,
    // In-band control would add hidden flows of its own; our controllers are
    // reached out of band (loopback), so the flow table is all there is.
    'other-config:disable-in-band=true',
  ];
  if (options.dpid !== undefined) {
    if (!/^[0-9a-f]{16}$/i.test(options.dpid)) {
      throw new OvsHarnessError(`bridge ${ovsName}: dpid must be 16 hex digits, got ${JSON.stringify(options.dpid)}`);
    }
    settings.push(`other-config:datapath-id=${options.dpid.toLowerCase()}`);
  }
  const args = ['add-br', ovsName, '--', 'set', 'Bridge', ovsName, ...settings];
  if (options.controller !== undefined) args.push('--', ...controllerArgs(ovsName, options));
  await vsctl(ctx, args);
}

function controllerArgs(ovsName: string, options: BridgeOptions): string[] {
  const targets = typeof options.controller === 'string' ? [options.controller] : (options.controller ?? []);
  if (targets.length === 0 || targets.some((t) => !/^(tcp|ssl|unix):\S+$/.test(t))) {
    throw new OvsHarnessError(`bridge ${ovsName}: controller must look like tcp:127.0.0.1:6653, got ${JSON.stringify(options.controller)}`);
  }
  const columns: string[] = [];
  if (options.maxBackoffMs !== undefined) {
    if (!Number.isInteger(options.maxBackoffMs) || options.maxBackoffMs < 1000) {
      throw new OvsHarnessError(`bridge ${ovsName}: maxBackoffMs must be an integer >= 1000 (OVS minimum), got ${options.maxBackoffMs}`);
    }
    columns.push(`max_backoff=${options.maxBackoffMs}`);
  }
  if (options.inactivityProbeMs !== undefined) {
    const ms = options.inactivityProbeMs;
    if (!Number.isInteger(ms) || (ms !== 0 && ms < 5000)) {
      throw new OvsHarnessError(`bridge ${ovsName}: inactivityProbeMs must be 0 or an integer >= 5000 (OVS minimum), got ${ms}`);
    }
    columns.push(`inactivity_probe=${ms}`);
  }
  const records = targets.flatMap((target, i) => ['--', `--id=@controller${i}`, 'create', 'Controller', `target=${JSON.stringify(target)}`, ...columns]);
  return [...records.slice(1), '--', 'set', 'Bridge', ovsName, `controller=[${targets.map((_, i) => `@controller${i}`).join(',')}]`];
}

/**
 * Creates namespace `ovsName` with `eth0` (the veth peer, made directly inside
 * the namespace) and the root-side end `ovsName`, attached to `ovsBridge`.
 * @returns the OpenFlow port number of the root-side end.
 */
export async function createHost(ctx: OvsContext, ovsName: string, ovsBridge: string, options: HostOptions): Promise<number> {
  const [address, length] = options.ip.split('/');
  if (address === undefined || !isIPv4(address) || length === undefined || !/^\d+$/.test(length) || Number(length) > 32) {
    throw new OvsHarnessError(`host ${ovsName}: ip must be an IPv4 address with a prefix length like 10.0.0.1/24, got ${JSON.stringify(options.ip)}`);
  }
  if (options.mac !== undefined && !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(options.mac)) {
    throw new OvsHarnessError(`host ${ovsName}: mac must look like 00:00:00:00:00:01, got ${JSON.stringify(options.mac)}`);
  }
  const inNs = (args: string[]) => ip(ctx, ['-n', ovsName, ...args]);
  await ip(ctx, ['netns', 'add', ovsName]);
  await ip(ctx, ['link', 'add', ovsName, 'type', 'veth', 'peer', 'name', HOST_IFACE, 'netns', ovsName]);
  // No IPv6 link-local address, hence no router solicitations or DAD probes:
  // the only packets a host sends are the ones the test makes it send.
  await ip(ctx, ['link', 'set', ovsName, 'addrgenmode', 'none']);
  await inNs(['link', 'set', HOST_IFACE, 'addrgenmode', 'none']);
  if (options.mac !== undefined) await inNs(['link', 'set', HOST_IFACE, 'address', options.mac.toLowerCase()]);
  await inNs(['addr', 'add', options.ip, 'dev', HOST_IFACE]);
  await inNs(['link', 'set', 'lo', 'up']);
  await inNs(['link', 'set', HOST_IFACE, 'up']);
  // veth hands TCP/UDP packets over with the checksum left to "hardware"; the
  // userspace datapath reads them with AF_PACKET and forwards them unfinished,
  // so the receiver drops them. Make the sender compute checksums itself.
  await run(ctx.programs.ip, ['netns', 'exec', ovsName, ctx.programs.ethtool, '-K', HOST_IFACE, 'tx', 'off'], { env: ctx.env });
  await ip(ctx, ['link', 'set', ovsName, 'up']);
  await vsctl(ctx, ['add-port', ovsBridge, ovsName]);
  return readOfport(ctx, ovsName);
}

/**
 * Links two bridges with a veth pair `endA` (on bridgeA) / `endB` (on bridgeB),
 * so frames really leave one datapath and enter the other.
 */
export async function createLink(
  ctx: OvsContext,
  bridgeA: string,
  endA: string,
  bridgeB: string,
  endB: string,
): Promise<{ portA: number; portB: number }> {
  await ip(ctx, ['link', 'add', endA, 'type', 'veth', 'peer', 'name', endB]);
  for (const end of [endA, endB]) {
    await ip(ctx, ['link', 'set', end, 'addrgenmode', 'none']);
    await ip(ctx, ['link', 'set', end, 'up']);
  }
  await vsctl(ctx, ['add-port', bridgeA, endA]);
  await vsctl(ctx, ['add-port', bridgeB, endB]);
  return { portA: await readOfport(ctx, endA), portB: await readOfport(ctx, endB) };
}

/**
 * The OpenFlow port number OVS gave interface `name`, waiting until it has one.
 * @throws OvsHarnessError with OVS's own error text when OVS could not open it (ofport -1).
 */
export async function readOfport(ctx: OvsContext, name: string): Promise<number> {
  let last = '';
  return waitFor(
    `an OpenFlow port number for ${name}`,
    OFPORT_DEADLINE_MS,
    async () => {
      last = (await vsctl(ctx, ['get', 'Interface', name, 'ofport'], { noWait: true })).trim();
      if (last === '-1') {
        const error = (await vsctl(ctx, ['get', 'Interface', name, 'error'], { noWait: true })).trim();
        throw new OvsHarnessError(`OVS could not open interface ${name}: ${error}`);
      }
      return /^\d+$/.test(last) && last !== '0' ? Number(last) : undefined;
    },
    () => `ofport is ${last}`,
  );
}
