import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, encodeMessage } from '../codec.js';
import { OfpDecodeError, OfpEncodeError } from '../errors.js';
import type { OfpMessage } from '../messages.js';
import type { Action } from '../structs.js';
import { NX_CT_MAX_NESTING, NX_ACTION_CT_SIZE, NX_ACTION_NAT_SIZE } from './ct.js';
import { FIXED_LAYOUTS, NX_ACTION_HEADER_0_SIZE, NX_EXPERIMENTER_ID, slotSize } from './layouts.js';
import { NX_ACTION_LEARN_SIZE } from './learn.js';
import type { NXAction } from './types.js';
import { NX_ACTION_BUNDLE_SIZE, NX_ACTION_CNT_IDS_SIZE, NX_ACTION_CONTROLLER2_SIZE } from './variable.js';

/**
 * The Nicira layouts against their named sizes, and the decoder's answer to
 * bytes it cannot take or cannot type. Ryu's vectors (../conformance.test.ts)
 * and the property tests cover the values themselves.
 */

function packetOut(actions: readonly Action[]): OfpMessage {
  return { type: 'PacketOut', version: 4, xid: 1, bufferId: 0xffffffff, inPort: 0xfffffffd, actions, data: Buffer.alloc(0) };
}

/** The wire bytes of one action (ofp_action_header.len included) inside a PACKET_OUT. */
function actionBytes(a: Action): Buffer {
  return encodeMessage(packetOut([a])).subarray(24);
}

/** A PACKET_OUT holding `action` given as hex (type, len, experimenter, ...), sent as is. */
function withRawAction(hex: string): Buffer {
  const raw = Buffer.from(hex.replace(/\s/g, ''), 'hex');
  const msg = Buffer.from(encodeMessage(packetOut([{ type: 'experimenter', experimenter: 1, data: Buffer.alloc(raw.length - 8) }])));
  raw.copy(msg, 24);
  return msg;
}

function decodedAction(msg: Buffer): Action {
  const m = decodeMessage(msg);
  assert.equal(m.type, 'PacketOut');
  return (m as Extract<OfpMessage, { type: 'PacketOut' }>).actions[0]!;
}

function rejects(msg: Buffer, field: string): void {
  assert.throws(() => decodeMessage(msg), (err: unknown) => err instanceof OfpDecodeError && err.field === field);
}

describe('Nicira action sizes', () => {
  it('every fixed layout fills its named size once padded to 8', () => {
    for (const [type, layout] of Object.entries(FIXED_LAYOUTS)) {
      const body = layout.slots.reduce((sum: number, s) => sum + slotSize(s), 0);
      assert.equal((NX_ACTION_HEADER_0_SIZE + body + 7) & ~7, layout.size, type);
    }
  });

  it('the variable actions without their lists are their named sizes', () => {
    const empty: [NXAction, number][] = [
      [{ type: 'nxLearn', idleTimeout: 0, hardTimeout: 0, priority: 0, cookie: 0n, flags: 0, tableId: 0, finIdleTimeout: 0, finHardTimeout: 0, specs: [] }, NX_ACTION_LEARN_SIZE],
      [{ type: 'nxCt', flags: 0, zoneSrc: '', zoneOfsNbits: 0, recircTable: 0, alg: 0, actions: [] }, NX_ACTION_CT_SIZE],
      [{ type: 'nxNat', flags: 0 }, NX_ACTION_NAT_SIZE],
      [{ type: 'nxBundle', algorithm: 0, fields: 0, basis: 0, slaveType: 0, ofsNbits: 0, dst: '', slaves: [] }, NX_ACTION_BUNDLE_SIZE],
      [{ type: 'nxDecTtlCntIds', cntIds: [] }, NX_ACTION_CNT_IDS_SIZE],
      [{ type: 'nxController2', pause: false }, NX_ACTION_CONTROLLER2_SIZE],
    ];
    for (const [a, size] of empty) assert.equal(actionBytes(a).length, size, a.type);
  });
});

describe('Nicira actions the value cannot hold stay opaque', () => {
  it('an unmodelled subtype', () => {
    const msg = withRawAction('ffff 0010 00002320 0063 000000000000');
    assert.deepEqual(decodedAction(msg), { type: 'experimenter', experimenter: NX_EXPERIMENTER_ID, data: Buffer.from('0063000000000000', 'hex') });
    assert.deepEqual(encodeMessage(decodeMessage(msg)), msg);
  });

  it('a controller2 property of a type Open vSwitch added later (meter_id, 5)', () => {
    const msg = withRawAction('ffff 0020 00002320 0025 000000000000 0000 0008 0400 0000 0005 0008 0000 0007');
    assert.equal(decodedAction(msg).type, 'experimenter');
    assert.deepEqual(encodeMessage(decodeMessage(msg)), msg);
  });

  it('a header that is not a modelled field in canonical form is kept as its number', () => {
    // reg_load to NXM_NX_REG0 with the mask bit set (0x00010104 | 0x100).
    const msg = withRawAction('ffff 0018 00002320 0007 001f 00010104 0000000000000001');
    assert.deepEqual(decodedAction(msg), { type: 'nxRegLoad', ofsNbits: 31, dst: 0x00010104, value: 1n });
    assert.deepEqual(encodeMessage(decodeMessage(msg)), msg);
  });
});

describe('bad Nicira bytes are an OfpDecodeError naming the field', () => {
  it('a fixed-size action of another length', () => {
    rejects(withRawAction('ffff 0018 00002320 000e 0001 02 000000 0000000000000000'), 'action.len');
  });

  it('a learn spec with the reserved destination type 3', () => {
    const fixed = '0000 0000 0000 0000000000000000 0000 00 00 0000 0000';
    rejects(withRawAction(`ffff 0028 00002320 0010 ${fixed} 180c 0000 0000 0000`), 'learn.spec.header');
  });

  it('learn specs that end before the padding does', () => {
    const fixed = '0000 0000 0000 0000000000000000 0000 00 00 0000 0000';
    rejects(withRawAction(`ffff 0030 00002320 0010 ${fixed} 280c 0000 80000c02 0000 0000 0000000000000000`), 'action.len');
  });

  it('a nat range_present bit no range has', () => {
    rejects(withRawAction('ffff 0010 00002320 0024 0000 0000 0040'), 'nat.range_present');
  });

  it('ct nested deeper than the bound, and such a value does not encode', () => {
    const ctAround = (inner: string): string => {
      const len = NX_ACTION_CT_SIZE + inner.length / 2;
      return `ffff${len.toString(16).padStart(4, '0')}000023200023${'00'.repeat(14)}${inner}`;
    };
    let hex = 'ffff001000002320002b000000000000';
    for (let i = 0; i < NX_CT_MAX_NESTING; i++) hex = ctAround(hex);
    assert.equal(decodedAction(withRawAction(hex)).type, 'nxCt');
    rejects(withRawAction(ctAround(hex)), 'ct.actions');

    let value: Action = { type: 'nxExit' };
    for (let i = 0; i <= NX_CT_MAX_NESTING; i++) value = { type: 'nxCt', flags: 0, zoneSrc: '', zoneOfsNbits: 0, recircTable: 0, alg: 0, actions: [value] };
    assert.throws(() => encodeMessage(packetOut([value])), (err: unknown) => err instanceof OfpEncodeError && err.field === 'ct.actions');
  });
});
