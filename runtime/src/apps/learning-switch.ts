import type { App, AppEventOf, SwitchHandle } from '../core/index.js';
import { matchValue, OFP_NO_BUFFER, OFPCML_NO_BUFFER, OFPP_CONTROLLER, OFPP_FLOOD, type PacketIn } from '../openflow/index.js';
import { MacTable } from './mac-table.js';

/** Ethernet frames we never learn from or forward (os-ken's simple_switch_13 ignores LLDP too). */
const ETH_TYPE_LLDP = 0x88cc;
const ETH_TYPE_VLAN = 0x8100;
const ETH_HEADER_SIZE = 14;

export interface LearningSwitchOptions {
  /** Idle timeout of the flows it installs, in seconds (0: never expire). */
  readonly idleTimeoutSec: number;
  /** Priority of the learned flows (the table-miss flow has priority 0). */
  readonly priority: number;
}

export const DEFAULT_LEARNING_SWITCH_OPTIONS: LearningSwitchOptions = { idleTimeoutSec: 60, priority: 1 };

/**
 * An L2 learning switch with the behaviour of os-ken's simple_switch_13: a
 * table-miss flow sends unknown traffic to the controller; each PACKET_IN teaches
 * source MAC -> port; a known destination gets a flow (in_port, eth_dst, eth_src)
 * and the packet is sent on; an unknown one is flooded.
 */
export function learningSwitch(options: Partial<LearningSwitchOptions> = {}): App {
  const { idleTimeoutSec, priority } = { ...DEFAULT_LEARNING_SWITCH_OPTIONS, ...options };
  /** dpid -> MAC -> port. */
  const tables = new Map<bigint, MacTable>();
  let unsubscribe: (() => void) | undefined;

  const onPacketIn = (sw: SwitchHandle, msg: PacketIn): void => {
    const frame = msg.data;
    if (frame.length < ETH_HEADER_SIZE) return;
    let ethType = (frame[12]! << 8) | frame[13]!;
    if (ethType === ETH_TYPE_VLAN && frame.length >= ETH_HEADER_SIZE + 4) ethType = (frame[16]! << 8) | frame[17]!;
    if (ethType === ETH_TYPE_LLDP) return;
    const inPort = matchValue(msg.match, 'in_port');
    if (typeof inPort !== 'number') return;
    let macs = tables.get(sw.dpid);
    if (macs === undefined) tables.set(sw.dpid, (macs = new MacTable()));
    const src = macs.learn(frame, 6, inPort);
    const dst = macs.find(frame, 0);
    const outPort = dst < 0 ? OFPP_FLOOD : macs.port(dst);
    const actions = [{ type: 'output', port: outPort, maxLen: 0 }] as const;
    if (outPort !== OFPP_FLOOD) {
      sw.send({
        type: 'FlowMod',
        cookie: 0n,
        cookieMask: 0n,
        tableId: 0,
        command: 0,
        idleTimeout: idleTimeoutSec,
        hardTimeout: 0,
        priority,
        bufferId: msg.bufferId,
        outPort: 0,
        outGroup: 0,
        flags: 0,
        match: [
          { field: 'in_port', value: inPort },
          { field: 'eth_dst', value: macs.mac(dst) },
          { field: 'eth_src', value: macs.mac(src) },
        ],
        instructions: [{ type: 'applyActions', actions }],
      });
      // A buffered packet is released by the FLOW_MOD itself.
      if (msg.bufferId !== OFP_NO_BUFFER) return;
    }
    sw.send({ type: 'PacketOut', bufferId: msg.bufferId, inPort, actions, data: msg.bufferId === OFP_NO_BUFFER ? frame : Buffer.alloc(0) });
  };

  return {
    name: 'learning-switch',
    start(ctx) {
      const handle = (event: AppEventOf<'switchUp' | 'switchDown' | 'packetIn'>): void => {
        if (event.type === 'switchUp') {
          tables.delete(event.dpid);
          ctx.switches.lookup(event.dpid)?.send({
            type: 'FlowMod',
            cookie: 0n,
            cookieMask: 0n,
            tableId: 0,
            command: 0,
            idleTimeout: 0,
            hardTimeout: 0,
            priority: 0,
            bufferId: OFP_NO_BUFFER,
            outPort: 0,
            outGroup: 0,
            flags: 0,
            match: [],
            instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: OFPP_CONTROLLER, maxLen: OFPCML_NO_BUFFER }] }],
          });
        } else if (event.type === 'switchDown') {
          tables.delete(event.dpid);
        } else if (event.type === 'packetIn') {
          const sw = ctx.switches.lookup(event.dpid);
          if (sw !== undefined) onPacketIn(sw, event.message);
        }
      };
      unsubscribe = ctx.subscribe(['switchUp', 'switchDown', 'packetIn'], handle);
    },
    stop() {
      unsubscribe?.();
      tables.clear();
    },
  };
}
