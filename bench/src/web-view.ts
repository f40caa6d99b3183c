import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { chromium } from 'playwright-core';
import { Registry } from 'prom-client';
import { Authenticator } from '../../runtime/dist/api/index.js';
import { EventLog, type AppContext, type SwitchDirectory, type SwitchView } from '../../runtime/dist/core/index.js';
import type { Link } from '../../runtime/dist/topology/index.js';
import { WebView, type EventFeed } from '../../runtime/dist/web/index.js';
import { machineLine, positiveNumber, runCli } from './cli.js';

/**
 * `npm run bench:web`: the web view page in Debian's headless Chromium
 * (playwright-core) with a large network: the first render of S switches and L
 * cables (navigation to the commit of the first frame that shows them: the
 * page's preview of a large network, checked to show every switch and cable
 * cytoscape then draws), the graph drawn (to the commit of cytoscape's first
 * frame after the snapshot, in which WebGL's pixels are read back under
 * software rendering; the first render of a small network), then U
 * link updates per second for D seconds pushed over the page's event stream,
 * measured in the browser: every update applied, and its lag from publication
 * to the batch that drew it. The network is synthetic (the real WebView over a
 * fake switch directory, topology and event log): this measures the page and the
 * stream, not discovery.
 */

const USAGE = `usage: npm run bench:web -- [--switches S] [--cables L] [--rate U] [--seconds D]
  --switches S  switches drawn (default 1000)
  --cables L    cables between them, each two links (default 2000)
  --rate U      link updates per second pushed to the page (default 100)
  --seconds D   how long updates are pushed (default 10)`;

const CHROMIUM = '/usr/bin/chromium';

interface Options {
  readonly help: boolean;
  readonly switches: number;
  readonly cables: number;
  readonly rate: number;
  readonly seconds: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean' }, switches: { type: 'string' }, cables: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' } } });
  return {
    help: values.help === true,
    switches: positiveNumber('switches', values.switches, 1000, { max: 10_000 }),
    cables: positiveNumber('cables', values.cables, 2000, { max: 20_000 }),
    rate: positiveNumber('rate', values.rate, 100, { max: 1000 }),
    seconds: positiveNumber('seconds', values.seconds, 10, { integer: false, max: 120 }),
  };
}

/** Cables of a ring, then chords of growing stride, between distinct switches. */
function cables(switches: number, count: number): [number, number][] {
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

interface Logged {
  readonly seq: number;
  readonly dpid: bigint;
  readonly timeMs: number;
  readonly proto: { readonly body: { readonly $case: string; readonly value: unknown } };
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

/** window.sdnWebView.timings (runtime/web-assets/web-view.js), ms since navigation. */
interface Timings {
  /** The commit of the preview's frame (a large network only), and what it showed. */
  readonly previewPaintedMs: number | undefined;
  readonly preview: { readonly switches: number; readonly cables: number } | undefined;
  readonly snapshotFetchedMs: number;
  readonly snapshotDrawnMs: number;
  readonly snapshotFrameMs: number;
  readonly snapshotPaintedMs: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(options: Options): Promise<number> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-system-deps.sh as root (it installs Debian's chromium package)`);
  const now = Date.now();
  const views: SwitchView[] = Array.from({ length: options.switches }, (_, i) => ({ dpid: BigInt(i + 1), node: 1, version: 4, remote: '192.0.2.1:1', connectedAt: now, desc: undefined, ports: new Map(), features: {} }) as unknown as SwitchView);
  const pairs = cables(options.switches, options.cables);
  const links = pairs.flatMap(([a, b]) => [link(a, b, now), link(a, b, now, true)]);
  const directory: SwitchDirectory = { lookup: () => undefined, view: (dpid) => views[Number(dpid) - 1], list: () => views, role: () => ({ role: 'master', masterNode: undefined, generation: undefined }) };
  const feed = new Feed();
  const web = new WebView({
    node: { id: 1, name: 'bench', version: '0', startedAtMs: now },
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
  const port = (server.address() as AddressInfo).port;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction('window.sdnWebView.timings.snapshotPaintedMs !== undefined && document.body.dataset.stream === "live"', undefined, { timeout: 120_000 });
    const t = (await page.evaluate('window.sdnWebView.timings')) as Timings;
    const drawn = (await page.evaluate('[window.sdnWebView.cy.nodes(".switch").length, window.sdnWebView.cy.edges().filter((e) => e.id().startsWith("cable:")).length]')) as [number, number];
    // The preview counts as the first render only if it shows what cytoscape then draws.
    if (t.preview !== undefined && (t.preview.switches !== drawn[0] || t.preview.cables !== drawn[1])) {
      throw new Error(`the preview showed ${t.preview.switches} switches and ${t.preview.cables} cables, cytoscape drew ${drawn[0]} and ${drawn[1]}`);
    }
    const firstRenderMs = t.previewPaintedMs ?? t.snapshotPaintedMs;

    // Updates: each tick publishes what is due since the start, so timer jitter does not lower the rate.
    const total = Math.round(options.rate * options.seconds);
    let sent = 0;
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * options.rate));
        for (; sent < due; sent++) {
          const [a, b] = pairs[sent % pairs.length]!;
          feed.publish(Math.floor(sent / pairs.length) % 2 === 0 ? 'linkDown' : 'linkUp', link(a, b, Date.now()));
        }
        if (sent >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await page.waitForFunction(`window.sdnWebView.applied >= ${total}`, undefined, { timeout: 60_000 });
    const lags = ((await page.evaluate('window.sdnWebView.timings.lagsMs')) as number[]).sort((x, y) => x - y);
    const lines = [
      machineLine(`headless Chromium ${browser.version()}, ${options.switches} switches and ${options.cables} cables (${links.length} links), ${options.rate} link updates/s for ${options.seconds} s`),
      '',
      '| switches | cables drawn | first render ms | by | snapshot and cytoscape there ms | drawn ms | frame callbacks done ms | graph drawn ms | updates sent | applied | lag p50 ms | lag p99 ms | lag max ms |',
      '| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${drawn[0]} | ${drawn[1]} | ${Math.round(firstRenderMs)} | ${t.preview === undefined ? 'cytoscape' : 'preview'} | ${Math.round(t.snapshotFetchedMs)} | ${Math.round(t.snapshotDrawnMs)} | ${Math.round(t.snapshotFrameMs)} | ${Math.round(t.snapshotPaintedMs)} | ${total} | ${lags.length} | ${percentile(lags, 50)} | ${percentile(lags, 99)} | ${lags[lags.length - 1]} |`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await browser.close();
    web.stop();
    server.closeAllConnections();
    server.close();
  }
  return 0;
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
