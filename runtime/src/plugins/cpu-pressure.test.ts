import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CALM_SAMPLES, calmAfter, someStallMicros } from './cpu-pressure.js';

describe('spin gate (CPU pressure)', () => {
  it('reads the "some" stall total of /proc/pressure/cpu', () => {
    const text = 'some avg10=4.55 avg60=19.81 avg300=22.68 total=4707512117\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n';
    assert.equal(someStallMicros(text), 4707512117);
    assert.equal(someStallMicros('full avg10=0.00 total=12\n'), undefined);
  });

  it('closes at once when tasks waited for a CPU 5 % of the time or more, and opens after two calm seconds', () => {
    let calm = CALM_SAMPLES;
    calm = calmAfter(calm, 0.05);
    assert.equal(calm, 0, 'closed by one contended sample');
    for (let i = 1; i < CALM_SAMPLES; i++) {
      calm = calmAfter(calm, 0.049);
      assert.ok(calm < CALM_SAMPLES, `still closed after ${i} calm samples`);
    }
    calm = calmAfter(calm, 0.0);
    assert.equal(calm, CALM_SAMPLES, 'open again');
    assert.equal(calmAfter(calm, 0.01), CALM_SAMPLES, 'stays open (and bounded) while calm');
  });
});
