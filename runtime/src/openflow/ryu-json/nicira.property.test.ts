import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normalize } from '../testing/arbitraries.js';
import { messageArbitraries } from '../testing/arbitraries-messages.js';
import { niciraAction } from '../testing/arbitraries-nicira.js';
import type { OfpMessage } from '../messages.js';
import { fromRyuJson, parseRyuJson, stringifyRyuJson, toRyuJson } from './index.js';

/**
 * Nicira actions and ONF flow monitors through Ryu's JSON text and back give the
 * same value: fromRyuJson(parse(stringify(toRyuJson(m)))) deep-equals m.
 */

const RUNS = 200;

function assertJsonRoundTrip(m: OfpMessage): void {
  const text = stringifyRyuJson(toRyuJson(m));
  assert.deepStrictEqual(normalize(fromRyuJson(parseRyuJson(text), { version: m.version, xid: m.xid })), normalize(m), text);
}

const plain = fc.constant({ type: 'output' as const, port: 1, maxLen: 0 });

describe('Nicira and ONF values through Ryu JSON', () => {
  it('a PACKET_OUT of Nicira actions round-trips', () => {
    const msg = fc
      .tuple(messageArbitraries.PacketOut, fc.array(niciraAction(plain), { minLength: 1, maxLength: 4 }))
      .map(([m, actions]): OfpMessage => ({ ...m, actions }));
    fc.assert(fc.property(msg, assertJsonRoundTrip), { numRuns: RUNS });
  });

  it('an ONF flow-monitor request round-trips', () => {
    const msg = messageArbitraries.MultipartRequest.filter((m) => m.body.type === 'onfFlowMonitor');
    fc.assert(fc.property(msg, assertJsonRoundTrip), { numRuns: 50 });
  });
});
