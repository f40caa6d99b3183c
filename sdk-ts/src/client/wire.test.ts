import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { eventFromProto, type SdnEvent } from '../convert/events.js';
import { Event, ServerMessage } from '../generated/sdn/runtime/v1/events.js';
import type { PacketIn as PbPacketIn } from '../generated/sdn/runtime/v1/openflow.js';
import { decodeServerMessage, type WireEvent } from './wire.js';

/** The SDK event the generated decoder path makes, `data` as a plain array for comparing. */
function reference(e: Event): unknown {
  return plain(eventFromProto(Event.decode(Event.encode(e).finish())));
}

function plain(ev: SdnEvent | WireEvent): unknown {
  if (!('type' in ev)) return plain(eventFromProto(ev));
  return ev.type === 'packetIn' ? { ...ev, data: [...ev.data], match: ev.match.map((f) => ({ ...f })) } : ev;
}

function batch(events: Event[]): Buffer {
  return Buffer.from(ServerMessage.encode({ kind: { $case: 'events', value: { events } } }).finish());
}

function decodedEvents(bytes: Uint8Array): readonly WireEvent[] {
  const m = decodeServerMessage(bytes);
  assert.equal(m.kind?.$case, 'events');
  return m.kind.value.events;
}

const base: PbPacketIn = { bufferId: 0xffffffff, totalLen: 64, reason: 0, tableId: 0, cookie: 0n, match: undefined, data: Buffer.alloc(64, 9), inPort: 0 };
const packetIn = (p: Partial<PbPacketIn>, dpid = 1n, timeMs = 1_795_000_000_000n): Event => ({ seq: 0n, dpid, timeMs, body: { $case: 'packetIn', value: { ...base, ...p } } });
const oxm = (field: string, value: { $case: 'uint'; value: bigint } | { $case: 'text'; value: string } | { $case: 'wide'; value: Buffer }, mask?: typeof value) => ({
  field,
  value: { kind: value },
  ...(mask === undefined ? {} : { mask: { kind: mask } }),
  opaqueClass: 0,
  opaqueField: 0,
  opaqueHasMask: false,
  opaquePayload: Buffer.alloc(0),
});

describe('wire: event batches read by hand', () => {
  it('gives the events the generated decoder and eventFromProto give, packet-ins and the rest, in order', () => {
    const events: Event[] = [
      packetIn({ inPort: 3, match: { fields: [oxm('in_port', { $case: 'uint', value: 3n })] } }),
      { seq: 7n, dpid: 2n, timeMs: 5n, body: { $case: 'switchDown', value: { reason: 'peerClosed', detail: 'x' } } },
      packetIn({ cookie: 0xfedcba9876543210n, tableId: 3, reason: 1, bufferId: 12, totalLen: 1500, data: Buffer.alloc(0) }, 0xffffffffffffffffn, 0n),
      packetIn({
        match: {
          fields: [
            oxm('eth_dst', { $case: 'text', value: '02:00:00:00:00:0a' }),
            oxm('metadata', { $case: 'uint', value: 1n << 63n }, { $case: 'uint', value: 0xffn }),
            oxm('xxreg0', { $case: 'wide', value: Buffer.alloc(16, 1) }),
            { field: 'opaque', value: undefined, opaqueClass: 0xffff, opaqueField: 7, opaqueHasMask: true, opaquePayload: Buffer.from([1, 2, 3, 4]) },
          ],
        },
      }),
      { seq: 0n, dpid: 0n, timeMs: 9n, body: { $case: 'gap', value: { fromSeq: 0n, toSeq: 0n, packetInsShed: 12n } } },
    ];
    assert.deepEqual(decodedEvents(batch(events)).map(plain), events.map(reference));
  });

  it('agrees with the generated decoder for any packet-in header, dpid, time and frame', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    fc.assert(
      fc.property(u64, fc.bigInt({ min: 0n, max: 1n << 60n }), u32, u32, u32, u32, u64, u32, fc.uint8Array({ maxLength: 2000 }), (dpid, time, bufferId, totalLen, reason, tableId, cookie, inPort, data) => {
        const e = packetIn({ bufferId, totalLen, reason, tableId, cookie, inPort, data: Buffer.from(data), match: { fields: [oxm('in_port', { $case: 'uint', value: BigInt(inPort) })] } }, dpid, time);
        assert.deepEqual(decodedEvents(batch([e])).map(plain), [reference(e)]);
      }),
      { numRuns: 300 },
    );
  });

  it('skips fields it does not know, as the generated decoder does', () => {
    const e = Buffer.from(Event.encode(packetIn({ inPort: 4 })).finish());
    // Event field 99 (varint) before the body; the batch's own field 5 (length-delimited) after the event.
    const event = Buffer.concat([Buffer.from([0x98, 0x06, 0x01]), e]);
    const batchBody = Buffer.concat([Buffer.from([0x0a, event.length]), event, Buffer.from([0x2a, 0x01, 0x00])]);
    const message = Buffer.concat([Buffer.from([0x12, batchBody.length]), batchBody]);
    assert.deepEqual(decodedEvents(message).map(plain), [reference(packetIn({ inPort: 4 }))]);
    const generated = ServerMessage.decode(message).kind;
    assert.deepEqual(decodedEvents(message).map(plain), generated?.$case === 'events' ? generated.value.events.map(plain) : 'not an event batch');
  });

  it('leaves other server messages to the generated decoder, and refuses truncated bytes', () => {
    const subscribed = ServerMessage.encode({ kind: { $case: 'subscribed', value: { lastSeq: 4n, nodeId: 'n', appId: 9, tables: { acl: 0 } } } }).finish();
    assert.deepEqual(decodeServerMessage(subscribed), ServerMessage.decode(subscribed));
    assert.deepEqual(decodeServerMessage(new Uint8Array(0)), { kind: undefined });
    const whole = batch([packetIn({ inPort: 1 })]);
    for (const cut of [1, 5, whole.length - 1]) assert.throws(() => decodeServerMessage(whole.subarray(0, cut)), `cut at ${cut}`);
  });

  it('shares one frozen match among packet-ins with the same match bytes', () => {
    const match = { fields: [oxm('in_port', { $case: 'uint', value: 77n })] };
    const [a, b] = decodedEvents(batch([packetIn({ match }), packetIn({ match, bufferId: 3 })]));
    assert.ok(a !== undefined && b !== undefined && 'type' in a && 'type' in b && a.type === 'packetIn' && b.type === 'packetIn');
    assert.equal(a.match, b.match);
    assert.ok(Object.isFrozen(a.match) && Object.isFrozen(a.match[0]));
    assert.deepEqual(a.match, [{ field: 'in_port', value: 77 }]);
  });
});
