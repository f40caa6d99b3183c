import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newPrefix, PREFIX_PATTERN, scopedName } from './names.js';

describe('harness names', () => {
  it('prefixes every name with a per-harness prefix', () => {
    const prefix = newPrefix();
    assert.match(prefix, PREFIX_PATTERN);
    assert.equal(scopedName(prefix, 's1', 's2'), `${prefix}s1-s2`);
  });

  it('refuses a name longer than a Linux interface name can be, naming it', () => {
    assert.equal(scopedName('ot0000', 'abcdefghi'), 'ot0000abcdefghi');
    assert.throws(() => scopedName('ot0000', 'abcdefghij'), { code: 'OVS_HARNESS', message: /"abcdefghij" is too long.*at most 15/ });
  });

  it('refuses characters that could clash with the separator or the shell', () => {
    for (const bad of ['S1', 'h-1', 'h 1', '', 'h;1']) {
      assert.throws(() => scopedName('ot0000', bad), { code: 'OVS_HARNESS' }, bad);
    }
  });
});
