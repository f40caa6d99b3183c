import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytes, u32 } from './arbitraries.js';
import { nonMultipartMessage } from './arbitraries-messages.js';
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

  it('on random bytes yields only well-framed messages, or throws OfpFramingError', () => {
    fc.assert(
      fc.property(fc.array(bytes(40), { maxLength: 8 }), fc.integer({ min: OFP_HEADER_SIZE, max: 64 }), (chunks, max) => {
        const framer = new Framer(max);
        try {
          for (const chunk of chunks) {
            for (const m of framer.push(chunk)) {
              assert.ok(m.length >= OFP_HEADER_SIZE && m.length <= max && m.readUInt16BE(2) === m.length);
            }
          }
        } catch (err) {
          assert.ok(err instanceof OfpFramingError, String(err));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('throws OfpFramingError at the offset of a length below 8 or above the maximum', () => {
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
        const good = Buffer.concat(messages.filter((m) => m.length <= framerMax));
        const framer = new Framer(framerMax);
        const delivered = chunked(good, cuts).flatMap((chunk) => framer.push(chunk));
        assert.equal(Buffer.concat(delivered).length, good.length, 'every message before the bad header is delivered');
        // The bad header arrives in two pieces: the error comes once all 8 bytes are there.
        const bad = header(wireLength, xid);
        const split = cuts.length % OFP_HEADER_SIZE;
        assert.deepStrictEqual(framer.push(bad.subarray(0, split)), []);
        assert.throws(
          () => framer.push(bad.subarray(split)),
          (err: unknown) => err instanceof OfpFramingError && err.offset === good.length,
        );
      }),
      { numRuns: 300 },
    );
  });
});
