import { OFPFF_CHECK_OVERLAP, OFPFF_SEND_FLOW_REM, OFPG_ANY } from '../constants.js';
import { OfpEncodeError } from '../errors.js';
import { isNiciraActionType } from '../nicira/index.js';
import type { FlowMod, FlowRemoved, MessageBody, OfpMessage, PacketIn, PacketOut, PortStatus } from '../messages.js';
import type { Action, Match, OxmField, OxmTlv, PhyPort10, Port } from '../structs.js';
import {
  OFPFW_ALL,
  OFPFW_DL_DST,
  OFPFW_DL_SRC,
  OFPFW_DL_TYPE,
  OFPFW_DL_VLAN,
  OFPFW_DL_VLAN_PCP,
  OFPFW_IN_PORT,
  OFPFW_NW_DST_MASK,
  OFPFW_NW_DST_SHIFT,
  OFPFW_NW_PROTO,
  OFPFW_NW_SRC_MASK,
  OFPFW_NW_SRC_SHIFT,
  OFPFW_NW_TOS,
  OFPFW_TP_DST,
  OFPFW_TP_SRC,
  OFPP_MAX_10,
} from './constants.js';
import { type Mapping, statsReplyUp, statsRequestDown } from './model-stats.js';
import type { Action10, FlowMod10, Match10, PacketOut10 } from './types.js';

/**
 * The one model apps use is OpenFlow 1.3's (OXM match, instructions, 32-bit
 * ports). A session on a 1.0 switch maps its PACKET_IN, PORT_STATUS,
 * FLOW_REMOVED and ports up into that model, and an app's FLOW_MOD and
 * PACKET_OUT down into 1.0 values. What 1.0 cannot express is refused with an
 * OfpEncodeError naming the field, before anything is sent.
 */

/** 1.3 reserved ports sit at the top of 32 bits, 1.0's at the top of 16: the same offset maps them. */
const RESERVED_OFFSET = 0xffff0000;
const OFPVID_PRESENT = 0x1000;
const OFPVID_NONE_10 = 0xffff;
const ZERO_MAC = '00:00:00:00:00:00';

/** An app's value arrives unchecked: lists and entries are checked here, before they are read. */
function listOf<T>(v: readonly T[], type: string, field: string): readonly T[] {
  if (!Array.isArray(v)) throw new OfpEncodeError(type, field, 'not a list');
  for (const entry of v as unknown[]) if (typeof entry !== 'object' || entry === null) throw new OfpEncodeError(type, field, `${String(entry)} is not an object`);
  return v;
}

/** A 1.0 port number in the 1.3 model (OFPP_NONE becomes OFPP_ANY). */
export function portUp(port: number): number {
  return port >= OFPP_MAX_10 ? port + RESERVED_OFFSET : port;
}

function portDown(port: number, type: string, field: string): number {
  if (port >= OFPP_MAX_10 + RESERVED_OFFSET) return port - RESERVED_OFFSET;
  if (port >= 0 && port < OFPP_MAX_10) return port;
  throw new OfpEncodeError(type, field, `port ${port} does not fit OpenFlow 1.0's 16-bit port numbers`);
}

export function phyPortUp(p: PhyPort10): Port {
  return { ...p, portNo: portUp(p.portNo), currSpeed: 0, maxSpeed: 0 };
}

// ---------------------------------------------------------------- match

/** ipv4 prefix mask ("255.255.255.0") -> number of wildcarded low bits, or undefined if not a prefix. */
function wildBits(mask: string): number | undefined {
  const n = mask.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  for (let bits = 0; bits <= 32; bits++) if (n === (bits === 32 ? 0 : ((0xffffffff << bits) >>> 0))) return bits;
  return undefined;
}

const ALL_WILD: Match10 = {
  wildcards: OFPFW_ALL, inPort: 0, dlSrc: ZERO_MAC, dlDst: ZERO_MAC, dlVlan: 0, dlVlanPcp: 0, dlType: 0,
  nwTos: 0, nwProto: 0, nwSrc: '0.0.0.0', nwDst: '0.0.0.0', tpSrc: 0, tpDst: 0,
};

