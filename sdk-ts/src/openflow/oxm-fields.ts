/**
 * The OXM fields the runtime models, under the names the spec, Ryu and
 * ovs-ofctl use, with what the SDK needs to validate a value before it leaves the
 * process: the value's kind and width, whether a mask is allowed, and the
 * OpenFlow 1.3 prerequisites (spec 7.2.3.7, table 12) of the basic-class fields.
 */

/**
 * How a value is carried: `uint` fields up to 32 bits as a number, `u64` as a
 * bigint, `u128` as 16 big-endian bytes, addresses as text.
 */
export type OxmKind = 'uint' | 'u64' | 'u128' | 'mac' | 'ipv4' | 'ipv6';

export interface OxmFieldSpec {
  readonly kind: OxmKind;
  /** Significant bits of a `uint` field (a larger value is refused). */
  readonly bits: number;
  readonly maskable: boolean;
  /** True for OFPXMC_OPENFLOW_BASIC fields, which keep their spec order in a match. */
  readonly basic: boolean;
}

const u = (bits: number, maskable = false, basic = true): OxmFieldSpec => ({ kind: 'uint', bits, maskable, basic });
const k = (kind: Exclude<OxmKind, 'uint'>, maskable: boolean, basic = true): OxmFieldSpec => ({
  kind,
  bits: kind === 'u64' ? 64 : kind === 'u128' ? 128 : 0,
  maskable,
  basic,
});
const nx = (bits: number, maskable: boolean): OxmFieldSpec => u(bits, maskable, false);
const nk = (kind: Exclude<OxmKind, 'uint'>, maskable: boolean): OxmFieldSpec => k(kind, maskable, false);

/** Every field, basic ones first in OFPXMT_OFB_* order (which puts each prerequisite before its dependants). */
export const OXM_FIELDS = {
  in_port: u(32),
  in_phy_port: u(32),
  metadata: k('u64', true),
  eth_dst: k('mac', true),
  eth_src: k('mac', true),
  eth_type: u(16),
  vlan_vid: u(13, true),
  vlan_pcp: u(3),
  ip_dscp: u(6),
  ip_ecn: u(2),
  ip_proto: u(8),
  ipv4_src: k('ipv4', true),
  ipv4_dst: k('ipv4', true),
  tcp_src: u(16),
  tcp_dst: u(16),
  udp_src: u(16),
  udp_dst: u(16),
  sctp_src: u(16),
  sctp_dst: u(16),
  icmpv4_type: u(8),
  icmpv4_code: u(8),
  arp_op: u(16),
  arp_spa: k('ipv4', true),
  arp_tpa: k('ipv4', true),
  arp_sha: k('mac', true),
  arp_tha: k('mac', true),
  ipv6_src: k('ipv6', true),
  ipv6_dst: k('ipv6', true),
  ipv6_flabel: u(20, true),
  icmpv6_type: u(8),
  icmpv6_code: u(8),
  ipv6_nd_target: k('ipv6', false),
  ipv6_nd_sll: k('mac', false),
  ipv6_nd_tll: k('mac', false),
  mpls_label: u(20),
  mpls_tc: u(3),
  mpls_bos: u(1),
  pbb_isid: u(24, true),
  tunnel_id: k('u64', true),
  ipv6_exthdr: u(9, true),
  // ONF EXT-256 fields OpenFlow 1.3 switches use.
  pbb_uca: nx(1, false),
  tcp_flags: nx(12, true),
  actset_output: nx(32, false),
  // Nicira extensions (Open vSwitch meta-flow), under Ryu's names.
  in_port_nxm: nx(16, false),
  eth_dst_nxm: nk('mac', true),
  eth_src_nxm: nk('mac', true),
  eth_type_nxm: nx(16, false),
  vlan_tci: nx(16, true),
  nw_tos: nx(8, false),
  ip_proto_nxm: nx(8, false),
  ipv4_src_nxm: nk('ipv4', true),
  ipv4_dst_nxm: nk('ipv4', true),
  tcp_src_nxm: nx(16, true),
  tcp_dst_nxm: nx(16, true),
  udp_src_nxm: nx(16, true),
  udp_dst_nxm: nx(16, true),
  icmpv4_type_nxm: nx(8, false),
  icmpv4_code_nxm: nx(8, false),
  arp_op_nxm: nx(16, false),
  arp_spa_nxm: nk('ipv4', true),
  arp_tpa_nxm: nk('ipv4', true),
  reg0: nx(32, true),
  reg1: nx(32, true),
  reg2: nx(32, true),
  reg3: nx(32, true),
  reg4: nx(32, true),
  reg5: nx(32, true),
  reg6: nx(32, true),
  reg7: nx(32, true),
  reg8: nx(32, true),
  reg9: nx(32, true),
  reg10: nx(32, true),
  reg11: nx(32, true),
  reg12: nx(32, true),
  reg13: nx(32, true),
  reg14: nx(32, true),
  reg15: nx(32, true),
  tunnel_id_nxm: nk('u64', true),
  arp_sha_nxm: nk('mac', true),
  arp_tha_nxm: nk('mac', true),
  ipv6_src_nxm: nk('ipv6', true),
  ipv6_dst_nxm: nk('ipv6', true),
  icmpv6_type_nxm: nx(8, false),
  icmpv6_code_nxm: nx(8, false),
  nd_target: nk('ipv6', true),
  nd_sll: nk('mac', true),
  nd_tll: nk('mac', true),
  ip_frag: nx(2, true),
  ipv6_label: nx(20, true),
  ip_ecn_nxm: nx(2, false),
  nw_ttl: nx(8, false),
  mpls_ttl: nx(8, false),
  tun_ipv4_src: nk('ipv4', true),
  tun_ipv4_dst: nk('ipv4', true),
  pkt_mark: nx(32, true),
  tcp_flags_nxm: nx(12, true),
  _recirc_id: nx(32, false),
  conj_id: nx(32, false),
  tun_gbp_id: nx(16, true),
  tun_gbp_flags: nx(8, true),
  tun_flags: nx(16, true),
  ct_state: nx(32, true),
  ct_zone: nx(16, false),
  ct_mark: nx(32, true),
  ct_label: nk('u128', true),
  tun_ipv6_src: nk('ipv6', true),
  tun_ipv6_dst: nk('ipv6', true),
  xxreg0: nk('u128', true),
  xxreg1: nk('u128', true),
  xxreg2: nk('u128', true),
  xxreg3: nk('u128', true),
} as const satisfies Record<string, OxmFieldSpec>;

