import type { SwitchRoleView, SwitchView } from '../../core/index.js';
import { formatDpid, matchValue, type DescStats, type FlowRemoved, type PacketIn, type PortStatus } from '../../openflow/index.js';
import type { RoleChanged } from '../../generated/sdn/runtime/v1/events.js';
import type * as pb from '../../generated/sdn/runtime/v1/openflow.js';
import type { DescStats as PbDescStats } from '../../generated/sdn/runtime/v1/stats.js';
import { SwitchRole, type SwitchInfo } from '../../generated/sdn/runtime/v1/switches.js';
import { fromPort } from './actions.js';
import { fromMatch } from './match.js';
import { asBuffer } from './validate.js';

/** Switch events from the codec's values to the proto's. Packet data stays a view (no copy). */

export function fromPacketIn(m: PacketIn): pb.PacketIn {
  const inPort = matchValue(m.match, 'in_port');
  return {
    bufferId: m.bufferId,
    totalLen: m.totalLen,
    reason: m.reason,
    tableId: m.tableId,
    cookie: m.cookie,
    match: fromMatch(m.match),
    data: asBuffer(m.data),
    inPort: typeof inPort === 'number' ? inPort : 0,
  };
}

export function fromPortStatus(m: PortStatus): pb.PortStatus {
  return { reason: m.reason, desc: fromPort(m.desc) };
}

export function fromFlowRemoved(m: FlowRemoved): pb.FlowRemoved {
  return {
    cookie: m.cookie,
    priority: m.priority,
    reason: m.reason,
    tableId: m.tableId,
    durationSec: m.durationSec,
    durationNsec: m.durationNsec,
    idleTimeout: m.idleTimeout,
    hardTimeout: m.hardTimeout,
    packetCount: m.packetCount,
    byteCount: m.byteCount,
    match: fromMatch(m.match),
  };
}

export function fromDescStats(d: DescStats): PbDescStats {
  return { mfrDesc: d.mfrDesc, hwDesc: d.hwDesc, swDesc: d.swDesc, serialNum: d.serialNum, dpDesc: d.dpDesc };
}

const ROLES = { master: SwitchRole.SWITCH_ROLE_MASTER, slave: SwitchRole.SWITCH_ROLE_SLAVE, none: SwitchRole.SWITCH_ROLE_NONE } as const;

/** A role change's body: unknown master and generation are '' and 0 on the wire. */
export function fromRoleView(r: SwitchRoleView): RoleChanged {
  return { role: ROLES[r.role], masterNode: r.masterNode ?? '', generation: r.generation ?? 0n };
}

/** What the registry knows about a switch, ports in port-number order; `role` from the directory (absent: this node is master). */
export function fromSwitchView(v: SwitchView, role?: SwitchRoleView): SwitchInfo {
  return {
    dpid: v.dpid,
    dpidHex: formatDpid(v.dpid),
    version: v.version,
    remote: v.remote,
    nBuffers: v.features.nBuffers,
    nTables: v.features.nTables,
    capabilities: v.features.capabilities,
    desc: v.desc === undefined ? undefined : fromDescStats(v.desc),
    ports: [...v.ports.values()].sort((a, b) => a.portNo - b.portNo).map(fromPort),
    connectedAtMs: BigInt(v.connectedAt),
    role: ROLES[role?.role ?? 'master'],
    masterNode: role?.masterNode ?? '',
    generation: role?.generation ?? 0n,
  };
}
