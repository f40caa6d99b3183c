import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metadata } from '@grpc/grpc-js';
import { Authenticator, hasScope, requireScope } from './auth.js';
import { ApiPermissionError, ApiUnauthenticatedError } from './errors.js';

function withAuth(value?: string): Metadata {
  const m = new Metadata();
  if (value !== undefined) m.set('authorization', value);
  return m;
}

describe('Authenticator', () => {
  const auth = new Authenticator([
    { name: 'viewer', token: 'viewer-token-0123456789', scopes: ['events:read'] },
    { name: 'root', token: 'root-token-0123456789', scopes: ['admin'] },
  ]);

  it('maps a bearer token to its app and scopes; admin allows everything', () => {
    const viewer = auth.identify(withAuth('Bearer viewer-token-0123456789'));
    assert.equal(viewer.name, 'viewer');
    assert.equal(hasScope(viewer, 'events:read'), true);
    assert.equal(hasScope(viewer, 'flows:write'), false);
    const root = auth.identify(withAuth('Bearer root-token-0123456789'));
    assert.equal(hasScope(root, 'kv:write'), true);
  });

  it('refuses a missing, malformed or unknown token', () => {
    assert.throws(() => auth.identify(withAuth()), (e: unknown) => e instanceof ApiUnauthenticatedError && /missing token/.test(e.message));
    assert.throws(() => auth.identify(withAuth('Basic abc')), (e: unknown) => e instanceof ApiUnauthenticatedError && /malformed/.test(e.message));
    assert.throws(() => auth.identify(withAuth('Bearer nope-nope-nope-nope')), (e: unknown) => e instanceof ApiUnauthenticatedError && /unknown token/.test(e.message));
  });

  it('names the missing scope', () => {
    const viewer = auth.identify(withAuth('Bearer viewer-token-0123456789'));
    assert.throws(() => requireScope(viewer, 'flows:write', 'command flow_mod'), (e: unknown) => e instanceof ApiPermissionError && e.scope === 'flows:write' && /command flow_mod needs the scope "flows:write"/.test(e.message));
  });

  it('is open, with every scope, when no tokens are configured', () => {
    const open = new Authenticator([]);
    assert.equal(open.open, true);
    assert.equal(hasScope(open.identify(withAuth()), 'admin'), true);
  });
});
