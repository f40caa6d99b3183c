import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { APP_COOKIE_MASK, APP_ID_MASK, appCookie, appIdOf, cookieSeenBy, MAX_APP_ID, NO_APP_ID, NO_COOKIE, ownCookie, touchesAppBits } from './cookie.js';

describe('cookie layout', () => {
  it('keeps the app id in the top 16 bits and the app\'s cookie in the low 48', () => {
    assert.equal(APP_ID_MASK, 0xffff_0000_0000_0000n);
    assert.equal(APP_COOKIE_MASK, 0x0000_ffff_ffff_ffffn);
    assert.equal(appCookie(0x12, 0xabcn), 0x0012_0000_0000_0abcn);
  });

  it('gives the all-ones cookie (a packet-in no flow caused) to no app', () => {
    assert.equal(appIdOf(NO_COOKIE), NO_APP_ID);
    assert.equal(MAX_APP_ID, NO_APP_ID - 1);
  });

  it('round-trips every app id and own cookie', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_APP_ID }), fc.bigInt({ min: 0n, max: APP_COOKIE_MASK }), (id, own) => {
        const cookie = appCookie(id, own);
        assert.equal(appIdOf(cookie), id);
        assert.equal(ownCookie(cookie), own);
        assert.equal(touchesAppBits(own), false);
        assert.equal(touchesAppBits(cookie), id !== 0);
      }),
    );
  });

  it('shows an app the cookie of a packet-in without another app\'s bits: its own part, a flow no app owns as it is, another app\'s flow as NO_COOKIE', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_APP_ID }), fc.integer({ min: 0, max: NO_APP_ID }), fc.bigInt({ min: 0n, max: APP_COOKIE_MASK }), (app, writer, own) => {
        const seen = cookieSeenBy(app, appCookie(writer, own));
        if (writer === app) assert.equal(seen, own);
        else if (writer === 0 || writer === NO_APP_ID) assert.equal(seen, appCookie(writer, own));
        else assert.equal(seen, NO_COOKIE);
      }),
    );
  });
});