export function matchDown(match: Match, type: string): Match10 {
  const m: { -readonly [K in keyof Match10]: Match10[K] } = { ...ALL_WILD };
  const refuse = (field: string, why: string): never => {
    throw new OfpEncodeError(type, `match.${field}`, why);
  };
  const set = (flag: number, f: () => void): void => {
    m.wildcards &= ~flag;
    f();
  };
  for (const oxm of listOf(match as readonly OxmField[], type, 'match.oxm')) {
    if (oxm.field === 'opaque') refuse('opaque', 'an OXM field of another class cannot be matched on OpenFlow 1.0');
    const { field, value, mask } = oxm as OxmTlv;
    if (mask !== undefined && field !== 'ipv4_src' && field !== 'ipv4_dst') refuse(field, `a masked ${field} cannot be matched on OpenFlow 1.0`);
    switch (field) {
      case 'in_port': set(OFPFW_IN_PORT, () => (m.inPort = portDown(value as number, type, 'match.in_port'))); break;
      case 'eth_src': set(OFPFW_DL_SRC, () => (m.dlSrc = value as string)); break;
      case 'eth_dst': set(OFPFW_DL_DST, () => (m.dlDst = value as string)); break;
      case 'eth_type': set(OFPFW_DL_TYPE, () => (m.dlType = value as number)); break;
      case 'vlan_vid': set(OFPFW_DL_VLAN, () => (m.dlVlan = ((value as number) & OFPVID_PRESENT) === 0 ? OFPVID_NONE_10 : (value as number) & 0xfff)); break;
      case 'vlan_pcp': set(OFPFW_DL_VLAN_PCP, () => (m.dlVlanPcp = value as number)); break;
      case 'ip_dscp': set(OFPFW_NW_TOS, () => (m.nwTos = (value as number) << 2)); break;
      case 'ip_proto': set(OFPFW_NW_PROTO, () => (m.nwProto = value as number)); break;
      case 'tcp_src': case 'udp_src': set(OFPFW_TP_SRC, () => (m.tpSrc = value as number)); break;
      case 'tcp_dst': case 'udp_dst': set(OFPFW_TP_DST, () => (m.tpDst = value as number)); break;
      case 'ipv4_src':
      case 'ipv4_dst': {
        const bits = mask === undefined ? 0 : wildBits(mask as string);
        if (bits === undefined) refuse(field, `mask ${String(mask)} is not a prefix: OpenFlow 1.0 matches IPv4 by prefix only`);
        const [shift, fieldMask] = field === 'ipv4_src' ? [OFPFW_NW_SRC_SHIFT, OFPFW_NW_SRC_MASK] : [OFPFW_NW_DST_SHIFT, OFPFW_NW_DST_MASK];
        m.wildcards = (m.wildcards & ~fieldMask) | (bits! << shift);
        if (field === 'ipv4_src') m.nwSrc = value as string;
        else m.nwDst = value as string;
        break;
      }
      default:
        refuse(field, `${field} cannot be matched on OpenFlow 1.0`);
    }
  }
  return m;
}

