import { actions, connect, EthType, formatDpid, instructions, match, NO_BUFFER, packet, Port, type PacketInEvent, type SdnApp, type SwitchClient } from '@sdn-runtime/sdk';

export interface LearningSwitchOptions {
  /** The runtime's gRPC address, "host:port". */
  readonly target: string;
  readonly token?: string;
  /** Default "learning-switch-ts". */
  readonly name?: string;
  /** Idle timeout of learned flows, in seconds (default 60; 0: never expire). */
  readonly idleTimeoutSec?: number;
  /** Priority of learned flows (default 1; the table-miss flow has 0). */
  readonly priority?: number;
  /** Where log lines go (default: nowhere). */
  readonly log?: (line: string) => void;
}

export interface LearningSwitch {
  readonly app: SdnApp;
  /** MAC -> port learned on a switch. */
  learned(dpid: bigint): ReadonlyMap<string, number>;
  close(): Promise<void>;
}

/**
 * The behaviour of os-ken's simple_switch_13 as an external app: on switch up a
 * table-miss flow sends unmatched packets to the controller; each packet-in
 * teaches source MAC -> in port; a known destination gets a flow (in_port,
 * eth_dst, eth_src) with an idle timeout and the packet is sent on; an unknown
 * one is flooded. Uses the fire-and-forget commands on the hot path.
 */
export async function startLearningSwitch(options: LearningSwitchOptions): Promise<LearningSwitch> {
  const idleTimeout = options.idleTimeoutSec ?? 60;
  const priority = options.priority ?? 1;
  const log = options.log ?? ((): void => {});
  const tables = new Map<bigint, Map<string, number>>();
  const app = await connect({
    target: options.target,
    name: options.name ?? 'learning-switch-ts',
    ...(options.token === undefined ? {} : { token: options.token }),
    subscribe: { kinds: ['switchUp', 'switchDown', 'packetIn', 'switchError'] },
  });

  const installTableMiss = (sw: SwitchClient): void => {
    tables.delete(sw.dpid);
    sw.sendFlowMod({ priority: 0, match: match(), instructions: [instructions.apply(actions.output(Port.CONTROLLER))] });
    log(`switch ${formatDpid(sw.dpid)}: table-miss flow installed`);
  };

  const onPacketIn = (ev: PacketInEvent): void => {
    const eth = packet.parseEthernet(ev.data);
    if (eth.ethType === EthType.LLDP) return;
    let macs = tables.get(ev.dpid);
    if (macs === undefined) tables.set(ev.dpid, (macs = new Map()));
    macs.set(eth.src, ev.inPort);
    const sw = app.switch(ev.dpid);
    const outPort = macs.get(eth.dst) ?? Port.FLOOD;
    const output = [actions.output(outPort)];
    if (outPort !== Port.FLOOD) {
      sw.sendFlowMod({
        priority,
        idleTimeout,
        match: match().inPort(ev.inPort).ethDst(eth.dst).ethSrc(eth.src),
        instructions: [instructions.apply(...output)],
        ...(ev.bufferId === NO_BUFFER ? {} : { bufferId: ev.bufferId }),
      });
      // A buffered packet is released by the flow-mod itself.
      if (ev.bufferId !== NO_BUFFER) return;
    }
    sw.sendPacketOut(ev.bufferId === NO_BUFFER ? { data: ev.data, inPort: ev.inPort, actions: output } : { bufferId: ev.bufferId, inPort: ev.inPort, actions: output });
  };

  // Switches connected before this app arrive first, as switch-ups marked snapshot.
  app.onSwitchUp((ev) => installTableMiss(app.switch(ev.dpid)));
  app.onSwitchDown((ev) => void tables.delete(ev.dpid));
  app.onPacketIn(onPacketIn);
  app.onSwitchError((ev) => log(`switch ${formatDpid(ev.dpid)}: error ${ev.error.description}`));
  app.onError((err) => log(`error: ${err instanceof Error ? err.message : String(err)}`));

  return {
    app,
    learned: (dpid) => tables.get(dpid) ?? new Map(),
    close: () => app.close(),
  };
}
