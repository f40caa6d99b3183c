import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Envelope } from '../../generated/sdn/overlay/v1/overlay.js';
import { FRAME_FORMAT_VERSION, FrameDecoder, decodeFrameBody, encodeFrame } from './frame.js';

/** fc.record with ordinary objects, as the decoder makes them. */
function record<T>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(shape, { noNullPrototype: true });
}
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const bytes = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b));
const route = record({ dest: u32, costMs: u32, path: fc.array(u32, { maxLength: 8 }), recordVersion: u32 });
const envelope: fc.Arbitrary<Envelope> = fc.oneof(
  record({ protocolVersion: u32, nodeId: u32 }).map((value) => ({ body: { $case: 'hello' as const, value } })),
  // -0 comes back as 0: proto3 leaves a zero field off the wire, and -0 === 0.
  record({ seq: u32, sentAtMs: fc.double({ noNaN: true }).filter((v) => !Object.is(v, -0)) }).map((value) => ({ body: { $case: 'ping' as const, value } })),
  record({ seq: u32, reset: fc.boolean(), routes: fc.array(route, { maxLength: 5 }), withdrawn: fc.array(u32, { maxLength: 5 }) }).map((value) => ({ body: { $case: 'routeUpdate' as const, value } })),
  record({ seq: u32, count: u32, hash: u32 }).map((value) => ({ body: { $case: 'routeDigest' as const, value } })),
  record({ source: u32, destination: u32, ttl: u32, sheddable: fc.boolean(), data: bytes }).map(({ data, ...rest }) => ({ body: { $case: 'unicast' as const, value: { ...rest, payload: { $case: 'data' as const, value: data } } } })),
  record({ origin: u32, epoch: u32, seq: u32, ttl: u32, data: bytes }).map((value) => ({ body: { $case: 'broadcast' as const, value } })),
  record({ origin: u32, destinations: fc.array(u32, { maxLength: 5 }), ttl: u32, subject: fc.string(), payload: bytes }).map((value) => ({ body: { $case: 'publish' as const, value } })),
);

describe('overlay frames', () => {
  it('round-trip every envelope, whatever the chunking of the stream', () => {
    fc.assert(
      fc.property(fc.array(envelope, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), (messages, cuts) => {
        const stream = Buffer.concat(messages.map((m) => encodeFrame(m)));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const decoder = new FrameDecoder();
        const out: Envelope[] = [];
        let from = 0;
        for (const at of [...points, stream.length]) {
          out.push(...decoder.push(stream.subarray(from, at)));
          from = at;
        }
        assert.deepEqual(out, messages);
        assert.equal(decoder.pendingBytes, 0);
      }),
    );
  });

  it('carries its length and format version in front', () => {
    const frame = encodeFrame({ body: { $case: 'routeResync', value: { lastSeq: 1 } } });
    assert.equal(new DataView(frame.buffer).getUint32(0), frame.length - 4);
    assert.equal(frame[4], FRAME_FORMAT_VERSION);
  });

  it('refuses another format version, bodies it cannot decode or does not know, and bad lengths, with typed errors', () => {
    assert.throws(() => decodeFrameBody(Uint8Array.of(2)), { code: 'OVERLAY_FRAME', message: /frame format 2 is not 1/ });
    assert.throws(() => decodeFrameBody(Uint8Array.of(1, 0x0a, 0x05, 0x08)), { code: 'OVERLAY_DECODE' });
    // Field 99 (varint): a body a later version may define.
    assert.throws(() => decodeFrameBody(Uint8Array.of(1, 0x98, 0x06, 0x01)), { code: 'OVERLAY_DECODE', message: /no body this version knows/ });
    assert.throws(() => new FrameDecoder().push(Uint8Array.of(0, 0, 0, 0)), { code: 'OVERLAY_FRAME', message: /length 0/ });
    assert.throws(() => new FrameDecoder(100).push(Uint8Array.of(0, 0, 0, 102)), { code: 'OVERLAY_FRAME', message: /outside 1\.\.101/ });
  });

  it('stays failed after an error: the stream is out of sync', () => {
    const decoder = new FrameDecoder();
    assert.throws(() => decoder.push(Uint8Array.of(0, 0, 0, 1, 9)));
    assert.throws(() => decoder.push(encodeFrame({ body: { $case: 'routeResync', value: { lastSeq: 1 } } })), { code: 'OVERLAY_FRAME' });
  });
});
