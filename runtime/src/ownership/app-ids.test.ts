import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AppIds, preferredAppId } from './app-ids.js';
import { MAX_APP_ID } from './cookie.js';
import { OwnershipError } from './errors.js';

const refused = (fn: () => unknown, detail: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof OwnershipError && err.reason === 'appIds' && err.code === 'OWNERSHIP_REFUSED' && detail.test(err.message));

describe('app ids', () => {
  it('gives an app the same id every time, and in a fresh registry (a restarted runtime)', () => {
    const ids = new AppIds();
    const first = ids.idFor('learning-switch');
    assert.equal(ids.idFor('learning-switch'), first);
    assert.equal(new AppIds().idFor('learning-switch'), first);
    assert.equal(first, preferredAppId('learning-switch'));
    assert.equal(ids.nameOf(first), 'learning-switch');
  });

  it('gives distinct names distinct ids in 1..65534, collisions included', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 300 }), (names) => {
        const ids = new AppIds();
        const given = names.map((n) => ids.idFor(n));
        assert.equal(new Set(given).size, names.length);
        for (const id of given) assert.ok(id >= 1 && id <= MAX_APP_ID);
      }),
    );
  });

  it('moves the second of two names that hash alike to the next free id', () => {
    const ids = new AppIds();
    const a = 'acl';
    ids.pin('someone-else', preferredAppId(a));
    assert.equal(ids.idFor(a), preferredAppId(a) === MAX_APP_ID ? 1 : preferredAppId(a) + 1);
  });

  it('pins an id from the config, and refuses an id out of range or held by another app', () => {
    const ids = new AppIds();
    ids.pin('acl', 7);
    ids.pin('acl', 7);
    assert.equal(ids.idFor('acl'), 7);
    refused(() => ids.pin('monitor', 7), /app id 7 already belongs to app acl/);
    refused(() => ids.pin('acl', 8), /already has app id 7/);
    refused(() => ids.pin('x', 0), /outside 1\.\.65534/);
    refused(() => ids.pin('x', 0xffff), /outside 1\.\.65534/);
  });

  it('says so when every id is taken', () => {
    const ids = new AppIds();
    for (let i = 1; i <= MAX_APP_ID; i++) ids.pin(`app-${i}`, i);
    refused(() => ids.idFor('one-too-many'), /every one of the 65534 app ids is taken/);
  });
});
