import type { Action, OxmField } from '../structs.js';

/**
 * Value types of the Nicira (Open vSwitch) extension actions: OFPAT_EXPERIMENTER
 * with experimenter NX_VENDOR_ID (0x2320) and a 16-bit subtype (NXAST_*). The
 * interfaces carry Ryu/os-ken's class names (`NXActionCT`); each value's `type`
 * tag is the subtype's spec name in camelCase (NXAST_RESUBMIT_TABLE ->
 * `nxResubmitTable`), and its keys are Ryu's attribute names in camelCase
 * (`ofs_nbits` -> `ofsNbits`). The layouts are in layouts.ts and in the file of
 * each variable-size action; README.md lists them.
 *
 * Conventions beyond ../structs.ts:
 * - A field reference (an NXM/OXM header inside an action) is `NxmHeader`.
 * - `ofsNbits` is the wire's packed (ofs << 6) | (n_bits - 1), as Ryu keeps it.
 * - Padding is not stored: the encoder writes zeros, the decoder skips it.
 */

/**
 * A 4-byte NXM/OXM header naming a field, as Ryu shows it: the field's name
 * (`reg0`, `eth_dst_nxm`, `vlan_vid`) when it is a modelled field with its
 * canonical header (no mask bit, the field's own length); '' for an all-zero
 * header (no field: NXActionCT's immediate zone, NXActionBundle's dst); otherwise
 * the header's 32 bits as a number, written back unchanged.
 */
export type NxmHeader = string | number;

/** `NXM_NX_REG0[ofs..]` in a learn spec: a field and the first bit used. */
export interface NXFlowSpecField {
  readonly field: NxmHeader;
  readonly ofs: number;
}

/** Where a learn spec's bits come from: a field, or an immediate value of ceil(nBits / 16) * 2 bytes. */
export type NXFlowSpecSource = NXFlowSpecField | bigint;

/** One nx_learn_spec: `nBits` (0..1023) bits from `src` matched on, loaded into, or output to. */
export type NXFlowSpec =
  | { readonly type: 'match'; readonly src: NXFlowSpecSource; readonly dst: NXFlowSpecField; readonly nBits: number }
  | { readonly type: 'load'; readonly src: NXFlowSpecSource; readonly dst: NXFlowSpecField; readonly nBits: number }
  | { readonly type: 'output'; readonly src: NXFlowSpecSource; readonly nBits: number };

// ---------------------------------------------------------------- fixed-size actions (layouts.ts)

/** Actions whose only content is the header and padding. */
export interface NXActionNoArgs {
  readonly type: 'nxPopQueue' | 'nxExit' | 'nxDecTtl' | 'nxDecMplsTtl' | 'nxCtClear' | 'nxDecNshTtl' | 'nxDebugRecirc' | 'nxDebugSlow';
}
export interface NXActionResubmit {
  readonly type: 'nxResubmit';
  readonly inPort: number;
}
export interface NXActionResubmitTable {
  readonly type: 'nxResubmitTable';
  readonly inPort: number;
  readonly tableId: number;
}
export interface NXActionSetTunnel {
  readonly type: 'nxSetTunnel';
  readonly tunId: number;
}
export interface NXActionSetTunnel64 {
  readonly type: 'nxSetTunnel64';
  readonly tunId: bigint;
}
export interface NXActionSetQueue {
  readonly type: 'nxSetQueue';
  readonly queueId: number;
}
export interface NXActionRegLoad {
  readonly type: 'nxRegLoad';
  readonly ofsNbits: number;
  readonly dst: NxmHeader;
  readonly value: bigint;
}
export interface NXActionRegMove {
  readonly type: 'nxRegMove';
  readonly nBits: number;
  readonly srcOfs: number;
  readonly dstOfs: number;
  readonly srcField: NxmHeader;
  readonly dstField: NxmHeader;
}
export interface NXActionOutputReg {
  readonly type: 'nxOutputReg' | 'nxOutputReg2';
  readonly ofsNbits: number;
  readonly src: NxmHeader;
  readonly maxLen: number;
}
export interface NXActionController {
  readonly type: 'nxController';
  readonly maxLen: number;
  readonly controllerId: number;
  readonly reason: number;
}
/** NXAST_PUSH_MPLS / NXAST_POP_MPLS (Ryu: OpenFlow 1.0 only, decoded in every version). */
export interface NXActionMpls {
  readonly type: 'nxPushMpls' | 'nxPopMpls';
  readonly ethertype: number;
}
export interface NXActionSetMplsTtl {
  readonly type: 'nxSetMplsTtl';
  readonly ttl: number;
}
export interface NXActionSetMplsLabel {
  readonly type: 'nxSetMplsLabel';
  readonly label: number;
}
export interface NXActionSetMplsTc {
  readonly type: 'nxSetMplsTc';
  readonly tc: number;
}
/** NXAST_STACK_PUSH / NXAST_STACK_POP: bits start..end of `field`. */
export interface NXActionStack {
  readonly type: 'nxStackPush' | 'nxStackPop';
  readonly start: number;
  readonly field: NxmHeader;
  readonly end: number;
}
export interface NXActionSample {
  readonly type: 'nxSample';
  readonly probability: number;
  readonly collectorSetId: number;
  readonly obsDomainId: number;
  readonly obsPointId: number;
}
export interface NXActionSample2 {
  readonly type: 'nxSample2';
  readonly probability: number;
  readonly collectorSetId: number;
  readonly obsDomainId: number;
  readonly obsPointId: number;
  readonly samplingPort: number;
}
export interface NXActionFinTimeout {
  readonly type: 'nxFinTimeout';
  readonly finIdleTimeout: number;
  readonly finHardTimeout: number;
}
export interface NXActionConjunction {
  readonly type: 'nxConjunction';
  readonly clause: number;
  readonly nClauses: number;
  readonly id: number;
}
export interface NXActionMultipath {
  readonly type: 'nxMultipath';
  readonly fields: number;
  readonly basis: number;
  readonly algorithm: number;
  readonly maxLink: number;
  readonly arg: number;
  readonly ofsNbits: number;
  readonly dst: NxmHeader;
}
export interface NXActionOutputTrunc {
  readonly type: 'nxOutputTrunc';
  readonly port: number;
  readonly maxLen: number;
}

