/**
 * Value types of the structures that OpenFlow 1.3 messages share: OXM match fields,
 * actions, instructions, ports, group buckets, meter bands, queue properties and
 * table-feature properties.
 *
 * Conventions (the same in every value the codec produces or accepts):
 * - Values are plain readonly objects tagged by `type` (or `field` for OXM); they
 *   never hold a connection or a buffer they do not need.
 * - Length, padding and "type number" fields that are derived from the structure
 *   are not stored: the encoder computes them and the decoder checks them.
 * - 8/16/32-bit integers are `number`; 64-bit integers are `bigint`.
 * - MAC addresses are lowercase "aa:bb:cc:dd:ee:ff", IPv4 "10.0.0.1", IPv6 in the
 *   compressed text form of RFC 5952 ("2001:db8::1").
 * - Opaque payloads (experimenter bodies we do not model, packet data) are
 *   `Uint8Array` views into the received buffer, re-encoded unchanged.
 */

import type { NXAction } from './nicira/types.js';

// ---------------------------------------------------------------- OXM (7.2.3)

/** Names of the OpenFlow basic-class OXM fields (OFPXMT_OFB_*), as in the spec and Ryu. */
export type OxmBasicFieldName =
  | 'in_port' | 'in_phy_port' | 'metadata'
  | 'eth_dst' | 'eth_src' | 'eth_type'
  | 'vlan_vid' | 'vlan_pcp'
  | 'ip_dscp' | 'ip_ecn' | 'ip_proto'
  | 'ipv4_src' | 'ipv4_dst'
  | 'tcp_src' | 'tcp_dst' | 'udp_src' | 'udp_dst' | 'sctp_src' | 'sctp_dst'
  | 'icmpv4_type' | 'icmpv4_code'
  | 'arp_op' | 'arp_spa' | 'arp_tpa' | 'arp_sha' | 'arp_tha'
  | 'ipv6_src' | 'ipv6_dst' | 'ipv6_flabel'
  | 'icmpv6_type' | 'icmpv6_code'
  | 'ipv6_nd_target' | 'ipv6_nd_sll' | 'ipv6_nd_tll'
  | 'mpls_label' | 'mpls_tc' | 'mpls_bos'
  | 'pbb_isid' | 'tunnel_id' | 'ipv6_exthdr';

/** A field's value: number (<= 32 bits), bigint (64 bits) or text (MAC, IPv4, IPv6). */
export type OxmValue = number | bigint | string;

/** A modelled OXM TLV. `mask` is absent for an unmasked field (OXM hasmask = 0). */
export interface OxmTlv {
  readonly field: string;
  readonly value: OxmValue;
  readonly mask?: OxmValue;
}

/**
 * An OXM TLV the codec does not model (another class, or an experimenter field):
 * kept as bytes and encoded back unchanged. `payload` is everything after the
 * 4-byte OXM header (for class 0xffff it starts with the experimenter id).
 */
export interface OxmOpaque {
  readonly field: 'opaque';
  readonly oxmClass: number;
  readonly oxmField: number;
  readonly hasMask: boolean;
  readonly payload: Uint8Array;
}

export type OxmField = OxmTlv | OxmOpaque;

/** struct ofp_match with type OFPMT_OXM: the TLVs in wire order. */
export type Match = readonly OxmField[];

// ---------------------------------------------------------------- actions (7.2.5)

export type Action =
  | { readonly type: 'output'; readonly port: number; readonly maxLen: number }
  | { readonly type: 'copyTtlOut' }
  | { readonly type: 'copyTtlIn' }
  | { readonly type: 'setMplsTtl'; readonly mplsTtl: number }
  | { readonly type: 'decMplsTtl' }
  | { readonly type: 'pushVlan'; readonly ethertype: number }
  | { readonly type: 'popVlan' }
  | { readonly type: 'pushMpls'; readonly ethertype: number }
  | { readonly type: 'popMpls'; readonly ethertype: number }
  | { readonly type: 'setQueue'; readonly queueId: number }
  | { readonly type: 'group'; readonly groupId: number }
  | { readonly type: 'setNwTtl'; readonly nwTtl: number }
  | { readonly type: 'decNwTtl' }
  | { readonly type: 'setField'; readonly field: OxmField }
  | { readonly type: 'pushPbb'; readonly ethertype: number }
  | { readonly type: 'popPbb' }
  /**
   * OFPAT_EXPERIMENTER that is not a modelled Nicira action: `data` is everything
   * after the experimenter id, unchanged.
   */
  | { readonly type: 'experimenter'; readonly experimenter: number; readonly data: Uint8Array }
  /** OFPAT_EXPERIMENTER with Nicira's id and a modelled subtype (nicira/types.ts). */
  | NXAction;

