import { createServer, type Server } from 'node:http';
import type { RuntimeMetrics } from './metrics.js';

/** What /healthz reports. */
export interface Health {
  readonly status: 'ok';
  readonly switches: number;
  readonly uptimeSec: number;
}

/**
 * The HTTP side: `/metrics` (Prometheus text format) and `/healthz` (JSON).
 * Anything else is a 404 that lists what exists.
 */
export function createHttpServer(metrics: RuntimeMetrics, health: () => Health): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(health()));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try /metrics or /healthz\n');
  });
}
