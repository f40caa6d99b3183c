import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runWithDeadline } from '../testing/deadline.js';
import { decodeMessage } from './codec.js';
import { OfpDecodeError } from './errors.js';

/**
 * Bad input never crashes or hangs the decoder: see robustness-checks.ts for the
 * properties. Each runs in a worker under a deadline, because a synchronous loop
 * that stops advancing cannot be timed out in-process.
 */

const CHECKS = new URL('./testing/robustness-checks.js', import.meta.url).href;
const DEADLINE_MS = 30_000;

const check = (name: string) => () => runWithDeadline(CHECKS, name, DEADLINE_MS);

describe('decoding bad input', () => {
  it('random bytes decode or throw OfpDecodeError', check('randomBytes'));
  it('random bodies behind a well-framed header decode or throw OfpDecodeError', check('randomBodiesBehindAHeader'));
  it('every truncation of every message type decodes or throws OfpDecodeError', check('truncations'));
  it('bit-flipped messages decode or throw OfpDecodeError', check('bitFlips'));
  it('bit-flipped and truncated Ryu wire vectors decode or throw OfpDecodeError', check('vectorMutations'));
  it('the largest HELLO version bitmap decodes and re-encodes (in linear time)', check('largestVersionBitmap'));

  it('a header whose length exceeds the buffer is an OfpDecodeError naming the length', () => {
    const b = Buffer.from('0402001000000001', 'hex');
    assert.throws(() => decodeMessage(b), (err: unknown) => err instanceof OfpDecodeError && err.field === 'length' && err.offset === 2);
  });
});

describe('multipart', () => {
  it('every truncation of multipart messages decodes or throws OfpDecodeError', check('multipartTruncations'));
  it('bit-flipped multipart messages decode or throw OfpDecodeError', check('multipartBitFlips'));
});
