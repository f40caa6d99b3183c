import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { macAt } from '../openflow/index.js';
import { MacTable } from './mac-table.js';

/** A frame whose six bytes at `at` are `mac`, the rest noise. */
function frameWith(mac: readonly number[], at: number): Uint8Array {
  const frame = Uint8Array.from({ length: at + 10 }, (_, i) => (i * 37) & 0xff);
  frame.set(mac, at);
  return frame;
}

describe('MacTable', () => {
  it('learns, finds, moves and names addresses as a Map of their text does, through growth', () => {
    // Few distinct bytes: addresses that differ in one byte only, or only in their first two (the HI word) or last four.
    const mac = fc.array(fc.constantFrom(0, 1, 0xff, 0x80), { minLength: 6, maxLength: 6 });
    const op = fc.record({ learn: fc.boolean(), mac, at: fc.integer({ min: 0, max: 8 }), port: fc.constantFrom(1, 2, 0x7fffffff, 0xfffffffe) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const table = new MacTable();
        const model = new Map<string, number>();
        for (const o of ops) {
          const frame = frameWith(o.mac, o.at);
          const text = macAt(frame, o.at);
          if (o.learn) {
            const slot = table.learn(frame, o.at, o.port);
            model.set(text, o.port);
            assert.equal(table.mac(slot), text);
          }
          const slot = table.find(frame, o.at);
          assert.equal(slot < 0 ? undefined : table.port(slot), model.get(text));
          if (slot >= 0) assert.equal(table.mac(slot), text);
          assert.equal(table.size, model.size);
        }
        // Everything learned is still there after every growth.
        for (const [text, port] of model) {
          const frame = Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
          assert.equal(table.port(table.find(frame, 0)), port);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('holds 100,000 addresses, the all-zero one included, and finds none it was not taught', () => {
    const table = new MacTable();
    const bytes = (n: number): Uint8Array => Uint8Array.from([0, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff, 0]);
    for (let n = 0; n < 100_000; n++) table.learn(bytes(n), 0, n + 1);
    assert.equal(table.size, 100_000);
    for (let n = 0; n < 100_000; n++) assert.equal(table.port(table.find(bytes(n), 0)), n + 1);
    assert.equal(table.mac(table.find(bytes(0), 0)), '00:00:00:00:00:00');
    assert.equal(table.find(bytes(100_000), 0), -1);
  });
});
