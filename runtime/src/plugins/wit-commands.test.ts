import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, OFPP_CONTROLLER, Reader, Writer } from '../openflow/index.js';
import { InvalidCommandError, writeCommand } from './wit-commands.js';
import type { WitAction, WitCommand, WitFlowMod } from './wit-types.js';

const DPID = '00000000000000a1';

function flowMod(changes: Partial<WitFlowMod> = {}): WitCommand {
  const val: WitFlowMod = {
    cookie: '0',
    cookieMask: '0',
    tableId: 0,
    command: 'add',
    idleTimeout: 60,
    hardTimeout: 0,
    priority: 1,
    bufferId: undefined,
    outPort: undefined,
    outGroup: undefined,
    flags: 0,
    match: [
      { field: 'in_port', value: { tag: 'uint', val: 2 }, mask: undefined },
      { field: 'eth_dst', value: { tag: 'text', val: '02:00:00:00:00:01' }, mask: undefined },
    ],
    instructions: [{ tag: 'apply-actions', val: [{ tag: 'output', val: { port: 1, maxLen: 0 } }] }],
    ...changes,
  };
  return { dpid: DPID, body: { tag: 'flow-mod', val } };
}

/** The `u64 dpid, u32 length, message` records written so far. */
function records(w: Writer): { dpid: bigint; message: ReturnType<typeof decodeMessage> }[] {
  const r = new Reader(w.buf, 0, w.pos, 'test');
  const out = [];
  while (r.remaining() > 0) {
    const dpid = r.u64('dpid');
    out.push({ dpid, message: decodeMessage(r.bytes(r.u32('length'), 'message')) });
  }
  return out;
}

function rejects(c: WitCommand, where: string, detail: RegExp): void {
  const w = new Writer(64);
  assert.throws(
    () => writeCommand(w, c, 'handle', 3),
    (err: unknown) => err instanceof InvalidCommandError && err.where === where && detail.test(err.detail) && err.message === `${where}: ${err.detail}`,
  );
  assert.equal(w.pos, 0, 'nothing is appended for an invalid command');
}

