import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, OFPP_CONTROLLER, Reader, Writer } from '../openflow/index.js';
import { InvalidCommandError, writeCommand } from './wit-commands.js';
import type { WitCommand, WitFlowMod } from './wit-types.js';

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
});
