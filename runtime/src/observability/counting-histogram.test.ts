import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { CountingHistogram, LabelledCountingHistogram } from './counting-histogram.js';

const BUCKETS = [0.000005, 0.00001, 0.0001, 0.001];
const VALUES = [0, 0.000005, 0.0000051, 0.00002, 0.0001, 0.5, 0.000001, 0.001, 2];

describe('CountingHistogram', () => {
  it('exposes what a prom-client Histogram exposes for the same observations, bounds inclusive', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const h = new CountingHistogram({ name: 'x_seconds', help: 'h', buckets: BUCKETS, registers: [ours] });
    const reference = new Histogram({ name: 'x_seconds', help: 'h', buckets: BUCKETS, registers: [theirs] });
    for (const v of VALUES) {
      h.observe(v);
      reference.observe(v);
    }
    assert.equal(await ours.metrics(), await theirs.metrics());
    assert.match(await ours.metrics(), /x_seconds_bucket\{le="0.000005"\} 3\n/);
  });

  it('starts again from zero after reset, as the registry resets it', async () => {
    const registry = new Registry();
    const h = new CountingHistogram({ name: 'y_seconds', help: 'h', buckets: BUCKETS, registers: [registry] });
    h.observe(0.5);
    registry.resetMetrics();
    h.observe(0.00001);
    const text = await registry.metrics();
    assert.match(text, /y_seconds_count 1\n/);
    assert.match(text, /y_seconds_bucket\{le="\+Inf"\} 1\n/);
    assert.match(text, /y_seconds_bucket\{le="0.000005"\} 0\n/);
  });
});

describe('LabelledCountingHistogram', () => {
  it('exposes what a prom-client Histogram with that label exposes for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const h = new LabelledCountingHistogram({ name: 'z_seconds', help: 'h', label: 'plugin', buckets: BUCKETS, registers: [ours] });
    const reference = new Histogram({ name: 'z_seconds', help: 'h', labelNames: ['plugin'], buckets: BUCKETS, registers: [theirs] });
    // Label sets are exposed in the order they were first used, here as there.
    const b = h.child('b');
    const a = h.child('a');
    VALUES.forEach((v, i) => {
      (i % 3 === 0 ? b : a).observe(v);
      reference.observe({ plugin: i % 3 === 0 ? 'b' : 'a' }, v);
    });
    assert.equal(await ours.metrics(), await theirs.metrics());
    assert.match(await ours.metrics(), /z_seconds_count\{plugin="b"\} 3\n/);
  });

  it('starts again from zero after reset; a child taken before keeps counting', async () => {
    const registry = new Registry();
    const h = new LabelledCountingHistogram({ name: 'w_seconds', help: 'h', label: 'plugin', buckets: BUCKETS, registers: [registry] });
    const a = h.child('a');
    a.observe(0.5);
    registry.resetMetrics();
    a.observe(0.00001);
    assert.match(await registry.metrics(), /w_seconds_count\{plugin="a"\} 1\n/);
  });
});
