import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
// The SDK's scripted gRPC server (test code of the SDK, not part of its API).
import { FakeRuntime } from '../../../sdk-ts/dist/testing/fake-runtime.js';
import { startConfigMirror } from './kv.js';

describe('config mirror (against the SDK\'s scripted runtime)', () => {
  let rt: FakeRuntime;
  before(async () => (rt = await FakeRuntime.start()));
  after(() => rt.close());

  it('starts from a range read and follows the watch', async () => {
    rt.put('config/a', '1');
    rt.put('other/x', 'no');
    let changed!: (key: string) => void;
    const change = new Promise<string>((r) => (changed = r));
    const started = startConfigMirror({ target: rt.target, prefix: 'config/', onChange: (k) => changed(k) });
    const conn = await rt.connection(0);
    conn.subscribed();
    const mirror = await started;
    assert.deepEqual([...mirror.entries()], [['config/a', '1']]);
    await rt.watchOpened();
    rt.put('config/b', '2');
    assert.equal(await change, 'config/b');
    assert.equal(mirror.get('config/b'), '2');
    await mirror.close();
  });
});
