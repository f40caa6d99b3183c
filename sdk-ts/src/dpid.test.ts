import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDpid, parseDpid } from './dpid.js';
import { ErrorCode, SdnClientError } from './errors.js';

describe('dpid text', () => {
  it('formats as 16 hex digits and parses the usual forms', () => {
    assert.equal(formatDpid(1n), '0000000000000001');
    assert.equal(formatDpid(0xffff_ffff_ffff_ffffn), 'ffffffffffffffff');
    assert.equal(parseDpid('0000000000000001'), 1n);
    assert.equal(parseDpid('0x1A'), 0x1an);
    assert.equal(parseDpid('00:00:00:00:00:00:00:2a'), 42n);
  });

  it('refuses what is not a dpid', () => {
    for (const bad of ['', 'xyz', '1'.repeat(17), '00:00:00:00:00:00:2a']) {
      assert.throws(() => parseDpid(bad), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.INVALID);
    }
    assert.throws(() => formatDpid(1n << 64n), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.INVALID);
  });
});
