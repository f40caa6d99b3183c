import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMessage, encodeMessageInto } from './codec.js';
import { OfpEncodeError } from './errors.js';
import type { EchoRequest, OfpMessage } from './messages.js';
import { Writer } from './writer.js';

/**
 * encodeMessage writes into a shared pool and returns views of it (codec.ts): each
 * result must stay exactly its own bytes whatever is encoded after it, including
 * messages larger than the pool, failed encodes, and a call made from inside another.
 */

function echo(xid: number, dataLength: number): EchoRequest {
  return { type: 'EchoRequest', version: 4, xid, data: Buffer.alloc(dataLength, xid & 0xff) };
}

/** The bytes encodeMessageInto writes into a writer of its own: the reference. */
function reference(msg: OfpMessage): Buffer {
  const w = new Writer();
  encodeMessageInto(msg, w);
  return Buffer.from(w.view());
}

describe('encodeMessage buffers', () => {
  it('keeps every earlier result intact across many pools and sizes', () => {
    const messages = Array.from({ length: 400 }, (_, i) => echo(i + 1, (i * 37) % 300));
    const results = messages.map((m) => encodeMessage(m));
    results.forEach((got, i) => assert.ok(got.equals(reference(messages[i]!)), `message ${i} changed`));
    for (const got of results) assert.ok(Buffer.isBuffer(got));
  });

  it('encodes messages larger than a pool, before and after small ones', () => {
    const small1 = encodeMessage(echo(1, 10));
    const big = encodeMessage(echo(2, 20000));
    const small2 = encodeMessage(echo(3, 10));
    assert.equal(big.length, 20008);
    assert.ok(big.equals(reference(echo(2, 20000))));
    assert.ok(small1.equals(reference(echo(1, 10))));
    assert.ok(small2.equals(reference(echo(3, 10))));
  });

  it('stays correct after a failed encode, small or grown past the pool', () => {
    const before = encodeMessage(echo(4, 16));
    for (const length of [8, 30000]) {
      // The opaque element is written (growing the writer for the large one) before the bad element fails.
      const opaque = { type: 'opaque', elementType: 9, data: Buffer.alloc(length, 0xee) };
      const failing = { type: 'Hello', version: 4, xid: 5, elements: [opaque, { type: 'bogus' }] } as unknown as OfpMessage;
      assert.throws(() => encodeMessage(failing), (err: unknown) => err instanceof OfpEncodeError && err.field === 'elements.type');
      const after = encodeMessage(echo(7, 16));
      assert.ok(after.equals(reference(echo(7, 16))));
    }
    assert.ok(before.equals(reference(echo(4, 16))));
  });

  it('gives a correct result to a call made from inside another (a getter on the value)', () => {
    let inner: Buffer | undefined;
    const outer = {
      type: 'EchoRequest',
      version: 4,
      xid: 8,
      get data(): Buffer {
        inner = encodeMessage(echo(9, 24));
        return Buffer.from('outer');
      },
    } as unknown as OfpMessage;
    const got = encodeMessage(outer);
    assert.equal(got.toString('hex'), '0402000d000000086f75746572');
    assert.ok(inner?.equals(reference(echo(9, 24))));
  });
});
