import { invalid } from '../errors.js';
import { CONTROLLER_MAX_LEN_NO_BUFFER, EthType, Port } from './constants.js';
import { OFPVID_PRESENT } from './match.js';
import { bytes, uint } from './numbers.js';
import type { OxmFieldName, OxmValueOf } from './oxm-fields.js';
import { checkOxmValue, describe, fieldSpec, type OxmValue } from './oxm-values.js';
import {
  checkNicira,
  NICIRA_ACTION_TYPES,
  type NiciraLeafAction,
  type NxCtAction,
  NX_CT_RECIRC_NONE,
  NX_RESUBMIT_IN_PORT,
  type NxFlowSpec,
  type NxLearnOptions,
  type NxmField,
  type NxNatRange,
  ofsNbits,
} from './nicira.js';

/** One OpenFlow 1.3 action (spec 7.2.5), tagged by `type`. */
export type Action =
  | { readonly type: 'output'; readonly port: number; readonly maxLen: number }
  | { readonly type: 'copyTtlOut' }
  | { readonly type: 'copyTtlIn' }
  | { readonly type: 'setMplsTtl'; readonly ttl: number }
  | { readonly type: 'decMplsTtl' }
  | { readonly type: 'pushVlan'; readonly ethertype: number }
  | { readonly type: 'popVlan' }
  | { readonly type: 'pushMpls'; readonly ethertype: number }
  | { readonly type: 'popMpls'; readonly ethertype: number }
  | { readonly type: 'setQueue'; readonly queueId: number }
  | { readonly type: 'group'; readonly groupId: number }
  | { readonly type: 'setNwTtl'; readonly ttl: number }
  | { readonly type: 'decNwTtl' }
  | { readonly type: 'setField'; readonly field: string; readonly value: OxmValue }
  | { readonly type: 'pushPbb'; readonly ethertype: number }
  | { readonly type: 'popPbb' }
  | { readonly type: 'experimenter'; readonly experimenter: number; readonly data: Uint8Array }
  /** Nicira (Open vSwitch) actions: nicira.ts. */
  | NxCtAction<Action>
  | NiciraLeafAction;

/** An output port: a port number 1..OFPP_MAX or a reserved port IN_PORT..LOCAL (not ANY). */
export function outputPort(port: unknown, what: string): number {
  const p = uint(port, 32, what);
  if (p === 0 || (p > Port.MAX && p < Port.IN_PORT) || p === Port.ANY) throw invalid(what, `${describe(port)} is not a port to send to`);
  return p;
}

function ethertypeOf(value: unknown, allowed: readonly number[], what: string): number {
  const e = uint(value, 16, what);
  if (allowed.length > 0 && !allowed.includes(e)) throw invalid(what, `ethertype must be ${allowed.map((a) => `0x${a.toString(16)}`).join(' or ')}, got 0x${e.toString(16)}`);
  return e;
}