describe('writeCommand: WIT commands to OpenFlow 1.3 records', () => {
  it('appends each command as dpid, length and the encoded message, in order', () => {
    const w = new Writer(16);
    writeCommand(w, flowMod({ cookie: '18446744073709551615', cookieMask: '255' }), 'handle', 0);
    writeCommand(w, { dpid: '00000000000000b2', body: { tag: 'packet-out', val: { bufferId: undefined, inPort: undefined, actions: [{ tag: 'output', val: { port: 3, maxLen: 0 } }], data: new Uint8Array([1, 2, 3]) } } }, 'send', 0);
    const [first, second] = records(w);
    assert.equal(first?.dpid, 0xa1n);
    assert.ok(first?.message.type === 'FlowMod');
    assert.equal(first.message.cookie, 0xffffffffffffffffn);
    assert.equal(first.message.cookieMask, 255n);
    assert.deepEqual(first.message.match, [
      { field: 'in_port', value: 2 },
      { field: 'eth_dst', value: '02:00:00:00:00:01' },
    ]);
    assert.equal(second?.dpid, 0xb2n);
    assert.ok(second?.message.type === 'PacketOut');
    assert.equal(second.message.inPort, OFPP_CONTROLLER);
    assert.deepEqual([...second.message.data], [1, 2, 3]);
  });

  it('names the field of an invalid command by its path, and appends nothing', () => {
    rejects({ ...flowMod(), dpid: 'A1' }, 'handle[3].dpid', /"A1" is not 16 lowercase hex digits/);
    rejects(flowMod({ cookie: '01' }), 'handle[3].body.flow-mod.cookie', /"01" is not a u64 in decimal text/);
    rejects(flowMod({ cookieMask: '18446744073709551616' }), 'handle[3].body.flow-mod.cookie-mask', /is not a u64/);
    rejects(flowMod({ match: [{ field: 'metadata', value: { tag: 'uint', val: 1 }, mask: undefined }, { field: 'metadata', value: { tag: 'big', val: 'x' }, mask: undefined }] }), 'handle[3].body.flow-mod.match[1].value', /"x" is not a u64/);
    rejects(
      flowMod({ instructions: [{ tag: 'goto-table', val: 1 }, { tag: 'write-actions', val: [{ tag: 'set-field', val: { field: 'metadata', value: { tag: 'uint', val: 0 }, mask: { tag: 'big', val: '-1' } } }] }] }),
      'handle[3].body.flow-mod.instructions[1].write-actions[0].set-field.mask',
      /"-1" is not a u64/,
    );
    rejects({ dpid: DPID, body: { tag: 'raw', val: new Uint8Array([4, 0]) } }, 'handle[3].body.raw', /2 bytes is shorter than an OpenFlow header/);
    rejects(flowMod({ match: [{ field: 'no_such_field', value: { tag: 'uint', val: 1 }, mask: undefined }] }), 'handle[3].body', /no_such_field/);
  });

  it('turns the Nicira actions of world 0.2.0 into the codec\'s typed values, which go out as NX action bytes', () => {
    const noNat = { rangeIpv4Min: undefined, rangeIpv4Max: undefined, rangeIpv6Min: undefined, rangeIpv6Max: undefined, rangeProtoMax: undefined };
    const actions: WitAction[] = [
      {
        tag: 'nx-ct',
        val: {
          flags: 1, zoneSrc: undefined, zoneOfsNbits: 5, recircTable: 1, alg: 0,
          actions: [
            { tag: 'nx-nat', val: { flags: 1, ...noNat, rangeIpv4Min: '10.0.0.9', rangeProtoMin: 1024 } },
            { tag: 'set-field', val: { field: 'ct_mark', value: { tag: 'uint', val: 7 }, mask: undefined } },
          ],
        },
      },
      { tag: 'nx-ct-clear' },
      { tag: 'nx-resubmit', val: 0xfff8 },
      { tag: 'nx-resubmit-table', val: { inPort: 0xfff8, tableId: 2 } },
      { tag: 'nx-reg-load', val: { ofsNbits: (0 << 6) | 31, dst: { tag: 'name', val: 'reg0' }, value: '4294967295' } },
      { tag: 'nx-reg-move', val: { nBits: 16, srcOfs: 0, dstOfs: 16, srcField: { tag: 'name', val: 'reg1' }, dstField: { tag: 'name', val: 'reg2' } } },
      { tag: 'nx-conjunction', val: { clause: 1, nClauses: 2, id: 9 } },
      { tag: 'nx-note', val: new Uint8Array([1, 2, 3, 4, 5, 6]) },
      {
        tag: 'nx-learn',
        val: {
          idleTimeout: 10, hardTimeout: 0, priority: 5, cookie: '3', flags: 0, tableId: 1, finIdleTimeout: 0, finHardTimeout: 0,
          specs: [
            { type: 'match', nBits: 48, src: { tag: 'field', val: { field: { tag: 'name', val: 'eth_src_nxm' }, ofs: 0 } }, dst: { field: { tag: 'name', val: 'eth_dst_nxm' }, ofs: 0 } },
            { type: 'load', nBits: 16, src: { tag: 'value', val: new Uint8Array([0x01, 0x02]) }, dst: { field: { tag: 'name', val: 'reg0' }, ofs: 0 } },
            { type: 'output', nBits: 32, src: { tag: 'field', val: { field: { tag: 'name', val: 'in_port' }, ofs: 0 } }, dst: undefined },
          ],
        },
      },
    ];
    const w = new Writer(64);
    writeCommand(w, flowMod({ instructions: [{ tag: 'apply-actions', val: actions }] }), 'handle', 0);
    const [record] = records(w);
    assert.ok(record?.message.type === 'FlowMod' && record.message.instructions[0]?.type === 'applyActions');
    assert.deepEqual(record.message.instructions[0].actions, [
      {
        type: 'nxCt', flags: 1, zoneSrc: '', zoneOfsNbits: 5, recircTable: 1, alg: 0,
        actions: [
          { type: 'nxNat', flags: 1, rangeIpv4Min: '10.0.0.9', rangeProtoMin: 1024 },
          { type: 'setField', field: { field: 'ct_mark', value: 7 } },
        ],
      },
      { type: 'nxCtClear' },
      { type: 'nxResubmit', inPort: 0xfff8 },
      { type: 'nxResubmitTable', inPort: 0xfff8, tableId: 2 },
      { type: 'nxRegLoad', ofsNbits: 31, dst: 'reg0', value: 0xffffffffn },
      { type: 'nxRegMove', nBits: 16, srcOfs: 0, dstOfs: 16, srcField: 'reg1', dstField: 'reg2' },
      { type: 'nxConjunction', clause: 1, nClauses: 2, id: 9 },
      { type: 'nxNote', note: Buffer.from([1, 2, 3, 4, 5, 6]) },
      {
        type: 'nxLearn', idleTimeout: 10, hardTimeout: 0, priority: 5, cookie: 3n, flags: 0, tableId: 1, finIdleTimeout: 0, finHardTimeout: 0,
        specs: [
          { type: 'match', src: { field: 'eth_src_nxm', ofs: 0 }, dst: { field: 'eth_dst_nxm', ofs: 0 }, nBits: 48 },
          { type: 'load', src: 0x0102n, dst: { field: 'reg0', ofs: 0 }, nBits: 16 },
          { type: 'output', src: { field: 'in_port', ofs: 0 }, nBits: 32 },
        ],
      },
    ]);
  });

  it('names the field of an invalid Nicira action', () => {
    const learnWithoutDst: WitAction = {
      tag: 'nx-learn',
      val: { idleTimeout: 0, hardTimeout: 0, priority: 0, cookie: '0', flags: 0, tableId: 1, finIdleTimeout: 0, finHardTimeout: 0, specs: [{ type: 'load', nBits: 8, src: { tag: 'value', val: new Uint8Array([1]) }, dst: undefined }] },
    };
    rejects(flowMod({ instructions: [{ tag: 'apply-actions', val: [learnWithoutDst] }] }), 'handle[3].body.flow-mod.instructions[0].apply-actions[0].nx-learn.specs[0].dst', /a load spec needs a dst/);
    rejects(flowMod({ instructions: [{ tag: 'apply-actions', val: [{ tag: 'nx-reg-load', val: { ofsNbits: 31, dst: { tag: 'name', val: 'reg0' }, value: 'x' } }] }] }), 'handle[3].body.flow-mod.instructions[0].apply-actions[0].nx-reg-load.value', /"x" is not a u64/);
    rejects(flowMod({ instructions: [{ tag: 'apply-actions', val: [{ tag: 'nx-reg-load', val: { ofsNbits: 31, dst: { tag: 'name', val: 'no_such_reg' }, value: '1' } }] }] }), 'handle[3].body', /no_such_reg/);
  });
});

