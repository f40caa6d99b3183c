import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_SERVE_CONFIG } from './config.js';
import { loadServeConfig } from './load-config.js';
import { describeSurfaces, isLoopback } from './exposure.js';

const TOKENS = JSON.stringify([{ name: 'ops', token: 'ops-token-0123456789abcdef', scopes: ['admin'] }]);

describe('exposure', () => {
  it('knows loopback addresses, and takes every other address or name as reachable', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST']) assert.equal(isLoopback(host), true, host);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', 'example.com', 'localhost.example.com', '']) assert.equal(isLoopback(host), false, host);
  });

  it('binds the gRPC API to loopback by default; OpenFlow and HTTP keep every address', () => {
    assert.equal(DEFAULT_SERVE_CONFIG.grpcHost, '127.0.0.1');
    const config = loadServeConfig({}, {}, undefined);
    assert.equal(config.grpcHost, '127.0.0.1');
    assert.equal(config.openflowHost, '0.0.0.0');
    assert.equal(config.httpHost, '0.0.0.0');
  });

  it('refuses a non-loopback gRPC bind without tokens, saying how to configure them', () => {
    for (const grpcHost of ['0.0.0.0', '::', '192.0.2.7']) {
      assert.throws(
        () => loadServeConfig({ grpcHost }, {}, undefined),
        (e: unknown) => e instanceof ConfigError && e.message.includes(`--grpc-host ${grpcHost}`) && e.message.includes('"tokens" in the -c config file') && e.message.includes('SDN_RUNTIME_TOKENS_FILE') && e.message.includes('--grpc-tls-ca'),
      );
    }
    assert.throws(() => loadServeConfig({}, { SDN_RUNTIME_GRPC_HOST: '0.0.0.0' }, undefined), ConfigError);
  });

  it('allows a non-loopback gRPC bind with tokens or with client certificates', () => {
    assert.equal(loadServeConfig({ grpcHost: '0.0.0.0', tokens: JSON.parse(TOKENS) as unknown }, {}, undefined).grpcHost, '0.0.0.0');
    assert.equal(loadServeConfig({ grpcHost: '0.0.0.0', grpcTlsCert: 'c.pem', grpcTlsKey: 'k.pem', grpcTlsCa: 'ca.pem' }, {}, undefined).grpcHost, '0.0.0.0');
    // TLS without client certificates authenticates the server only: still refused.
    assert.throws(() => loadServeConfig({ grpcHost: '0.0.0.0', grpcTlsCert: 'c.pem', grpcTlsKey: 'k.pem' }, {}, undefined), ConfigError);
  });

  it('describes each listener: address, TLS, and who is authenticated', () => {
    const [openflow, http, grpc] = describeSurfaces({
      openflow: { host: '0.0.0.0', port: 6653, tls: true, clientCertificates: true },
      http: { host: '::', port: 8080, tokenCount: 0 },
      grpc: { host: '127.0.0.1', port: 50051, tls: false, clientCertificates: false, tokenCount: 0 },
    });
    assert.deepEqual(openflow, { surface: 'openflow', address: '0.0.0.0:6653', tls: true, authentication: 'client certificate', msg: 'openflow listening on 0.0.0.0:6653: TLS, switches need a certificate signed by --tls-ca' });
    assert.deepEqual(http, { surface: 'http', address: '[::]:8080', tls: false, authentication: 'none', msg: 'http listening on [::]:8080: /metrics and /healthz, read-only, not authenticated; the web view at / answers this machine only (no tokens)' });
    assert.equal(grpc!.authentication, 'none');
    assert.equal(grpc!.msg, 'grpc listening on 127.0.0.1:50051: plaintext, no tokens: every client that connects has every scope');
    const [, guardedHttp, guarded] = describeSurfaces({
      openflow: { host: '0.0.0.0', port: 6653, tls: false, clientCertificates: false },
      http: { host: '0.0.0.0', port: 8080, tokenCount: 2 },
      grpc: { host: '0.0.0.0', port: 50051, tls: true, clientCertificates: true, tokenCount: 2 },
    });
    assert.match(guardedHttp!.msg, /; the web view at \/ needs a token with events:read$/);
    assert.equal(guarded!.authentication, 'token and client certificate');
    assert.equal(guarded!.msg, 'grpc listening on 0.0.0.0:50051: TLS, clients need a certificate signed by --grpc-tls-ca, every call needs one of 2 tokens (health excepted)');
  });
});
