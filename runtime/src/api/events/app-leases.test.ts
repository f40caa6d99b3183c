import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { AppScope } from '../../core/index.js';
import { AppLeases } from './app-leases.js';

const GRACE_MS = 30_000;

/** A scope that counts its removals. */
function scope(name: string): AppScope & { removals: number } {
  const s = { name, id: 1, switches: { lookup: () => undefined, view: () => undefined, list: () => [], role: () => undefined }, removals: 0, removeFlows: () => (s.removals++, Promise.resolve([])), declareTables: () => new Map<string, number>(), limitFlows: () => {} };
  return s;
}

describe('API apps\' leases on their flows', () => {
  it('removes an app\'s flows once its last stream has been gone for the grace period, not before', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const leases = new AppLeases(GRACE_MS, pino({ level: 'silent' }));
    const acl = scope('acl');
    const first = leases.hold(acl);
    const second = leases.hold(acl);
    first();
    t.mock.timers.tick(GRACE_MS * 2);
    assert.equal(acl.removals, 0, 'a stream of the app is still open');
    second();
    second();
    t.mock.timers.tick(GRACE_MS - 1);
    assert.equal(acl.removals, 0);
    t.mock.timers.tick(1);
    assert.equal(acl.removals, 1);
  });

  it('keeps the flows of an app that comes back within the grace period, and of every app when the runtime stops', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const leases = new AppLeases(GRACE_MS, pino({ level: 'silent' }));
    const ls = scope('learning-switch-ts');
    leases.hold(ls)();
    t.mock.timers.tick(GRACE_MS / 2);
    const back = leases.hold(ls);
    t.mock.timers.tick(GRACE_MS * 2);
    assert.equal(ls.removals, 0, 'restarted in time');
    back();
    leases.close();
    t.mock.timers.tick(GRACE_MS * 2);
    assert.equal(ls.removals, 0, 'the runtime stopped');
  });
});
