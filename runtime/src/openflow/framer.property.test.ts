import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytes, u32 } from './testing/arbitraries.js';
import { nonMultipartMessage } from './testing/arbitraries-messages.js';
import { encodeMessage } from './codec.js';
import { OFP_HEADER_SIZE, OFP_MAX_MESSAGE_SIZE } from './constants.js';
import { OfpFramingError } from './errors.js';
import { Framer } from './framer.js';

/**
 * The framer turns any chunking of a stream of messages back into exactly those
 * messages, in order, and refuses a length it cannot resync from.
 */

/** `stream` cut at the given offsets (any order, duplicates allowed). */
function chunked(stream: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const at of [...points, stream.length]) {
    chunks.push(stream.subarray(from, at));
    from = at;
  }
  return chunks;
}

const encodedStream = fc.array(nonMultipartMessage, { maxLength: 8 }).map((ms) => ms.map((m) => encodeMessage(m)));

/** A header whose length field says `length`. */
function header(length: number, xid: number): Buffer {
  const b = Buffer.alloc(OFP_HEADER_SIZE);
  b.writeUInt8(4, 0);
  b.writeUInt8(2, 1);
  b.writeUInt16BE(length, 2);
  b.writeUInt32BE(xid, 4);
  return b;
}

describe('Framer', () => {
  it('yields exactly the messages of a stream, in order, whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(encodedStream, fc.array(fc.nat(), { maxLength: 12 }), (messages, cuts) => {
        const stream = Buffer.concat(messages);
        const framer = new Framer();
        const out = chunked(stream, cuts).flatMap((chunk) => framer.push(chunk));
        assert.equal(out.length, messages.length);
        out.forEach((m, i) => assert.ok(m.equals(messages[i]!), `message ${i} differs`));
        assert.equal(framer.buffered(), 0);
      }),
      { numRuns: 300 },
    );
  });

  it('yields the same messages when fed one byte at a time', () => {
    fc.assert(
      fc.property(encodedStream, (messages) => {
        const framer = new Framer();
        const stream = Buffer.concat(messages);
        const out: Buffer[] = [];
        for (let i = 0; i < stream.length; i++) out.push(...framer.push(stream.subarray(i, i + 1)));
        assert.deepStrictEqual(out, messages);
      }),
      { numRuns: 50 },
    );
  });

  it('on random bytes yields only well-framed messages, or throws OfpFramingError carrying only well-framed messages', () => {
    fc.assert(
      fc.property(fc.array(bytes(40), { maxLength: 8 }), fc.integer({ min: OFP_HEADER_SIZE, max: 64 }), (chunks, max) => {
        const framer = new Framer(max);
        const wellFramed = (m: Buffer): void => assert.ok(m.length >= OFP_HEADER_SIZE && m.length <= max && m.readUInt16BE(2) === m.length);
        try {
          for (const chunk of chunks) framer.push(chunk).forEach(wellFramed);
        } catch (err) {
          assert.ok(err instanceof OfpFramingError, String(err));
          err.messages.forEach(wellFramed);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('delivers every message before a length below 8 or above the maximum, then throws OfpFramingError at its offset', () => {
    const badLength = fc.integer({ min: OFP_HEADER_SIZE, max: OFP_MAX_MESSAGE_SIZE }).chain((max) =>
      fc.record({
        max: fc.constant(max),
        length: fc.oneof(fc.integer({ min: 0, max: OFP_HEADER_SIZE - 1 }), fc.integer({ min: max + 1, max: OFP_MAX_MESSAGE_SIZE + 1 })),
      }),
    );
    fc.assert(
      fc.property(encodedStream, badLength, u32, fc.array(fc.nat(), { maxLength: 6 }), (messages, { max, length }, xid, cuts) => {
        // A length above 0xffff cannot be written; the framer's max is lowered instead.
        const framerMax = length > OFP_MAX_MESSAGE_SIZE ? OFP_MAX_MESSAGE_SIZE - 1 : max;
        const wireLength = Math.min(length, OFP_MAX_MESSAGE_SIZE);
        const good = messages.filter((m) => m.length <= framerMax);
        // The bad header may share a chunk with good messages, or arrive in pieces.
        const stream = Buffer.concat([...good, header(wireLength, xid)]);
        const framer = new Framer(framerMax);
        const delivered: Buffer[] = [];
        let failure: OfpFramingError | undefined;
        // Empty chunks are dropped: one after the last byte would meet the failed framer.
        for (const chunk of chunked(stream, cuts).filter((c) => c.length > 0)) {
          assert.equal(failure, undefined, 'the error comes with the chunk that completes the bad header, the last one');
          try {
            delivered.push(...framer.push(chunk));
          } catch (err) {
            assert.ok(err instanceof OfpFramingError, String(err));
            failure = err;
            delivered.push(...err.messages);
          }
        }
        assert.ok(failure !== undefined, 'the bad header was refused');
        assert.equal(failure.offset, stream.length - OFP_HEADER_SIZE);
        assert.deepStrictEqual(failure.badBytes, header(wireLength, xid), 'the error holds the bad header itself');
        assert.deepStrictEqual(delivered, good, 'every message before the bad header is delivered once, in order');
        // The framer stays failed, at the same offset, and hands out nothing more.
        assert.throws(
          () => framer.push(Buffer.concat(good)),
          (err: unknown) => err instanceof OfpFramingError && err.offset === failure.offset && err.messages.length === 0,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('returns the messages completed in the chunk that holds the bad header on the error', () => {
    const framer = new Framer();
    const first = header(OFP_HEADER_SIZE, 1);
    const second = header(OFP_HEADER_SIZE + 4, 2);
    // The second message arrives in two pieces, so one of the delivered messages is a copy.
    assert.deepStrictEqual(framer.push(Buffer.concat([first, second.subarray(0, 3)])), [first]);
    const rest = Buffer.concat([second.subarray(3), Buffer.alloc(4), header(3, 3)]);
    assert.throws(
      () => framer.push(rest),
      (err: unknown) => {
        assert.ok(err instanceof OfpFramingError);
        assert.deepStrictEqual(err.messages, [Buffer.concat([second, Buffer.alloc(4)])]);
        assert.equal(err.offset, 2 * OFP_HEADER_SIZE + 4);
        return true;
      },
    );
  });
});
