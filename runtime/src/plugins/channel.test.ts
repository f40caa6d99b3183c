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
  const shared = createChannelShared({ micros: spinMicros, replyMicros: spinMicros, gate: new SpinGate().buffer }, AREA);
  const ports = new MessageChannel();
  return { main: new MainChannel(shared, ports.port1), worker: new WorkerChannel(shared, ports.port2) };
}

/** Sends what was written since `begin`; resolves with its reply. */
function send(main: MainChannel): Promise<Reader> {
  return new Promise((resolve) => main.send(resolve));
}

function bytesOf(r: Reader): Buffer {
  return r.buf.subarray(r.pos, r.end);
}

describe('batch channel', () => {
  it('carries a request and its reply in place, and the reply handed out is a copy', async () => {
    const { main, worker } = ends();
    main.begin().bytes(Buffer.from('request one'), 'body');
    const answered = send(main);
    assert.equal(bytesOf(worker.next()).toString(), 'request one');
    worker.begin().bytes(Buffer.from('reply one'), 'body');
    worker.send();
    const r = await answered;
    assert.equal(bytesOf(r).toString(), 'reply one');
    // The next reply reuses the area; the first one's bytes stay as they were.
    main.begin().bytes(Buffer.from('request two'), 'body');
    const second = send(main);
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
    const answered = send(main);
    const request = worker.next();
    assert.ok(bytesOf(request).equals(big));
    const bigReply = Buffer.alloc(AREA * 2 + 5, 9);
    worker.begin().bytes(bigReply, 'body');
    worker.send();
    assert.ok(bytesOf(await answered).equals(bigReply));

    main.begin().bytes(Buffer.from('small'), 'body');
    const small = send(main);
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
      const answered = send(main);
      worker.next();
      // Long after the spin budget: the reply wakes Atomics.waitAsync.
      await new Promise((resolve) => setTimeout(resolve, 20));
      worker.begin().u8(2, 'type');
      worker.send();
      assert.equal((await answered).u8('type'), 2);
      main.close();
    }
  });

  it('keeps two requests outstanding: the worker reads them in order and each reply goes to its own request', async () => {
    const { main, worker } = ends();
    main.begin().bytes(Buffer.from('first'), 'body');
    const first = send(main);
    main.begin().bytes(Buffer.from('second'), 'body');
    const second = send(main);
    assert.equal(main.outstanding, 2);
    assert.throws(() => main.begin(), /already has 2 requests awaiting a reply/);
    // The worker reads the first, and the second stays intact in its own area while the first is answered.
    assert.equal(bytesOf(worker.next()).toString(), 'first');
    worker.begin().bytes(Buffer.from('reply to first'), 'body');
    worker.send();
    assert.equal(bytesOf(worker.next()).toString(), 'second');
    worker.begin().bytes(Buffer.from('reply to second'), 'body');
    worker.send();
    const order: string[] = [];
    await Promise.all([first.then((r) => order.push(bytesOf(r).toString())), second.then((r) => order.push(bytesOf(r).toString()))]);
    assert.deepEqual(order, ['reply to first', 'reply to second']);
    assert.equal(main.outstanding, 0);
    main.close();
  });

  it('lets a third request go once the first reply is taken, and it reuses the first areas without touching the second', async () => {
    const { main, worker } = ends();
    const sent: Promise<Reader>[] = [];
    for (const text of ['one', 'two']) {
      main.begin().bytes(Buffer.from(text), 'body');
      sent.push(send(main));
    }
    assert.equal(bytesOf(worker.next()).toString(), 'one');
    worker.begin().bytes(Buffer.from('ONE'), 'body');
    worker.send();
    assert.equal(bytesOf(await sent[0]!).toString(), 'ONE');
    main.begin().bytes(Buffer.from('three'), 'body');
    sent.push(send(main));
    assert.equal(bytesOf(worker.next()).toString(), 'two');
    worker.begin().bytes(Buffer.from('TWO'), 'body');
    worker.send();
    assert.equal(bytesOf(worker.next()).toString(), 'three');
    worker.begin().bytes(Buffer.from('THREE'), 'body');
    worker.send();
    assert.deepEqual((await Promise.all(sent.slice(1))).map((r) => bytesOf(r).toString()), ['TWO', 'THREE']);
    main.close();
  });

  it('carries two outstanding messages bigger than their areas through the port, in order', async () => {
    const { main, worker } = ends();
    const a = Buffer.alloc(AREA * 2, 1);
    const b = Buffer.alloc(AREA * 3, 2);
    main.begin().bytes(a, 'body');
    const first = send(main);
    main.begin().bytes(b, 'body');
    const second = send(main);
    assert.ok(bytesOf(worker.next()).equals(a));
    worker.begin().bytes(b, 'body');
    worker.send();
    assert.ok(bytesOf(worker.next()).equals(b));
    worker.begin().bytes(a, 'body');
    worker.send();
    assert.ok(bytesOf(await first).equals(b));
    assert.ok(bytesOf(await second).equals(a));
    main.close();
  });

  it('never calls back once closed', async () => {
    const { main, worker } = ends();
    main.begin().u8(1, 'type');
    let called = false;
    main.send(() => (called = true));
    worker.next();
    main.close();
    worker.begin().u8(2, 'type');
    worker.send();
    // A negative: give a delivery (a setImmediate turn or a waitAsync wake-up) ample time to happen.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(called, false);
  });
});
