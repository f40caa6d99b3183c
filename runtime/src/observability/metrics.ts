import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** OFPT_* names by type number, for metric labels. */
const MESSAGE_TYPE_NAMES = [
  'HELLO', 'ERROR', 'ECHO_REQUEST', 'ECHO_REPLY', 'EXPERIMENTER', 'FEATURES_REQUEST', 'FEATURES_REPLY',
  'GET_CONFIG_REQUEST', 'GET_CONFIG_REPLY', 'SET_CONFIG', 'PACKET_IN', 'FLOW_REMOVED', 'PORT_STATUS',
  'PACKET_OUT', 'FLOW_MOD', 'GROUP_MOD', 'PORT_MOD', 'TABLE_MOD', 'MULTIPART_REQUEST', 'MULTIPART_REPLY',
  'BARRIER_REQUEST', 'BARRIER_REPLY', 'QUEUE_GET_CONFIG_REQUEST', 'QUEUE_GET_CONFIG_REPLY', 'ROLE_REQUEST',
  'ROLE_REPLY', 'GET_ASYNC_REQUEST', 'GET_ASYNC_REPLY', 'SET_ASYNC', 'METER_MOD',
];

export function messageTypeName(type: number): string {
  return MESSAGE_TYPE_NAMES[type] ?? `TYPE_${type}`;
}

/** Per-type message counts a source keeps in plain arrays (cheap on the hot path). */
export interface MessageCountSource {
  readonly rxByType: Float64Array;
  readonly txByType: Float64Array;
}

/**
 * The runtime's Prometheus metrics, in their own registry (no global default
 * registry: two runtimes in one process, as tests do, stay apart). Hot-path
 * message counts are read from the connections' arrays at scrape time.
 */
export class RuntimeMetrics {
  readonly registry = new Registry();
  readonly switchesConnected: Gauge;
  readonly connectionsClosed: Counter<'reason'>;
  readonly handshakeFailures: Counter<'reason'>;
  readonly errors: Counter<'cause'>;
  readonly requestLatency: Histogram;
  readonly packetInHandling: Histogram;
  /** Counts of connections that have closed, folded in so totals never go down. */
  private readonly closedRx = new Float64Array(256);
  private readonly closedTx = new Float64Array(256);
  private readonly sources = new Set<MessageCountSource>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'sdn_runtime_' });
    const sources = this.sources;
    const closedRx = this.closedRx;
    const closedTx = this.closedTx;
    const sum = (pick: (s: MessageCountSource) => Float64Array, closed: Float64Array): Float64Array => {
      const total = Float64Array.from(closed);
      for (const s of sources) {
        const a = pick(s);
        for (let i = 0; i < 256; i++) total[i]! += a[i]!;
      }
      return total;
    };
    new Counter({
      name: 'sdn_runtime_openflow_messages_received_total',
      help: 'OpenFlow messages received from switches, by message type',
      labelNames: ['type'],
      registers: [this.registry],
      collect() {
        this.reset();
        sum((s) => s.rxByType, closedRx).forEach((n, t) => n > 0 && this.inc({ type: messageTypeName(t) }, n));
      },
    });
    new Counter({
      name: 'sdn_runtime_openflow_messages_sent_total',
      help: 'OpenFlow messages sent to switches, by message type',
      labelNames: ['type'],
      registers: [this.registry],
      collect() {
        this.reset();
        sum((s) => s.txByType, closedTx).forEach((n, t) => n > 0 && this.inc({ type: messageTypeName(t) }, n));
      },
    });
    this.switchesConnected = new Gauge({ name: 'sdn_runtime_switches_connected', help: 'Switches that finished the handshake', registers: [this.registry] });
    this.connectionsClosed = new Counter({ name: 'sdn_runtime_switch_connections_closed_total', help: 'Switch connections closed, by reason', labelNames: ['reason'], registers: [this.registry] });
    this.handshakeFailures = new Counter({ name: 'sdn_runtime_handshake_failures_total', help: 'Connections closed before the handshake finished, by reason', labelNames: ['reason'], registers: [this.registry] });
    this.errors = new Counter({ name: 'sdn_runtime_errors_total', help: 'Problems contained by the runtime (bad input, shed messages, app failures), by cause', labelNames: ['cause'], registers: [this.registry] });
    this.requestLatency = new Histogram({
      name: 'sdn_runtime_switch_request_seconds',
      help: 'Time from sending a request or confirmed command to its reply or barrier',
      buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [this.registry],
    });
    this.packetInHandling = new Histogram({
      name: 'sdn_runtime_packet_in_handling_seconds',
      help: 'Time in-process apps spend handling one PACKET_IN',
      buckets: [0.000005, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01],
      registers: [this.registry],
    });
  }

  /** Starts counting a connection's messages. */
  track(source: MessageCountSource): void {
    this.sources.add(source);
  }

  /** Stops tracking a closed connection, keeping its counts in the totals. */
  untrack(source: MessageCountSource): void {
    if (!this.sources.delete(source)) return;
    for (let i = 0; i < 256; i++) {
      this.closedRx[i]! += source.rxByType[i]!;
      this.closedTx[i]! += source.txByType[i]!;
    }
  }
}
