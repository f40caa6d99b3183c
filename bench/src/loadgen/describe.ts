import type { FlowMod, OfpMessage } from '../../../runtime/dist/openflow/index.js';

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

function portName(port: number): string {
  return PORT_NAMES[port] ?? String(port);
}

/** One line: "priority 1, idle 60 s, match in_port,eth_dst,eth_src, apply [output:2]". */
export function describeFlowMod(msg: FlowMod): string {
  const match = msg.match.length === 0 ? 'any' : msg.match.map((f) => f.field).join(',');
  const instructions = msg.instructions.map((i) => {
    if (i.type !== 'applyActions' && i.type !== 'writeActions') return i.type;
    const actions = i.actions.map((a) => (a.type === 'output' ? `output:${portName(a.port)}` : a.type));
    return `${i.type === 'applyActions' ? 'apply' : 'write'} [${actions.join(', ')}]`;
  });
  const buffer = msg.bufferId === 0xffffffff ? 'none' : String(msg.bufferId);
  return `table ${msg.tableId}, priority ${msg.priority}, idle ${msg.idleTimeout} s, hard ${msg.hardTimeout} s, buffer ${buffer}, match ${match}, ${instructions.join('; ') || 'no instructions (drop)'}`;
}

export function describeError(msg: OfpMessage): string {
  if (msg.type === 'Error') return `OFPT_ERROR type ${msg.errorType} code ${msg.code}`;
  return msg.type;
}
