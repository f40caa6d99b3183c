import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMessage, encodeMessageInto } from './codec.js';
import { OfpEncodeError } from './errors.js';
import type { OfpMessage } from './messages.js';
import { Writer } from './writer.js';

/**
 * Regression examples for bad input the property tests found: each one used to
 * crash with a TypeError/RangeError, hang, or be written silently wrong.
 */

/** Asserts that encoding `value` (untyped on purpose) fails with OfpEncodeError on `field`. */
function assertEncodeFails(value: unknown, field: string): void {
  assert.throws(
    () => encodeMessage(value as OfpMessage),
    (err: unknown) => err instanceof OfpEncodeError && err.field === field,
    `expected OfpEncodeError on ${field}`,
  );
}

describe('encoder hardening', () => {
  it('rejects a bigint where a number belongs (was a TypeError from the range check)', () => {
    assertEncodeFails({ type: 'EchoRequest', version: 4, xid: 7n, data: Buffer.alloc(0) }, 'xid');
    assertEncodeFails({ type: 'SetConfig', version: 4, xid: 1, flags: 1n, missSendLen: 0 }, 'flags');
    assertEncodeFails({ type: 'TableMod', version: 4, xid: 1, tableId: 1n, config: 0 }, 'table_id');
  });

  it('grows a writer created with capacity 0 (ensure() used to loop forever doubling 0)', () => {
    const w = new Writer(0);
    const n = encodeMessageInto({ type: 'EchoRequest', version: 4, xid: 1, data: Buffer.from('abc') }, w);
    assert.equal(n, 11);
    assert.equal(w.view().toString('hex'), '0402000b00000001616263');
  });

  it('rejects bytes that are not a Uint8Array (a string or array was written as zeros)', () => {
    assertEncodeFails({ type: 'EchoRequest', version: 4, xid: 1, data: 'abc' }, 'data');
    assertEncodeFails({ type: 'Unknown', version: 4, xid: 1, msgType: 40, body: [1, 2, 3] }, 'body');
    const experimenterAction = { type: 'experimenter', experimenter: 0x2320, data: 'abcdefgh' };
    assertEncodeFails({ type: 'PacketOut', version: 4, xid: 1, bufferId: 0, inPort: 0, actions: [experimenterAction], data: Buffer.alloc(0) }, 'action.data');
    const opaqueOxm = { field: 'opaque', oxmClass: 3, oxmField: 1, hasMask: false, payload: 7 };
    assertEncodeFails({ type: 'PacketOut', version: 4, xid: 1, bufferId: 0, inPort: 0, actions: [{ type: 'setField', field: opaqueOxm }], data: Buffer.alloc(0) }, 'oxm.payload');
  });
});
