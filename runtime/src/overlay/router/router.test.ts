import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Route } from '../../generated/sdn/overlay/v1/overlay.js';
import { overlayDefaults } from '../config.js';
import { TableDigest, routeHash } from './digest.js';
import { LinkNotices } from './notices.js';
import { checkAdvert } from './validate.js';

const config = overlayDefaults({ nodeId: 1, seeds: [], random: () => 0 }, { maxPathLength: 4 });

describe('route adverts are checked', () => {
  const ok = { dest: 4, costMs: 30, path: [2, 3, 4], recordVersion: 0 };
  it('accepts a well-formed one', () => assert.equal(checkAdvert(config, 2, ok), undefined));
  for (const [what, route, reason] of [
    ['an empty path', { ...ok, path: [] }, /empty path/],
    ['a path over the bound', { ...ok, path: [2, 3, 5, 6, 4] }, /over 4/],
    ['a path not starting at the sender', { ...ok, path: [3, 4] }, /not at the sender 2/],
    ['a path not ending at dest', { ...ok, path: [2, 3] }, /ends at 3/],
    ['a loop', { ...ok, path: [2, 3, 2, 4] }, /twice/],
    ['a path through us', { ...ok, path: [2, 1, 4] }, /passes through this node/],
    ['a cost below the hop penalty per hop', { ...ok, costMs: 19 }, /below 20 ms/],
    ['a cost over the maximum', { ...ok, costMs: config.maxCostMs + 1 }, /over/],
  ] as [string, Route, RegExp][]) {
    it(`refuses ${what}`, () => assert.match(checkAdvert(config, 2, route) ?? '', reason));
  }
});

describe('table digests', () => {
  it('do not depend on the order of changes, and undo exactly', () => {
    const a = new TableDigest();
    const b = new TableDigest();
    const h1 = routeHash(2, 10, 0, [2]);
    const h2 = routeHash(3, 25, 1, [2, 3]);
    a.add(h1);
    a.add(h2);
    b.add(h2);
    b.add(h1);
    assert.deepEqual([a.count, a.sum], [b.count, b.sum]);
    a.remove(h2);
    assert.notEqual(a.sum, b.sum);
    assert.notEqual(routeHash(3, 25, 1, [2, 3]), routeHash(3, 26, 1, [2, 3]));
  });
});

describe('link notices', () => {
  it('mark an edge down until its reporter says up, newest notice winning, forgotten after the hold time', () => {
    const notices = new LinkNotices(1000, 10, 2, 100);
    assert.deepEqual(notices.apply({ reporter: 2, peer: 3, up: false, epoch: 1, seq: 5 }, 0), { fresh: true, changed: true });
    assert.ok(notices.breaks([1, 3, 2, 4]));
    assert.ok(!notices.breaks([1, 2, 4, 3]));
    assert.deepEqual(notices.apply({ reporter: 2, peer: 3, up: true, epoch: 1, seq: 4 }, 0), { fresh: false, changed: false }, 'older');
    assert.deepEqual(notices.apply({ reporter: 2, peer: 3, up: true, epoch: 1, seq: 6 }, 0), { fresh: true, changed: true });
    assert.ok(!notices.isDown(2, 3));
    notices.apply({ reporter: 3, peer: 2, up: false, epoch: 9, seq: 1 }, 100);
    assert.deepEqual(notices.expire(1099), []);
    assert.deepEqual(notices.expire(1100), [[3, 2]]);
    assert.equal(notices.downEdges, 0);
  });

  it('admit a burst per source, then one per refill interval, reporting the first drop only', () => {
    const notices = new LinkNotices(1000, 10, 2, 100);
    assert.deepEqual([notices.admit('7', 0), notices.admit('7', 0), notices.admit('7', 0), notices.admit('7', 0)], ['ok', 'ok', 'limited-first', 'limited']);
    assert.equal(notices.admit('8', 0), 'ok', 'another source has its own budget');
    assert.equal(notices.admit('7', 100), 'ok');
    assert.equal(notices.admit('7', 100), 'limited-first');
  });
});
