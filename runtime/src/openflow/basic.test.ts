import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, encodeMessage } from './codec.js';
import { OFP_VERSION_1_3 } from './constants.js';
import { OfpDecodeError } from './errors.js';

describe('version-neutral messages', () => {
  it('round-trips a HELLO with a version bitmap', () => {
    const bytes = encodeMessage({ type: 'Hello', version: OFP_VERSION_1_3, xid: 7, elements: [{ type: 'versionBitmap', versions: [1, 4] }] });
    assert.equal(bytes.toString('hex'), '04000010000000070001000800000012');
    const msg = decodeMessage(bytes);
    assert.deepEqual(msg, { type: 'Hello', version: 4, xid: 7, elements: [{ type: 'versionBitmap', versions: [1, 4], bitmapWords: 1 }] });
  });

  it('names the field and offset of a lying element length', () => {
    const bytes = Buffer.from('04000010000000070001001000000012', 'hex');
    assert.throws(() => decodeMessage(bytes), (err: unknown) => {
      assert.ok(err instanceof OfpDecodeError);
      assert.equal(err.messageType, 'Hello');
      assert.equal(err.field, 'elements.length');
      assert.equal(err.offset, 12);
      return true;
    });
  });
});
