import {
  decodeMessage,
  encodeMessageInto,
  OFP_NO_BUFFER,
  OFPG_ANY,
  OFPP_ANY,
  OFPP_CONTROLLER,
  type Action,
  type Instruction,
  type OfpMessage,
  type OxmField,
  type OxmValue,
  type Writer,
} from '../openflow/index.js';
import type { WitAction, WitCommand, WitInstruction, WitOxmField, WitOxmValue } from './wit-types.js';

/** A command a plugin returned or sent that cannot become an OpenFlow message; `where` names the field. */
export class InvalidCommandError extends Error {
  constructor(where: string, detail: string) {
    super(`${where}: ${detail}`);
  }
}

const FLOW_MOD_COMMANDS = { add: 0, modify: 1, 'modify-strict': 2, delete: 3, 'delete-strict': 4 } as const;
const DPID = /^[0-9a-f]{16}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;
const MAX_U64 = 0xffffffffffffffffn;
const OFP_VERSION = 4;
const OFP_HEADER_LEN = 8;

function u64(text: string, where: string): bigint {
  if (!DECIMAL.test(text) || BigInt(text) > MAX_U64) throw new InvalidCommandError(where, `${JSON.stringify(text.slice(0, 40))} is not a u64 in decimal text`);
  return BigInt(text);
}

function oxmValue(v: WitOxmValue, where: string): OxmValue {
  return v.tag === 'big' ? u64(v.val, where) : v.val;
}

function oxm(f: WitOxmField, where: string): OxmField {
  const value = oxmValue(f.value, `${where}.value`);
  return f.mask === undefined ? { field: f.field, value } : { field: f.field, value, mask: oxmValue(f.mask, `${where}.mask`) };
}

function action(a: WitAction, where: string): Action {
  switch (a.tag) {
    case 'output':
      return { type: 'output', port: a.val.port, maxLen: a.val.maxLen };
    case 'copy-ttl-out':
      return { type: 'copyTtlOut' };
    case 'copy-ttl-in':
      return { type: 'copyTtlIn' };
    case 'set-mpls-ttl':
      return { type: 'setMplsTtl', mplsTtl: a.val };
    case 'dec-mpls-ttl':
      return { type: 'decMplsTtl' };
    case 'push-vlan':
      return { type: 'pushVlan', ethertype: a.val };
    case 'pop-vlan':
      return { type: 'popVlan' };
    case 'push-mpls':
      return { type: 'pushMpls', ethertype: a.val };
    case 'pop-mpls':
      return { type: 'popMpls', ethertype: a.val };
    case 'set-queue':
      return { type: 'setQueue', queueId: a.val };
    case 'group':
      return { type: 'group', groupId: a.val };
    case 'set-nw-ttl':
      return { type: 'setNwTtl', nwTtl: a.val };
    case 'dec-nw-ttl':
      return { type: 'decNwTtl' };
    case 'set-field':
      return { type: 'setField', field: oxm(a.val, `${where}.set-field`) };
    case 'push-pbb':
      return { type: 'pushPbb', ethertype: a.val };
    case 'pop-pbb':
      return { type: 'popPbb' };
    case 'experimenter':
      return { type: 'experimenter', experimenter: a.val.experimenter, data: a.val.data };
  }
}

function instruction(i: WitInstruction, where: string): Instruction {
  switch (i.tag) {
    case 'goto-table':
      return { type: 'gotoTable', tableId: i.val };
    case 'meter':
      return { type: 'meter', meterId: i.val };
    case 'write-metadata':
      return { type: 'writeMetadata', metadata: u64(i.val.metadata, `${where}.metadata`), metadataMask: u64(i.val.mask, `${where}.mask`) };
    case 'write-actions':
      return { type: 'writeActions', actions: i.val.map((a, k) => action(a, `${where}.write-actions[${k}]`)) };
    case 'apply-actions':
      return { type: 'applyActions', actions: i.val.map((a, k) => action(a, `${where}.apply-actions[${k}]`)) };
    case 'clear-actions':
      return { type: 'clearActions' };
  }
}

function toMessage(c: WitCommand, where: string): OfpMessage {
  const b = c.body;
  switch (b.tag) {
    case 'flow-mod': {
      const f = b.val;
      const at = `${where}.flow-mod`;
      return {
        type: 'FlowMod',
        version: OFP_VERSION,
        xid: 0,
        cookie: u64(f.cookie, `${at}.cookie`),
        cookieMask: u64(f.cookieMask, `${at}.cookie-mask`),
        tableId: f.tableId,
        command: FLOW_MOD_COMMANDS[f.command],
        idleTimeout: f.idleTimeout,
        hardTimeout: f.hardTimeout,
        priority: f.priority,
        bufferId: f.bufferId ?? OFP_NO_BUFFER,
        outPort: f.outPort ?? OFPP_ANY,
        outGroup: f.outGroup ?? OFPG_ANY,
        flags: f.flags,
        match: f.match.map((m, k) => oxm(m, `${at}.match[${k}]`)),
        instructions: f.instructions.map((i, k) => instruction(i, `${at}.instructions[${k}]`)),
      };
    }
    case 'packet-out': {
      const p = b.val;
      const at = `${where}.packet-out`;
      return { type: 'PacketOut', version: OFP_VERSION, xid: 0, bufferId: p.bufferId ?? OFP_NO_BUFFER, inPort: p.inPort ?? OFPP_CONTROLLER, actions: p.actions.map((a, k) => action(a, `${at}.actions[${k}]`)), data: p.data };
    }
    case 'barrier':
      return { type: 'BarrierRequest', version: OFP_VERSION, xid: 0 };
    case 'raw': {
      const bytes = Buffer.from(b.val);
      if (bytes.length < OFP_HEADER_LEN) throw new InvalidCommandError(`${where}.raw`, `${bytes.length} bytes is shorter than an OpenFlow header`);
      bytes[0] = OFP_VERSION;
      bytes.writeUInt32BE(0, 4);
      try {
        return decodeMessage(bytes);
      } catch (err) {
        throw new InvalidCommandError(`${where}.raw`, (err as Error).message);
      }
    }
  }
}

/** The dpid text of the last command and its value: plugins send runs of commands to one switch. */
let lastDpid = '';
let lastDpidValue = 0n;

function dpidValue(text: string, where: string): bigint {
  if (text === lastDpid) return lastDpidValue;
  if (!DPID.test(text)) throw new InvalidCommandError(`${where}.dpid`, `${JSON.stringify(text.slice(0, 40))} is not 16 lowercase hex digits`);
  lastDpidValue = BigInt(`0x${text}`);
  lastDpid = text;
  return lastDpidValue;
}

/**
 * Appends one WIT command to a reply as `u64 dpid, u32 length, OpenFlow 1.3
 * message` (xid 0; the switch connection assigns xids). The glue has already
 * checked every type and range the WIT states; what is left are the meanings:
 * dpid text, u64 text, OXM names and value kinds, lengths, which the codec's
 * encoder checks field by field. On an error nothing is appended.
 * @throws InvalidCommandError naming the field.
 */
export function writeCommand(w: Writer, c: WitCommand, where: string): void {
  const dpid = dpidValue(c.dpid, where);
  const message = toMessage(c, `${where}.body`);
  const start = w.pos;
  try {
    w.u64(dpid, 'dpid');
    w.u32(0, 'length');
    const length = encodeMessageInto(message, w);
    w.buf.writeUInt32BE(length, start + 8);
  } catch (err) {
    w.pos = start;
    throw new InvalidCommandError(`${where}.body`, (err as Error).message);
  }
}
