import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FakeSwitch } from '../testing/fake-switch.js';
import { buildGuest, writePlugin } from './testing/guests.js';
import { packetIn, startPluginRig, until, type PluginRig } from './testing/harness.js';

describe('a plugin that only logs gets a bounded share of the log', () => {
  let rig: PluginRig;
  let sw: FakeSwitch;
  let seq = 0;
  /** The guest's own lines ("<i> xxx..."), not the host's about it. */
  const linesOf = (plugin: string): Record<string, unknown>[] => rig.logs.filter((l) => l.plugin === plugin && /^\d+ x/.test(String(l.msg)));
  /** Sends a packet-in and waits until the plugin has handled it. */
  const poke = async (plugin: string): Promise<void> => {
    const handled = rig.manager.status(plugin).counters.events;
    sw.send(packetIn(++seq));
    await until('the packet-in is handled', () => rig.manager.status(plugin).counters.events > handled);
  };

  before(async () => {
    rig = await startPluginRig({ policy: { logLinesPerSecond: 20, logBurst: 50 } });
    sw = await rig.connect(0x21n);
  });
  after(async () => {
    await rig.stop();
  });

  it('writes at most its burst plus its rate, cuts long lines, counts what it drops and says once that it drops', async () => {
    const started = performance.now();
    await rig.manager.load(writePlugin(join(rig.dir, 'chatty'), { name: 'chatty', version: '1', subscriptions: { kinds: ['packet-in'] }, limits: { deadlineMs: 5000 }, config: { mode: 'chatty' } }, await buildGuest('hostile')));
    for (let i = 0; i < 5; i++) await poke('chatty');
    const elapsedS = (performance.now() - started) / 1000;
    const written = linesOf('chatty');
    assert.ok(written.length <= 50 + Math.ceil(20 * elapsedS) + 1, `${written.length} lines written in ${elapsedS.toFixed(1)} s`);
    assert.ok(written.every((l) => (l.msg as string).length <= 4096), 'a line longer than 4096 characters was written');
    const metrics = await rig.rt.metrics.registry.metrics();
    const dropped = Number(/sdn_runtime_plugin_log_lines_dropped_total\{plugin="chatty"\} (\d+)/.exec(metrics)?.[1]);
    assert.equal(dropped, 5000 - written.length);
    assert.equal(rig.logs.filter((l) => l.plugin === 'chatty' && l.cause === 'logFlood').length, 1, 'one notice when dropping starts');
    await rig.manager.unload('chatty');
  });
});
