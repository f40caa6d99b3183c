import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RuntimeMetrics } from './metrics.js';

/** What /healthz reports. */
export interface Health {
  readonly status: 'ok';
  readonly switches: number;
  readonly uptimeSec: number;
}

/** Answers the requests whose path it owns; false for the others. */
export type HttpRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * The HTTP side: `/metrics` (Prometheus text format), `/healthz` (JSON), and
 * what `routes` answers (the web view). Anything else is a 404 that lists what
 * exists.
 */
export function createHttpServer(metrics: RuntimeMetrics, health: () => Health, routes?: HttpRoutes): Server {
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
    if (routes?.(req, res) === true) return;
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found; try /metrics or /healthz${routes === undefined ? '' : ', or / for the web view'}\n`);
  });
}
