import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDpid } from './dpid.js';
import { CliInputError } from './errors.js';

describe('parseDpid', () => {
  it('reads hex with 0x, the 16-digit form, the colon form and bare hex with letters; plain digits are decimal', () => {
    assert.equal(parseDpid('0x1a'), 26n);
    assert.equal(parseDpid('000000000000001a'), 26n);
    assert.equal(parseDpid('0000000000000010'), 16n);
    assert.equal(parseDpid('00:00:00:00:00:00:00:1a'), 26n);
    assert.equal(parseDpid('1a'), 26n);
    assert.equal(parseDpid('10'), 10n);
    assert.equal(parseDpid('18446744073709551615'), (1n << 64n) - 1n);
    assert.equal(parseDpid('0xffffffffffffffff'), (1n << 64n) - 1n);
  });

  it('refuses what is not a dpid, saying how to write one', () => {
    assert.throws(() => parseDpid('switch-1'), (e: unknown) => e instanceof CliInputError && /"switch-1" is not a dpid: give it in hex/.test(e.message));
    assert.throws(() => parseDpid('18446744073709551616'), /larger than a 64-bit dpid/);
    assert.throws(() => parseDpid('0x'), CliInputError);
  });
});
