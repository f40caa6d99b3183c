import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuntimeMetrics } from './metrics.js';

describe('plugin metrics tallies', () => {
  it('are moved into the labelled counters when scraped, once', async () => {
    const metrics = new RuntimeMetrics();
    const tally = metrics.plugins.tally('echo');
    assert.equal(metrics.plugins.tally('echo'), tally, 'one tally per plugin name');
    tally.batches += 2;
    tally.events += 65;
    tally.commands += 64;
    tally.guestSeconds += 0.25;
    tally.batchSeconds.observe(0.0002);
    tally.batchSeconds.observe(2);
    const first = await metrics.registry.metrics();
    assert.match(first, /sdn_runtime_plugin_batches_total\{plugin="echo"\} 2\n/);
    assert.match(first, /sdn_runtime_plugin_events_total\{plugin="echo"\} 65\n/);
    assert.match(first, /sdn_runtime_plugin_commands_total\{plugin="echo"\} 64\n/);
    assert.match(first, /sdn_runtime_plugin_guest_seconds_total\{plugin="echo"\} 0.25\n/);
    assert.match(first, /sdn_runtime_plugin_batch_seconds_bucket\{le="0.0005",plugin="echo"\} 1\n/);
    assert.match(first, /sdn_runtime_plugin_batch_seconds_count\{plugin="echo"\} 2\n/);
    const pluginLines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('sdn_runtime_plugin_'));
    assert.deepEqual(pluginLines(await metrics.registry.metrics()), pluginLines(first), 'a second scrape counts nothing twice');
    tally.batches++;
    assert.match(await metrics.registry.metrics(), /sdn_runtime_plugin_batches_total\{plugin="echo"\} 3\n/);
    const { values } = await metrics.plugins.guestSeconds.get();
    assert.deepEqual(values.map((v) => [v.labels.plugin, v.value]), [['echo', 0.25]], 'get() reads the tally too');
  });
});
