import {
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
  type FlowMod,
  type FlowMod10,
  type Match10,
  type OfpMessage,
} from '../../../runtime/dist/openflow/index.js';

/** How a controller behaved, read off the messages it sent (for the report, not for timing). */
export interface Behaviour {
  /** The table-miss flow it installed, or undefined when it installed none. */
  readonly tableMiss: string | undefined;
  /** The first learned flow, or undefined when it installed none. */
  readonly learnedFlow: string | undefined;
  /** Control messages by type, summed over all switches (what it asks while connecting). */
  readonly controllerSent: Readonly<Record<string, number>>;
  readonly firstError: string | undefined;
  readonly firstWrongOutput: string | undefined;
  readonly firstUndecodable: string | undefined;
}

const PORT_NAMES: Readonly<Record<number, string>> = {
  0xfffffff8: 'IN_PORT',
  0xfffffffa: 'NORMAL',
  0xfffffffb: 'FLOOD',
  0xfffffffc: 'ALL',
  0xfffffffd: 'CONTROLLER',
  0xfffffffe: 'LOCAL',
  0xffffffff: 'ANY',
};

/** The same reserved ports in OpenFlow 1.0's 16 bits (ANY is 1.0's NONE). */
const PORT_NAMES_10: Readonly<Record<number, string>> = {
  0xfff8: 'IN_PORT',
  0xfff9: 'TABLE',
  0xfffa: 'NORMAL',
  0xfffb: 'FLOOD',
  0xfffc: 'ALL',
  0xfffd: 'CONTROLLER',
  0xfffe: 'LOCAL',
  0xffff: 'NONE',
};

function portName(port: number, names: Readonly<Record<number, string>>): string {
  return names[port] ?? String(port);
}

/** The ofp_match fields a 1.0 wildcard bit leaves out, in the spec's names. */
const WILDCARD_BITS_10: readonly (readonly [number, string])[] = [
  [OFPFW_IN_PORT, 'in_port'],
  [OFPFW_DL_VLAN, 'dl_vlan'],
  [OFPFW_DL_VLAN_PCP, 'dl_vlan_pcp'],
  [OFPFW_DL_SRC, 'dl_src'],
  [OFPFW_DL_DST, 'dl_dst'],
  [OFPFW_DL_TYPE, 'dl_type'],
  [OFPFW_NW_TOS, 'nw_tos'],
  [OFPFW_NW_PROTO, 'nw_proto'],
  [OFPFW_TP_SRC, 'tp_src'],
  [OFPFW_TP_DST, 'tp_dst'],
];

/** The fields a 1.0 match matches on ("in_port,dl_src,nw_dst/24"), or "any". */
function matchFields10(match: Match10): string {
  const fields = WILDCARD_BITS_10.filter(([bit]) => (match.wildcards & bit) === 0).map(([, name]) => name);
  // nw_src/nw_dst: the wildcard field counts the low address bits ignored, 32 or more is all of them.
  const ignoredSrc = (match.wildcards & OFPFW_NW_SRC_MASK) >>> OFPFW_NW_SRC_SHIFT;
  const ignoredDst = (match.wildcards & OFPFW_NW_DST_MASK) >>> OFPFW_NW_DST_SHIFT;
  if (ignoredSrc < 32) fields.push(`nw_src/${32 - ignoredSrc}`);
  if (ignoredDst < 32) fields.push(`nw_dst/${32 - ignoredDst}`);
  return fields.length === 0 ? 'any' : fields.join(',');
}

/**
 * One line: "table 0, priority 1, idle 60 s, hard 0 s, buffer none, match
 * in_port,eth_dst,eth_src, apply [output:2]" (1.3) or "priority 1, idle 60 s,
 * hard 0 s, buffer none, match in_port,dl_src,dl_dst, actions [output:2]" (1.0).
 */
export function describeFlowMod(msg: FlowMod | FlowMod10): string {
  const buffer = msg.bufferId === 0xffffffff ? 'none' : String(msg.bufferId);
  const common = `priority ${msg.priority}, idle ${msg.idleTimeout} s, hard ${msg.hardTimeout} s, buffer ${buffer}`;
  if (msg.type === 'FlowMod10') {
    const actions = msg.actions.map((a) => (a.type === 'output' ? `output:${portName(a.port, PORT_NAMES_10)}` : a.type));
    return `${common}, match ${matchFields10(msg.match)}, ${actions.length === 0 ? 'no actions (drop)' : `actions [${actions.join(', ')}]`}`;
  }
  const match = msg.match.length === 0 ? 'any' : msg.match.map((f) => f.field).join(',');
  const instructions = msg.instructions.map((i) => {
    if (i.type !== 'applyActions' && i.type !== 'writeActions') return i.type;
    const actions = i.actions.map((a) => (a.type === 'output' ? `output:${portName(a.port, PORT_NAMES)}` : a.type));
    return `${i.type === 'applyActions' ? 'apply' : 'write'} [${actions.join(', ')}]`;
  });
  return `table ${msg.tableId}, ${common}, match ${match}, ${instructions.join('; ') || 'no instructions (drop)'}`;
}

export function describeError(msg: OfpMessage): string {
  if (msg.type === 'Error') return `OFPT_ERROR type ${msg.errorType} code ${msg.code}`;
  return msg.type;
}
