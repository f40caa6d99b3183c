import { macAt, writeMacAt } from '../addresses.js';
import { EthType } from '../openflow/constants.js';
import { field, get16, put16 } from './bytes.js';
import { badSpec, need } from './errors.js';

/** One 802.1Q (or 802.1ad) tag. */
export interface VlanTag {
  /** 0x8100 (802.1Q) or 0x88a8 (802.1ad outer tag). */
  readonly tpid: number;
  /** Priority code point, 0..7. */
  readonly pcp: number;
  /** Drop eligible indicator. */
  readonly dei: boolean;
  /** VLAN id, 0..4095. */
  readonly vid: number;
}

/** An Ethernet II header with its VLAN tags, outermost first. */
export interface Ethernet {
  readonly dst: string;
  readonly src: string;
  readonly vlans: readonly VlanTag[];
  /** The ethertype after the tags (of the payload). */
  readonly ethType: number;
  /** Everything after the header (a view, not a copy). */
  readonly payload: Uint8Array;
}

export interface VlanSpec {
  readonly vid: number;
  readonly pcp?: number;
  readonly dei?: boolean;
  /** Default 0x8100. */
  readonly tpid?: number;
}

export interface EthernetSpec {
  readonly dst: string;
  readonly src: string;
  readonly vlans?: readonly VlanSpec[];
  /** The payload's ethertype; derived from the next layer when there is one. */
  readonly ethType?: number;
}

export const ETHERNET_HEADER_SIZE = 14;
export const VLAN_TAG_SIZE = 4;

const isTpid = (t: number): boolean => t === EthType.VLAN || t === EthType.QINQ;

/**
 * Parses the Ethernet header and any VLAN tags. MALFORMED_PACKET when the frame
 * is shorter than its header; an ethertype below 0x0600 (an 802.3 length) is
 * returned as is.
 */
export function parseEthernet(b: Uint8Array, base = 0): Ethernet {
  need(b, 0, ETHERNET_HEADER_SIZE, 'ethernet', base);
  const vlans: VlanTag[] = [];
  let p = 12;
  let ethType = get16(b, p);
  while (isTpid(ethType)) {
    need(b, p + 2, VLAN_TAG_SIZE, 'vlan', base);
    const tci = get16(b, p + 2);
    vlans.push({ tpid: ethType, pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0xfff });
    p += 4;
    ethType = get16(b, p);
  }
  return { dst: macAt(b, 0), src: macAt(b, 6), vlans, ethType, payload: b.subarray(p + 2) };
}

export function ethernetSize(spec: EthernetSpec): number {
  return ETHERNET_HEADER_SIZE + VLAN_TAG_SIZE * (spec.vlans?.length ?? 0);
}

/** Writes the header at the start of `out` (sized by ethernetSize). */
export function writeEthernet(spec: EthernetSpec, ethType: number, out: Uint8Array): void {
  if (!writeMacAt(spec.dst, out, 0)) throw badSpec('ethernet', `dst ${JSON.stringify(spec.dst)} is not a MAC address`);
  if (!writeMacAt(spec.src, out, 6)) throw badSpec('ethernet', `src ${JSON.stringify(spec.src)} is not a MAC address`);
  let p = 12;
  for (const v of spec.vlans ?? []) {
    const tpid = field(v.tpid ?? EthType.VLAN, 16, 'vlan', 'tpid');
    if (!isTpid(tpid)) throw badSpec('vlan', `tpid must be 0x8100 or 0x88a8, got 0x${tpid.toString(16)}`);
    put16(out, p, tpid);
    put16(out, p + 2, (field(v.pcp ?? 0, 3, 'vlan', 'pcp') << 13) | (v.dei === true ? 0x1000 : 0) | field(v.vid, 12, 'vlan', 'vid'));
    p += 4;
  }
  put16(out, p, ethType);
}
