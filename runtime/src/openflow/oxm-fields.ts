/**
 * The OXM fields the codec models, by name and by wire code: the OpenFlow 1.3
 * basic class (OFPXMC_OPENFLOW_BASIC), the ONF EXT-256 style experimenter fields
 * that OpenFlow 1.3 switches use for pbb_uca, tcp_flags and actset_output, and the
 * Nicira NXM_0/NXM_1 fields Open vSwitch reports (registers, conntrack, tunnel
 * metadata). Names are the ones Ryu/os-ken and ovs-ofctl use. Any other OXM is
 * kept opaque by the codec.
 */

// 7.2.3.1 enum ofp_oxm_class
export const OFPXMC_NXM_0 = 0x0000;
export const OFPXMC_NXM_1 = 0x0001;
export const OFPXMC_OPENFLOW_BASIC = 0x8000;
export const OFPXMC_EXPERIMENTER = 0xffff;

/** ONF's experimenter id ("ONF\0"). */
export const ONF_EXPERIMENTER_ID = 0x4f4e4600;

// 7.2.3.8 enum ofp_vlan_id
export const OFPVID_PRESENT = 0x1000;
export const OFPVID_NONE = 0x0000;

/** How a field's value is carried: its width and its text form. */
export type OxmKind = 'u8' | 'u16' | 'u24' | 'u32' | 'u64' | 'u128' | 'mac' | 'ipv4' | 'ipv6';

/** Bytes of one value (without mask) of each kind. */
export const OXM_KIND_SIZE: Readonly<Record<OxmKind, number>> = {
  u8: 1,
  u16: 2,
  u24: 3,
  u32: 4,
  u64: 8,
  u128: 16,
  mac: 6,
  ipv4: 4,
  ipv6: 16,
};

export interface OxmFieldDesc {
  readonly name: string;
  readonly oxmClass: number;
  /** 7-bit field number; 0 for ONF EXT-256 fields, which are told apart by `expType`. */
  readonly oxmField: number;
  readonly kind: OxmKind;
  /** Bytes of one value (without mask): OXM_KIND_SIZE[kind], looked up once. */
  readonly size: number;
  /** The name errors give the mask (`eth_dst.mask`), built once. */
  readonly maskName: string;
  /** Present for ONF EXT-256 experimenter fields. */
  readonly expType?: number;
}

function field(name: string, oxmClass: number, oxmField: number, kind: OxmKind, expType?: number): OxmFieldDesc {
  const desc = { name, oxmClass, oxmField, kind, size: OXM_KIND_SIZE[kind], maskName: `${name}.mask` };
  return expType === undefined ? desc : { ...desc, expType };
}

function basic(names: readonly [string, OxmKind][]): OxmFieldDesc[] {
  return names.map(([name, kind], oxmField) => field(name, OFPXMC_OPENFLOW_BASIC, oxmField, kind));
}

/** OFPXMT_OFB_* in field-number order (0..39). */
const BASIC_FIELDS = basic([
  ['in_port', 'u32'], ['in_phy_port', 'u32'], ['metadata', 'u64'],
  ['eth_dst', 'mac'], ['eth_src', 'mac'], ['eth_type', 'u16'],
  ['vlan_vid', 'u16'], ['vlan_pcp', 'u8'],
  ['ip_dscp', 'u8'], ['ip_ecn', 'u8'], ['ip_proto', 'u8'],
  ['ipv4_src', 'ipv4'], ['ipv4_dst', 'ipv4'],
  ['tcp_src', 'u16'], ['tcp_dst', 'u16'], ['udp_src', 'u16'], ['udp_dst', 'u16'],
  ['sctp_src', 'u16'], ['sctp_dst', 'u16'],
  ['icmpv4_type', 'u8'], ['icmpv4_code', 'u8'],
  ['arp_op', 'u16'], ['arp_spa', 'ipv4'], ['arp_tpa', 'ipv4'], ['arp_sha', 'mac'], ['arp_tha', 'mac'],
  ['ipv6_src', 'ipv6'], ['ipv6_dst', 'ipv6'], ['ipv6_flabel', 'u32'],
  ['icmpv6_type', 'u8'], ['icmpv6_code', 'u8'],
  ['ipv6_nd_target', 'ipv6'], ['ipv6_nd_sll', 'mac'], ['ipv6_nd_tll', 'mac'],
  ['mpls_label', 'u32'], ['mpls_tc', 'u8'], ['mpls_bos', 'u8'],
  ['pbb_isid', 'u24'], ['tunnel_id', 'u64'], ['ipv6_exthdr', 'u16'],
]);

/** ONF EXT-256 style experimenter fields, as OpenFlow 1.3 switches send them. */
const ONF_FIELDS: OxmFieldDesc[] = [
  field('pbb_uca', OFPXMC_EXPERIMENTER, 0, 'u8', 2560),
  field('tcp_flags', OFPXMC_EXPERIMENTER, 0, 'u16', 56),
  field('actset_output', OFPXMC_EXPERIMENTER, 0, 'u32', 43),
];