export function matchUp(m: Match10): Match {
  const out: OxmTlv[] = [];
  const on = (flag: number): boolean => (m.wildcards & flag) === 0;
  if (on(OFPFW_IN_PORT)) out.push({ field: 'in_port', value: portUp(m.inPort) });
  if (on(OFPFW_DL_DST)) out.push({ field: 'eth_dst', value: m.dlDst });
  if (on(OFPFW_DL_SRC)) out.push({ field: 'eth_src', value: m.dlSrc });
  if (on(OFPFW_DL_TYPE)) out.push({ field: 'eth_type', value: m.dlType });
  if (on(OFPFW_DL_VLAN)) out.push({ field: 'vlan_vid', value: m.dlVlan === OFPVID_NONE_10 ? 0 : m.dlVlan | OFPVID_PRESENT });
  if (on(OFPFW_DL_VLAN_PCP)) out.push({ field: 'vlan_pcp', value: m.dlVlanPcp });
  if (on(OFPFW_NW_TOS)) out.push({ field: 'ip_dscp', value: m.nwTos >> 2 });
  if (on(OFPFW_NW_PROTO)) out.push({ field: 'ip_proto', value: m.nwProto });
  for (const [field, value, shift, mask] of [
    ['ipv4_src', m.nwSrc, OFPFW_NW_SRC_SHIFT, OFPFW_NW_SRC_MASK],
    ['ipv4_dst', m.nwDst, OFPFW_NW_DST_SHIFT, OFPFW_NW_DST_MASK],
  ] as const) {
    const bits = Math.min(32, (m.wildcards & mask) >>> shift);
    if (bits === 32) continue;
    const prefix = bits === 0 ? undefined : [24, 16, 8, 0].map((s) => (((0xffffffff << bits) >>> 0) >>> s) & 0xff).join('.');
    out.push(prefix === undefined ? { field, value } : { field, value, mask: prefix });
  }
  // 1.0 does not say which transport: tcp is the common reading, and what Ryu's converters use.
  if (on(OFPFW_TP_SRC)) out.push({ field: 'tcp_src', value: m.tpSrc });
  if (on(OFPFW_TP_DST)) out.push({ field: 'tcp_dst', value: m.tpDst });
  return out;
}

// ---------------------------------------------------------------- actions

function actionDown(a: Action, type: string): Action10 {
  const refuse = (why: string): never => {
    throw new OfpEncodeError(type, 'action.type', why);
  };
  switch (a.type) {
    case 'output':
      return { type: 'output', port: portDown(a.port, type, 'action.port'), maxLen: Math.min(a.maxLen, 0xffff) };
    case 'popVlan':
      return { type: 'stripVlan' };
    case 'experimenter':
      return { type: 'vendor', vendor: a.experimenter, data: a.data };
    case 'setField': {
      const f = a.field as OxmTlv;
      if (typeof f !== 'object' || f === null) refuse('set_field without an OXM field');
      if (f.mask !== undefined) refuse(`a masked set_field of ${f.field} has no OpenFlow 1.0 action`);
      switch (f.field) {
        case 'eth_src': return { type: 'setDlSrc', dlAddr: f.value as string };
        case 'eth_dst': return { type: 'setDlDst', dlAddr: f.value as string };
        case 'ipv4_src': return { type: 'setNwSrc', nwAddr: f.value as string };
        case 'ipv4_dst': return { type: 'setNwDst', nwAddr: f.value as string };
        case 'vlan_vid': return { type: 'setVlanVid', vlanVid: (f.value as number) & 0xfff };
        case 'vlan_pcp': return { type: 'setVlanPcp', vlanPcp: f.value as number };
        case 'ip_dscp': return { type: 'setNwTos', tos: (f.value as number) << 2 };
        case 'tcp_src': case 'udp_src': return { type: 'setTpSrc', tp: f.value as number };
        case 'tcp_dst': case 'udp_dst': return { type: 'setTpDst', tp: f.value as number };
        default: return refuse(`set_field of ${f.field} has no OpenFlow 1.0 action`);
      }
    }
    default:
      // Nicira actions have the same bytes in 1.0; every other 1.3 action has no 1.0 form.
      if (isNiciraActionType(a.type)) return a as Action10;
      return refuse(`the ${a.type} action is OpenFlow 1.3 only`);
  }
}

function actionsDown(actions: readonly Action[], type: string): Action10[] {
  return listOf(actions, type, 'actions').map((a) => actionDown(a, type));
}

// ---------------------------------------------------------------- messages