// ---------------------------------------------------------------- variable-size actions

/** NXAST_NOTE: the bytes after the subtype, padding included (the encoder pads with zeros to 8). */
export interface NXActionNote {
  readonly type: 'nxNote';
  readonly note: Uint8Array;
}
/** NXAST_REG_LOAD2: a set-field in OXM form; `field` carries the value and optional mask. */
export interface NXActionRegLoad2 {
  readonly type: 'nxRegLoad2';
  readonly field: OxmField;
}
export interface NXActionDecTtlCntIds {
  readonly type: 'nxDecTtlCntIds';
  readonly cntIds: readonly number[];
}
/** NXAST_BUNDLE / NXAST_BUNDLE_LOAD: `slaves` are port numbers; n_slaves is derived. */
export interface NXActionBundle {
  readonly type: 'nxBundle' | 'nxBundleLoad';
  readonly algorithm: number;
  readonly fields: number;
  readonly basis: number;
  readonly slaveType: number;
  readonly ofsNbits: number;
  readonly dst: NxmHeader;
  readonly slaves: readonly number[];
}
/** NXAST_CONTROLLER2: each property present or absent, encoded in property-type order. */
export interface NXActionController2 {
  readonly type: 'nxController2';
  readonly maxLen?: number;
  readonly controllerId?: number;
  readonly reason?: number;
  readonly userdata?: Uint8Array;
  readonly pause: boolean;
}
export interface NXActionLearn {
  readonly type: 'nxLearn';
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly priority: number;
  readonly cookie: bigint;
  readonly flags: number;
  readonly tableId: number;
  readonly finIdleTimeout: number;
  readonly finHardTimeout: number;
  readonly specs: readonly NXFlowSpec[];
}
/** NXAST_CT: with `zoneSrc` '' the zone is the immediate `zoneOfsNbits`. `actions` are nested (nat, set_field, ...). */
export interface NXActionCT {
  readonly type: 'nxCt';
  readonly flags: number;
  readonly zoneSrc: NxmHeader;
  readonly zoneOfsNbits: number;
  readonly recircTable: number;
  readonly alg: number;
  readonly actions: readonly Action[];
}
/** NXAST_NAT: each range bound present or absent (range_present is derived). */
export interface NXActionNAT {
  readonly type: 'nxNat';
  readonly flags: number;
  readonly rangeIpv4Min?: string;
  readonly rangeIpv4Max?: string;
  readonly rangeIpv6Min?: string;
  readonly rangeIpv6Max?: string;
  readonly rangeProtoMin?: number;
  readonly rangeProtoMax?: number;
}

export type NXFixedAction =
  | NXActionNoArgs
  | NXActionResubmit
  | NXActionResubmitTable
  | NXActionSetTunnel
  | NXActionSetTunnel64
  | NXActionSetQueue
  | NXActionRegLoad
  | NXActionRegMove
  | NXActionOutputReg
  | NXActionController
  | NXActionMpls
  | NXActionSetMplsTtl
  | NXActionSetMplsLabel
  | NXActionSetMplsTc
  | NXActionStack
  | NXActionSample
  | NXActionSample2
  | NXActionFinTimeout
  | NXActionConjunction
  | NXActionMultipath
  | NXActionOutputTrunc;

/** Every modelled Nicira action. Any other subtype stays an opaque `experimenter` action. */
export type NXAction =
  | NXFixedAction
  | NXActionNote
  | NXActionRegLoad2
  | NXActionDecTtlCntIds
  | NXActionBundle
  | NXActionController2
  | NXActionLearn
  | NXActionCT
  | NXActionNAT;

export type NXActionType = NXAction['type'];