/** The action checked field by field (and in canonical form); INVALID naming `what` otherwise. */
export function checkAction(a: Action, what: string): Action {
  switch (a?.type) {
    case 'output':
      return { type: 'output', port: outputPort(a.port, `${what} port`), maxLen: uint(a.maxLen, 16, `${what} maxLen`) };
    case 'copyTtlOut':
    case 'copyTtlIn':
    case 'decMplsTtl':
    case 'popVlan':
    case 'decNwTtl':
    case 'popPbb':
      return { type: a.type };
    case 'setMplsTtl':
    case 'setNwTtl':
      return { type: a.type, ttl: uint(a.ttl, 8, `${what} ttl`) };
    case 'pushVlan':
      return { type: a.type, ethertype: ethertypeOf(a.ethertype, [EthType.VLAN, EthType.QINQ], `${what} ethertype`) };
    case 'pushMpls':
      return { type: a.type, ethertype: ethertypeOf(a.ethertype, [EthType.MPLS, EthType.MPLS_MULTICAST], `${what} ethertype`) };
    case 'pushPbb':
      return { type: a.type, ethertype: ethertypeOf(a.ethertype, [EthType.PBB], `${what} ethertype`) };
    case 'popMpls':
      return { type: a.type, ethertype: ethertypeOf(a.ethertype, [], `${what} ethertype`) };
    case 'setQueue':
      return { type: a.type, queueId: uint(a.queueId, 32, `${what} queueId`) };
    case 'group':
      return { type: a.type, groupId: uint(a.groupId, 32, `${what} groupId`) };
    case 'setField': {
      const name = a.field;
      const value = checkOxmValue(name, fieldSpec(name, what), a.value, what);
      if (name === 'vlan_vid' && ((value as number) & OFPVID_PRESENT) === 0) {
        throw invalid(what, `set_field vlan_vid needs OFPVID_PRESENT (0x1000 | vid), got ${describe(value)}`);
      }
      return { type: 'setField', field: name, value };
    }
    case 'experimenter':
      return { type: a.type, experimenter: uint(a.experimenter, 32, `${what} experimenter`), data: bytes(a.data, `${what} data`) };
    default:
      if ((NICIRA_ACTION_TYPES as readonly string[]).includes(a?.type)) return checkNicira(a, what, checkAction);
      throw invalid(what, `unknown action ${describe((a as { type?: unknown } | undefined)?.type)}`);
  }
}

/**
 * Action builders: each checks its arguments at once and returns a plain
 * `Action` value. Errors are SdnClientError INVALID.
 */
