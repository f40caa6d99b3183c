import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytes, WatchRecorder } from '../testing/kv.js';
import type { KvChange } from './types.js';
import { WatchHub, type ChangeLog, type LogEntry } from './watch-hub.js';

/** An in-memory change log with compaction, standing in for lmdb. */
class MemoryLog implements ChangeLog {
  entries: LogEntry[] = [];
  first = 1n;

  append(revision: bigint, key: string): KvChange[] {
    const changes: KvChange[] = [{ type: 'put', kv: { key: bytes(key), value: bytes(String(revision)), createRevision: revision, modRevision: revision, version: 1n } }];
    this.entries.push({ revision, changes });
    return changes;
  }

  compactBefore(revision: bigint): void {
    this.entries = this.entries.filter((e) => e.revision >= revision);
    if (revision > this.first) this.first = revision;
  }

  read(from: bigint, to: bigint, max: number): LogEntry[] {
    return this.entries.filter((e) => e.revision >= from && e.revision <= to).slice(0, max);
  }

  firstRevision(): bigint {
    return this.first;
  }
}

type Step = { kind: 'commit'; key: string } | { kind: 'turn' } | { kind: 'pause' } | { kind: 'resume' };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b').map((key) => ({ kind: 'commit' as const, key })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'turn' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
);

describe('WatchHub', { timeout: 60_000 }, () => {
  it('any interleaving of commits, event-loop turns, pause and resume delivers each matching revision once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 1, max: 4 }), fc.array(stepArbitrary, { maxLength: 60 }), async (history, startOffset, chunk, steps) => {
        const log = new MemoryLog();
        for (let r = 1n; r <= BigInt(history); r++) log.append(r, r % 2n === 0n ? 'a' : 'b');
        const hub = new WatchHub({ log, replayChunk: chunk, onHandlerError: (e) => assert.fail(String(e)) }, BigInt(history));
        const start = BigInt(startOffset);
        const recorder = new WatchRecorder();
        const watch = hub.add(bytes('a'), false, start, recorder);
        let revision = BigInt(history);
        for (const step of steps) {
          if (step.kind === 'commit') {
            revision++;
            hub.announce(revision, log.append(revision, step.key));
          } else if (step.kind === 'turn') {
            await nextTurn();
          } else if (step.kind === 'pause') {
            watch.pause();
          } else {
            watch.resume();
          }
        }
        watch.resume();
        for (let turn = 0; turn < 100; turn++) await nextTurn();
        const from = start === 0n ? BigInt(history) + 1n : start;
        const expected = log.entries.filter((e) => e.revision >= from && e.changes.some((c) => c.kv.key[0] === 0x61)).map((e) => e.revision);
        assert.deepEqual(recorder.revisions, expected);
        assert.equal(recorder.compacted, undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('replay interleaved with live commits: no gap, no duplicate', async () => {
    const log = new MemoryLog();
    for (let r = 1n; r <= 10n; r++) log.append(r, 'a');
    const hub = new WatchHub({ log, replayChunk: 2, onHandlerError: (e) => assert.fail(String(e)) }, 10n);
    const recorder = new WatchRecorder();
    hub.add(bytes('a'), false, 1n, recorder);
    for (let r = 11n; r <= 30n; r++) {
      hub.announce(r, log.append(r, 'a'));
      await nextTurn();
    }
    await recorder.until(30n);
    assert.deepEqual(
      recorder.revisions,
      Array.from({ length: 30 }, (_, i) => BigInt(i + 1)),
    );
  });

  it('history compacted while a watch catches up ends it with the oldest kept revision', async () => {
    const log = new MemoryLog();
    for (let r = 1n; r <= 10n; r++) log.append(r, 'a');
    const hub = new WatchHub({ log, replayChunk: 3, onHandlerError: (e) => assert.fail(String(e)) }, 10n);
    const recorder = new WatchRecorder();
    const watch = hub.add(bytes('a'), false, 1n, recorder);
    await recorder.until(3n);
    log.compactBefore(7n);
    assert.equal(await recorder.untilCompacted(), 7n);
    assert.deepEqual(recorder.revisions, [1n, 2n, 3n]);
    hub.announce(11n, log.append(11n, 'a'));
    assert.deepEqual(recorder.revisions, [1n, 2n, 3n]);
    watch.close();
    assert.equal(hub.size, 0);
  });

  it('a log that cannot be read ends the watch through onError', async () => {
    const log = new MemoryLog();
    log.append(1n, 'a');
    log.read = () => {
      throw new Error('disk gone');
    };
    const hub = new WatchHub({ log, replayChunk: 3, onHandlerError: (e) => assert.fail(String(e)) }, 1n);
    const recorder = new WatchRecorder();
    hub.add(bytes('a'), false, 1n, recorder);
    await recorder.until(1n);
    assert.equal(recorder.error?.message, 'disk gone');
    assert.equal(hub.size, 0);
  });
});
