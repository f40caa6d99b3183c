import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from './config.js';
import { loadServeConfig } from './load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-tokens-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const refused = (fn: () => unknown, message: RegExp): void => {
  assert.throws(fn, (e: unknown) => e instanceof ConfigError && message.test(e.message));
};

describe('API tokens in the serve configuration', () => {
  it('come from the config file (inline or tokenFile) and from SDN_RUNTIME_TOKENS_FILE, together', () => {
    const secret = file('secret', 'file-token-0123456789\n');
    const config = file('runtime.json', { tokens: [{ name: 'a', token: 'inline-token-0123456789', scopes: ['events:read'] }, { name: 'b', tokenFile: secret, scopes: ['admin'] }] });
    const extra = file('tokens.json', [{ name: 'c', token: 'extra-token-0123456789', scopes: ['kv:read', 'kv:write'] }]);
    const c = loadServeConfig({}, { SDN_RUNTIME_TOKENS_FILE: extra }, config);
    assert.deepEqual(c.tokens, [
      { name: 'a', token: 'inline-token-0123456789', scopes: ['events:read'] },
      { name: 'b', token: 'file-token-0123456789', scopes: ['admin'] },
      { name: 'c', token: 'extra-token-0123456789', scopes: ['kv:read', 'kv:write'] },
    ]);
    assert.equal(c.tokensFile, extra);
  });

  it('cannot be set from the environment directly', () => {
    assert.deepEqual(loadServeConfig({}, { SDN_RUNTIME_TOKENS: '[{"name":"x"}]' }, undefined).tokens, []);
  });

  it('are checked: scopes, length, duplicates, unknown keys', () => {
    const load = (tokens: unknown): unknown => loadServeConfig({}, {}, file('c.json', { tokens }));
    refused(() => load([{ name: 'a', token: 'long-enough-token-0123', scopes: ['flow:write'] }]), /tokens\[0\]\.scopes\[0\]: unknown scope "flow:write" \(scopes: events:read, flows:write/);
    refused(() => load([{ name: 'a', token: 'short', scopes: ['admin'] }]), /tokens\[0\]: the token must be at least 16 characters/);
    refused(() => load([{ name: 'a', scopes: ['admin'] }]), /tokens\[0\]: give exactly one of token and tokenFile/);
    refused(() => load([{ name: 'a', token: 'long-enough-token-0123', scopes: ['admin'], role: 'x' }]), /unknown key "role"/);
    refused(() => load([{ name: 'a', token: 'long-enough-token-0123', scopes: ['admin'] }, { name: 'a', token: 'other-long-token-0123', scopes: ['admin'] }]), /token name "a" is configured twice/);
    refused(() => load({ name: 'a' }), /tokens must be a JSON array/);
    refused(() => loadServeConfig({}, { SDN_RUNTIME_TOKENS_FILE: join(dir, 'missing.json') }, undefined), /cannot read tokens file/);
  });

  it('gRPC TLS options go together', () => {
    refused(() => loadServeConfig({ grpcTlsCert: 'a.pem' }, {}, undefined), /grpcTlsCert and grpcTlsKey go together/);
    refused(() => loadServeConfig({ grpcTlsCa: 'ca.pem' }, {}, undefined), /grpcTlsCa needs grpcTlsCert and grpcTlsKey/);
  });
});
