import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AppContext } from '../core/index.js';
import type { OfpMessage } from '../openflow/index.js';
import { PluginManager } from './manager.js';
import { buildGuest, writePlugin } from './testing/guests.js';
import { packetIn, SHARED_CACHE, startPluginRig, type PluginRig } from './testing/harness.js';

const isPacketOut = (m: OfpMessage): boolean => m.type === 'PacketOut';

/**
 * The plugin host subscribes to the bus only while a plugin is loaded: a node
 * without plugins runs no host handler per packet-in. A plugin loaded later
 * gets the packet-ins all the same.
 */
describe('the plugin host subscription', () => {
  let rig: PluginRig;
  let echo: Uint8Array;
  const dataDir = mkdtempSync(join(tmpdir(), 'sdn-runtime-host-subscription-'));
  let held = 0;
  let manager: PluginManager;
  before(async () => {
    echo = await buildGuest('echo');
    rig = await startPluginRig();
    manager = new PluginManager({ dataDir, cacheDir: SHARED_CACHE, watch: false, spareWorker: false, metrics: rig.rt.metrics, loadDirs: [dataDir] });
    // The host as the runtime starts it, its subscriptions counted.
    await rig.rt.controller.use({
      name: 'counted-plugins',
      start: (ctx: AppContext) =>
        manager.start({
          ...ctx,
          subscribe: (kinds, handler, filter) => {
            held++;
            const unsubscribe = ctx.subscribe(kinds, handler, filter);
            return () => {
              held--;
              unsubscribe();
            };
          },
        }),
      stop: () => manager.stop(),
    });
  });
  after(async () => {
    await rig.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds no subscription without plugins, one while a plugin is loaded, and the plugin gets packet-ins', async () => {
    assert.equal(held, 0, 'no plugin: no subscription');
    assert.equal(manager.spinGateSampling, false, 'no plugin: no sampling of the CPU pressure');
    const manifest = { name: 'echo', version: '1', capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] }, limits: { deadlineMs: 2000 } };
    await manager.load(writePlugin(join(dataDir, 'echo'), manifest, echo));
    assert.equal(held, 1);
    assert.equal(manager.spinGateSampling, true);
    const sw = await rig.connect(0x1n);
    sw.send(packetIn(7, 3));
    await sw.waitFor(isPacketOut);
    await manager.unload('echo');
    assert.equal(held, 0, 'the last plugin unloaded: no subscription');
    assert.equal(manager.spinGateSampling, false, 'the last plugin unloaded: no sampling');
  });
});
