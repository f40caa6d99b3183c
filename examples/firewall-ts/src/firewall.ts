import { connect, formatDpid, type FlowModOptions, type SdnApp } from '@sdn-runtime/sdk';
import { DEFAULT_COOKIE, DEFAULT_ZONE, firewallFlowMods, type FirewallConfig } from './pipeline.js';

export { DEFAULT_COOKIE, DEFAULT_ZONE, firewallFlowMods, Priority, type FirewallConfig } from './pipeline.js';

export interface FirewallOptions {
  /** The runtime's gRPC address, "host:port". */
  readonly target: string;
  readonly token?: string;
  /** Default "firewall-ts". */
  readonly name?: string;
  readonly insidePorts?: readonly number[];
  readonly insideNets?: readonly string[];
  /** Default 1. */
  readonly zone?: number;
  /** Default DEFAULT_COOKIE. */
  readonly cookie?: bigint;
  /** Where log lines go (default: nowhere). */
  readonly log?: (line: string) => void;
}

export interface Firewall {
  readonly app: SdnApp;
  readonly config: FirewallConfig;
  /** Switches whose pipeline a barrier confirmed, by dpid. */
  installed(): ReadonlySet<bigint>;
  close(): Promise<void>;
}

/**
 * A stateful firewall on Open vSwitch conntrack (pipeline.ts): installs the
 * pipeline on every switch that is connected when it starts and on every switch
 * that comes up later (a reconnected switch may have lost its flows or kept a
 * previous run's: the pipeline replaces them). Proactive: no packet-ins.
 * @throws SdnClientError INVALID for a bad port, address or zone (before
 *   connecting), or what `connect` throws.
 */
export async function startFirewall(options: FirewallOptions): Promise<Firewall> {
  const config: FirewallConfig = {
    insidePorts: options.insidePorts ?? [],
    insideNets: options.insideNets ?? [],
    zone: options.zone ?? DEFAULT_ZONE,
    cookie: options.cookie ?? DEFAULT_COOKIE,
  };
  const flowMods: readonly FlowModOptions[] = firewallFlowMods(config);
  const log = options.log ?? ((): void => {});
  const installed = new Set<bigint>();
  const app = await connect({
    target: options.target,
    name: options.name ?? 'firewall-ts',
    ...(options.token === undefined ? {} : { token: options.token }),
    subscribe: { kinds: ['switchUp', 'switchDown', 'switchError'] },
  });

  const install = (dpid: bigint): void => {
    installed.delete(dpid);
    const sw = app.switch(dpid);
    // One turn of the event loop: the delete and the adds leave in one batch, in order.
    for (const fm of flowMods) sw.sendFlowMod(fm);
    sw.barrier().then(
      () => {
        installed.add(dpid);
        log(`switch ${formatDpid(dpid)}: firewall pipeline installed (${flowMods.length - 1} flows, zone ${config.zone})`);
      },
      (err: unknown) => log(`switch ${formatDpid(dpid)}: pipeline not confirmed: ${err instanceof Error ? err.message : String(err)}`),
    );
  };

  app.onSwitchUp((ev) => install(ev.dpid));
  app.onSwitchDown((ev) => void installed.delete(ev.dpid));
  app.onSwitchError((ev) => log(`switch ${formatDpid(ev.dpid)}: error ${ev.error.description}`));
  app.onError((err) => log(`error: ${err instanceof Error ? err.message : String(err)}`));
  try {
    for (const s of await app.listSwitches()) install(s.dpid);
  } catch (err) {
    await app.close();
    throw err;
  }

  return { app, config, installed: () => installed, close: () => app.close() };
}
