import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage } from '../openflow/codec.js';
import { OFP_VERSION_1_3 } from '../openflow/constants.js';
import { OfpDecodeError, OfpEncodeError } from '../openflow/errors.js';
import type { MultipartReply, MultipartRequest, OfpMessage } from '../openflow/messages.js';
import type { MultipartReplyBody, MultipartRequestBody } from '../openflow/multipart-types.js';

/** Helpers for the OpenFlow codec's unit tests: build multipart messages, round-trip them, assert on errors. */

export function request(body: MultipartRequestBody, flags = 0): MultipartRequest {
  return { type: 'MultipartRequest', version: OFP_VERSION_1_3, xid: 0x01020304, flags, body };
}

export function reply(body: MultipartReplyBody, flags = 0): MultipartReply {
  return { type: 'MultipartReply', version: OFP_VERSION_1_3, xid: 0x01020304, flags, body };
}

/** Encodes `msg`, checks its wire length, decodes it back to an equal value; returns the bytes. */
export function roundTrip(msg: OfpMessage, expectedLength: number): Buffer {
  const bytes = encodeMessage(msg);
  assert.equal(bytes.length, expectedLength, 'encoded length');
  assert.equal(bytes.readUInt16BE(2), expectedLength, 'ofp_header.length');
  assert.deepEqual(decodeMessage(bytes), msg);
  return Buffer.from(bytes);
}

/** A copy of `bytes` with the u16 at `offset` replaced. */
export function withU16(bytes: Buffer, offset: number, value: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt16BE(value, offset);
  return copy;
}

/** The first `length` bytes of a message, with ofp_header.length saying so. */
export function truncated(bytes: Buffer, length: number): Buffer {
  return withU16(bytes.subarray(0, length), 2, length);
}

/** Asserts that decoding fails with an OfpDecodeError naming `field` at byte `offset`. */
export function decodeFails(bytes: Buffer, messageType: string, field: string, offset: number): void {
  assert.throws(
    () => decodeMessage(bytes),
    (err: unknown) => {
      assert.ok(err instanceof OfpDecodeError, `expected OfpDecodeError, got ${String(err)}`);
      assert.equal(err.messageType, messageType);
      assert.equal(err.field, field);
      assert.equal(err.offset, offset);
      return true;
    },
  );
}

/** Asserts that encoding fails with an OfpEncodeError naming `field`. */
export function encodeFails(msg: OfpMessage, field: string): void {
  assert.throws(
    () => encodeMessage(msg),
    (err: unknown) => {
      assert.ok(err instanceof OfpEncodeError, `expected OfpEncodeError, got ${String(err)}`);
      assert.equal(err.field, field);
      return true;
    },
  );
}
