import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import type { Reader } from '../openflow/index.js';
import { createChannelShared, MainChannel, WorkerChannel } from './channel.js';
import { SpinGate } from './cpu-pressure.js';

// Both ends in one thread: the worker end never has to wait, because every
// request is published before it looks.

const AREA = 1024;

function ends(spinMicros = 0): { main: MainChannel; worker: WorkerChannel } {
  const shared = createChannelShared(spinMicros, new SpinGate().buffer, AREA);
  const ports = new MessageChannel();
  return { main: new MainChannel(shared, ports.port1), worker: new WorkerChannel(shared, ports.port2) };
}

function reply(main: MainChannel): Promise<Reader> {
  return new Promise((resolve) => main.awaitReply(resolve));
}

function bytesOf(r: Reader): Buffer {
  return r.buf.subarray(r.pos, r.end);
}

describe('batch channel', () => {
  it('carries a request and its reply in place, and the reply handed out is a copy', async () => {
    const { main, worker } = ends();
    main.begin().bytes(Buffer.from('request one'), 'body');
    main.send();
    const answered = reply(main);
    assert.equal(bytesOf(worker.next()).toString(), 'request one');
    worker.begin().bytes(Buffer.from('reply one'), 'body');
    worker.send();
    const r = await answered;
    assert.equal(bytesOf(r).toString(), 'reply one');
    // The next reply reuses the area; the first one's bytes stay as they were.
    main.begin().bytes(Buffer.from('request two'), 'body');
    main.send();
    const second = reply(main);
    assert.equal(bytesOf(worker.next()).toString(), 'request two');
    worker.begin().bytes(Buffer.from('REPLY TWO'), 'body');
    worker.send();
    assert.equal(bytesOf(await second).toString(), 'REPLY TWO');
    assert.equal(bytesOf(r).toString(), 'reply one');
    main.close();
  });

  it('sends a message bigger than its area through the port, both ways, and goes back to the area after', async () => {
    const { main, worker } = ends();
    const big = Buffer.alloc(AREA * 3, 7);
    main.begin().bytes(big, 'body');
    main.send();
    const answered = reply(main);
    const request = worker.next();
    assert.ok(bytesOf(request).equals(big));
    const bigReply = Buffer.alloc(AREA * 2 + 5, 9);
    worker.begin().bytes(bigReply, 'body');
    worker.send();
    assert.ok(bytesOf(await answered).equals(bigReply));

    main.begin().bytes(Buffer.from('small'), 'body');
    main.send();
    const small = reply(main);
    assert.equal(bytesOf(worker.next()).toString(), 'small');
    worker.begin().bytes(Buffer.from('ok'), 'body');
    worker.send();
    assert.equal(bytesOf(await small).toString(), 'ok');
    main.close();
  });

  it('finds a reply that comes after it started waiting, with or without spinning', async () => {
    for (const spin of [0, 200]) {
      const { main, worker } = ends(spin);
      main.begin().u8(1, 'type');
      main.send();
      const answered = reply(main);
      worker.next();
      // Long after the spin budget: the reply wakes Atomics.waitAsync.
      await new Promise((resolve) => setTimeout(resolve, 20));
      worker.begin().u8(2, 'type');
      worker.send();
      assert.equal((await answered).u8('type'), 2);
      main.close();
    }
  });

  it('never calls back once closed', async () => {
    const { main, worker } = ends();
    main.begin().u8(1, 'type');
    main.send();
    let called = false;
    main.awaitReply(() => (called = true));
    worker.next();
    main.close();
    worker.begin().u8(2, 'type');
    worker.send();
    // A negative: give a delivery (a setImmediate turn or a waitAsync wake-up) ample time to happen.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(called, false);
  });
});
