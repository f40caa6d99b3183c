import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RARE_VALUE, rareProperty } from './rare-failure.js';

const REGISTER = new URL('./register.js', import.meta.url).pathname;
const MAIN = new URL('./rare-failure-main.js', import.meta.url).pathname;

/** Runs the rare-failure fixture under the soak for `soakMs`; its exit code and stderr. */
function soak(soakMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', REGISTER, MAIN], { env: { ...process.env, SOAK_MS: String(soakMs), SOAK_LOG: '' }, timeout: 60_000 }, (err, _stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stderr });
    });
  });
}

describe('property-soak', () => {
  it('repeats an fc.assert with fresh seeds until its time is up, and reports a failing round with a seed that replays it', async () => {
    const { code, stderr } = await soak(2000);
    assert.notEqual(code, 0, stderr);
    const summary = /property-soak: (\S+): (\d+) rounds of 100 runs, (\d+) failed/.exec(stderr);
    assert.ok(summary !== null, stderr);
    assert.match(summary[1]!, /rare-failure\.js:\d+:\d+$/, 'the summary names the caller of fc.assert');
    assert.ok(Number(summary[2]) > 1 && Number(summary[3]) >= 1, summary[0]);
    const failure = /FAILED at \S+, round \d+, seed (-?\d+), path (\S+)\nProperty failed after \d+ tests\n\{ seed: -?\d+, path: "[^"]*", endOnFailure: true \}\nCounterexample: \[(\d+)\]/.exec(stderr);
    assert.ok(failure !== null, stderr);
    assert.equal(Number(failure[3]), RARE_VALUE);
    const replay = fc.check(rareProperty, { numRuns: 100, seed: Number(failure[1]), path: failure[2]! });
    assert.deepEqual(replay.counterexample, [RARE_VALUE]);
  });
});
