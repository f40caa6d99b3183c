import {
  decodeMessage,
  encodeMessageInto,
  OFP_NO_BUFFER,
  OFPG_ANY,
  OFPP_ANY,
  OFPP_CONTROLLER,
  type Action,
  type Instruction,
  type NXActionNAT,
  type NXFlowSpec,
  type NXFlowSpecField,
  type NxmHeader,
  type OfpMessage,
  type OxmField,
  type OxmValue,
  type Writer,
} from '../openflow/index.js';
import type { WitAction, WitCommand, WitInstruction, WitNxCt, WitNxFlowSpec, WitNxFlowSpecField, WitNxLearn, WitNxmField, WitNxNat, WitOxmField, WitOxmValue } from './wit-types.js';

/**
 * A command a plugin returned or sent that cannot become an OpenFlow message;
 * `where` names the field (`handle[3].body.flow-mod.match[1].value`).
 */
export class InvalidCommandError extends Error {
  readonly where: string;
  readonly detail: string;

  constructor(where: string, detail: string) {
    super(`${where}: ${detail}`);
    this.where = where;
    this.detail = detail;
  }
}

/**
 * Runs `convert`; an InvalidCommandError from it gets `segment` in front of its
 * field path. Paths are built only when a command is wrong: a valid command
 * costs no strings.
 */
function within<T>(segment: string | number, convert: () => T): T;
function within<T, A>(segment: string | number, convert: (a: A) => T, a: A): T;
function within<T, A>(segment: string | number, convert: (a?: A) => T, a?: A): T {
  try {
    return convert(a);
  } catch (err) {
    if (!(err instanceof InvalidCommandError)) throw err;
    const prefix = typeof segment === 'number' ? `[${segment}]` : segment;
    throw new InvalidCommandError(err.where.startsWith('[') ? `${prefix}${err.where}` : `${prefix}.${err.where}`, err.detail);
  }
}

const FLOW_MOD_COMMANDS = { add: 0, modify: 1, 'modify-strict': 2, delete: 3, 'delete-strict': 4 } as const;
const DPID = /^[0-9a-f]{16}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;
const MAX_U64 = 0xffffffffffffffffn;
const OFP_VERSION = 4;
const OFP_HEADER_LEN = 8;

/** A u64 in decimal text; `field` names it in the error. Cookies are mostly "0". */
function u64(text: string, field: string): bigint {
  if (text === '0') return 0n;
  const v = DECIMAL.test(text) ? BigInt(text) : -1n;
  if (v < 0n || v > MAX_U64) throw new InvalidCommandError(field, `${JSON.stringify(text.slice(0, 40))} is not a u64 in decimal text`);
  return v;
}

function oxmValue(v: WitOxmValue, field: string): OxmValue {
  return v.tag === 'big' ? u64(v.val, field) : v.val;
}

function oxm(f: WitOxmField): OxmField {
  const value = oxmValue(f.value, 'value');
  return f.mask === undefined ? { field: f.field, value } : { field: f.field, value, mask: oxmValue(f.mask, 'mask') };
}

/** `convert` over a list; an error names the element's index. */
function each<W, T>(items: readonly W[], convert: (item: W) => T): T[] {
  const out: T[] = new Array<T>(items.length);
  for (let k = 0; k < items.length; k++) out[k] = within(k, convert, items[k]!);
  return out;
}

/** A field inside a Nicira action; the codec's encoder checks names and headers. */
const nxm = (f: WitNxmField): NxmHeader => f.val;

function nat(n: WitNxNat): NXActionNAT {
  const out: { -readonly [K in keyof NXActionNAT]: NXActionNAT[K] } = { type: 'nxNat', flags: n.flags };
  if (n.rangeIpv4Min !== undefined) out.rangeIpv4Min = n.rangeIpv4Min;
  if (n.rangeIpv4Max !== undefined) out.rangeIpv4Max = n.rangeIpv4Max;
  if (n.rangeIpv6Min !== undefined) out.rangeIpv6Min = n.rangeIpv6Min;
  if (n.rangeIpv6Max !== undefined) out.rangeIpv6Max = n.rangeIpv6Max;
  if (n.rangeProtoMin !== undefined) out.rangeProtoMin = n.rangeProtoMin;
  if (n.rangeProtoMax !== undefined) out.rangeProtoMax = n.rangeProtoMax;
  return out;
}

