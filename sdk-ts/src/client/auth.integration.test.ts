import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '../connect.js';
import { ErrorCode, SdnClientError } from '../errors.js';
import { startRuntime, type RuntimeProcess } from '../testing/real-runtime.js';
import type { SdnApp } from './app.js';

// Tokens and scopes against a real runtime: the runtime reads them from the
// JSON file named by SDN_RUNTIME_TOKENS_FILE; the SDK sends `authorization: Bearer <token>`.

const READER = 'reader-token-0123456789';
const WRITER = 'writer-token-0123456789';

describe('sdk-ts auth against a real runtime', () => {
  let rt: RuntimeProcess;
  const dir = mkdtempSync(join(tmpdir(), 'sdk-ts-tokens-'));
  const apps: SdnApp[] = [];
  const code = (c: string) => (e: unknown) => e instanceof SdnClientError && e.code === c;

  before(async () => {
    const file = join(dir, 'tokens.json');
    writeFileSync(file, JSON.stringify([
      { name: 'reader', token: READER, scopes: ['events:read'] },
      { name: 'writer', token: WRITER, scopes: ['events:read', 'flows:write'] },
    ]));
    rt = await startRuntime({ env: { SDN_RUNTIME_TOKENS_FILE: file } });
  });
  after(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await rt?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a missing or unknown token at connect', async () => {
    await assert.rejects(connect({ target: rt.target, name: 'anon' }), code(ErrorCode.UNAUTHENTICATED));
    await assert.rejects(connect({ target: rt.target, name: 'guess', token: 'not-a-known-token-000' }), code(ErrorCode.UNAUTHENTICATED));
  });

  it('lets a reader subscribe and list switches, but not change flows', async () => {
    const app = await connect({ target: rt.target, name: 'reader', token: READER });
    apps.push(app);
    assert.deepEqual(await app.listSwitches(), []);
    await assert.rejects(app.switch(1n).flowMod({ priority: 1 }), code(ErrorCode.PERMISSION_DENIED));
  });

  it('lets a writer send commands (here to a switch that is not there)', async () => {
    const app = await connect({ target: rt.target, name: 'writer', token: WRITER });
    apps.push(app);
    await assert.rejects(app.switch(1n).flowMod({ priority: 1 }), code(ErrorCode.UNKNOWN_SWITCH));
  });

  it('refuses a subscription the token has no scope for', async () => {
    await assert.rejects(connect({ target: rt.target, name: 'reader', token: READER, subscribe: { topics: ['x.y'] } }), code(ErrorCode.PERMISSION_DENIED));
  });
});
