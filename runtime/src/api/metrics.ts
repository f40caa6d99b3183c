import { Counter, Gauge, type Registry } from 'prom-client';

/** The API layer's metrics, in the runtime's registry (see observability/metrics.ts). */
export class ApiMetrics {
  /** Events a client lost because it fell behind, by its app name and the event class. */
  readonly shed: Counter<'app' | 'kind'>;
  readonly streams: Gauge;
  /** Failed stream commands, by app and CommandError code name (reported or not). */
  readonly commandErrors: Counter<'app' | 'code'>;

  constructor(registry: Registry) {
    this.shed = new Counter({ name: 'sdn_runtime_events_shed_total', help: 'Events dropped for an event-stream client that fell behind (no credit or a slow socket), by app and kind', labelNames: ['app', 'kind'], registers: [registry] });
    this.streams = new Gauge({ name: 'sdn_runtime_api_streams', help: 'Event streams subscribed now', registers: [registry] });
    this.commandErrors = new Counter({ name: 'sdn_runtime_api_command_errors_total', help: 'Event-stream commands that failed, by app and CommandError code', labelNames: ['app', 'code'], registers: [registry] });
  }
}
