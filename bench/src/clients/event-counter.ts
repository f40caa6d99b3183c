import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { connect } from '../../../sdk-ts/dist/index.js';
import { monotonicNs } from '../loadgen/clock.js';
import { LatencyHistogram } from '../loadgen/histogram.js';
import { TrafficPlan } from '../loadgen/traffic.js';

/**
 * The TypeScript side of the event-stream benchmark: an sdk-ts app that counts
 * the packet-ins its handler sees. Talks to bench/src/events.ts by lines:
 * prints {"ready":true} once subscribed; on stdin `start throughput` or
 * `start latency` it starts a window (latency: each handler call records now
 * minus the send time the frame carries, CLOCK_MONOTONIC), on `stop` it prints
 * the window as one JSON line, on `quit` it closes and exits.
 *
 *   node bench/dist/clients/event-counter.js --target 127.0.0.1:50051
 */

const { values } = parseArgs({ options: { target: { type: 'string' }, credit: { type: 'string' }, 'max-batch': { type: 'string' } }, strict: true });
if (values.target === undefined) {
  process.stderr.write('usage: node bench/dist/clients/event-counter.js --target host:port [--credit N] [--max-batch N]\n');
  process.exit(2);
}

let counting = false;
let latencyMode = false;
let events = 0;
let shed = 0;
let notOurs = 0;
let startMs = 0;
let histogram = new LatencyHistogram();

const app = await connect({
  target: values.target,
  name: 'bench-event-counter-ts',
  subscribe: { kinds: ['packetIn'] },
  reconnect: false,
  ...(values.credit === undefined ? {} : { credit: Number(values.credit) }),
  ...(values['max-batch'] === undefined ? {} : { maxBatch: Number(values['max-batch']) }),
});
app.onPacketIn((ev) => {
  if (!counting) return;
  events++;
  if (!latencyMode) return;
  const sentNs = TrafficPlan.sentNsOf(ev.data);
  if (sentNs < 0) notOurs++;
  else histogram.record((monotonicNs() - sentNs) / 1000);
});
app.onGap((ev) => {
  if (counting) shed += Number(ev.packetInsShed);
});
app.onError((err) => process.stderr.write(`event-counter: ${err instanceof Error ? err.message : String(err)}\n`));
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const [command, mode] = line.trim().split(/\s+/);
  if (command === 'start') {
    latencyMode = mode === 'latency';
    histogram = new LatencyHistogram();
    events = 0;
    shed = 0;
    notOurs = 0;
    startMs = performance.now();
    counting = true;
  } else if (command === 'stop') {
    counting = false;
    const seconds = (performance.now() - startMs) / 1000;
    process.stdout.write(`${JSON.stringify({ events, seconds, shed, notOurs, latency: latencyMode ? histogram.summary() : null })}\n`);
  } else if (command === 'quit') {
    break;
  }
}
await app.close();
// Open gRPC handles may outlive close(); exiting also writes a --cpu-prof profile.
process.exit(0);