function ct(c: WitNxCt): Action {
  const nested = within('actions', () => each(c.actions, (a): Action => (a.tag === 'nx-nat' ? nat(a.val) : { type: 'setField', field: within('set-field', oxm, a.val) })));
  // An absent zone-src is the codec's '' (an all-zero header: the zone is immediate).
  return { type: 'nxCt', flags: c.flags, zoneSrc: c.zoneSrc === undefined ? '' : nxm(c.zoneSrc), zoneOfsNbits: c.zoneOfsNbits, recircTable: c.recircTable, alg: c.alg, actions: nested };
}

const specField = (f: WitNxFlowSpecField): NXFlowSpecField => ({ field: nxm(f.field), ofs: f.ofs });

function spec(s: WitNxFlowSpec): NXFlowSpec {
  const src = s.src.tag === 'field' ? specField(s.src.val) : BigInt(`0x${Buffer.from(s.src.val).toString('hex') || '0'}`);
  if (s.type === 'output') return { type: 'output', src, nBits: s.nBits };
  if (s.dst === undefined) throw new InvalidCommandError('dst', `a ${s.type} spec needs a dst`);
  return { type: s.type, src, dst: specField(s.dst), nBits: s.nBits };
}

function learn(l: WitNxLearn): Action {
  const { idleTimeout, hardTimeout, priority, flags, tableId, finIdleTimeout, finHardTimeout } = l;
  return { type: 'nxLearn', idleTimeout, hardTimeout, priority, cookie: u64(l.cookie, 'cookie'), flags, tableId, finIdleTimeout, finHardTimeout, specs: within('specs', (list: WitNxFlowSpec[]) => each(list, spec), l.specs) };
}

function action(a: WitAction): Action {
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
      return { type: 'setField', field: within('set-field', oxm, a.val) };
    case 'push-pbb':
      return { type: 'pushPbb', ethertype: a.val };
    case 'pop-pbb':
      return { type: 'popPbb' };
    case 'experimenter':
      return { type: 'experimenter', experimenter: a.val.experimenter, data: a.val.data };
    case 'nx-ct':
      return within('nx-ct', ct, a.val);
    case 'nx-ct-clear':
      return { type: 'nxCtClear' };
    case 'nx-nat':
      return nat(a.val);
    case 'nx-resubmit':
      return { type: 'nxResubmit', inPort: a.val };
    case 'nx-resubmit-table':
      return { type: 'nxResubmitTable', inPort: a.val.inPort, tableId: a.val.tableId };
    case 'nx-learn':
      return within('nx-learn', learn, a.val);
    case 'nx-reg-load':
      return { type: 'nxRegLoad', ofsNbits: a.val.ofsNbits, dst: nxm(a.val.dst), value: within('nx-reg-load', () => u64(a.val.value, 'value')) };
    case 'nx-reg-move':
      return { type: 'nxRegMove', nBits: a.val.nBits, srcOfs: a.val.srcOfs, dstOfs: a.val.dstOfs, srcField: nxm(a.val.srcField), dstField: nxm(a.val.dstField) };
    case 'nx-conjunction':
      return { type: 'nxConjunction', clause: a.val.clause, nClauses: a.val.nClauses, id: a.val.id };
    case 'nx-note':
      return { type: 'nxNote', note: a.val };
  }
}

const actions = (list: readonly WitAction[]): Action[] => each(list, action);
const matches = (list: readonly WitOxmField[]): OxmField[] => each(list, oxm);
const instructions = (list: readonly WitInstruction[]): Instruction[] => each(list, instruction);

