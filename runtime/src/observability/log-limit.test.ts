import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from 'pino';
import { LogLimiter, oncePer } from './log-limit.js';

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

describe('LogLimiter', () => {
  it('logs a key the first time, then once per interval with how many were not logged; keys are apart', () => {
    let nowMs = 0;
    const lines: Record<string, unknown>[] = [];
    const log = { warn: (fields: Record<string, unknown>) => void lines.push(fields) } as unknown as Logger;
    const limit = new LogLimiter(60_000, () => nowMs);
    limit.warn(log, 'a', { n: 1 }, 'a happened');
    limit.warn(log, 'a', { n: 2 }, 'a happened');
    limit.warn(log, 'b', { n: 3 }, 'b happened');
    nowMs += 60_000;
    limit.warn(log, 'a', { n: 4 }, 'a happened');
    assert.deepEqual(lines, [{ n: 1 }, { n: 3 }, { n: 4, notLogged: 1 }]);
  });
});
