import { GuestDataError } from './errors.js';
import type { GuestMemory } from './guest-memory.js';
import type { WitAction, WitCommand, WitCommandBody, WitFlowModCommand, WitInstruction, WitNxCt, WitNxFlowSpec, WitNxFlowSpecField, WitNxLearn, WitNxmField, WitNxNat, WitOxmField, WitOxmValue } from './wit-types.js';

/**
 * Lifts the `list<command>` a 0.2.0 guest's core `handle` returned (its return
 * area: ptr, len) into the values jco's glue makes of it, field for field and
 * key for key. Offsets are the canonical ABI's flat layout of wit/plugin.wit
 * (jco's generated `handle` is the reference; glue.test.ts compares both on
 * every case). A discriminant no case has, or a string or list beyond the
 * memory, throws GuestDataError; a field read beyond it, a RangeError.
 */

/** Element sizes of the lists (canonical ABI: fields aligned, size rounded to the alignment). */
const COMMAND = 80;
const OXM_FIELD = 36;
const INSTRUCTION = 20;
const ACTION = 64;
const NX_CT_NESTED = 64;
const NX_FLOW_SPEC = 44;

const FLOW_MOD_COMMANDS: readonly WitFlowModCommand[] = ['add', 'modify', 'modify-strict', 'delete', 'delete-strict'];
const SPEC_TYPES: readonly WitNxFlowSpec['type'][] = ['match', 'load', 'output'];

function bad(what: string, disc: number): never {
  throw new GuestDataError(`${what}: no case has discriminant ${disc}`);
}

/** An `option` whose discriminant is at `at` and payload at `at + payload`. */
function present(m: GuestMemory, at: number): boolean {
  const disc = m.u8Of(at);
  if (disc > 1) bad('option', disc);
  return disc === 1;
}

function optionU32(m: GuestMemory, at: number): number | undefined {
  return present(m, at) ? m.u32Of(at + 4) : undefined;
}

function optionU16(m: GuestMemory, at: number): number | undefined {
  return present(m, at) ? m.u16Of(at + 2) : undefined;
}

function optionString(m: GuestMemory, at: number): string | undefined {
  return present(m, at) ? m.stringOf(at + 4, 'option<string>') : undefined;
}

function oxmValue(m: GuestMemory, at: number): WitOxmValue {
  const disc = m.u8Of(at);
  switch (disc) {
    case 0:
      return { tag: 'uint', val: m.u32Of(at + 4) };
    case 1:
      return { tag: 'big', val: m.stringOf(at + 4, 'oxm-value') };
    case 2:
      return { tag: 'text', val: m.stringOf(at + 4, 'oxm-value') };
    default:
      return bad('oxm-value', disc);
  }
}

function oxmField(m: GuestMemory, at: number): WitOxmField {
  return { field: m.stringOf(at, 'oxm-field'), value: oxmValue(m, at + 8), mask: present(m, at + 20) ? oxmValue(m, at + 24) : undefined };
}

function oxmFields(m: GuestMemory, at: number): WitOxmField[] {
  const ptr = m.listOf(at, OXM_FIELD, 'list<oxm-field>');
  const out: WitOxmField[] = [];
  for (let i = 0, n = m.lengthOf(at); i < n; i++) out.push(oxmField(m, ptr + i * OXM_FIELD));
  return out;
}

function nxmField(m: GuestMemory, at: number): WitNxmField {
  const disc = m.u8Of(at);
  if (disc === 0) return { tag: 'name', val: m.stringOf(at + 4, 'nxm-field') };
  if (disc === 1) return { tag: 'header', val: m.u32Of(at + 4) };
  return bad('nxm-field', disc);
}

function nat(m: GuestMemory, at: number): WitNxNat {
  return {
    flags: m.u16Of(at),
    rangeIpv4Min: optionString(m, at + 4),
    rangeIpv4Max: optionString(m, at + 16),
    rangeIpv6Min: optionString(m, at + 28),
    rangeIpv6Max: optionString(m, at + 40),
    rangeProtoMin: optionU16(m, at + 52),
    rangeProtoMax: optionU16(m, at + 56),
  };
}

