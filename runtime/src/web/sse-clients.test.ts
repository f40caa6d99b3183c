import assert from 'node:assert/strict';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Counter, Gauge, Registry } from 'prom-client';
import { EventLog } from '../core/index.js';
import type { WebError } from './errors.js';
import { SseClients, type EventFeed, type LoggedEvent } from './sse-clients.js';

/** An event log and live listeners, as the API's event hub offers them. */
class FakeFeed implements EventFeed {
  readonly log = new EventLog<LoggedEvent>(100);
  readonly listeners = new Set<(e: LoggedEvent) => void>();

  attach(listener: (e: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Logs and fans out one link-up event carrying `padding` bytes. */
  linkUp(padding = 0): LoggedEvent {
    const item = this.log.append((seq) => ({ seq, dpid: 1n, timeMs: 0, proto: { body: { $case: 'linkUp', value: { padding: 'x'.repeat(padding) } } } })).item;
    for (const l of this.listeners) l(item);
    return item;
  }
}

describe('SseClients', () => {
  const feed = new FakeFeed();
  const registry = new Registry();
  const dropped = new Counter({ name: 'dropped_total', help: 'h', labelNames: ['reason'], registers: [registry] });
  const drops: string[] = [];
  const clients = new SseClients(feed, 'r1', { maxClients: 2, maxBufferBytes: 64 * 1024 }, { clients: new Gauge({ name: 'clients', help: 'h', registers: [registry] }), dropped, onDropped: (r) => drops.push(r) });
  let server: Server;
  let port: number;
  const refusals: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      try {
        clients.open(req, res, req.headers['last-event-id'] as string | undefined);
      } catch (err) {
        refusals.push((err as WebError).code);
        res.writeHead((err as WebError).status).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    clients.closeAll();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const open = (headers: Record<string, string> = {}): Promise<IncomingMessage> => new Promise((resolve, reject) => get({ host: '127.0.0.1', port, headers }, resolve).on('error', reject));

  it('refuses a stream beyond the cap, counted by the caller, before writing anything', async () => {
    const a = await open();
    const b = await open();
    const c = await open();
    assert.equal(c.statusCode, 503);
    assert.deepEqual(refusals, ['WEB_TOO_MANY_CLIENTS']);
    a.destroy();
    b.destroy();
    c.resume();
    const deadline = Date.now() + 5000;
    while (clients.size > 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(clients.size, 0);
  });

  it('drops, and counts, a client that stops reading once its unsent bytes pass the buffer', async () => {
    const slow = await open();
    slow.pause();
    const reader = await open();
    let received = 0;
    reader.on('data', (chunk: Buffer) => (received += chunk.length));
    // Far beyond the loopback socket buffers and the 64 KiB bound; each turn lets the reader drain.
    for (let i = 0; i < 400 && clients.size === 2; i++) {
      for (let j = 0; j < 10; j++) feed.linkUp(1000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(clients.size, 1, 'the slow client is gone, the reading one stays');
    assert.deepEqual(drops, ['slow']);
    assert.equal((await dropped.get()).values[0]?.value, 1);
    assert.ok(received > 0);
    reader.destroy();
    slow.destroy();
  });
});
