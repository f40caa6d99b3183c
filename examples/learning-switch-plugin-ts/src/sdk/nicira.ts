import { u32, u64 } from './openflow.js';
import type { Action, NxCtNestedAction, NxFlowSpec, NxmField, NxNatAction, OxmField, U64Text } from './wit.js';

/**
 * Builders of the Nicira (Open vSwitch) actions of world 0.2.0: named as the
 * runtime's TypeScript SDK names them (sdk-ts `Actions.nxCt`, ...), with its
 * defaults. Open vSwitch only: another switch answers with an OpenFlow error.
 */

/** NXAST_RESUBMIT's in_port that keeps the packet's own (OFPP_IN_PORT in 16 bits). */
export const NX_RESUBMIT_IN_PORT = 0xfff8;
/** NXAST_CT recirc_table: do not recirculate. */
export const NX_CT_RECIRC_NONE = 255;
/** NXAST_CT flags. */
export const NxCtFlags = { COMMIT: 1, FORCE: 2 } as const;
/** NXAST_NAT flags. */
export const NxNatFlags = { SRC: 1, DST: 2, PERSISTENT: 4, PROTO_HASH: 8, PROTO_RANDOM: 16 } as const;

/** A field by name ("reg0", "ct_mark") or by its 32-bit NXM/OXM header. */
export function nxmField(field: string | number): NxmField {
  return typeof field === 'string' ? { tag: 'name', val: field } : { tag: 'header', val: u32(field) };
}

export interface NxCtOptions {
  /** NxCtFlags bits (default 0: track without committing). */
  readonly flags?: number;
  /** The zone from bits of this field; absent: the zone is `zoneOfsNbits` itself. */
  readonly zoneSrc?: string | number;
  readonly zoneOfsNbits?: number;
  /** Where the packet goes on after tracking (default NX_CT_RECIRC_NONE). */
  readonly recircTable?: number;
  readonly alg?: number;
  /** Run on commit: `nxNatNested(...)`, `ctSetField(...)`. */
  readonly actions?: NxCtNestedAction[];
}

/** Send the packet to the connection tracker (NXAST_CT). */
export function nxCt(o: NxCtOptions = {}): Action {
  const zoneSrc = o.zoneSrc === undefined ? null : nxmField(o.zoneSrc);
  return { tag: 'nx-ct', val: { flags: o.flags ?? 0, zoneSrc, zoneOfsNbits: o.zoneOfsNbits ?? 0, recircTable: o.recircTable ?? NX_CT_RECIRC_NONE, alg: o.alg ?? 0, actions: o.actions ?? [] } };
}

export const nxCtClear = (): Action => ({ tag: 'nx-ct-clear' });

/** NXAST_NAT's range bounds; each absent one is not sent. */
export interface NxNatRange {
  readonly rangeIpv4Min?: string;
  readonly rangeIpv4Max?: string;
  readonly rangeIpv6Min?: string;
  readonly rangeIpv6Max?: string;
  readonly rangeProtoMin?: number;
  readonly rangeProtoMax?: number;
}

function nat(flags: number, r: NxNatRange): NxNatAction {
  return {
    flags,
    rangeIpv4Min: r.rangeIpv4Min ?? null,
    rangeIpv4Max: r.rangeIpv4Max ?? null,
    rangeIpv6Min: r.rangeIpv6Min ?? null,
    rangeIpv6Max: r.rangeIpv6Max ?? null,
    rangeProtoMin: r.rangeProtoMin ?? null,
    rangeProtoMax: r.rangeProtoMax ?? null,
  };
}

/** NAT as an action of its own (NXAST_NAT); inside a ct use `nxNatNested`. */
export const nxNat = (flags: number, range: NxNatRange = {}): Action => ({ tag: 'nx-nat', val: nat(flags, range) });
/** NAT inside `nxCt({ actions })`: `flags` NxNatFlags, the bounds that apply. */
export const nxNatNested = (flags: number, range: NxNatRange = {}): NxCtNestedAction => ({ tag: 'nx-nat', val: nat(flags, range) });
/** A set-field inside `nxCt({ actions })` (ct_mark, ct_label). */
export const ctSetField = (field: OxmField): NxCtNestedAction => ({ tag: 'set-field', val: field });

/** Resubmit to the current table with `inPort` (default: the packet's own). */
export const nxResubmit = (inPort: number = NX_RESUBMIT_IN_PORT): Action => ({ tag: 'nx-resubmit', val: inPort });
/** Resubmit to `tableId` (255: the current one) with `inPort` (default: the packet's own). */
export const nxResubmitTable = (tableId: number, inPort: number = NX_RESUBMIT_IN_PORT): Action => ({ tag: 'nx-resubmit-table', val: { inPort, tableId } });

export interface NxLearnOptions {
  readonly tableId: number;
  readonly idleTimeout?: number;
  readonly hardTimeout?: number;
  readonly priority?: number;
  readonly cookie?: bigint | U64Text;
  readonly flags?: number;
  readonly finIdleTimeout?: number;
  readonly finHardTimeout?: number;
}

/** Add a flow built from `specs` to `tableId` (NXAST_LEARN). */
export function nxLearn(o: NxLearnOptions, specs: NxFlowSpec[]): Action {
  return {
    tag: 'nx-learn',
    val: {
      tableId: o.tableId,
      idleTimeout: o.idleTimeout ?? 0,
      hardTimeout: o.hardTimeout ?? 0,
      priority: o.priority ?? 0,
      cookie: u64(o.cookie ?? 0),
      flags: o.flags ?? 0,
      finIdleTimeout: o.finIdleTimeout ?? 0,
      finHardTimeout: o.finHardTimeout ?? 0,
      specs,
    },
  };
}

/** Load `value` into bits ofs..ofs+nBits-1 of `dst` (NXAST_REG_LOAD). */
export const nxRegLoad = (dst: string | number, value: bigint | number | U64Text, ofs: number, nBits: number): Action => ({
  tag: 'nx-reg-load',
  val: { ofsNbits: (ofs << 6) | (nBits - 1), dst: nxmField(dst), value: u64(value) },
});
/** Copy `nBits` bits from srcField[srcOfs..] to dstField[dstOfs..] (NXAST_REG_MOVE). */
export const nxRegMove = (srcField: string | number, dstField: string | number, nBits: number, srcOfs = 0, dstOfs = 0): Action => ({
  tag: 'nx-reg-move',
  val: { nBits, srcOfs, dstOfs, srcField: nxmField(srcField), dstField: nxmField(dstField) },
});
/** Clause `clause` (0-based) of `nClauses` of conjunction `id`. */
export const nxConjunction = (id: number, clause: number, nClauses: number): Action => ({ tag: 'nx-conjunction', val: { clause, nClauses, id: u32(id) } });
/** Bytes the switch keeps with the flow and ignores. */
export const nxNote = (note: Uint8Array): Action => ({ tag: 'nx-note', val: note });
