import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeMessage, type Match, type PacketIn } from '../../openflow/index.js';
import { Event, ServerMessage } from '../../generated/sdn/runtime/v1/events.js';
import { loadVectors, ryuVectorsDir } from '../../testing/vectors.js';
import { fromPacketIn } from '../convert/index.js';
import { encodeEventBatch, encodePacketInEvent, varintSize } from './wire.js';

/** What the generated encoder writes for the same event: the reference. */
function generated(dpid: bigint, timeMs: number, m: PacketIn): Buffer {
  return Buffer.from(Event.encode({ seq: 0n, dpid, timeMs: BigInt(Math.trunc(timeMs)), body: { $case: 'packetIn', value: fromPacketIn(m) } }).finish());
}

function packetIn(fields: Partial<PacketIn>): PacketIn {
  return { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: 64, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1 }], data: Buffer.alloc(64, 7), ...fields };
}

const MATCHES: Readonly<Record<string, Match>> = {
  empty: [],
  'in_port only': [{ field: 'in_port', value: 3 }],
  'in_port 0': [{ field: 'in_port', value: 0 }],
  'in_port twice (the first counts)': [{ field: 'in_port', value: 9 }, { field: 'in_port', value: 4 }],
  'addresses as text': [{ field: 'in_port', value: 0xfffffffe }, { field: 'eth_dst', value: '02:00:00:00:00:0a' }, { field: 'eth_src', value: 'ff:ff:ff:ff:ff:ff' }, { field: 'ipv6_src', value: '2001:db8::1' }, { field: 'ipv4_dst', value: '10.0.0.1' }],
  'masks and u64': [{ field: 'vlan_vid', value: 0x1000, mask: 0x1000 }, { field: 'metadata', value: 0xfedcba9876543210n, mask: 0xffffffff00000000n }, { field: 'tunnel_id', value: 0n }],
  u128: [{ field: 'xxreg0', value: (1n << 127n) + 5n }, { field: 'ct_label', value: 0n, mask: 1n }],
  opaque: [{ field: 'opaque', oxmClass: 0xffff, oxmField: 7, hasMask: true, payload: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]) }, { field: 'opaque', oxmClass: 0, oxmField: 0, hasMask: false, payload: Buffer.alloc(0) }],
};

describe('wire: packet-in events and batches by hand', () => {
  it('writes the bytes of the generated encoder, match by match', () => {
    for (const [what, match] of Object.entries(MATCHES)) {
      const m = packetIn({ match });
      assert.deepEqual(encodePacketInEvent(0x42n, 1_795_000_000_123.7, m), generated(0x42n, 1_795_000_000_123.7, m), what);
    }
  });

  it('writes the bytes of the generated encoder for any header values, dpid, time and frame size', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    fc.assert(
      fc.property(u64, fc.integer({ min: 0, max: 2 ** 50 }), u32, u32, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), u64, fc.integer({ min: 0, max: 20_000 }), (dpid, time, bufferId, totalLen, reason, tableId, cookie, frameSize) => {
        const m = packetIn({ bufferId, totalLen, reason, tableId, cookie, data: Buffer.alloc(frameSize, 0xab) });
        assert.deepEqual(encodePacketInEvent(dpid, time, m), generated(dpid, time, m));
      }),
      { numRuns: 300 },
    );
  });

  it('encodes every OF1.3 PACKET_IN of the Ryu vectors as the generated encoder does', (t) => {
    const dir = ryuVectorsDir();
    const files = loadVectors(dir, 'of13').filter((f) => f.bytes[1] === 10 && !f.name.includes('truncated'));
    assert.ok(files.length >= 2, `expected OF1.3 PACKET_IN vectors, found ${files.length}`);
    for (const f of files) {
      const m = decodeMessage(f.bytes);
      assert.equal(m.type, 'PacketIn', f.name);
      assert.deepEqual(encodePacketInEvent(7n, 1000, m as PacketIn), generated(7n, 1000, m as PacketIn), f.name);
    }
    t.diagnostic(`${files.length} vector files`);
  });

  it('frames encoded events as a ServerMessage batch the generated decoder reads back in order', () => {
    const events = [packetIn({ bufferId: 1 }), packetIn({ bufferId: 2, data: Buffer.alloc(300) }), packetIn({ bufferId: 3, match: [] })].map((m) => encodePacketInEvent(1n, 5, m));
    const decoded = ServerMessage.decode(encodeEventBatch(events));
    assert.equal(decoded.kind?.$case, 'events');
    assert.deepEqual(
      decoded.kind.value.events.map((e) => (e.body?.$case === 'packetIn' ? [e.dpid, e.body.value.bufferId, e.body.value.data.length] : [])),
      [[1n, 1, 64], [1n, 2, 300], [1n, 3, 64]],
    );
    assert.deepEqual(ServerMessage.decode(encodeEventBatch([])), { kind: { $case: 'events', value: { events: [] } } });
  });

  it('sizes varints as the wire does', () => {
    for (const [n, size] of [[0, 1], [127, 1], [128, 2], [16_383, 2], [16_384, 3], [2 ** 32, 5], [2 ** 53 - 1, 8]] as const) assert.equal(varintSize(n), size, String(n));
  });
});