function ct(m: GuestMemory, at: number): WitNxCt {
  const flags = m.u16Of(at);
  const zoneSrc = present(m, at + 4) ? nxmField(m, at + 8) : undefined;
  const ptr = m.listOf(at + 28, NX_CT_NESTED, 'list<nx-ct-nested-action>');
  const actions: WitNxCt['actions'] = [];
  for (let i = 0, n = m.lengthOf(at + 28); i < n; i++) {
    const base = ptr + i * NX_CT_NESTED;
    const disc = m.u8Of(base);
    if (disc === 0) actions.push({ tag: 'set-field', val: oxmField(m, base + 4) });
    else if (disc === 1) actions.push({ tag: 'nx-nat', val: nat(m, base + 4) });
    else bad('nx-ct-nested-action', disc);
  }
  return { flags, zoneSrc, zoneOfsNbits: m.u16Of(at + 20), recircTable: m.u8Of(at + 22), alg: m.u16Of(at + 24), actions };
}

function specField(m: GuestMemory, at: number): WitNxFlowSpecField {
  return { field: nxmField(m, at), ofs: m.u16Of(at + 12) };
}

function spec(m: GuestMemory, at: number): WitNxFlowSpec {
  const typeDisc = m.u8Of(at);
  const type = SPEC_TYPES[typeDisc] ?? bad('nx-flow-spec-type', typeDisc);
  const srcDisc = m.u8Of(at + 4);
  let src: WitNxFlowSpec['src'];
  if (srcDisc === 0) src = { tag: 'field', val: specField(m, at + 8) };
  else if (srcDisc === 1) src = { tag: 'value', val: m.bytesOf(at + 8, 'nx-flow-spec-source') };
  else return bad('nx-flow-spec-source', srcDisc);
  return { type, nBits: m.u16Of(at + 2), src, dst: present(m, at + 24) ? specField(m, at + 28) : undefined };
}

function learn(m: GuestMemory, at: number): WitNxLearn {
  const ptr = m.listOf(at + 24, NX_FLOW_SPEC, 'list<nx-flow-spec>');
  const specs: WitNxFlowSpec[] = [];
  for (let i = 0, n = m.lengthOf(at + 24); i < n; i++) specs.push(spec(m, ptr + i * NX_FLOW_SPEC));
  return {
    idleTimeout: m.u16Of(at),
    hardTimeout: m.u16Of(at + 2),
    priority: m.u16Of(at + 4),
    cookie: m.stringOf(at + 8, 'nx-learn-action'),
    flags: m.u16Of(at + 16),
    tableId: m.u8Of(at + 18),
    finIdleTimeout: m.u16Of(at + 20),
    finHardTimeout: m.u16Of(at + 22),
    specs,
  };
}

/** One `action`: its discriminant at `at`, its payload at `at + 4`. */
function action(m: GuestMemory, at: number): WitAction {
  const v = at + 4;
  const disc = m.u8Of(at);
  switch (disc) {
    case 0:
      return { tag: 'output', val: { port: m.u32Of(v), maxLen: m.u16Of(v + 4) } };
    case 1:
      return { tag: 'copy-ttl-out' };
    case 2:
      return { tag: 'copy-ttl-in' };
    case 3:
      return { tag: 'set-mpls-ttl', val: m.u8Of(v) };
    case 4:
      return { tag: 'dec-mpls-ttl' };
    case 5:
      return { tag: 'push-vlan', val: m.u16Of(v) };
    case 6:
      return { tag: 'pop-vlan' };
    case 7:
      return { tag: 'push-mpls', val: m.u16Of(v) };
    case 8:
      return { tag: 'pop-mpls', val: m.u16Of(v) };
    case 9:
      return { tag: 'set-queue', val: m.u32Of(v) };
    case 10:
      return { tag: 'group', val: m.u32Of(v) };
    case 11:
      return { tag: 'set-nw-ttl', val: m.u8Of(v) };
    case 12:
      return { tag: 'dec-nw-ttl' };
    case 13:
      return { tag: 'set-field', val: oxmField(m, v) };
    case 14:
      return { tag: 'push-pbb', val: m.u16Of(v) };
    case 15:
      return { tag: 'pop-pbb' };
    case 16:
      return { tag: 'experimenter', val: { experimenter: m.u32Of(v), data: m.bytesOf(v + 4, 'experimenter-body') } };
    case 17:
      return { tag: 'nx-ct', val: ct(m, v) };
    case 18:
      return { tag: 'nx-ct-clear' };
    case 19:
      return { tag: 'nx-nat', val: nat(m, v) };
    case 20:
      return { tag: 'nx-resubmit', val: m.u16Of(v) };
    case 21:
      return { tag: 'nx-resubmit-table', val: { inPort: m.u16Of(v), tableId: m.u8Of(v + 2) } };
    case 22:
      return { tag: 'nx-learn', val: learn(m, v) };
    case 23:
      return { tag: 'nx-reg-load', val: { ofsNbits: m.u16Of(v), dst: nxmField(m, v + 4), value: m.stringOf(v + 16, 'nx-reg-load-action') } };
    case 24:
      return { tag: 'nx-reg-move', val: { nBits: m.u16Of(v), srcOfs: m.u16Of(v + 2), dstOfs: m.u16Of(v + 4), srcField: nxmField(m, v + 8), dstField: nxmField(m, v + 20) } };
    case 25:
      return { tag: 'nx-conjunction', val: { clause: m.u8Of(v), nClauses: m.u8Of(v + 1), id: m.u32Of(v + 4) } };
    case 26:
      return { tag: 'nx-note', val: m.bytesOf(v, 'nx-note') };
    default:
      return bad('action', disc);
  }
}

