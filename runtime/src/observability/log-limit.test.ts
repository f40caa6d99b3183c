import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { oncePer } from './log-limit.js';

describe('oncePer', () => {
  it('writes the first call, then at most once per interval, with the calls since the last write', () => {
    let nowMs = 1_000;
    const written: number[] = [];
    const fail = oncePer(60_000, (failures) => written.push(failures), () => nowMs);
    fail();
    for (let i = 0; i < 5; i++) {
      nowMs += 10_000;
      fail();
    }
    assert.deepEqual(written, [1]);
    nowMs += 10_000;
    fail();
    assert.deepEqual(written, [1, 6]);
  });
});
