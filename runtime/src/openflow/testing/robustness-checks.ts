import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bytes, normalize, u32, u8 } from './arbitraries.js';
import { messageArbitraries, multipartMessage, NON_MULTIPART_MESSAGE_TYPES, nonMultipartMessage } from './arbitraries-messages.js';
import { decodeMessage, encodeMessage } from '../codec.js';
import { OFP_HEADER_SIZE, OFP_VERSION_1_0, OFP_VERSION_1_3, OFP_VERSION_1_4, OFP_VERSION_1_5 } from '../constants.js';
import { OfpDecodeError, OfpEncodeError } from '../errors.js';
import type { OfpMessage } from '../messages.js';
import { loadVectors, ryuVectorsDir } from '../../testing/vectors.js';

/**
 * Test support: the bad-input properties of codec-robustness.property.test.ts, as
 * functions that throw on failure, so that the test can run each in a worker under
 * a deadline (a decoder loop that stops advancing must fail, not hang the run).
 *
 * The contract checked: random bytes, truncated messages and bit-flipped messages
 * either decode or fail with OfpDecodeError (never a TypeError, RangeError, ...);
 * whatever decodes can be encoded again without any error but OfpEncodeError; and
 * when it encodes, those bytes decode to the same value.
 */

/** Decodes `buf` under the contract above; returns the value, or undefined on OfpDecodeError. */
export function decodeOrReject(buf: Buffer): OfpMessage | undefined {
  let msg: OfpMessage;
  try {
    msg = decodeMessage(buf);
  } catch (err) {
    if (err instanceof OfpDecodeError) return undefined;
    throw new Error(`decodeMessage threw ${String(err)} for ${buf.toString('hex')}`, { cause: err });
  }
  let again: Buffer;
  try {
    again = encodeMessage(msg);
  } catch (err) {
    if (err instanceof OfpEncodeError) return msg;
    throw new Error(`encodeMessage of a decoded value threw ${String(err)} for ${buf.toString('hex')}`, { cause: err });
  }
  assert.deepStrictEqual(normalize(decodeMessage(again)), normalize(msg), `re-encoded ${buf.toString('hex')} decodes differently`);
  return msg;
}

/** A copy of the first `length` bytes, the header length patched to match when a header is there. */
function truncated(full: Buffer, length: number): Buffer {
  const b = Buffer.from(full.subarray(0, length));
  if (length >= 4) b.writeUInt16BE(length, 2);
  return b;
}

function assertEveryPrefixIsSafe(m: OfpMessage): void {
  const full = encodeMessage(m);
  for (let length = 0; length < full.length; length++) {
    const prefix = truncated(full, length);
    if (length < OFP_HEADER_SIZE) assert.throws(() => decodeMessage(prefix), OfpDecodeError);
    else decodeOrReject(prefix);
  }
}

/** A header with a plausible version and type and a length that fits `body`. */
const framedRandom = fc
  .tuple(fc.oneof(fc.constantFrom(OFP_VERSION_1_0, OFP_VERSION_1_3, OFP_VERSION_1_4, OFP_VERSION_1_5), u8), fc.integer({ min: 0, max: 31 }), u32, bytes(96))
  .map(([version, msgType, xid, body]) => {
    const b = Buffer.alloc(OFP_HEADER_SIZE + body.length);
    b.writeUInt8(version, 0);
    b.writeUInt8(msgType, 1);
    b.writeUInt16BE(b.length, 2);
    b.writeUInt32BE(xid, 4);
    body.copy(b, OFP_HEADER_SIZE);
    return b;
  });

/** `m` encoded, then 1..4 bits flipped anywhere; the length field is restored so the framing holds. */
function bitFlipped(messages: fc.Arbitrary<OfpMessage>): fc.Arbitrary<Buffer> {
  return fc.tuple(messages, fc.array(fc.nat(), { minLength: 1, maxLength: 4 })).map(([m, flips]) => {
    const b = Buffer.from(encodeMessage(m));
    for (const bit of flips) {
      const at = bit % (b.length * 8);
      b[at >>> 3]! ^= 1 << (at & 7);
    }
    b.writeUInt16BE(b.length, 2);
    return b;
  });
}

