// The learning switch of os-ken's simple_switch_13, as a plugin: on switch-up a
// table-miss flow sends unmatched packets to the controller; on packet-in the
// source MAC is learned on its in_port, a known destination gets a flow
// (in_port, eth_dst, eth_src; idle timeout) and the packet is sent on, an unknown
// one is flooded.
import {
  CONTROLLER_MAX_LEN_NO_BUFFER,
  EthType,
  NO_BUFFER,
  Port,
  ethernet,
  flowMod,
  log,
  output,
  oxm,
  packetOut,
  type Command,
  type Dpid,
  type Event,
  type PacketIn,
} from './sdk/index.js';

interface Config {
  /** Idle timeout of learned flows, in seconds (0: none). */
  readonly idleTimeout: number;
  /** Priority of learned flows (the table-miss flow has 0). */
  readonly priority: number;
}

let config: Config = { idleTimeout: 60, priority: 1 };
/** Per switch: MAC -> the port it was last seen on (os-ken's mac_to_port). */
const macToPort = new Map<Dpid, Map<string, number>>();

export function initialize(configJson: string): void {
  const given = (JSON.parse(configJson) ?? {}) as Partial<Config>;
  for (const key of ['idleTimeout', 'priority'] as const) {
    const v = given[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 0xffff)) throw new Error(`config.${key} must be an integer from 0 to 65535, got ${JSON.stringify(v)}`);
  }
  config = { ...config, ...given };
  log.info(`learning switch ready (idle timeout ${config.idleTimeout} s, priority ${config.priority})`);
}

export function handle(events: Event[]): Command[] {
  const commands: Command[] = [];
  for (const event of events) {
    switch (event.tag) {
      case 'switch-up':
        macToPort.set(event.val.dpid, new Map());
        commands.push(flowMod(event.val.dpid, { priority: 0, actions: [output(Port.CONTROLLER, CONTROLLER_MAX_LEN_NO_BUFFER)] }));
        break;
      case 'switch-down':
        macToPort.delete(event.val.dpid);
        break;
      case 'packet-in':
        onPacketIn(event.val, commands);
        break;
      default:
        break;
    }
  }
  return commands;
}

function onPacketIn(p: PacketIn, commands: Command[]): void {
  const eth = ethernet(p.data);
  if (eth === undefined || eth.ethType === EthType.LLDP) return;
  let table = macToPort.get(p.dpid);
  if (table === undefined) macToPort.set(p.dpid, (table = new Map()));
  table.set(eth.src, p.inPort);
  const known = table.get(eth.dst);
  const actions = [output(known ?? Port.FLOOD)];
  if (known !== undefined) {
    const match = [oxm.inPort(p.inPort), oxm.ethDst(eth.dst), oxm.ethSrc(eth.src)];
    const flow = { priority: config.priority, match, actions, idleTimeout: config.idleTimeout };
    // A buffered packet goes out with the flow that now matches it (as simple_switch_13 does).
    if (p.bufferId !== NO_BUFFER) {
      commands.push(flowMod(p.dpid, { ...flow, bufferId: p.bufferId }));
      return;
    }
    commands.push(flowMod(p.dpid, flow));
  }
  commands.push(packetOut(p.dpid, { inPort: p.inPort, bufferId: p.bufferId, data: p.data, actions }));
}