function nxm(oxmClass: number, entries: readonly [string, number, OxmKind][]): OxmFieldDesc[] {
  return entries.map(([name, oxmField, kind]) => field(name, oxmClass, oxmField, kind));
}

/** Nicira extended match fields (Open vSwitch's meta-flow.h), under Ryu's names. */
const NICIRA_FIELDS: OxmFieldDesc[] = [
  ...nxm(OFPXMC_NXM_0, [
    ['in_port_nxm', 0, 'u16'], ['eth_dst_nxm', 1, 'mac'], ['eth_src_nxm', 2, 'mac'], ['eth_type_nxm', 3, 'u16'],
    ['vlan_tci', 4, 'u16'], ['nw_tos', 5, 'u8'], ['ip_proto_nxm', 6, 'u8'],
    ['ipv4_src_nxm', 7, 'ipv4'], ['ipv4_dst_nxm', 8, 'ipv4'],
    ['tcp_src_nxm', 9, 'u16'], ['tcp_dst_nxm', 10, 'u16'], ['udp_src_nxm', 11, 'u16'], ['udp_dst_nxm', 12, 'u16'],
    ['icmpv4_type_nxm', 13, 'u8'], ['icmpv4_code_nxm', 14, 'u8'],
    ['arp_op_nxm', 15, 'u16'], ['arp_spa_nxm', 16, 'ipv4'], ['arp_tpa_nxm', 17, 'ipv4'],
  ]),
  ...nxm(OFPXMC_NXM_1, [
    ...Array.from({ length: 16 }, (_, i): [string, number, OxmKind] => [`reg${i}`, i, 'u32']),
    ['tunnel_id_nxm', 16, 'u64'], ['arp_sha_nxm', 17, 'mac'], ['arp_tha_nxm', 18, 'mac'],
    ['ipv6_src_nxm', 19, 'ipv6'], ['ipv6_dst_nxm', 20, 'ipv6'],
    ['icmpv6_type_nxm', 21, 'u8'], ['icmpv6_code_nxm', 22, 'u8'],
    ['nd_target', 23, 'ipv6'], ['nd_sll', 24, 'mac'], ['nd_tll', 25, 'mac'],
    ['ip_frag', 26, 'u8'], ['ipv6_label', 27, 'u32'], ['ip_ecn_nxm', 28, 'u8'],
    ['nw_ttl', 29, 'u8'], ['mpls_ttl', 30, 'u8'],
    ['tun_ipv4_src', 31, 'ipv4'], ['tun_ipv4_dst', 32, 'ipv4'], ['pkt_mark', 33, 'u32'],
    ['tcp_flags_nxm', 34, 'u16'], ['_recirc_id', 36, 'u32'], ['conj_id', 37, 'u32'],
    ['tun_gbp_id', 38, 'u16'], ['tun_gbp_flags', 39, 'u8'], ['tun_flags', 104, 'u16'],
    ['ct_state', 105, 'u32'], ['ct_zone', 106, 'u16'], ['ct_mark', 107, 'u32'], ['ct_label', 108, 'u128'],
    ['tun_ipv6_src', 109, 'ipv6'], ['tun_ipv6_dst', 110, 'ipv6'],
    ['xxreg0', 111, 'u128'], ['xxreg1', 112, 'u128'], ['xxreg2', 113, 'u128'], ['xxreg3', 114, 'u128'],
  ]),
];

/** Every modelled field. */
export const OXM_FIELDS: readonly OxmFieldDesc[] = [...BASIC_FIELDS, ...ONF_FIELDS, ...NICIRA_FIELDS];

const BY_NAME = new Map<string, OxmFieldDesc>(OXM_FIELDS.map((f) => [f.name, f]));
/** Basic-class fields indexed by field number: the hot path of every match. */
const BASIC_BY_FIELD: readonly (OxmFieldDesc | undefined)[] = BASIC_FIELDS;
const NXM_BY_CODE = new Map<number, OxmFieldDesc>(
  NICIRA_FIELDS.map((f) => [(f.oxmClass << 7) | f.oxmField, f]),
);
const ONF_BY_EXP_TYPE = new Map<number, OxmFieldDesc>(ONF_FIELDS.map((f) => [f.expType!, f]));

/** The field called `name` (e.g. 'eth_dst', 'reg0'), or undefined. */
export function oxmFieldByName(name: string): OxmFieldDesc | undefined {
  return BY_NAME.get(name);
}

/** The modelled field with this class and field number (not ONF EXT-256), or undefined. */
export function oxmFieldByCode(oxmClass: number, oxmField: number): OxmFieldDesc | undefined {
  if (oxmClass === OFPXMC_OPENFLOW_BASIC) return BASIC_BY_FIELD[oxmField];
  if (oxmClass === OFPXMC_NXM_0 || oxmClass === OFPXMC_NXM_1) return NXM_BY_CODE.get((oxmClass << 7) | oxmField);
  return undefined;
}

/** The ONF EXT-256 experimenter field with this exp_type, or undefined. */
export function oxmFieldByOnfExpType(expType: number): OxmFieldDesc | undefined {
  return ONF_BY_EXP_TYPE.get(expType);
}