const decodes = (b: Buffer): void => void decodeOrReject(b);

export function randomBytes(): void {
  fc.assert(fc.property(bytes(64), decodes), { numRuns: 500 });
}

export function randomBodiesBehindAHeader(): void {
  fc.assert(fc.property(framedRandom, decodes), { numRuns: 3000 });
}

/** Every prefix of three messages of each type but multipart. */
export function truncations(): void {
  for (const type of NON_MULTIPART_MESSAGE_TYPES) {
    fc.assert(fc.property(messageArbitraries[type] as fc.Arbitrary<OfpMessage>, assertEveryPrefixIsSafe), { numRuns: 3 });
  }
}

export function bitFlips(): void {
  fc.assert(fc.property(bitFlipped(nonMultipartMessage), decodes), { numRuns: 3000 });
}

/**
 * A vector file split by its header lengths. Bytes after the last message that
 * fits are one more input: one of Ryu's 1.5 vectors says 32 bytes and holds 40.
 */
function splitVector(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (bytes.length - at >= OFP_HEADER_SIZE) {
    const length = bytes.readUInt16BE(at + 2);
    if (length < OFP_HEADER_SIZE || at + length > bytes.length) break;
    out.push(bytes.subarray(at, at + length));
    at += length;
  }
  if (bytes.length - at >= OFP_HEADER_SIZE) out.push(bytes.subarray(at));
  return out;
}

/** Every message of Ryu's wire vectors, all four versions. */
function vectorMessages(): Buffer[] {
  const dir = ryuVectorsDir();
  return ['of10', 'of13', 'of14', 'of15'].flatMap((version) => loadVectors(dir, version).flatMap((v) => splitVector(v.bytes)));
}

/** Bit flips and truncations of real switch and controller messages (Nicira actions, 1.5 bodies, ...). */
export function vectorMutations(): void {
  const messages = vectorMessages();
  const mutated = fc.tuple(fc.constantFrom(...messages), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.nat());
  fc.assert(
    fc.property(mutated, ([original, flips, cut]) => {
      const b = Buffer.from(original);
      for (const bit of flips) {
        const at = bit % (b.length * 8);
        b[at >>> 3]! ^= 1 << (at & 7);
      }
      b.writeUInt16BE(b.length, 2);
      decodeOrReject(b);
      decodeOrReject(truncated(original, OFP_HEADER_SIZE + (cut % (original.length - OFP_HEADER_SIZE + 1))));
    }),
    { numRuns: 3000 },
  );
}

export function multipartTruncations(): void {
  fc.assert(fc.property(multipartMessage, assertEveryPrefixIsSafe), { numRuns: 30 });
}

export function multipartBitFlips(): void {
  fc.assert(fc.property(bitFlipped(multipartMessage), decodes), { numRuns: 1000 });
}

/**
 * Decodes and re-encodes the largest HELLO version bitmap a message can hold
 * (16379 words, every bit set: half a million versions). The encoder used to
 * take words x versions steps for it.
 */
export function largestVersionBitmap(): void {
  const words = 16379;
  const wire = Buffer.alloc(8 + 4 + words * 4, 0xff);
  wire.writeUInt32BE(0x04000000 | wire.length, 0);
  wire.writeUInt32BE(1, 4);
  wire.writeUInt32BE(0x00010000 | (4 + words * 4), 8);
  const hello = decodeMessage(wire);
  assert.ok(hello.type === 'Hello' && hello.elements[0]?.type === 'versionBitmap' && hello.elements[0].versions.length === words * 32);
  assert.ok(encodeMessage(hello).equals(wire));
}
