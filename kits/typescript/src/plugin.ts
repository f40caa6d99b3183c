// A hub: every switch that comes up gets a table-miss flow to the controller,
// and every packet it sends up is flooded out of all its other ports.
// `initialize` and `handle` are the two exports of wit/plugin.wit's world.
import { CONTROLLER_MAX_LEN_NO_BUFFER, Port, flowMod, log, output, packetOut, type Command, type Event } from './sdk/index.js';

interface Config {
  /** Priority of the table-miss flow. */
  readonly missPriority: number;
}

let config: Config = { missPriority: 0 };

/** Gets plugin.json's `config` as JSON text; throwing stops the load with that message. */
export function initialize(configJson: string): void {
  const given = JSON.parse(configJson) as Partial<Config> | null;
  config = { ...config, ...given };
  log.info(`hub ready (table-miss priority ${config.missPriority})`);
}

/** A batch of events in arrival order; returns the commands to send. */
export function handle(events: Event[]): Command[] {
  const commands: Command[] = [];
  for (const event of events) {
    if (event.tag === 'switch-up') {
      commands.push(flowMod(event.val.dpid, { priority: config.missPriority, actions: [output(Port.CONTROLLER, CONTROLLER_MAX_LEN_NO_BUFFER)] }));
    } else if (event.tag === 'packet-in') {
      const p = event.val;
      commands.push(packetOut(p.dpid, { inPort: p.inPort, bufferId: p.bufferId, data: p.data, actions: [output(Port.FLOOD)] }));
    }
  }
  return commands;
}
