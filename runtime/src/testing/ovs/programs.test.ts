import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolvePrograms } from './programs.js';

describe('resolvePrograms', () => {
  it('names every missing program and the install script', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-programs-'));
    try {
      assert.throws(() => resolvePrograms([empty]), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'OVS_HARNESS');
        assert.match(error.message, /ovs-vswitchd/);
        assert.match(error.message, /\bip\b/);
        assert.match(error.message, /bash scripts\/install-system-deps\.sh/);
        return true;
      });
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('finds every program on this machine (after scripts/install-system-deps.sh)', () => {
    const programs = resolvePrograms();
    assert.match(programs['ovs-vswitchd'], /\/ovs-vswitchd$/);
    assert.match(programs.ip, /\/ip$/);
  });
});
