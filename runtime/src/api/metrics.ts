import { Counter, Gauge, type Registry } from 'prom-client';
import type { ShedKind } from './events/delivery.js';

/** Events one app lost, by class: plain numbers a stream adds to on its hot path. */
export type ShedCounts = Record<ShedKind, number>;

/** The API layer's metrics, in the runtime's registry (see observability/metrics.ts). */
export class ApiMetrics {
  readonly streams: Gauge;
  /** Failed stream commands, by app and CommandError code name (reported or not). */
  readonly commandErrors: Counter<'app' | 'code'>;
  /**
   * `sdn_runtime_events_shed_total{app,kind}` from these counts, read at scrape
   * time: a shed packet-in costs an increment, not a labelled Counter#inc (a
   * client far behind sheds hundreds of thousands per second).
   */
  private readonly shedByApp = new Map<string, ShedCounts>();

  constructor(registry: Registry) {
    const shedByApp = this.shedByApp;
    new Counter({
      name: 'sdn_runtime_events_shed_total',
      help: 'Events dropped for an event-stream client that fell behind (no credit or a slow socket), by app and kind',
      labelNames: ['app', 'kind'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [app, counts] of shedByApp) {
          for (const kind of Object.keys(counts) as ShedKind[]) if (counts[kind] > 0) this.inc({ app, kind }, counts[kind]);
        }
      },
    });
    this.streams = new Gauge({ name: 'sdn_runtime_api_streams', help: 'Event streams subscribed now', registers: [registry] });
    this.commandErrors = new Counter({ name: 'sdn_runtime_api_command_errors_total', help: 'Event-stream commands that failed, by app and CommandError code', labelNames: ['app', 'code'], registers: [registry] });
  }

  /** The shed counts of `app` (shared by its streams, kept after they end: counters never go down). */
  shedCounts(app: string): ShedCounts {
    let counts = this.shedByApp.get(app);
    if (counts === undefined) this.shedByApp.set(app, (counts = { lifecycle: 0, packetIn: 0, pubsub: 0 }));
    return counts;
  }
}
