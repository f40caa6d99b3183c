import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OFPR_ACTION, OFPR_NO_MATCH } from '../openflow/index.js';
import { appCookie, NO_COOKIE } from './cookie.js';
import { packetInRoute } from './routing.js';

describe('packet-in routing', () => {
  it('sends a packet-in caused by an app\'s flow to that app', () => {
    assert.deepEqual(packetInRoute({ reason: OFPR_ACTION, cookie: appCookie(42, 5n) }), { to: 'owner', appId: 42 });
  });

  it('sends a table miss to every app that asked, whoever installed the table-miss flow', () => {
    assert.deepEqual(packetInRoute({ reason: OFPR_NO_MATCH, cookie: appCookie(42, 0n) }), { to: 'tableMiss' });
    assert.deepEqual(packetInRoute({ reason: OFPR_ACTION, cookie: NO_COOKIE }), { to: 'tableMiss' });
    assert.deepEqual(packetInRoute({ reason: OFPR_ACTION, cookie: 0n }), { to: 'tableMiss' }, 'a flow no app owns');
  });
});
