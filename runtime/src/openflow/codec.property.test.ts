import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normalize, oxmTlvOf } from './testing/arbitraries.js';
import { messageArbitraries, NON_MULTIPART_MESSAGE_TYPES } from './testing/arbitraries-messages.js';
import { decodeMessage, encodeMessage } from './codec.js';
import { OFP_VERSION_1_3 } from './constants.js';
import type { OfpMessage } from './messages.js';
import { OXM_FIELDS } from './oxm-fields.js';
import type { Match } from './structs.js';

/**
 * decode(encode(m)) deep-equals m for canonical values of every message type, and
 * the encoding is what the decoder consumed: re-encoding the decoded value gives
 * the same bytes. Multipart cases need the multipart codec (another branch).
 */

const RUNS_PER_TYPE = 150;

function assertRoundTrip(m: OfpMessage): void {
  const bytes = encodeMessage(m);
  assert.equal(bytes.readUInt16BE(2), bytes.length, 'the header length is the encoded length');
  const decoded = decodeMessage(bytes);
  assert.deepStrictEqual(normalize(decoded), normalize(m));
  assert.ok(encodeMessage(decoded).equals(bytes), 're-encoding the decoded value gives the same bytes');
}

function flowModWithMatch(match: Match): OfpMessage {
  return {
    type: 'FlowMod',
    version: OFP_VERSION_1_3,
    xid: 1,
    cookie: 0n,
    cookieMask: 0n,
    tableId: 0,
    command: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 0,
    bufferId: 0,
    outPort: 0,
    outGroup: 0,
    flags: 0,
    match,
    instructions: [{ type: 'applyActions', actions: match.map((field) => ({ type: 'setField' as const, field })) }],
  };
}

describe('codec round trip', () => {
  for (const type of NON_MULTIPART_MESSAGE_TYPES) {
    it(`decode(encode(m)) equals m for ${type}`, () => {
      fc.assert(fc.property(messageArbitraries[type] as fc.Arbitrary<OfpMessage>, assertRoundTrip), { numRuns: RUNS_PER_TYPE });
    });
  }

  it('round-trips every modelled OXM field, with and without a mask, in a match and in set_field', () => {
    for (const desc of OXM_FIELDS) {
      for (const masked of [false, true]) {
        fc.assert(
          fc.property(oxmTlvOf(desc, masked), (tlv) => assertRoundTrip(flowModWithMatch([tlv]))),
          { numRuns: 5 },
        );
      }
    }
  });
});

describe('multipart', () => {
  it('decode(encode(m)) equals m for MultipartRequest (every request body type)', () => {
    fc.assert(fc.property(messageArbitraries.MultipartRequest, assertRoundTrip), { numRuns: RUNS_PER_TYPE });
  });

  it('decode(encode(m)) equals m for MultipartReply (every reply body type)', () => {
    fc.assert(fc.property(messageArbitraries.MultipartReply, assertRoundTrip), { numRuns: RUNS_PER_TYPE });
  });
});