export type ActionType = Action['type'];

// ---------------------------------------------------------------- instructions (7.2.4)

export type Instruction =
  | { readonly type: 'gotoTable'; readonly tableId: number }
  | { readonly type: 'writeMetadata'; readonly metadata: bigint; readonly metadataMask: bigint }
  | { readonly type: 'writeActions'; readonly actions: readonly Action[] }
  | { readonly type: 'applyActions'; readonly actions: readonly Action[] }
  | { readonly type: 'clearActions' }
  | { readonly type: 'meter'; readonly meterId: number }
  | { readonly type: 'experimenter'; readonly experimenter: number; readonly data: Uint8Array };

export type InstructionType = Instruction['type'];

// ---------------------------------------------------------------- ports (7.2.1)

/** struct ofp_port (OpenFlow 1.3). Speeds in kbps. */
export interface Port {
  readonly portNo: number;
  readonly hwAddr: string;
  readonly name: string;
  readonly config: number;
  readonly state: number;
  readonly curr: number;
  readonly advertised: number;
  readonly supported: number;
  readonly peer: number;
  readonly currSpeed: number;
  readonly maxSpeed: number;
}

/** struct ofp_phy_port (OpenFlow 1.0). */
export interface PhyPort10 {
  readonly portNo: number;
  readonly hwAddr: string;
  readonly name: string;
  readonly config: number;
  readonly state: number;
  readonly curr: number;
  readonly advertised: number;
  readonly supported: number;
  readonly peer: number;
}

// ---------------------------------------------------------------- groups (7.3.4.2)

export interface Bucket {
  readonly weight: number;
  readonly watchPort: number;
  readonly watchGroup: number;
  readonly actions: readonly Action[];
}

// ---------------------------------------------------------------- meters (7.3.4.4)

export type MeterBand =
  | { readonly type: 'drop'; readonly rate: number; readonly burstSize: number }
  | { readonly type: 'dscpRemark'; readonly rate: number; readonly burstSize: number; readonly precLevel: number }
  | {
      readonly type: 'experimenter';
      readonly rate: number;
      readonly burstSize: number;
      readonly experimenter: number;
      /** Bytes after the experimenter id, unchanged. */
      readonly data: Uint8Array;
    };

// ---------------------------------------------------------------- queues (7.3.6)

export type QueueProperty =
  | { readonly type: 'minRate'; readonly rate: number }
  | { readonly type: 'maxRate'; readonly rate: number }
  | { readonly type: 'experimenter'; readonly experimenter: number; readonly data: Uint8Array };

export interface PacketQueue {
  readonly queueId: number;
  readonly port: number;
  readonly properties: readonly QueueProperty[];
}

// ---------------------------------------------------------------- table features (7.3.5.5)

/** A table-feature property; ids are instruction/action/OXM type numbers as on the wire. */
export type TableFeatureProperty =
  | { readonly type: 'instructions' | 'instructionsMiss'; readonly instructionIds: readonly InstructionId[] }
  | { readonly type: 'nextTables' | 'nextTablesMiss'; readonly tableIds: readonly number[] }
  | {
      readonly type: 'writeActions' | 'writeActionsMiss' | 'applyActions' | 'applyActionsMiss';
      readonly actionIds: readonly ActionId[];
    }
  | {
      readonly type: 'match' | 'wildcards' | 'writeSetfield' | 'writeSetfieldMiss' | 'applySetfield' | 'applySetfieldMiss';
      readonly oxmIds: readonly OxmId[];
    }
  | {
      readonly type: 'experimenter' | 'experimenterMiss';
      readonly experimenter: number;
      readonly expType: number;
      /** uint32_t experimenter_data[]. */
      readonly data: readonly number[];
    }
  | {
      /** A property type the codec does not model (a newer switch may send one). */
      readonly type: 'unknown';
      /** ofp_table_feature_prop_header.type: a number no modelled property uses. */
      readonly propertyType: number;
      /** The bytes after the 4-byte header up to `length`, padding excluded; re-encoded unchanged. */
      readonly data: Uint8Array;
    };

/** struct ofp_instruction as a bare id (type, plus the experimenter body when present). */
export interface InstructionId {
  readonly type: number;
  readonly data?: Uint8Array;
}

/** struct ofp_action_header as a bare id. */
export interface ActionId {
  readonly type: number;
  readonly data?: Uint8Array;
}

/** An OXM header without a value (class, field, hasmask, length), as table features list them. */
export interface OxmId {
  readonly oxmClass: number;
  readonly oxmField: number;
  readonly hasMask: boolean;
  readonly length: number;
  /** Present for class 0xffff (OFPXMC_EXPERIMENTER). */
  readonly experimenter?: number;
}
