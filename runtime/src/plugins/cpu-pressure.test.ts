import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CALM_SAMPLES, calmAfter, runQueueWaitNanos, someStallMicros, waitShares, type WaitShares } from './cpu-pressure.js';

const calmShares = (stall: number): WaitShares => ({ stall, ownWaits: 0, mainWait: 0 });

describe('spin gate (CPU pressure)', () => {
  it('reads the "some" stall total of /proc/pressure/cpu and the run-queue wait of a schedstat file', () => {
    const text = 'some avg10=4.55 avg60=19.81 avg300=22.68 total=4707512117\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n';
    assert.equal(someStallMicros(text), 4707512117);
    assert.equal(someStallMicros('full avg10=0.00 total=12\n'), undefined);
    assert.equal(runQueueWaitNanos('1927341907 2840121 3512\n'), 2840121);
    assert.equal(runQueueWaitNanos('garbage'), undefined);
  });

  it('closes at once when other tasks waited for a CPU 10 % of the time or more, and opens after two calm seconds', () => {
    let calm = CALM_SAMPLES;
    calm = calmAfter(calm, calmShares(0.1));
    assert.equal(calm, 0, 'closed by one contended sample');
    for (let i = 1; i < CALM_SAMPLES; i++) {
      calm = calmAfter(calm, calmShares(0.099));
      assert.ok(calm < CALM_SAMPLES, `still closed after ${i} calm samples`);
    }
    calm = calmAfter(calm, calmShares(0.0));
    assert.equal(calm, CALM_SAMPLES, 'open again');
    assert.equal(calmAfter(calm, calmShares(0.01)), CALM_SAMPLES, 'stays open (and bounded) while calm');
  });

  it('leaves our own threads waiting for each other out (two spinning threads on two cores), not another process waiting', () => {
    // A calm machine while we spin: the stall is our GC and other threads waiting for our spinners.
    assert.equal(calmAfter(CALM_SAMPLES, { stall: 0.3, ownWaits: 0.32, mainWait: 0.01 }), CALM_SAMPLES);
    // The same, and another process waited 11 % of the time on top.
    assert.equal(calmAfter(CALM_SAMPLES, { stall: 0.43, ownWaits: 0.32, mainWait: 0.01 }), 0);
    // A machine with some load (measured: stall 17 %, ours 15 %, the main thread 4 %): spinning paid there.
    assert.equal(calmAfter(CALM_SAMPLES, { stall: 0.17, ownWaits: 0.15, mainWait: 0.04 }), CALM_SAMPLES);
  });

  it('closes when the main thread waits for a CPU (a busy machine where our waits hide the others in the overlap)', () => {
    // Measured on two busy cores (load 5): stall 93 %, our threads 85 %, the main thread 31 %.
    assert.equal(calmAfter(CALM_SAMPLES, { stall: 0.93, ownWaits: 0.9, mainWait: 0.31 }), 0);
    assert.equal(calmAfter(CALM_SAMPLES, { stall: 0.1, ownWaits: 0.1, mainWait: 0.1 }), 0);
  });

  it('computes the shares per thread: a new thread counts from 0, an exited one is left out', () => {
    const before = { stall: 1_000, threads: new Map([['10', 100], ['11', 50], ['12', 70]]), main: '10' };
    const after = { stall: 26_000, threads: new Map([['10', 1_100], ['11', 2_050], ['13', 500]]), main: '10' };
    assert.deepEqual(waitShares(before, after, 100_000), { stall: 0.25, ownWaits: 0.035, mainWait: 0.01 });
    const noThreads = { stall: 1_000, threads: new Map<string, number>(), main: undefined };
    assert.deepEqual(waitShares(noThreads, { ...noThreads, stall: 6_000 }, 100_000), { stall: 0.05, ownWaits: 0, mainWait: 0 });
  });
});
