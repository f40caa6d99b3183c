import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, OFP_VERSION_1_3, type OfpMessage } from '../openflow/index.js';
import { normalize } from '../openflow/testing/arbitraries.js';
import { messageArbitraries } from '../openflow/testing/arbitraries-messages.js';
import { PACK_RECORD_HEADER_SIZE, PackWriter, readPack, RemoteSwitchPackError } from './remote-switch-pack.js';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
/**
 * The kinds a pack carries: packet-ins, flow-removed and errors (portStatus is a
 * lifecycle event), as a 1.3 session hands them over (the arbitraries also make
 * other versions' errors, and 0xffff is an ErrorExperimenter's type in 1.3).
 */
const packedMessage: fc.Arbitrary<OfpMessage> = fc
  .oneof(messageArbitraries.PacketIn, messageArbitraries.FlowRemoved, messageArbitraries.Error)
  .filter((m) => m.version === OFP_VERSION_1_3 && !(m.type === 'Error' && m.errorType === 0xffff));
const record = fc.record({ dpid: u64, seq: u64, message: packedMessage });

interface Read {
  readonly dpid: bigint;
  readonly seq: bigint;
  readonly message: OfpMessage;
}

function readAll(records: Uint8Array): Read[] {
  const read: Read[] = [];
  readPack(records, (dpid, seq, buf, offset) => read.push({ dpid, seq, message: decodeMessage(buf, offset) }));
  return read;
}

describe('SwitchEventPack records', () => {
  it('round-trip: what is added is read back in order, with each message as the codec decodes it, from any slice of whole records', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 20 }), fc.nat(), (records, cut) => {
        // A small buffer: records that do not fit move the batch to a fresh one, which must not disturb the records written before.
        const pack = new PackWriter(1);
        const earlier = pack.endBatch();
        const starts: number[] = [];
        for (const r of records) {
          starts.push(pack.size);
          pack.add(r.dpid, r.seq, r.message);
        }
        const all = pack.endBatch();
        assert.equal(earlier.length, 0);
        assert.deepStrictEqual(
          readAll(all).map((r) => ({ ...r, message: normalize(r.message) })),
          records.map((r) => ({ ...r, message: normalize(r.message) })),
        );
        // A frame carries the records of a run: from any record on.
        const from = records.length === 0 ? 0 : cut % records.length;
        assert.equal(readAll(all.subarray(starts[from] ?? 0)).length, records.length - from);
        // The next batch goes after this one, which keeps its bytes.
        const copy = Buffer.from(all);
        for (const r of records) pack.add(r.dpid, r.seq, r.message);
        assert.equal(pack.endBatch().length, all.length);
        assert.ok(all.equals(copy));
      }),
      { numRuns: 200 },
    );
  });

  it('a 1.0 session\'s event (the 1.3 model with version 1) is written as 1.3, as encodeModel does', () => {
    fc.assert(
      fc.property(record, (r) => {
        const pack = new PackWriter();
        pack.add(r.dpid, r.seq, { ...r.message, version: 1 } as OfpMessage);
        const bytes = pack.endBatch();
        assert.ok(bytes.subarray(PACK_RECORD_HEADER_SIZE).equals(encodeMessage(r.message)));
      }),
      { numRuns: 50 },
    );
  });

  it('a record cut short or with a bad length is refused after the whole records before it were read', () => {
    const pack = new PackWriter();
    const message: OfpMessage = { type: 'PacketIn', version: 4, xid: 7, bufferId: 0xffffffff, totalLen: 1, reason: 0, tableId: 0, cookie: 5n, match: [{ field: 'in_port', value: 1 }], data: Buffer.from([1]) };
    pack.add(1n, 10n, message);
    const one = pack.size;
    pack.add(2n, 11n, message);
    const whole = Buffer.from(pack.endBatch());
    for (const cut of [one + 1, one + PACK_RECORD_HEADER_SIZE + 7, whole.length - 1]) {
      const seen: bigint[] = [];
      assert.throws(() => readPack(whole.subarray(0, cut), (dpid) => seen.push(dpid)), RemoteSwitchPackError);
      assert.deepEqual(seen, [1n], `cut at ${cut}`);
    }
    const short = Buffer.from(whole);
    short.writeUInt16BE(4, one + PACK_RECORD_HEADER_SIZE + 2);
    assert.throws(() => readPack(short, () => {}), { code: 'REMOTE_SWITCH_PACK' });
  });

  it('a failed add leaves the pack as it was', () => {
    const pack = new PackWriter();
    assert.throws(() => pack.add(1n, 1n, { type: 'PacketIn', version: 4, xid: 0 } as unknown as OfpMessage));
    assert.equal(pack.size, 0);
    assert.deepEqual(readAll(pack.endBatch()), []);
  });
});
