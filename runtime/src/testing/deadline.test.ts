import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runWithDeadline } from './deadline.js';

const module = (source: string): string => `data:text/javascript,${encodeURIComponent(source)}`;

describe('runWithDeadline', () => {
  it('resolves when the check returns', async () => {
    await runWithDeadline(module('export function ok() {}'), 'ok', 5000);
  });

  it("rejects with the check's error message", async () => {
    await assert.rejects(runWithDeadline(module('export function bad() { throw new Error("counterexample 42"); }'), 'bad', 5000), /bad: counterexample 42/);
  });

  it('stops a check that never returns and rejects at the deadline', async () => {
    await assert.rejects(runWithDeadline(module('export function spin() { for (;;) {} }'), 'spin', 300), /spin did not finish within 300 ms/);
  });

  it('rejects a name the module does not export', async () => {
    await assert.rejects(runWithDeadline(module('export const x = 1;'), 'missing', 5000), /has no export missing/);
  });
});
