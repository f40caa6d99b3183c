import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Authenticator } from '../api/index.js';
import { EventLog, type AppContext, type AppEvent, type SwitchDirectory, type SwitchView } from '../core/index.js';
import type { PacketIn } from '../openflow/index.js';
import { WebView } from './index.js';
import { SseReader } from './testing/sse-reader.js';

/** The subscriptions a WebView makes through its context, and a publish that reaches them. */
class RecordingBus {
  private readonly subscriptions = new Set<{ readonly kinds: readonly string[]; readonly handler: (event: AppEvent) => void }>();

  subscribe = (kinds: readonly string[], handler: (event: AppEvent) => void): (() => void) => {
    const subscription = { kinds, handler };
    this.subscriptions.add(subscription);
    return () => this.subscriptions.delete(subscription);
  };

  /** Subscriptions that take `kind`. */
  count(kind: string): number {
    return [...this.subscriptions].filter((s) => s.kinds.includes(kind)).length;
  }

  publish(event: AppEvent): void {
    for (const s of [...this.subscriptions]) if (s.kinds.includes(event.type)) s.handler(event);
  }
}

async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

const STATS_INTERVAL_MS = 50;

/**
 * The web view counts packet-ins only while a page watches (an event stream is
 * open): no handler of its own runs per packet-in otherwise. A page opened later
 * still gets the packet-in rate.
 */
describe('web view packet-in counting', () => {
  const bus = new RecordingBus();
  const view = { dpid: 1n, node: 1, version: 4, remote: '192.0.2.1:1', connectedAt: Date.now(), desc: undefined, ports: new Map(), features: {} } as unknown as SwitchView;
  const directory: SwitchDirectory = { lookup: () => undefined, view: () => view, list: () => [view], role: () => ({ role: 'master', masterNode: undefined, generation: undefined }) };
  const web = new WebView({
    node: { id: 1, name: 'stats-test', version: '0', startedAtMs: Date.now() },
    access: 'local',
    isLoopback: () => true,
    auth: new Authenticator([]),
    feed: { log: new EventLog(10), attach: () => () => {} },
    topology: undefined,
    plugins: { list: () => [] },
    apps: [],
    appName: () => undefined,
    cluster: undefined,
    sse: { maxClients: 4, maxBufferBytes: 1024 * 1024 },
    statsIntervalMs: STATS_INTERVAL_MS,
    registry: new Registry(),
    log: pino({ level: 'silent' }),
  });
  const server: Server = createServer((req, res) => {
    if (!web.handle(req, res)) res.writeHead(404).end();
  });
  const packetIns = (n: number): void => {
    for (let i = 0; i < n; i++) bus.publish({ type: 'packetIn', node: 1, dpid: 1n, message: {} as PacketIn });
  };
  before(async () => {
    web.start({ switches: directory, apps: { unconfined: directory }, subscribe: bus.subscribe } as unknown as AppContext);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(() => {
    web.stop();
    server.closeAllConnections();
    server.close();
  });

  it('subscribes to packet-ins while a stream is open, and the page sees their rate', async () => {
    assert.equal(bus.count('packetIn'), 0, 'no page: no packet-in subscriber');
    assert.equal(bus.count('switchDown'), 1, 'a switch that goes away is forgotten even while no page watches');
    packetIns(5);

    const port = (server.address() as AddressInfo).port;
    const stream = await SseReader.open(port, '');
    await stream.next((m) => m.event === 'stats', 'the first stats');
    assert.equal(bus.count('packetIn'), 1, 'a page watches: packet-ins are counted');
    // Packet-ins between two samples: each later stats message has a rate.
    const rated = (m: { event: string; data: Record<string, unknown> }): boolean => {
      packetIns(10);
      const one = (m.data.switches as { dpid: string; packetInPerSec: number }[] | undefined)?.find((s) => s.dpid === '0000000000000001');
      return m.event === 'stats' && one !== undefined && one.packetInPerSec > 0;
    };
    packetIns(10);
    await stream.next(rated, 'a stats message with switch 1 at more than 0 packet-ins/s');
    stream.close();
    await until('the packet-in subscription dropped once no stream is open', () => bus.count('packetIn') === 0);

    const again = await SseReader.open(port, '');
    await again.next((m) => m.event === 'stats', 'the first stats of a page opened later');
    assert.equal(bus.count('packetIn'), 1);
    packetIns(10);
    await again.next(rated, 'the rate on a page opened later');
    again.close();
  });
});
