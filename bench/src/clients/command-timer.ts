import { parseArgs } from 'node:util';
import { connect, match } from '../../../sdk-ts/dist/index.js';
import { LatencyHistogram } from '../loadgen/histogram.js';

/**
 * The TypeScript side of the remote-command benchmark (bench/src/overlay-processes.ts):
 * an sdk-ts app that waits for switch `--dpid` to come up (connected to this
 * node or to another node of the overlay), then times `--count` sequential
 * round trips of each kind, barrier and a flow-mod confirmed by a barrier, and
 * prints them as one JSON line of LatencySummary (µs), then exits. It stops a
 * series after `--max-wall-s`.
 *
 *   node bench/dist/clients/command-timer.js --target 127.0.0.1:50051 --dpid 1 --count 5000
 */

const { values } = parseArgs({ options: { target: { type: 'string' }, dpid: { type: 'string' }, count: { type: 'string' }, 'max-wall-s': { type: 'string' } }, strict: true });
if (values.target === undefined || values.dpid === undefined) {
  process.stderr.write('usage: node bench/dist/clients/command-timer.js --target host:port --dpid N [--count N] [--max-wall-s S]\n');
  process.exit(2);
}
const dpid = BigInt(values.dpid);
const count = Number(values.count ?? 5000);
const maxWallMs = Number(values['max-wall-s'] ?? 30) * 1000;

const app = await connect({ target: values.target, name: 'bench-command-timer-ts', subscribe: { kinds: ['switchUp'], dpids: [dpid] }, reconnect: false });
await new Promise<void>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`switch ${dpid} did not come up within 30 s`)), 30_000);
  app.onSwitchUp((ev) => {
    if (ev.dpid !== dpid) return;
    clearTimeout(timer);
    resolve();
  });
});
const sw = app.switch(dpid);

async function series(run: (i: number) => Promise<unknown>): Promise<ReturnType<LatencyHistogram['summary']>> {
  const histogram = new LatencyHistogram();
  // Warm-up round trips (JIT, the overlay's first frames) are not recorded.
  for (let i = 0; i < Math.min(200, count); i++) await run(i);
  const deadline = performance.now() + maxWallMs;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const started = performance.now();
    await run(i);
    histogram.record((performance.now() - started) * 1000);
  }
  return histogram.summary();
}

const barrier = await series(() => sw.barrier());
const flowMod = await series((i) => sw.flowMod({ priority: 100, cookie: BigInt(i), match: match().ethType(0x0800), instructions: [] }, { confirm: true }));
process.stdout.write(`${JSON.stringify({ barrier, flowMod })}\n`);
await app.close();
process.exit(0);