function actions(m: GuestMemory, at: number): WitAction[] {
  const ptr = m.listOf(at, ACTION, 'list<action>');
  const out: WitAction[] = [];
  for (let i = 0, n = m.lengthOf(at); i < n; i++) out.push(action(m, ptr + i * ACTION));
  return out;
}

function instruction(m: GuestMemory, at: number): WitInstruction {
  const v = at + 4;
  const disc = m.u8Of(at);
  switch (disc) {
    case 0:
      return { tag: 'goto-table', val: m.u8Of(v) };
    case 1:
      return { tag: 'write-metadata', val: { metadata: m.stringOf(v, 'write-metadata'), mask: m.stringOf(v + 8, 'write-metadata') } };
    case 2:
      return { tag: 'write-actions', val: actions(m, v) };
    case 3:
      return { tag: 'apply-actions', val: actions(m, v) };
    case 4:
      return { tag: 'clear-actions' };
    case 5:
      return { tag: 'meter', val: m.u32Of(v) };
    default:
      return bad('instruction', disc);
  }
}

/** A `flow-mod` whose record starts at `at`. */
function flowMod(m: GuestMemory, at: number): WitCommandBody {
  const commandDisc = m.u8Of(at + 17);
  const command = FLOW_MOD_COMMANDS[commandDisc] ?? bad('flow-mod-command', commandDisc);
  const ptr = m.listOf(at + 60, INSTRUCTION, 'list<instruction>');
  const instructions: WitInstruction[] = [];
  for (let i = 0, n = m.lengthOf(at + 60); i < n; i++) instructions.push(instruction(m, ptr + i * INSTRUCTION));
  return {
    tag: 'flow-mod',
    val: {
      cookie: m.stringOf(at, 'flow-mod'),
      cookieMask: m.stringOf(at + 8, 'flow-mod'),
      tableId: m.u8Of(at + 16),
      command,
      idleTimeout: m.u16Of(at + 18),
      hardTimeout: m.u16Of(at + 20),
      priority: m.u16Of(at + 22),
      bufferId: optionU32(m, at + 24),
      outPort: optionU32(m, at + 32),
      outGroup: optionU32(m, at + 40),
      flags: m.u16Of(at + 48),
      match: oxmFields(m, at + 52),
      instructions,
    },
  };
}

/** A `command-body`: its discriminant at `at`, its payload at `at + 4`. */
function body(m: GuestMemory, at: number): WitCommandBody {
  const v = at + 4;
  const disc = m.u8Of(at);
  switch (disc) {
    case 0:
      return flowMod(m, v);
    case 1:
      return { tag: 'packet-out', val: { bufferId: optionU32(m, v), inPort: optionU32(m, v + 8), actions: actions(m, v + 16), data: m.bytesOf(v + 24, 'packet-out') } };
    case 2:
      return { tag: 'barrier' };
    case 3:
      return { tag: 'raw', val: m.bytesOf(v, 'raw') };
    default:
      return bad('command-body', disc);
  }
}

/**
 * The commands of the return area at `ret` (a `list<command>`: ptr, len).
 * @throws GuestDataError or RangeError when the guest's data is malformed.
 */
export function liftCommands(m: GuestMemory, ret: number): WitCommand[] {
  m.fresh();
  const ptr = m.listOf(ret, COMMAND, 'list<command>');
  const out: WitCommand[] = [];
  for (let i = 0, n = m.lengthOf(ret); i < n; i++) {
    const base = ptr + i * COMMAND;
    out.push({ dpid: m.stringOf(base, 'command'), body: body(m, base + 8) });
  }
  return out;
}