export type OxmFieldName = keyof typeof OXM_FIELDS;

type ValueOfKind<K extends OxmKind> = K extends 'u64' ? bigint : K extends 'u128' ? Uint8Array : K extends 'uint' ? number : string;

/** The value type of a field: `OxmValueOf<'eth_dst'>` is string, `OxmValueOf<'metadata'>` is bigint. */
export type OxmValueOf<F extends OxmFieldName> = ValueOfKind<(typeof OXM_FIELDS)[F]['kind']>;

/** The field's spec, or undefined for a name the runtime does not model. */
export function oxmField(name: string): OxmFieldSpec | undefined {
  return Object.hasOwn(OXM_FIELDS, name) ? OXM_FIELDS[name as OxmFieldName] : undefined;
}

/** Position of each field in spec order (basic fields by OFPXMT_OFB_* number). */
export const OXM_ORDER: ReadonlyMap<string, number> = new Map(Object.keys(OXM_FIELDS).map((name, i) => [name, i]));

const ETH_IP = [0x0800, 0x86dd];

/** A field that must be matched exactly, with one of `values`, before this one may be. */
export interface Prerequisite {
  readonly field: OxmFieldName;
  /** Empty: any value (only the field's presence is required). */
  readonly values: readonly number[];
}

const req = (field: OxmFieldName, ...values: number[]): Prerequisite => ({ field, values });

/** OpenFlow 1.3 table 12 prerequisites of the basic fields (each checked transitively). */
export const PREREQUISITES: Readonly<Partial<Record<OxmFieldName, Prerequisite>>> = {
  in_phy_port: req('in_port'),
  vlan_pcp: req('vlan_vid'),
  ip_dscp: req('eth_type', ...ETH_IP),
  ip_ecn: req('eth_type', ...ETH_IP),
  ip_proto: req('eth_type', ...ETH_IP),
  ipv4_src: req('eth_type', 0x0800),
  ipv4_dst: req('eth_type', 0x0800),
  tcp_src: req('ip_proto', 6),
  tcp_dst: req('ip_proto', 6),
  udp_src: req('ip_proto', 17),
  udp_dst: req('ip_proto', 17),
  sctp_src: req('ip_proto', 132),
  sctp_dst: req('ip_proto', 132),
  icmpv4_type: req('ip_proto', 1),
  icmpv4_code: req('ip_proto', 1),
  arp_op: req('eth_type', 0x0806),
  arp_spa: req('eth_type', 0x0806),
  arp_tpa: req('eth_type', 0x0806),
  arp_sha: req('eth_type', 0x0806),
  arp_tha: req('eth_type', 0x0806),
  ipv6_src: req('eth_type', 0x86dd),
  ipv6_dst: req('eth_type', 0x86dd),
  ipv6_flabel: req('eth_type', 0x86dd),
  icmpv6_type: req('ip_proto', 58),
  icmpv6_code: req('ip_proto', 58),
  ipv6_nd_target: req('icmpv6_type', 135, 136),
  ipv6_nd_sll: req('icmpv6_type', 135),
  ipv6_nd_tll: req('icmpv6_type', 136),
  mpls_label: req('eth_type', 0x8847, 0x8848),
  mpls_tc: req('eth_type', 0x8847, 0x8848),
  mpls_bos: req('eth_type', 0x8847, 0x8848),
  pbb_isid: req('eth_type', 0x88e7),
  ipv6_exthdr: req('eth_type', 0x86dd),
  tcp_flags: req('ip_proto', 6),
};