function flowModDown(m: Omit<FlowMod, 'version' | 'xid'>): Omit<FlowMod10, 'version' | 'xid'> {
  const type = 'FlowMod';
  const refuse = (field: string, why: string): never => {
    throw new OfpEncodeError(type, field, why);
  };
  if (m.tableId !== 0) refuse('table_id', `table ${m.tableId}: OpenFlow 1.0 has no table id in a flow-mod (only table 0 can be given)`);
  if (m.cookieMask !== 0n) refuse('cookie_mask', 'OpenFlow 1.0 has no cookie mask');
  if (m.outGroup !== 0 && m.outGroup !== OFPG_ANY) refuse('out_group', 'OpenFlow 1.0 has no groups');
  if ((m.flags & ~(OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP)) !== 0) refuse('flags', `flags 0x${m.flags.toString(16)}: OpenFlow 1.0 knows only SEND_FLOW_REM and CHECK_OVERLAP`);
  if (listOf(m.instructions, type, 'instructions').length > 1) refuse('instructions', 'OpenFlow 1.0 has one action list: give one applyActions');
  let actions: Action10[] = [];
  for (const instruction of m.instructions) {
    if (instruction.type !== 'applyActions') refuse('instructions', `the ${instruction.type} instruction is OpenFlow 1.3 only (1.0 has one action list: give it as applyActions)`);
    actions = actionsDown((instruction as Extract<typeof instruction, { type: 'applyActions' }>).actions, type);
  }
  return {
    type: 'FlowMod10',
    match: matchDown(m.match, type),
    cookie: m.cookie,
    command: m.command,
    idleTimeout: m.idleTimeout,
    hardTimeout: m.hardTimeout,
    priority: m.priority,
    bufferId: m.bufferId,
    outPort: m.outPort === 0 ? 0 : portDown(m.outPort, type, 'out_port'),
    flags: m.flags,
    actions,
  };
}

function packetOutDown(m: Omit<PacketOut, 'version' | 'xid'>): Omit<PacketOut10, 'version' | 'xid'> {
  return { type: 'PacketOut10', bufferId: m.bufferId, inPort: portDown(m.inPort, 'PacketOut', 'in_port'), actions: actionsDown(m.actions, 'PacketOut'), data: m.data };
}

const MAPPING: Mapping = { portUp, portDown, matchUp, matchDown };

/**
 * An app's message body for a 1.0 switch: FLOW_MOD, PACKET_OUT and the
 * MULTIPART_REQUESTs 1.0 has as stats of the 1.3 model become their 1.0 values;
 * every other body is returned as it is (the codec refuses a 1.3-only type for
 * 1.0 by name).
 *
 * @throws OfpEncodeError naming what OpenFlow 1.0 cannot express.
 */
export function bodyDown(msg: MessageBody): MessageBody {
  if (msg.type === 'FlowMod') return flowModDown(msg);
  if (msg.type === 'PacketOut') return packetOutDown(msg);
  if (msg.type === 'MultipartRequest') return statsRequestDown(msg, MAPPING);
  return msg;
}

/** A message from a 1.0 switch in the 1.3 model: PACKET_IN, PORT_STATUS, FLOW_REMOVED and STATS_REPLY mapped up, the rest as it is. */
export function messageUp(msg: OfpMessage): OfpMessage {
  const h = { version: msg.version, xid: msg.xid };
  switch (msg.type) {
    case 'PacketIn10':
      return {
        type: 'PacketIn', ...h, bufferId: msg.bufferId, totalLen: msg.totalLen, reason: msg.reason, tableId: 0, cookie: 0n,
        match: [{ field: 'in_port', value: portUp(msg.inPort) }], data: msg.data,
      } satisfies PacketIn;
    case 'PortStatus10':
      return { type: 'PortStatus', ...h, reason: msg.reason, desc: phyPortUp(msg.desc) } satisfies PortStatus;
    case 'FlowRemoved10':
      return {
        type: 'FlowRemoved', ...h, cookie: msg.cookie, priority: msg.priority, reason: msg.reason, tableId: 0,
        durationSec: msg.durationSec, durationNsec: msg.durationNsec, idleTimeout: msg.idleTimeout, hardTimeout: 0,
        packetCount: msg.packetCount, byteCount: msg.byteCount, match: matchUp(msg.match),
      } satisfies FlowRemoved;
    case 'StatsReply':
      return statsReplyUp(msg, MAPPING);
    default:
      return msg;
  }
}
