import { canonicalIpv4, canonicalIpv6 } from '../addresses.js';
import { invalid } from '../errors.js';
import { bytes, oneOf, u64, uint } from './numbers.js';
import { describe } from './oxm-values.js';

/**
 * Nicira (Open vSwitch) actions apps can build: ct, ct_clear, nat, resubmit,
 * learn, reg_load, reg_move, conjunction, note. Names and meanings are Ryu's
 * (NXActionCT, ...) and the runtime's (runtime/src/openflow/nicira/README.md).
 * The runtime checks field names against its table and every bound the wire has;
 * these checks catch the rest early.
 */

/** A field named inside a Nicira action: its name ("reg0", "eth_dst_nxm"), a 32-bit NXM header, or '' for none. */
export type NxmField = string | number;

/** `field[ofs..]` in a learn spec. */
export interface NxFlowSpecField {
  readonly field: NxmField;
  readonly ofs: number;
}

/** One learn spec: `nBits` (1..1023) from a field or an immediate value, matched on, loaded into `dst`, or output to. */
export type NxFlowSpec =
  | { readonly type: 'match' | 'load'; readonly src: NxFlowSpecField | bigint; readonly dst: NxFlowSpecField; readonly nBits: number }
  | { readonly type: 'output'; readonly src: NxFlowSpecField | bigint; readonly nBits: number };

/** NXAST_NAT's range bounds; each absent one is not sent. */
export interface NxNatRange {
  readonly rangeIpv4Min?: string;
  readonly rangeIpv4Max?: string;
  readonly rangeIpv6Min?: string;
  readonly rangeIpv6Max?: string;
  readonly rangeProtoMin?: number;
  readonly rangeProtoMax?: number;
}

/** NXAST_LEARN without its specs. */
export interface NxLearnOptions {
  readonly tableId: number;
  readonly idleTimeout?: number;
  readonly hardTimeout?: number;
  readonly priority?: number;
  readonly cookie?: bigint;
  readonly flags?: number;
  readonly finIdleTimeout?: number;
  readonly finHardTimeout?: number;
}

/** NXAST_CT; `A` is the action type it nests. */
export interface NxCtAction<A> {
  readonly type: 'nxCt';
  readonly flags: number;
  readonly zoneSrc: NxmField;
  readonly zoneOfsNbits: number;
  readonly recircTable: number;
  readonly alg: number;
  readonly actions: readonly A[];
}

/** The Nicira actions other than ct, tagged as the runtime's codec tags them. */
export type NiciraLeafAction =
  | { readonly type: 'nxCtClear' }
  | ({ readonly type: 'nxNat'; readonly flags: number } & NxNatRange)
  | { readonly type: 'nxResubmit'; readonly inPort: number }
  | { readonly type: 'nxResubmitTable'; readonly inPort: number; readonly tableId: number }
  | ({ readonly type: 'nxLearn'; readonly specs: readonly NxFlowSpec[] } & Required<NxLearnOptions>)
  | { readonly type: 'nxRegLoad'; readonly ofsNbits: number; readonly dst: NxmField; readonly value: bigint }
  | { readonly type: 'nxRegMove'; readonly nBits: number; readonly srcOfs: number; readonly dstOfs: number; readonly srcField: NxmField; readonly dstField: NxmField }
  | { readonly type: 'nxConjunction'; readonly clause: number; readonly nClauses: number; readonly id: number }
  | { readonly type: 'nxNote'; readonly note: Uint8Array };

export type NiciraAction<A> = NxCtAction<A> | NiciraLeafAction;

export const NICIRA_ACTION_TYPES = [
  'nxCt', 'nxCtClear', 'nxNat', 'nxResubmit', 'nxResubmitTable', 'nxLearn', 'nxRegLoad', 'nxRegMove', 'nxConjunction', 'nxNote',
] as const;

/** OFPP_IN_PORT as NXAST_RESUBMIT's 16-bit in_port: resubmit with the packet's own in_port. */
export const NX_RESUBMIT_IN_PORT = 0xfff8;
/** NXAST_CT recirc_table: do not recirculate. */
export const NX_CT_RECIRC_NONE = 255;

function field(value: unknown, what: string): NxmField {
  if (typeof value === 'string') return value;
  return uint(value, 32, what);
}

function specField(value: unknown, what: string): NxFlowSpecField {
  const f = value as NxFlowSpecField | undefined;
  if (typeof f !== 'object' || f === null) throw invalid(what, `${describe(value)} is not { field, ofs }`);
  return { field: field(f.field, `${what} field`), ofs: uint(f.ofs, 16, `${what} ofs`) };
}

function spec(value: unknown, what: string): NxFlowSpec {
  const s = value as NxFlowSpec;
  const type = oneOf(s?.type, ['match', 'load', 'output'], `${what} type`);
  const nBits = uint(s.nBits, 16, `${what} nBits`);
  if (nBits < 1 || nBits > 1023) throw invalid(`${what} nBits`, `${nBits} is not in 1..1023`);
  const src = typeof s.src === 'bigint' ? immediate(s.src, `${what} src`) : specField(s.src, `${what} src`);
  if (type === 'output') return { type, src, nBits };
  return { type, src, dst: specField((s as { dst?: unknown }).dst, `${what} dst`), nBits };
}

