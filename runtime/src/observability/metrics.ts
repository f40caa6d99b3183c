import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CountingHistogram, LabelledCountingHistogram, type HistogramChild } from './counting-histogram.js';

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

/** A switch connection's bytes waiting to be sent, read at scrape time. */
export interface SendQueueSource {
  readonly queuedBytes: number;
}

/**
 * The runtime's Prometheus metrics, in their own registry (no global default
 * registry: two runtimes in one process, as tests do, stay apart). Hot-path
 * message counts are read from the connections' arrays at scrape time.
 */
export class RuntimeMetrics {
  readonly registry = new Registry();
  readonly switchesConnected: Gauge;
  /** With mastership: connected switches by this node's role (master, slave, none). */
  readonly switchRoles: Gauge<'role'>;
  /** With mastership: changes of this node's role for a switch, by cause (`RoleChangeCause`). */
  readonly switchRoleChanges: Counter<'cause'>;
  readonly connectionsClosed: Counter<'reason'>;
  readonly handshakeFailures: Counter<'reason'>;
  /** reason: total, perSource, handshakes (the limit the connection was over). */
  readonly connectionsRefused: Counter<'reason'>;
  /** Exceptions thrown by in-process apps' event handlers, by app. */
  readonly appHandlerErrors: Counter<'app'>;
  readonly ownershipRefusals: Counter<'app' | 'reason'>;
  readonly errors: Counter<'cause'>;
  readonly requestLatency: Histogram;
  readonly packetInHandling: CountingHistogram;
  readonly plugins: PluginMetrics;
  /** Counts of connections that have closed, folded in so totals never go down. */
  private readonly closedRx = new Float64Array(256);
  private readonly closedTx = new Float64Array(256);
  private readonly sources = new Set<MessageCountSource>();
  private readonly sendQueues = new Set<SendQueueSource>();

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
    const sendQueues = this.sendQueues;
    new Gauge({
      name: 'sdn_runtime_switch_send_queue_bytes',
      help: 'Bytes held for connected switches that have not taken them yet (all switches); commands to a switch at its bound are refused',
      registers: [this.registry],
      collect() {
        let total = 0;
        for (const q of sendQueues) total += q.queuedBytes;
        this.set(total);
      },
    });
    this.switchesConnected = new Gauge({ name: 'sdn_runtime_switches_connected', help: 'Switches that finished the handshake', registers: [this.registry] });
    this.switchRoles = new Gauge({ name: 'sdn_runtime_switch_roles', help: 'With --mastership etcd: connected switches by this node\'s role (master: it writes; slave: another node does; none: not decided yet)', labelNames: ['role'], registers: [this.registry] });
    this.switchRoleChanges = new Counter({ name: 'sdn_runtime_switch_role_changes_total', help: 'With --mastership etcd: changes of this node\'s role for a switch, by cause (won, lost, deadline, stale, isSlave, roleStatus, etcdLost, keyDeleted, disconnected)', labelNames: ['cause'], registers: [this.registry] });
    this.connectionsClosed = new Counter({ name: 'sdn_runtime_switch_connections_closed_total', help: 'Switch connections closed, by reason', labelNames: ['reason'], registers: [this.registry] });
    this.handshakeFailures = new Counter({ name: 'sdn_runtime_handshake_failures_total', help: 'Connections closed before the handshake finished, by reason', labelNames: ['reason'], registers: [this.registry] });
    this.connectionsRefused = new Counter({ name: 'sdn_runtime_switch_connections_refused_total', help: 'OpenFlow connections closed as they arrived because a connection limit was reached, by limit (total, perSource, handshakes)', labelNames: ['reason'], registers: [this.registry] });
    this.ownershipRefusals = new Counter({ name: 'sdn_runtime_ownership_refusals_total', help: 'App commands refused to keep apps from clobbering each other (docs/apps-sharing-a-switch.md), by app and reason (cookieBits, overlap, quota, unconfinable, appIds); nothing was sent', labelNames: ['app', 'reason'], registers: [this.registry] });
    this.appHandlerErrors = new Counter({ name: 'sdn_runtime_app_handler_errors_total', help: 'Exceptions (and rejected promises) of in-process apps\' event handlers, by app; the event is skipped for that app only', labelNames: ['app'], registers: [this.registry] });
    this.errors = new Counter({ name: 'sdn_runtime_errors_total', help: 'Problems contained by the runtime (bad input, shed messages, app failures), by cause', labelNames: ['cause'], registers: [this.registry] });
    this.requestLatency = new Histogram({
      name: 'sdn_runtime_switch_request_seconds',
      help: 'Time from sending a request or confirmed command to its reply or barrier',
      buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [this.registry],
    });
    this.packetInHandling = new CountingHistogram({
      name: 'sdn_runtime_packet_in_handling_seconds',
      help: 'Time in-process apps spend handling one PACKET_IN',
      buckets: [0.000005, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01],
      registers: [this.registry],
    });
    this.plugins = createPluginMetrics(this.registry);
  }

  /**
   * Reports the log lines the logger dropped (stderr did not take them; logger.ts)
   * as `sdn_runtime_log_lines_dropped_total` and `sdn_runtime_log_bytes_dropped_total`, read at each scrape.
   */
  countLogDrops(drops: { readonly lines: number; readonly bytes: number }): void {
    for (const [what, read] of [['lines', () => drops.lines], ['bytes', () => drops.bytes]] as const) {
      new Counter({
        name: `sdn_runtime_log_${what}_dropped_total`,
        help: `Log ${what} dropped because stderr did not take them as fast as they came`,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    }
  }

  /** Starts counting a connection's messages. */
  track(source: MessageCountSource): void {
    this.sources.add(source);
  }

  /** Counts a connected switch's waiting bytes in `sdn_runtime_switch_send_queue_bytes` until `untrackSendQueue`. */
  trackSendQueue(source: SendQueueSource): void {
    this.sendQueues.add(source);
  }

  untrackSendQueue(source: SendQueueSource): void {
    this.sendQueues.delete(source);
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

/**
 * What a plugin's batches add to its counters, kept in plain numbers on the hot
 * path and moved into the labelled counters when they are read (a scrape):
 * prom-client hashes and validates the labels on every `inc`, five times per
 * batch, which at one event per batch was a measurable part of a round trip.
 */
export interface PluginTally {
  batches: number;
  events: number;
  commands: number;
  guestSeconds: number;
  readonly batchSeconds: HistogramChild;
}

/** Metrics of the Wasm plugin host (runtime/src/plugins), labelled by plugin name. */
export interface PluginMetrics {
  /** Plugin `plugin`'s tally of `batches`, `events`, `commands`, `guestSeconds` and `batchSeconds` (the same object for the same name). */
  tally(plugin: string): PluginTally;
  readonly batches: Counter<'plugin'>;
  readonly events: Counter<'plugin'>;
  readonly eventsShed: Counter<'plugin'>;
  readonly eventsDropped: Counter<'plugin'>;
  readonly commands: Counter<'plugin'>;
  /** reason: invalid, overLimit, undeliverable, denied (capability or switches). */
  readonly commandsRejected: Counter<'plugin' | 'reason'>;
  /** cause: deadline, trap, crash, init. */
  readonly faults: Counter<'plugin' | 'cause'>;
  readonly hostCalls: Counter<'plugin' | 'capability'>;
  readonly deniedCalls: Counter<'plugin' | 'capability'>;
  /** Guest log lines not written: over the plugin's log rate, or over 100 in one call. */
  readonly logLinesDropped: Counter<'plugin'>;
  readonly batchSeconds: LabelledCountingHistogram;
  /** Time inside the guest's `handle`, as the worker measured it (batch time minus this is the host's). */
  readonly guestSeconds: Counter<'plugin'>;
  /** result: transpiled, cached. */
  readonly compilations: Counter<'result'>;
  /** Loads (by path, upload, reload or the folder watcher) that failed, by reason: a PluginLoadReason or `manifest`. */
  readonly loadsRejected: Counter<'reason'>;
  readonly byState: Gauge<'state'>;
}

function createPluginMetrics(registry: Registry): PluginMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> => new Counter({ name: `sdn_runtime_plugin_${name}`, help, labelNames, registers: [registry] });
  const tallies = new Map<string, PluginTally>();
  const tallied = (name: string, help: string, field: 'batches' | 'events' | 'commands' | 'guestSeconds'): Counter<'plugin'> =>
    new Counter({
      name: `sdn_runtime_plugin_${name}`,
      help,
      labelNames: ['plugin'],
      registers: [registry],
      collect() {
        for (const [plugin, t] of tallies) {
          if (t[field] === 0) continue;
          this.inc({ plugin }, t[field]);
          t[field] = 0;
        }
      },
    });
  const batchSeconds = new LabelledCountingHistogram({
    name: 'sdn_runtime_plugin_batch_seconds',
    help: 'Time from handing a batch to a plugin worker to its answer',
    label: 'plugin',
    buckets: [0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  return {
    tally: (plugin) => {
      let t = tallies.get(plugin);
      if (t === undefined) tallies.set(plugin, (t = { batches: 0, events: 0, commands: 0, guestSeconds: 0, batchSeconds: batchSeconds.child(plugin) }));
      return t;
    },
    batches: tallied('batches_total', 'Batches a plugin handled (completed or faulted)', 'batches'),
    events: tallied('events_total', 'Events handed to a plugin', 'events'),
    eventsShed: counter('events_shed_total', 'Packet-ins not queued for a plugin because its queue was full', ['plugin']),
    eventsDropped: counter('events_dropped_total', 'Events lost with a batch that faulted', ['plugin']),
    commands: tallied('commands_total', 'OpenFlow commands a plugin sent to switches', 'commands'),
    commandsRejected: counter('commands_rejected_total', 'Plugin commands not sent, by reason (invalid, overLimit, undeliverable, denied)', ['plugin', 'reason']),
    faults: counter('faults_total', 'Plugin faults, by cause (deadline, trap, crash, init)', ['plugin', 'cause']),
    hostCalls: counter('host_calls_total', 'Host calls a plugin made, by capability', ['plugin', 'capability']),
    deniedCalls: counter('denied_calls_total', 'Host calls refused: the manifest does not grant the capability, or the call reaches beyond its kvPrefixes', ['plugin', 'capability']),
    logLinesDropped: counter('log_lines_dropped_total', 'Guest log lines not written: over the plugin log rate, or over 100 in one call', ['plugin']),
    batchSeconds,
    guestSeconds: tallied('guest_seconds_total', "Time spent inside plugins' handle calls, measured in their workers", 'guestSeconds'),
    compilations: counter('compilations_total', 'Components prepared for loading, by result (transpiled, cached)', ['result']),
    loadsRejected: counter('loads_rejected_total', 'Plugin loads that failed, by reason (outside, unreadable, tooBig, notComponent, manifest, ...)', ['reason']),
    byState: new Gauge({ name: 'sdn_runtime_plugins', help: 'Plugins by state', labelNames: ['state'], registers: [registry] }),
  };
}
