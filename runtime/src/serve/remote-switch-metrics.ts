import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';

import { LogLimiter } from '../observability/log-limit.js';

/** A repeated condition is logged at most once per this many ms (with how many were not). */
const LOG_INTERVAL_MS = 60_000;

/** Remote switches' Prometheus metrics (sdn_runtime_remote_switch_*) and the once-a-minute log of a repeating failure. */
export class RemoteSwitchMetrics {
  /** Commands sent to other nodes' switches, by outcome (ok, refused, busy, unavailable, rejected, timeout, no-route, in-flight-limit). */
  readonly commands: Counter<'outcome'>;
  /** Commands other nodes sent to this node's switches. */
  readonly commandsServed: Counter;
  /** Remote-switch messages not sent or not used, by reason. */
  readonly dropped: Counter<'reason'>;
  /** Events of other nodes' switches published on this node's bus, by kind (switchUp, packetIn, ...). */
  readonly events: Counter<'kind'>;
  readonly remoteSwitches: Gauge;
  /** Packet-ins, flow-removed and errors of this node's switches packed for other nodes (only those some node wants; added per batch). */
  readonly packed: Counter;
  private readonly logLimit = new LogLimiter(LOG_INTERVAL_MS);

  constructor(registry: Registry) {
    const registers = [registry];
    this.commands = new Counter({ name: 'sdn_runtime_remote_switch_commands_total', help: 'Commands to switches of other nodes, by outcome', labelNames: ['outcome'], registers });
    this.commandsServed = new Counter({ name: 'sdn_runtime_remote_switch_commands_served_total', help: 'Commands other nodes sent to switches of this node', registers });
    this.dropped = new Counter({ name: 'sdn_runtime_remote_switch_dropped_total', help: 'Remote-switch messages not sent or not used, by reason (no-route, unknown-switch, stale, malformed, late-result, ...)', labelNames: ['reason'], registers });
    this.events = new Counter({ name: 'sdn_runtime_remote_switch_events_total', help: 'Events of switches of other nodes published on this node, by kind', labelNames: ['kind'], registers });
    this.packed = new Counter({ name: 'sdn_runtime_remote_switch_packed_total', help: 'Packet-ins, flow-removed and errors of switches of this node packed for other nodes (those some node announced interest in)', registers });
    this.remoteSwitches = new Gauge({ name: 'sdn_runtime_remote_switches', help: 'Switches of other nodes this node knows', registers });
  }

  /** Logs `msg` the first time `key` happens, then at most once a minute with the count of those not logged. */
  warnOnce(key: string, log: Logger, fields: Record<string, unknown>, msg: string): void {
    this.logLimit.warn(log, key, fields, msg);
  }
}
