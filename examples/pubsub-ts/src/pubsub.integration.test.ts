import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PubSubMessageEvent } from '@sdn-runtime/sdk';
// The SDK's harness for a real `sdn-runtime serve` and the runtime's fake switch.
import { FakeSwitch, fakePort, startRuntime, type RuntimeProcess } from '../../../sdk-ts/dist/testing/real-runtime.js';
import { startListener, startSwitchAnnouncer, type Running } from './pubsub.js';

describe('pubsub example against a real runtime', () => {
  let rt: RuntimeProcess;
  const running: Running[] = [];
  let sw: FakeSwitch | undefined;
  before(async () => (rt = await startRuntime()));
  after(async () => {
    await sw?.close();
    await Promise.all(running.map((r) => r.close()));
    await rt?.stop();
  });

  it('a listener hears the announcer tell of a switch coming up', async () => {
    let heard!: (m: PubSubMessageEvent) => void;
    const message = new Promise<PubSubMessageEvent>((r) => (heard = r));
    running.push(await startListener({ target: rt.target, pattern: 'switches.up.*', onMessage: (m) => heard(m) }));
    running.push(await startSwitchAnnouncer({ target: rt.target }));
    sw = await FakeSwitch.connect(rt.openflowPort, { dpid: 7n, ports: [fakePort(1)] });
    const m = await message;
    assert.equal(m.subject, 'switches.up.0000000000000007');
    assert.deepEqual(JSON.parse(Buffer.from(m.payload).toString()), { dpid: '0000000000000007', ports: [1] });
    assert.equal(m.headers['content-type'], 'application/json');
  });
});
