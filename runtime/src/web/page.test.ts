import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { serveSyntheticNetwork, type SyntheticNetwork } from './testing/synthetic-network.js';

// The page (runtime/web-assets/web-view.js) in Debian's headless Chromium
// through playwright-core, on a synthetic network above the page's tree layout
// (300 switches): its first frame is a preview drawn from the snapshot, then
// cytoscape's graph replaces it. The Open vSwitch test (e2e/web-view.ovs.test.ts)
// covers a small network against real switches.

const CHROMIUM = '/usr/bin/chromium';
const SWITCHES = 400;
const CABLES = 800;
/** LOOK.switch.colour in web-view.js. */
const SWITCH_RGB = [0x2f, 0x6f, 0xd6];

/** Keeps the preview canvas's pixels when the page adds it (it is drawn before it is added). */
const KEEP_PREVIEW = `new MutationObserver((records) => {
  for (const r of records) for (const n of r.addedNodes) {
    if (n.className !== 'preview') continue;
    window.previewPixels = { width: n.width, data: Array.from(n.getContext('2d').getImageData(0, 0, n.width, n.height).data) };
  }
}).observe(document, { childList: true, subtree: true });`;

interface Timings {
  readonly previewPaintedMs: number | undefined;
  readonly preview: unknown;
  readonly snapshotPaintedMs: number;
}

describe('the web view page on a large network, in headless Chromium', () => {
  let network: SyntheticNetwork | undefined;
  let browser: Browser | undefined;

  before(async () => {
    if (!existsSync(CHROMIUM)) assert.fail(`${CHROMIUM} is missing: run scripts/install-system-deps.sh as root (it installs Debian's chromium package)`);
    network = await serveSyntheticNetwork(SWITCHES, CABLES);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
    network?.close();
  });

  it('commits a preview of every switch and cable before cytoscape draws, where cytoscape then draws them, and removes it', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 720 } });
    await page.addInitScript(KEEP_PREVIEW);
    await page.goto(network!.url);
    await page.waitForFunction('window.sdnWebView.timings.snapshotPaintedMs !== undefined', undefined, { timeout: 60_000 });
    const t = (await page.evaluate('window.sdnWebView.timings')) as Timings;
    assert.deepEqual(t.preview, { switches: SWITCHES, cables: CABLES, hosts: 0 });
    assert.ok(t.previewPaintedMs !== undefined && t.previewPaintedMs < t.snapshotPaintedMs, `preview committed at ${t.previewPaintedMs} ms, cytoscape's frame at ${t.snapshotPaintedMs} ms`);
    assert.equal(await page.locator('#graph canvas.preview').count(), 0, 'the preview is gone once cytoscape has drawn');

    // Each switch's centre in the preview is switch blue, and each cable's midpoint is drawn on, at cytoscape's positions.
    const check = (await page.evaluate(`(() => {
      const { width, data } = window.previewPixels;
      const at = (p) => { const i = (Math.round(p.y) * width + Math.round(p.x)) * 4; return [data[i], data[i + 1], data[i + 2], data[i + 3]]; };
      const cy = window.sdnWebView.cy;
      const switches = cy.nodes('.switch').map((n) => at(n.renderedPosition()));
      // A line under a pixel wide is antialiased over its neighbours: the most opaque pixel around the midpoint.
      const around = (p) => [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => at({ x: p.x + dx, y: p.y + dy }))).reduce((m, q) => (q[3] > m[3] ? q : m));
      const cables = cy.edges().map((e) => { const a = e.source().renderedPosition(); const b = e.target().renderedPosition(); return around({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }); });
      return { switches, cables };
    })()`)) as { switches: number[][]; cables: number[][] };
    assert.equal(check.switches.length, SWITCHES);
    const wrongSwitches = check.switches.filter((p) => p[0] !== SWITCH_RGB[0] || p[1] !== SWITCH_RGB[1] || p[2] !== SWITCH_RGB[2] || p[3] !== 255);
    assert.equal(wrongSwitches.length, 0, `switch centres not drawn in switch blue: ${JSON.stringify(wrongSwitches.slice(0, 5))}`);
    assert.equal(check.cables.length, CABLES);
    assert.equal(check.cables.filter((p) => p[3] === 0).length, 0, 'a cable midpoint the preview left blank');
  });
});
