import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { KeyValue } from '../store/index.js';
import type { FakeSwitch } from '../testing/fake-switch.js';
import { ownThreadCpuFile } from './thread-cpu.js';
import { buildGuest, writePlugin } from './testing/guests.js';
import { packetIn, startPluginRig, until, type PluginRig } from './testing/harness.js';
import { MemoryKv } from './testing/memory-kv.js';

/** A store whose reads wait until the test lets them go: a guest blocked in `get` uses no CPU meanwhile. */
class HeldKv extends MemoryKv {
  readonly held: (() => void)[] = [];

  override get(key: Uint8Array): Promise<KeyValue | undefined> {
    return new Promise((resolve) => this.held.push(() => resolve(super.get(key))));
  }
}

const DEADLINE_MS = 100;

describe('the batch deadline counts the guest’s CPU time, not the wall clock', () => {
  let rig: PluginRig;
  let sw: FakeSwitch;
  const kv = new HeldKv();

  before(async () => {
    assert.ok(ownThreadCpuFile() !== undefined, 'Linux gives a thread its CPU time in /proc/thread-self/schedstat (the kernel needs CONFIG_SCHED_INFO)');
    rig = await startPluginRig({ kv, policy: { backoffBaseMs: 20 } });
    sw = await rig.connect(0x10n);
  });
  after(async () => {
    await rig.stop();
  });

  it('a guest that waits five deadlines for a KV answer is not stopped, and answers', async () => {
    const manifest = { name: 'waiter', version: '1', capabilities: ['openflow', 'kv-read', 'kv-write'], subscriptions: { kinds: ['packet-in'] }, limits: { deadlineMs: DEADLINE_MS }, config: { mode: 'kv' } };
    await rig.manager.load(writePlugin(join(rig.dir, 'waiter'), manifest, await buildGuest('hostile')));
    sw.send(packetIn(1));
    await until('the guest asks the store', () => kv.held.length === 1);
    // The wall clock passing the deadline is what is tested, not a synchronisation.
    await delay(5 * DEADLINE_MS);
    kv.held.shift()!();
    await sw.waitFor((m) => m.type === 'PacketOut' && m.actions[0]?.type === 'output' && m.actions[0].port === 1, 10_000);
    const status = rig.manager.status('waiter');
    assert.equal(status.counters.faults.deadline, 0);
    assert.equal(status.state, 'running');
    await rig.manager.unload('waiter');
  });
});
