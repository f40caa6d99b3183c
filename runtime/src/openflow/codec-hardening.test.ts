import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, encodeMessage, encodeMessageInto } from './codec.js';
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

  it('rejects a list that is not a list, or a structure that is not an object (both were TypeErrors)', () => {
    const packetOut = { type: 'PacketOut', version: 4, xid: 1, bufferId: 0, inPort: 0, actions: [], data: Buffer.alloc(0) };
    assertEncodeFails({ ...packetOut, actions: null }, 'actions');
    assertEncodeFails({ ...packetOut, actions: [null] }, 'action');
    assertEncodeFails({ type: 'GroupMod', version: 4, xid: 1, command: 0, groupType: 0, groupId: 1, buckets: 7 }, 'buckets');
    assertEncodeFails({ type: 'MeterMod', version: 4, xid: 1, command: 0, flags: 0, meterId: 1, bands: [undefined] }, 'band');
    assertEncodeFails({ type: 'QueueGetConfigReply', version: 4, xid: 1, port: 1, queues: [{ queueId: 1, port: 1, properties: {} }] }, 'queue.properties');
    assertEncodeFails({ type: 'PortStatus', version: 4, xid: 1, reason: 0, desc: null }, 'port');
    assertEncodeFails({ type: 'Hello', version: 4, xid: 1, elements: [null] }, 'elements');
  });

  it('rejects a port name that is not a string (Buffer.byteLength threw a TypeError)', () => {
    const desc = { portNo: 1, hwAddr: '00:00:00:00:00:01', name: 7, config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 };
    assertEncodeFails({ type: 'PortStatus', version: 4, xid: 1, reason: 0, desc }, 'port.name');
  });

  it('names the version when it is not a byte (a bigint version failed on "type", null crashed)', () => {
    assertEncodeFails({ type: 'BarrierRequest', version: 4n, xid: 1 }, 'version');
    assertEncodeFails({ type: 'BarrierRequest', version: null, xid: 1 }, 'version');
    assertEncodeFails({ type: 'Unknown', version: 256, xid: 1, msgType: 40, body: Buffer.alloc(0) }, 'version');
    assertEncodeFails(null, 'type');
  });

  it('checks each part of an opaque OXM header (a 256-byte payload or field 128 spilled into the next part)', () => {
    const withOxm = (oxm: object): unknown => ({ type: 'FlowRemoved', version: 4, xid: 1, cookie: 0n, priority: 0, reason: 0, tableId: 0, durationSec: 0, durationNsec: 0, idleTimeout: 0, hardTimeout: 0, packetCount: 0n, byteCount: 0n, match: [oxm] });
    const opaque = { field: 'opaque', oxmClass: 0x0003, oxmField: 1, hasMask: false, payload: Buffer.alloc(255, 0xab) };
    const ok = withOxm(opaque) as OfpMessage;
    assert.deepStrictEqual(decodeMessage(encodeMessage(ok)), ok);
    assertEncodeFails(withOxm({ ...opaque, payload: Buffer.alloc(256) }), 'oxm.payload');
    assertEncodeFails(withOxm({ ...opaque, oxmField: 128 }), 'oxm.field');
    assertEncodeFails(withOxm({ ...opaque, oxmClass: 0x10000 }), 'oxm.class');
    assertEncodeFails(withOxm({ ...opaque, hasMask: 1 }), 'oxm.hasmask');
  });

  it('checks HELLO bitmapWords and versions (bitmapWords 0 dropped the versions, -1 wrote length 0)', () => {
    const hello = (element: object): unknown => ({ type: 'Hello', version: 4, xid: 1, elements: [element] });
    assertEncodeFails(hello({ type: 'versionBitmap', versions: [1, 4], bitmapWords: 0 }), 'elements.versions');
    assertEncodeFails(hello({ type: 'versionBitmap', versions: [], bitmapWords: -1 }), 'elements.length');
    assertEncodeFails(hello({ type: 'versionBitmap', versions: [], bitmapWords: 1.5 }), 'elements.length');
    assertEncodeFails(hello({ type: 'versionBitmap', versions: [4n] }), 'elements.versions');
    assertEncodeFails(hello({ type: 'versionBitmap', versions: 'abc' }), 'elements.versions');
  });

  it('rejects an unknown HELLO element tag (it was encoded as an opaque element)', () => {
    assertEncodeFails({ type: 'Hello', version: 4, xid: 1, elements: [{ type: 'bogus', elementType: 9, data: Buffer.alloc(0) }] }, 'elements.type');
  });

  it('rejects FEATURES_REPLY fields the version does not have (they were dropped silently)', () => {
    const reply = { type: 'FeaturesReply', xid: 1, datapathId: 1n, nBuffers: 0, nTables: 1, auxiliaryId: 0, capabilities: 0, reserved: 0 };
    assertEncodeFails({ ...reply, version: 1, auxiliaryId: 2, actions: 0, ports: [] }, 'auxiliary_id');
    assertEncodeFails({ ...reply, version: 1, reserved: 5, actions: 0, ports: [] }, 'reserved');
    assertEncodeFails({ ...reply, version: 4, actions: 0xfff }, 'actions');
    assertEncodeFails({ ...reply, version: 4, ports: [] }, 'ports');
  });

  it('rejects an experimenter error for OpenFlow 1.0 (it decoded back as a different plain error)', () => {
    assertEncodeFails({ type: 'ErrorExperimenter', version: 1, xid: 1, expType: 1, experimenter: 0x2320, data: Buffer.alloc(0) }, 'type');
  });

  it('rejects IPv4 text with a leading zero (010.0.0.1 was taken as 10.0.0.1; inet_aton reads 8.0.0.1)', () => {
    const setField = (value: string): unknown => ({
      type: 'PacketOut', version: 4, xid: 1, bufferId: 0, inPort: 0, data: Buffer.alloc(0),
      actions: [{ type: 'setField', field: { field: 'ipv4_dst', value } }],
    });
    assertEncodeFails(setField('010.0.0.1'), 'ipv4_dst');
    assertEncodeFails(setField('10.0.0.01'), 'ipv4_dst');
    assert.doesNotThrow(() => encodeMessage(setField('10.0.0.0') as OfpMessage));
  });
});
