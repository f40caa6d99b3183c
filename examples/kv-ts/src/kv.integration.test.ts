import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
// The SDK's harness for a real `sdn-runtime serve`.
import { startRuntime, type RuntimeProcess } from '../../../sdk-ts/dist/testing/real-runtime.js';
import { startConfigMirror, type ConfigMirror } from './kv.js';

describe('config mirror against a real runtime', () => {
  let rt: RuntimeProcess;
  let a: ConfigMirror | undefined;
  let b: ConfigMirror | undefined;
  before(async () => (rt = await startRuntime()));
  after(async () => {
    await a?.close();
    await b?.close();
    await rt?.stop();
  });

  it('two mirrors agree; create succeeds once; deletes propagate', async () => {
    a = await startConfigMirror({ target: rt.target, prefix: 'cfg/' });
    const seen: (string | undefined)[] = [];
    let waiting: { n: number; resolve: () => void } | undefined;
    b = await startConfigMirror({
      target: rt.target,
      prefix: 'cfg/',
      onChange: (_, v) => {
        seen.push(v);
        if (waiting !== undefined && seen.length >= waiting.n) waiting.resolve();
      },
    });
    const changes = (n: number): Promise<void> => (seen.length >= n ? Promise.resolve() : new Promise((resolve) => (waiting = { n, resolve })));
    assert.equal(await a.create('cfg/mode', 'learning'), true);
    assert.equal(await a.create('cfg/mode', 'other'), false);
    await changes(1);
    assert.equal(b.get('cfg/mode'), 'learning');
    await a.app.kv.delete('cfg/mode');
    await changes(2);
    assert.equal(b.get('cfg/mode'), undefined);
    assert.deepEqual(seen, ['learning', undefined]);
  });
});
