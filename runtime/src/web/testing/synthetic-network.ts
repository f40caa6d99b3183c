import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Authenticator } from '../../api/index.js';
import { EventLog, type AppContext, type SwitchDirectory, type SwitchView } from '../../core/index.js';
import type { Link } from '../../topology/index.js';
import { WebView, type EventFeed } from '../index.js';

/**
 * A synthetic network served by the real `WebView` on loopback, for the page's
 * browser test and `bench:web`: S switches and L cables between them (each two
 * links, 1 ms), no hosts, over a fake switch directory, topology and event log.
 * It exercises the page and its event stream, not discovery.
 */
export interface SyntheticNetwork {
  /** The page's address (`http://127.0.0.1:<port>/`, an OS-chosen port). */
  readonly url: string;
  /** The cables as switch numbers (1-based, dpid = number): a ring, then chords of growing stride. */
  readonly cables: readonly (readonly [number, number])[];
  /** Publishes one direction of a cable going up or down on the page's event stream (the cable's state is not kept: the snapshot stays all up). */
  publish(kind: 'linkUp' | 'linkDown', cable: readonly [number, number]): void;
  close(): void;
}

interface Logged {
  readonly seq: number;
  readonly dpid: bigint;
  readonly timeMs: number;
  readonly proto: { readonly body: { readonly $case: string; readonly value: unknown } };
}

/** Cables of a ring, then chords of growing stride, between distinct switches. */
function ringAndChords(switches: number, count: number): [number, number][] {
  const out: [number, number][] = [];
  for (let stride = 1; out.length < count && stride < switches; stride++) {
    for (let i = 1; i <= switches && out.length < count; i++) out.push([i, ((i - 1 + stride) % switches) + 1]);
  }
  return out;
}

/** One direction of cable `a`-`b`: out of a's port 1 into b's port 2, or (`back`) out of b's port 2 into a's port 1. */
function link(a: number, b: number, atMs: number, back = false): Link {
  const one = { dpid: BigInt(a), port: 1 };
  const two = { dpid: BigInt(b), port: 2 };
  return { src: back ? two : one, dst: back ? one : two, latencyMs: 1, srcNode: 1, upSinceMs: atMs, lastSeenMs: atMs };
}

class Feed implements EventFeed {
  readonly log = new EventLog<Logged>(100_000);
  private readonly listeners = new Set<(e: Logged) => void>();
  attach(listener: (e: Logged) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  publish(kind: 'linkUp' | 'linkDown', l: Link): void {
    const now = Date.now();
    const item = this.log.append((seq) => ({ seq, dpid: l.dst.dpid, timeMs: now, proto: { body: { $case: kind, value: kind === 'linkUp' ? { link: l } : { link: l, reason: 'timeout' } } } })).item;
    for (const listener of this.listeners) listener(item);
  }
}

/** Serves `switches` switches and `cables` cables (at most the ring and its chords) until `close`. */
export async function serveSyntheticNetwork(switches: number, cables: number): Promise<SyntheticNetwork> {
  const now = Date.now();
  const views = Array.from({ length: switches }, (_, i) => ({ dpid: BigInt(i + 1), node: 1, version: 4, remote: '192.0.2.1:1', connectedAt: now, desc: undefined, ports: new Map(), features: {} }) as unknown as SwitchView);
  const pairs = ringAndChords(switches, cables);
  const links = pairs.flatMap(([a, b]) => [link(a, b, now), link(a, b, now, true)]);
  const directory: SwitchDirectory = { lookup: () => undefined, view: (dpid) => views[Number(dpid) - 1], list: () => views, role: () => ({ role: 'master', masterNode: undefined, generation: undefined }) };
  const feed = new Feed();
  const web = new WebView({
    node: { id: 1, name: 'synthetic', version: '0', startedAtMs: now },
    access: 'local',
    isLoopback: () => true,
    auth: new Authenticator([]),
    feed,
    topology: { links: () => links, hostList: () => [] } as never,
    plugins: { list: () => [] },
    apps: [],
    appName: () => undefined,
    cluster: undefined,
    sse: { maxClients: 4, maxBufferBytes: 1024 * 1024 },
    statsIntervalMs: 60_000,
    registry: new Registry(),
    log: pino({ level: 'warn' }),
  });
  web.start({ switches: directory, apps: { unconfined: directory }, subscribe: () => () => {} } as unknown as AppContext);
  const server: Server = createServer((req, res) => {
    if (!web.handle(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    cables: pairs,
    publish: (kind, [a, b]) => feed.publish(kind, link(a, b, Date.now())),
    close: () => {
      web.stop();
      server.closeAllConnections();
      server.close();
    },
  };
}
