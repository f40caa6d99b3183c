import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFails, roundTrip, truncated, withU16 } from '../testing/codec-assert.js';
import { decodeMessage } from './codec.js';
import type { PacketIn } from './messages.js';

/**
 * PACKET_IN decoding, the hottest path of a controller: the value, and the field and
 * offset every malformed part is reported at. These pin the behaviour that the
 * decoder's fast paths (fixed part, match header, OXM) must keep.
 */

const PACKET_IN: PacketIn = {
  type: 'PacketIn',
  version: 4,
  xid: 0x12345678,
  bufferId: 0xffffffff,
  totalLen: 64,
  reason: 0,
  tableId: 3,
  cookie: 0x0102030405060708n,
  match: [
    { field: 'in_port', value: 1 },
    { field: 'eth_dst', value: '00:00:00:00:00:02', mask: 'ff:ff:ff:00:00:00' },
  ],
  data: Buffer.from('0123456789abcdef'),
};

/** Header 8 + buffer_id..cookie 16 = the match at 24; in_port 8 + masked eth_dst 16 = match length 28, padded to 32. */
const MATCH_AT = 24;
const DATA_AT = MATCH_AT + 32 + 2;

describe('PACKET_IN', () => {
  it('round-trips, with data as a view into the received bytes', () => {
    const bytes = roundTrip(PACKET_IN, DATA_AT + 16);
    const msg = decodeMessage(bytes) as PacketIn;
    assert.equal(msg.data.buffer, bytes.buffer);
  });

  it('names each fixed field that a short message cuts off, at its offset', () => {
    const bytes = roundTrip(PACKET_IN, DATA_AT + 16);
    decodeFails(truncated(bytes, 10), 'PacketIn', 'buffer_id', 8);
    decodeFails(truncated(bytes, 13), 'PacketIn', 'total_len', 12);
    decodeFails(truncated(bytes, 14), 'PacketIn', 'reason', 14);
    decodeFails(truncated(bytes, 15), 'PacketIn', 'table_id', 15);
    decodeFails(truncated(bytes, 20), 'PacketIn', 'cookie', 16);
    decodeFails(truncated(bytes, MATCH_AT + 1), 'PacketIn', 'match.type', MATCH_AT);
    decodeFails(truncated(bytes, MATCH_AT + 3), 'PacketIn', 'match.length', MATCH_AT + 2);
  });

  it('names the match part that is wrong', () => {
    const bytes = roundTrip(PACKET_IN, DATA_AT + 16);
    decodeFails(withU16(bytes, MATCH_AT, 0), 'PacketIn', 'match.type', MATCH_AT);
    decodeFails(withU16(bytes, MATCH_AT + 2, 3), 'PacketIn', 'match.length', MATCH_AT + 2);
    decodeFails(withU16(bytes, MATCH_AT + 2, 200), 'PacketIn', 'match.length', MATCH_AT + 4);
    decodeFails(truncated(bytes, MATCH_AT + 30), 'PacketIn', 'match.pad', MATCH_AT + 28);
    // in_port's TLV says 5 payload bytes: the modelled u32 needs 4.
    decodeFails(Buffer.from(bytes).fill(5, MATCH_AT + 7, MATCH_AT + 8), 'PacketIn', 'oxm.length', MATCH_AT + 7);
  });

  it('reads an all-zero and an all-ones cookie', () => {
    for (const cookie of [0n, 0xffffffffffffffffn]) roundTrip({ ...PACKET_IN, cookie }, DATA_AT + 16);
  });
});
