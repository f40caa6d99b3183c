import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PubSubMessageEvent } from '@sdn-runtime/sdk';
// The SDK's scripted gRPC server (test code of the SDK, not part of its API).
import { FakeRuntime } from '../../../sdk-ts/dist/testing/fake-runtime.js';
import { startListener, startSwitchAnnouncer } from './pubsub.js';

describe('pubsub example (against the SDK\'s scripted runtime)', () => {
  let rt: FakeRuntime;
  before(async () => (rt = await FakeRuntime.start()));
  after(() => rt.close());

  it('the announcer republishes a switch up as JSON on switches.up.<dpid>', async () => {
    const started = startSwitchAnnouncer({ target: rt.target });
    const conn = await rt.connection(rt.connections.length);
    conn.subscribed();
    const running = await started;
    conn.events([{ seq: 1n, dpid: 0x2an, body: { $case: 'switchUp', value: { switch: { dpid: 0x2an, ports: [{ portNo: 1 }, { portNo: 2 }] } } } }]);
    const cmd = await conn.command(0);
    assert.equal(cmd.kind?.$case, 'publish');
    assert.equal(cmd.kind.value.message?.subject, 'switches.up.000000000000002a');
    assert.deepEqual(JSON.parse(cmd.kind.value.message!.payload.toString()), { dpid: '000000000000002a', ports: [1, 2] });
    conn.result({ correlationId: cmd.correlationId, kind: { $case: 'publish', value: { delivered: 1 } } });
    await running.close();
  });

  it('the listener subscribes to its pattern only and hands messages over', async () => {
    const got: PubSubMessageEvent[] = [];
    let arrived!: () => void;
    const done = new Promise<void>((r) => (arrived = r));
    const started = startListener({ target: rt.target, pattern: 'switches.>', onMessage: (m) => void (got.push(m), arrived()) });
    const conn = await rt.connection(rt.connections.length);
    const sub = await conn.subscribeMessage();
    assert.deepEqual(sub.topics, ['switches.>']);
    conn.subscribed();
    const running = await started;
    conn.events([{ body: { $case: 'pubsub', value: { subject: 'switches.up.1', payload: Buffer.from('{}') } } }]);
    await done;
    assert.equal(got[0]?.subject, 'switches.up.1');
    await running.close();
  });
});
