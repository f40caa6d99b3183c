import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { DEFAULT_SERVE_CONFIG, type ServeConfig } from '../serve/config.js';
import { startRuntime, type RunningRuntime } from '../serve/runtime.js';
import { EventWatcher } from '../testing/event-watcher.js';
import { DPIDS, HOSTS, Topology } from './topology.js';

// Real end-to-end in a real browser: the runtime on the shared Open vSwitch
// topology (topology.ts: bridges s1 and s2 cabled together, two hosts on each),
// the web view loaded in Debian's headless Chromium through playwright-core.
// Asserts from the page (window.sdnWebView, web-assets/web-view.js) what it
// draws, then takes the cable down and waits for the page to show it.
// SDN_RUNTIME_WEB_SCREENSHOT=1 writes docs/images/web-view.png.

const CHROMIUM = '/usr/bin/chromium';
const PROBE_INTERVAL_MS = 500;
/** Three probes missed (DiscoveryOptions.timeoutIntervals), one interval of jitter, and the page's flush. */
const LINK_TIMEOUT_MS = PROBE_INTERVAL_MS * 4;
const DISCOVERY_MS = 15_000;
const SCREENSHOT = fileURLToPath(new URL('../../../docs/images/web-view.png', import.meta.url));

interface Drawn {
  readonly switches: string[];
  readonly links: { a: string; b: string; state: string; label: string }[];
  readonly hosts: { mac: string; ips: string[]; dpid: string; port: number }[];
}

const dpidText = (dpid: bigint): string => dpid.toString(16).padStart(16, '0');

async function drawn(page: Page): Promise<Drawn> {
  return (await page.evaluate('window.sdnWebView.summary()')) as Drawn;
}

/** Waits (bounded) until what the page draws passes `check`; fails with the last picture. */
async function untilDrawn(page: Page, what: string, timeoutMs: number, check: (d: Drawn) => boolean): Promise<Drawn> {
  const deadline = Date.now() + timeoutMs;
  let last = await drawn(page);
  while (!check(last)) {
    if (Date.now() > deadline) assert.fail(`the page did not show ${what} within ${timeoutMs} ms; it shows ${JSON.stringify(last)}`);
    await page.waitForTimeout(100);
    last = await drawn(page);
  }
  return last;
}

describe('the web view in headless Chromium, on Open vSwitch', () => {
  let topo: Topology | undefined;
  let rt: RunningRuntime | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const watcher = new EventWatcher();
  const config: ServeConfig = {
    ...DEFAULT_SERVE_CONFIG,
    openflowHost: '127.0.0.1',
    openflowPort: 0,
    httpHost: '127.0.0.1',
    httpPort: 0,
    grpcHost: '127.0.0.1',
    grpcPort: 0,
    apps: ['learning-switch'],
    nodeId: 'web-view-e2e',
    dataDir: join(tmpdir(), `sdn-runtime-web-view-e2e-${process.pid}`),
    topologyProbeIntervalMs: PROBE_INTERVAL_MS,
    topologySecret: 'the e2e cluster secret, 32 bytes',
  };

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-system-deps.sh as root (it installs Debian's chromium package)`);
    rt = await startRuntime(config, pino({ level: 'warn' }));
    await rt.controller.use(watcher);
    topo = await Topology.start(rt.openflowPort);
    await topo.switchesUp(watcher);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`http://127.0.0.1:${rt.httpPort}/`);
    await page.waitForFunction('document.body.dataset.stream === "live"', undefined, { timeout: 10_000 });
  });
  after(async () => {
    await browser?.close();
    await topo?.stop();
    await rt?.stop();
  });

  it('draws both switches and the cable between them, with its latency, as the links are found', async () => {
    const d = await untilDrawn(page, 'two switches and the s1-s2 cable up in both directions', DISCOVERY_MS, (x) => x.switches.length === 2 && x.links.length === 1 && x.links[0]!.state === 'up' && x.links[0]!.label.includes(' / '));
    assert.deepEqual(d.switches.sort(), [dpidText(DPIDS.s1), dpidText(DPIDS.s2)]);
    assert.deepEqual([d.links[0]!.a, d.links[0]!.b].sort(), [dpidText(DPIDS.s1), dpidText(DPIDS.s2)]);
    assert.match(d.links[0]!.label, /^\d+ ms \/ \d+ ms$/);
  });

  it('draws every host on its switch, pushed live after a ping', async () => {
    assert.deepEqual(await topo!.pingAll(), []);
    const d = await untilDrawn(page, 'the four hosts with their IPv4 addresses', DISCOVERY_MS, (x) => HOSTS.every((h) => x.hosts.some((y) => y.mac === h.mac && y.ips.includes(h.ip))));
    for (const h of HOSTS) assert.equal(d.hosts.find((y) => y.mac === h.mac)!.dpid, dpidText(DPIDS[h.bridge]));
    assert.equal(await page.evaluate('window.sdnWebView.loads'), 1, 'one snapshot; the rest came as events');
  });

  it("shows a switch's ports, flows by app and counters on a click", async () => {
    await page.evaluate(`window.sdnWebView.cy.getElementById('sw:${dpidText(DPIDS.s1)}').emit('tap')`);
    await page.waitForFunction('document.getElementById("details").querySelectorAll("table").length >= 2', undefined, { timeout: 10_000 });
    const text = await page.locator('#details').innerText();
    assert.match(text, /Ports/);
    assert.match(text, /Flows by app/);
    // Grouped by the app id in each flow's cookie: the LLDP flow is topology's, the learned ones the learning switch's.
    assert.match(text, /topology \(1\)/);
    assert.match(text, /learning-switch \(\d+\)/);
    assert.match(text, /master web-view-e2e/);
    if (process.env.SDN_RUNTIME_WEB_SCREENSHOT !== undefined) {
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
    }
  });

  it('shows the cable down within the link timeout when it goes down', async () => {
    const started = Date.now();
    await topo!.ovs.setCable('s1', 's2', 'down');
    await untilDrawn(page, 'the s1-s2 cable down', LINK_TIMEOUT_MS + 2000, (x) => x.links.length === 1 && x.links[0]!.state === 'down');
    assert.ok(Date.now() - started <= LINK_TIMEOUT_MS + 2000);
    assert.equal(await page.evaluate('document.body.dataset.linksDown'), '1');
  });
});