function instruction(i: WitInstruction): Instruction {
  switch (i.tag) {
    case 'goto-table':
      return { type: 'gotoTable', tableId: i.val };
    case 'meter':
      return { type: 'meter', meterId: i.val };
    case 'write-metadata':
      return { type: 'writeMetadata', metadata: u64(i.val.metadata, 'metadata'), metadataMask: u64(i.val.mask, 'mask') };
    case 'write-actions':
      return { type: 'writeActions', actions: within('write-actions', actions, i.val) };
    case 'apply-actions':
      return { type: 'applyActions', actions: within('apply-actions', actions, i.val) };
    case 'clear-actions':
      return { type: 'clearActions' };
  }
}

function flowMod(f: Extract<WitCommand['body'], { tag: 'flow-mod' }>['val']): OfpMessage {
  return {
    type: 'FlowMod',
    version: OFP_VERSION,
    xid: 0,
    cookie: u64(f.cookie, 'cookie'),
    cookieMask: u64(f.cookieMask, 'cookie-mask'),
    tableId: f.tableId,
    command: FLOW_MOD_COMMANDS[f.command],
    idleTimeout: f.idleTimeout,
    hardTimeout: f.hardTimeout,
    priority: f.priority,
    bufferId: f.bufferId ?? OFP_NO_BUFFER,
    outPort: f.outPort ?? OFPP_ANY,
    outGroup: f.outGroup ?? OFPG_ANY,
    flags: f.flags,
    match: within('match', matches, f.match),
    instructions: within('instructions', instructions, f.instructions),
  };
}

function packetOut(p: Extract<WitCommand['body'], { tag: 'packet-out' }>['val']): OfpMessage {
  return { type: 'PacketOut', version: OFP_VERSION, xid: 0, bufferId: p.bufferId ?? OFP_NO_BUFFER, inPort: p.inPort ?? OFPP_CONTROLLER, actions: within('actions', actions, p.actions), data: p.data };
}

function raw(val: Uint8Array): OfpMessage {
  const bytes = Buffer.from(val);
  if (bytes.length < OFP_HEADER_LEN) throw new InvalidCommandError('raw', `${bytes.length} bytes is shorter than an OpenFlow header`);
  bytes[0] = OFP_VERSION;
  bytes.writeUInt32BE(0, 4);
  try {
    return decodeMessage(bytes);
  } catch (err) {
    throw new InvalidCommandError('raw', (err as Error).message);
  }
}

function toMessage(c: WitCommand): OfpMessage {
  const b = c.body;
  switch (b.tag) {
    case 'flow-mod':
      return within('flow-mod', flowMod, b.val);
    case 'packet-out':
      return within('packet-out', packetOut, b.val);
    case 'barrier':
      return { type: 'BarrierRequest', version: OFP_VERSION, xid: 0 };
    case 'raw':
      return raw(b.val);
  }
}

/** The dpid text of the last command and its value: plugins send runs of commands to one switch. */
let lastDpid = '';
let lastDpidValue = 0n;

function dpidValue(text: string): bigint {
  if (text === lastDpid) return lastDpidValue;
  if (!DPID.test(text)) throw new InvalidCommandError('dpid', `${JSON.stringify(text.slice(0, 40))} is not 16 lowercase hex digits`);
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
 * `source[index]` names the command in an error (`handle[3]`, `send[0]`).
 * @throws InvalidCommandError naming the field.
 */
export function writeCommand(w: Writer, c: WitCommand, source: string, index: number): void {
  try {
    const dpid = dpidValue(c.dpid);
    const message = within('body', toMessage, c);
    const start = w.pos;
    try {
      w.u64(dpid, 'dpid');
      w.u32(0, 'length');
      const length = encodeMessageInto(message, w);
      w.buf.writeUInt32BE(length, start + 8);
    } catch (err) {
      w.pos = start;
      throw new InvalidCommandError('body', (err as Error).message);
    }
  } catch (err) {
    if (!(err instanceof InvalidCommandError)) throw err;
    throw new InvalidCommandError(`${source}[${index}].${err.where}`, err.detail);
  }
}