/** An immediate source: any width up to the spec's n_bits (the runtime checks the width). */
function immediate(v: bigint, what: string): bigint {
  if (v < 0n) throw invalid(what, `${v} is negative`);
  return v;
}

function address(value: string | undefined, canonical: (s: string) => string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  const c = typeof value === 'string' ? canonical(value) : undefined;
  if (c === undefined) throw invalid(what, `${describe(value)} is not an address`);
  return c;
}

function withoutUndefined<T extends object>(v: T): T {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as T;
}

/** The Nicira action checked field by field; INVALID naming `what` otherwise. `check` checks ct's nested actions. */
export function checkNicira<A>(a: NiciraAction<A>, what: string, check: (a: A, what: string) => A): NiciraAction<A> {
  switch (a.type) {
    case 'nxCt':
      if (!Array.isArray(a.actions)) throw invalid(`${what} actions`, 'must be a list');
      return {
        type: 'nxCt', flags: uint(a.flags, 16, `${what} flags`), zoneSrc: field(a.zoneSrc, `${what} zoneSrc`),
        zoneOfsNbits: uint(a.zoneOfsNbits, 16, `${what} zoneOfsNbits`), recircTable: uint(a.recircTable, 8, `${what} recircTable`),
        alg: uint(a.alg, 16, `${what} alg`), actions: a.actions.map((x, i) => check(x, `${what} action ${i}`)),
      };
    case 'nxCtClear':
      return { type: 'nxCtClear' };
    case 'nxNat':
      return withoutUndefined({
        type: 'nxNat', flags: uint(a.flags, 16, `${what} flags`),
        rangeIpv4Min: address(a.rangeIpv4Min, canonicalIpv4, `${what} rangeIpv4Min`), rangeIpv4Max: address(a.rangeIpv4Max, canonicalIpv4, `${what} rangeIpv4Max`),
        rangeIpv6Min: address(a.rangeIpv6Min, canonicalIpv6, `${what} rangeIpv6Min`), rangeIpv6Max: address(a.rangeIpv6Max, canonicalIpv6, `${what} rangeIpv6Max`),
        rangeProtoMin: a.rangeProtoMin === undefined ? undefined : uint(a.rangeProtoMin, 16, `${what} rangeProtoMin`),
        rangeProtoMax: a.rangeProtoMax === undefined ? undefined : uint(a.rangeProtoMax, 16, `${what} rangeProtoMax`),
      });
    case 'nxResubmit':
      return { type: 'nxResubmit', inPort: uint(a.inPort, 16, `${what} inPort`) };
    case 'nxResubmitTable':
      return { type: 'nxResubmitTable', inPort: uint(a.inPort, 16, `${what} inPort`), tableId: uint(a.tableId, 8, `${what} tableId`) };
    case 'nxLearn':
      if (!Array.isArray(a.specs)) throw invalid(`${what} specs`, 'must be a list');
      return {
        type: 'nxLearn', tableId: uint(a.tableId, 8, `${what} tableId`), idleTimeout: uint(a.idleTimeout, 16, `${what} idleTimeout`),
        hardTimeout: uint(a.hardTimeout, 16, `${what} hardTimeout`), priority: uint(a.priority, 16, `${what} priority`), cookie: u64(a.cookie, `${what} cookie`),
        flags: uint(a.flags, 16, `${what} flags`), finIdleTimeout: uint(a.finIdleTimeout, 16, `${what} finIdleTimeout`),
        finHardTimeout: uint(a.finHardTimeout, 16, `${what} finHardTimeout`), specs: a.specs.map((s, i) => spec(s, `${what} spec ${i}`)),
      };
    case 'nxRegLoad':
      return { type: 'nxRegLoad', ofsNbits: uint(a.ofsNbits, 16, `${what} ofsNbits`), dst: field(a.dst, `${what} dst`), value: u64(a.value, `${what} value`) };
    case 'nxRegMove':
      return {
        type: 'nxRegMove', nBits: uint(a.nBits, 16, `${what} nBits`), srcOfs: uint(a.srcOfs, 16, `${what} srcOfs`), dstOfs: uint(a.dstOfs, 16, `${what} dstOfs`),
        srcField: field(a.srcField, `${what} srcField`), dstField: field(a.dstField, `${what} dstField`),
      };
    case 'nxConjunction':
      return { type: 'nxConjunction', clause: uint(a.clause, 8, `${what} clause`), nClauses: uint(a.nClauses, 8, `${what} nClauses`), id: uint(a.id, 32, `${what} id`) };
    case 'nxNote':
      return { type: 'nxNote', note: bytes(a.note, `${what} note`) };
  }
}

/** `ofs_nbits` of reg_load and friends: bits ofs..ofs+nBits-1. */
export function ofsNbits(ofs: number, nBits: number): number {
  if (!Number.isInteger(ofs) || !Number.isInteger(nBits) || ofs < 0 || nBits < 1 || ofs + nBits > 1024) {
    throw invalid('ofs/nBits', `bits ${ofs}..${ofs + nBits - 1} are not a field's bits`);
  }
  return (ofs << 6) | (nBits - 1);
}