export const actions = {
  /** Output to `port`; `maxLen` bytes go to the controller (default: the whole packet to CONTROLLER, else 0). */
  output(port: number, maxLen?: number): Action {
    return checkAction({ type: 'output', port, maxLen: maxLen ?? (port === Port.CONTROLLER ? CONTROLLER_MAX_LEN_NO_BUFFER : 0) }, 'action output');
  },
  /** Set a header field: `actions.setField('eth_dst', '02:00:00:00:00:01')`, typed per field. */
  setField<F extends OxmFieldName>(field: F, value: OxmValueOf<F>): Action {
    return checkAction({ type: 'setField', field, value }, `action set_field ${field}`);
  },
  copyTtlOut(): Action {
    return { type: 'copyTtlOut' };
  },
  copyTtlIn(): Action {
    return { type: 'copyTtlIn' };
  },
  setMplsTtl(ttl: number): Action {
    return checkAction({ type: 'setMplsTtl', ttl }, 'action set_mpls_ttl');
  },
  decMplsTtl(): Action {
    return { type: 'decMplsTtl' };
  },
  /** Push a VLAN tag (ethertype 0x8100 or 0x88a8); set its id with setField('vlan_vid', OFPVID_PRESENT | vid). */
  pushVlan(ethertype: number = EthType.VLAN): Action {
    return checkAction({ type: 'pushVlan', ethertype }, 'action push_vlan');
  },
  popVlan(): Action {
    return { type: 'popVlan' };
  },
  pushMpls(ethertype: number = EthType.MPLS): Action {
    return checkAction({ type: 'pushMpls', ethertype }, 'action push_mpls');
  },
  /** Pop an MPLS label; `ethertype` is the payload's. */
  popMpls(ethertype: number): Action {
    return checkAction({ type: 'popMpls', ethertype }, 'action pop_mpls');
  },
  setQueue(queueId: number): Action {
    return checkAction({ type: 'setQueue', queueId }, 'action set_queue');
  },
  group(groupId: number): Action {
    return checkAction({ type: 'group', groupId }, 'action group');
  },
  setNwTtl(ttl: number): Action {
    return checkAction({ type: 'setNwTtl', ttl }, 'action set_nw_ttl');
  },
  decNwTtl(): Action {
    return { type: 'decNwTtl' };
  },
  pushPbb(ethertype: number = EthType.PBB): Action {
    return checkAction({ type: 'pushPbb', ethertype }, 'action push_pbb');
  },
  popPbb(): Action {
    return { type: 'popPbb' };
  },
  /** An experimenter action: `data` is everything after the experimenter id. */
  experimenter(experimenter: number, data: Uint8Array): Action {
    return checkAction({ type: 'experimenter', experimenter, data }, 'action experimenter');
  },
  /**
   * Open vSwitch's ct (NXAST_CT): track the connection in a zone (`zoneSrc` '' and
   * `zoneOfsNbits` the zone, or a field's bits), recirculate to `recircTable` (255:
   * no), and on commit (flags bit 0) run `actions` (nxNat, setField of ct_mark/ct_label).
   */
  nxCt(options: { flags?: number; zoneSrc?: NxmField; zoneOfsNbits?: number; recircTable?: number; alg?: number; actions?: readonly Action[] } = {}): Action {
    const { flags = 0, zoneSrc = '', zoneOfsNbits = 0, recircTable = NX_CT_RECIRC_NONE, alg = 0, actions: nested = [] } = options;
    return checkAction({ type: 'nxCt', flags, zoneSrc, zoneOfsNbits, recircTable, alg, actions: nested }, 'action nx_ct');
  },
  nxCtClear(): Action {
    return { type: 'nxCtClear' };
  },
  /** NAT inside nxCt's actions: `flags` NX_NAT_F_* (1 src, 2 dst, ...), the range bounds that apply. */
  nxNat(flags: number, range: NxNatRange = {}): Action {
    return checkAction({ type: 'nxNat', flags, ...range }, 'action nx_nat');
  },
  /** Resubmit to the current table with `inPort` (default: the packet's own). */
  nxResubmit(inPort: number = NX_RESUBMIT_IN_PORT): Action {
    return checkAction({ type: 'nxResubmit', inPort }, 'action nx_resubmit');
  },
  /** Resubmit to `tableId` (255: the current table) with `inPort` (default: the packet's own). */
  nxResubmitTable(tableId: number, inPort: number = NX_RESUBMIT_IN_PORT): Action {
    return checkAction({ type: 'nxResubmitTable', inPort, tableId }, 'action nx_resubmit_table');
  },
  /** Learn a flow into `options.tableId` built from `specs`; priority defaults to 0x8000 as in Open vSwitch. */
  nxLearn(options: NxLearnOptions, specs: readonly NxFlowSpec[]): Action {
    const learn = { idleTimeout: 0, hardTimeout: 0, priority: 0x8000, cookie: 0n, flags: 0, finIdleTimeout: 0, finHardTimeout: 0, ...options };
    return checkAction({ type: 'nxLearn', ...learn, specs }, 'action nx_learn');
  },
  /** Load `value` into bits ofs..ofs+nBits-1 of `dst` (a register such as 'reg0'). */
  nxRegLoad(dst: NxmField, value: bigint | number, ofs: number, nBits: number): Action {
    return checkAction({ type: 'nxRegLoad', ofsNbits: ofsNbits(ofs, nBits), dst, value: BigInt(value) }, 'action nx_reg_load');
  },
  /** Copy `nBits` bits from srcField[srcOfs..] to dstField[dstOfs..]. */
  nxRegMove(srcField: NxmField, dstField: NxmField, nBits: number, srcOfs = 0, dstOfs = 0): Action {
    return checkAction({ type: 'nxRegMove', nBits, srcOfs, dstOfs, srcField, dstField }, 'action nx_reg_move');
  },
  /** Clause `clause` (0-based) of `nClauses` of conjunctive match `id`. */
  nxConjunction(id: number, clause: number, nClauses: number): Action {
    return checkAction({ type: 'nxConjunction', clause, nClauses, id }, 'action nx_conjunction');
  },
  /** A note the switch keeps and ignores (padded with zeros to the action's 8-byte boundary). */
  nxNote(note: Uint8Array): Action {
    return checkAction({ type: 'nxNote', note }, 'action nx_note');
  },
} as const;
