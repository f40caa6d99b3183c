import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventLog } from './event-log.js';

function filled(capacity: number, n: number): EventLog<string> {
  const log = new EventLog<string>(capacity);
  for (let i = 0; i < n; i++) log.append((seq) => `e${seq}`);
  return log;
}

describe('EventLog', () => {
  it('numbers entries from 1 and reads everything after a seq', () => {
    const log = filled(10, 4);
    assert.equal(log.lastSeq(), 4);
    assert.deepEqual(log.readAfter(0), { missed: undefined, entries: [1, 2, 3, 4].map((seq) => ({ seq, item: `e${seq}` })) });
    assert.deepEqual(log.readAfter(2).entries.map((e) => e.seq), [3, 4]);
    assert.deepEqual(log.readAfter(4).entries, []);
  });

  it('drops the oldest entries when full and reports the seqs a reader missed', () => {
    const log = filled(3, 7);
    assert.equal(log.oldestSeq(), 5);
    assert.deepEqual(log.readAfter(1), { missed: { fromSeq: 2, toSeq: 4 }, entries: [5, 6, 7].map((seq) => ({ seq, item: `e${seq}` })) });
    assert.equal(log.readAfter(4).missed, undefined);
  });

  it('treats a seq from an earlier run (above lastSeq) as a restart: everything held, the lost part missed', () => {
    assert.deepEqual(filled(10, 2).readAfter(99), { missed: undefined, entries: [1, 2].map((seq) => ({ seq, item: `e${seq}` })) });
    const wrapped = filled(2, 5);
    assert.deepEqual(wrapped.readAfter(99).missed, { fromSeq: 1, toSeq: 3 });
  });

  it('an empty log has nothing to read and nothing missed', () => {
    const log = new EventLog<string>(5);
    assert.deepEqual([log.lastSeq(), log.oldestSeq()], [0, 1]);
    assert.deepEqual(log.readAfter(0), { missed: undefined, entries: [] });
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new EventLog(0), RangeError);
    assert.throws(() => new EventLog(1.5), RangeError);
  });
});
