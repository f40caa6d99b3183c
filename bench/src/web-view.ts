import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { serveSyntheticNetwork } from '../../runtime/dist/web/testing/synthetic-network.js';
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
 * stream, not discovery (runtime/src/web/testing/synthetic-network.ts).
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
  const network = await serveSyntheticNetwork(options.switches, options.cables);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(network.url);
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
          const cables = network.cables;
          network.publish(Math.floor(sent / cables.length) % 2 === 0 ? 'linkDown' : 'linkUp', cables[sent % cables.length]!);
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
      machineLine(`headless Chromium ${browser.version()}, ${options.switches} switches and ${options.cables} cables (${2 * network.cables.length} links), ${options.rate} link updates/s for ${options.seconds} s`),
      '',
      '| switches | cables drawn | first render ms | by | snapshot and cytoscape there ms | drawn ms | frame callbacks done ms | graph drawn ms | updates sent | applied | lag p50 ms | lag p99 ms | lag max ms |',
      '| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${drawn[0]} | ${drawn[1]} | ${Math.round(firstRenderMs)} | ${t.preview === undefined ? 'cytoscape' : 'preview'} | ${Math.round(t.snapshotFetchedMs)} | ${Math.round(t.snapshotDrawnMs)} | ${Math.round(t.snapshotFrameMs)} | ${Math.round(t.snapshotPaintedMs)} | ${total} | ${lags.length} | ${percentile(lags, 50)} | ${percentile(lags, 99)} | ${lags[lags.length - 1]} |`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await browser.close();
    network.close();
  }
  return 0;
}

process.exitCode = await runCli(process.argv.slice(2), USAGE, parseOptions, run);
