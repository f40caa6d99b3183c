import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { describe, it, mock } from 'node:test';
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

  it('compares tokens in constant time: fixed-size digests, every configured token, timingSafeEqual', () => {
    const many = new Authenticator(['a', 'b', 'c', 'd'].map((n) => ({ name: n, token: `${n}-token-0123456789abcdef`, scopes: ['events:read' as const] })));
    const compared: [number, number][] = [];
    const real = crypto.timingSafeEqual;
    // auth.ts imports timingSafeEqual by name; syncBuiltinESMExports makes that binding see the spy.
    const spy = mock.method(crypto, 'timingSafeEqual', (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.push([a.byteLength, b.byteLength]);
      return real(a, b);
    });
    syncBuiltinESMExports();
    try {
      // The first token matches, a short and a long token match none: each is compared with all four, as 32-byte digests.
      assert.equal(many.identify(withAuth('Bearer a-token-0123456789abcdef')).name, 'a');
      assert.throws(() => many.identify(withAuth('Bearer x')), ApiUnauthenticatedError);
      assert.throws(() => many.identify(withAuth(`Bearer ${'y'.repeat(4096)}`)), ApiUnauthenticatedError);
      assert.deepEqual(compared, Array.from({ length: 12 }, () => [32, 32]));
    } finally {
      spy.mock.restore();
      syncBuiltinESMExports();
    }
  });

  it('tells its owner why each refused token was refused', () => {
    const reasons: string[] = [];
    const told = new Authenticator([{ name: 'viewer', token: 'viewer-token-0123456789', scopes: ['events:read'] }], (reason) => reasons.push(reason));
    for (const value of [undefined, 'Basic abc', 'Bearer nope-nope-nope-nope']) assert.throws(() => told.identify(withAuth(value)), ApiUnauthenticatedError);
    told.identify(withAuth('Bearer viewer-token-0123456789'));
    assert.deepEqual(reasons, ['missing', 'malformed', 'unknown']);
  });
});
