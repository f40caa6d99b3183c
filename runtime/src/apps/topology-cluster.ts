import { Counter, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { AppEventOf, TopologyEventType } from '../core/index.js';
import { LogLimiter } from '../observability/log-limit.js';
import type { PubSubBus, Subscription } from '../pubsub/index.js';
import { ClusterTopology, TopologyFrameError, type ClusterOutput, type TopologyEvent, type TopologyQuery } from '../topology/index.js';
import { appEvent } from './topology-service.js';

/** The pubsub subject nodes announce their links and hosts on (announcements are signed: an app publishing here is refused as ANNOUNCE_FORGED). */
export const TOPOLOGY_SUBJECT = '_sdn.topology';
/** A refusal or limit of one kind is logged at most once per this many ms (each one is counted). */
const LOG_INTERVAL_MS = 60_000;
/** The shortest timer wait, in ms. */
const MIN_TIMER_MS = 10;

export interface TopologyClusterOptions {
  /** This node's 32-bit id (core/node.ts). */
  readonly node: number;
  /** The cluster secret (the same as the probes'). */
  readonly secret: Uint8Array;
  /** How often everything this node knows is announced again, in ms. */
  readonly refreshIntervalMs: number;
  /** This node's own links and hosts (the topology service's). */
  readonly local: TopologyQuery;
  /** The bus that reaches the other nodes (serve/overlay-pubsub.ts ClusterBus). */
  readonly bus: PubSubBus;
  readonly registry: Registry;
  /** Hands another node's topology event to the EventBus (`node`: the node that learned it). */
  readonly publish: (event: AppEventOf<TopologyEventType>) => void;
  readonly log: Logger;
  /** Milliseconds since the epoch (announcement sequence numbers start from it). */
  readonly now?: () => number;
}

/** The cluster side of topology: what queries read, and where this node's topology events go. */
export interface TopologyCluster {
  /** This node's links and hosts and every other node's. */
  readonly view: TopologyQuery;
  /** A topology event of this node, announced to the others on the next turn. */
  localEvent(e: TopologyEvent): void;
  stop(): void;
}

/**
 * The runner of topology/cluster.ts: publishes this node's announcements on
 * `TOPOLOGY_SUBJECT`, feeds the other nodes' to the merge, hands their events
 * to apps, and counts what it refused. Main thread only.
 */
export function startTopologyCluster(options: TopologyClusterOptions): TopologyCluster {
  const now = options.now ?? Date.now;
  const cluster = new ClusterTopology(options.local, { node: options.node, secret: options.secret, refreshIntervalMs: options.refreshIntervalMs, firstSeq: now() });
  const metrics = clusterMetrics(options.registry);
  const logLimiter = new LogLimiter(LOG_INTERVAL_MS, now);
  let timer: NodeJS.Timeout | undefined;
  let timerDueMs = Infinity;
  let flushScheduled = false;
  let stopped = false;

  const handle = (out: ClusterOutput): void => {
    if (out.kind === 'announce') {
      try {
        options.bus.publish({ subject: TOPOLOGY_SUBJECT, payload: out.payload, headers: {} });
        metrics.sent.inc();
      } catch (err) {
        // The overlay refuses when it is full; the next refresh carries the same state.
        metrics.notSent.inc();
        logLimiter.warn(options.log, 'notSent', { err }, 'topology announcement not sent (the next refresh carries it)');
      }
    } else if (out.kind === 'remote') {
      options.publish(appEvent(out.node, out.event));
    } else {
      metrics.limits.inc({ what: out.what });
      logLimiter.warn(options.log, `limit:${out.what}`, { what: out.what }, out.detail);
    }
  };

  const drain = (): void => {
    for (let out = cluster.popOutput(); out !== undefined; out = cluster.popOutput()) handle(out);
    const due = cluster.nextDueMs();
    if (stopped || due === undefined || due >= timerDueMs) return;
    clearTimeout(timer);
    timerDueMs = due;
    timer = setTimeout(onTimer, Math.max(MIN_TIMER_MS, due - now()));
    timer.unref();
  };

  const onTimer = (): void => {
    timerDueMs = Infinity;
    timer = undefined;
    cluster.tick(now());
    drain();
  };

  const subscription: Subscription = options.bus.subscribe(TOPOLOGY_SUBJECT, (message) => {
    try {
      cluster.received(message.payload, now());
    } catch (err) {
      if (!(err instanceof TopologyFrameError)) throw err;
      metrics.refused.inc({ code: err.code });
      logLimiter.warn(options.log, `refused:${err.code}`, { err }, 'topology announcement refused');
    }
    drain();
  });
  cluster.tick(now());
  drain();

  return {
    view: cluster,
    localEvent(e) {
      cluster.localEvent(e);
      if (flushScheduled || stopped) return;
      flushScheduled = true;
      // One announcement for the events of a turn (a switch going down takes many links with it).
      setImmediate(() => {
        flushScheduled = false;
        if (stopped) return;
        cluster.flush();
        drain();
      });
    },
    stop() {
      stopped = true;
      subscription.unsubscribe();
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

function clusterMetrics(registry: Registry) {
  return {
    sent: new Counter({ name: 'sdn_runtime_topology_announcements_sent_total', help: 'Announcements of this node\'s links and hosts sent to the other nodes', registers: [registry] }),
    notSent: new Counter({ name: 'sdn_runtime_topology_announcements_not_sent_total', help: 'Announcements the overlay refused (the next refresh carries the same state)', registers: [registry] }),
    refused: new Counter({
      name: 'sdn_runtime_topology_announcements_refused_total',
      help: 'Other nodes\' announcements refused, by code: ANNOUNCE_MALFORMED, ANNOUNCE_FOREIGN (another version), ANNOUNCE_FORGED (not signed with the cluster secret), ANNOUNCE_STALE (not newer than the last)',
      labelNames: ['code'],
      registers: [registry],
    }),
    limits: new Counter({ name: 'sdn_runtime_topology_announced_limits_total', help: 'Announced links, hosts or nodes not tracked because their table is full, by what', labelNames: ['what'], registers: [registry] }),
  };
}
