import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SdnEvent } from '../convert/events.js';
import { Delivery } from './delivery.js';

const gap = (n: number): SdnEvent => ({ type: 'gap', timeMs: n, fromSeq: 0n, toSeq: 0n, packetInsShed: BigInt(n), runtimeRestarted: false });

function delivery(window: number): { d: Delivery; granted: number[]; reported: unknown[]; creditReached: (n: number) => Promise<void> } {
  const granted: number[] = [];
  const reported: unknown[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const total = (): number => granted.reduce((a, b) => a + b, 0);
  const grant = (n: number): void => {
    granted.push(n);
    for (const w of waiters.filter((x) => total() >= x.n)) w.resolve();
  };
  const d = new Delivery({ window, grant, report: (e) => void reported.push(e), writeReady: () => undefined });
  const creditReached = (n: number): Promise<void> => (total() >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })));
  return { d, granted, reported, creditReached };
}

describe('Delivery', () => {
  it('after holdForATurn, events wait for the next turn: a handler registered after an await still gets the first ones', async () => {
    const { d } = delivery(4);
    const seen: number[] = [];
    d.holdForATurn();
    d.push([gap(1), gap(2)]);
    await Promise.resolve();
    d.on('gap', (e) => void seen.push(e.timeMs));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, [1, 2]);
    d.push([gap(3)]);
    assert.deepEqual(seen, [1, 2, 3], 'then synchronous again');
  });

  it('a throwing or rejecting handler is reported; the other handlers and later events still run', async () => {
    const { d, reported, granted, creditReached } = delivery(4);
    const seen: number[] = [];
    d.on('gap', () => {
      throw new Error('sync boom');
    });
    d.on('gap', async (e) => {
      if (e.timeMs === 2) throw new Error('async boom');
    });
    d.on('gap', (e) => void seen.push(e.timeMs));
    const it = d.events(['gap']);
    d.push([gap(1), gap(2), gap(3)]);
    for (let i = 0; i < 3; i++) await it.next();
    assert.deepEqual(seen, [1, 2, 3]);
    assert.deepEqual((reported as Error[]).map((e) => e.message), ['sync boom', 'sync boom', 'async boom', 'sync boom']);
    await creditReached(3);
    assert.equal(granted.reduce((a, b) => a + b, 0), 3);
  });

  it('an iterator that lags holds back credit until it catches up', async () => {
    const { d, granted } = delivery(2);
    const it = d.events([]);
    d.push([gap(1), gap(2), gap(3), gap(4)]);
    const first = await it.next();
    assert.equal(first.value?.timeMs, 1);
    // Two buffered (the high-water mark), so the loop waits: credit so far covers what the iterator took in.
    assert.ok(granted.reduce((a, b) => a + b, 0) < 4);
    for (let i = 2; i <= 4; i++) assert.equal((await it.next()).value?.timeMs, i);
    await it.return();
    // A finished iterator no longer holds delivery back.
    const fifth = new Promise<SdnEvent>((resolve) => d.on('gap', resolve));
    d.push([gap(5), gap(6), gap(7)]);
    assert.equal((await fifth).timeMs, 5);
  });

  it('an unsubscribed handler gets nothing more; close ends iterators', async () => {
    const { d } = delivery(8);
    const seen: number[] = [];
    const off = d.on('gap', (e) => void seen.push(e.timeMs));
    const it = d.events([]);
    d.push([gap(1)]);
    await it.next();
    off();
    d.push([gap(2)]);
    await it.next();
    assert.deepEqual(seen, [1]);
    d.close();
    assert.deepEqual(await it.next(), { value: undefined, done: true });
  });
});
