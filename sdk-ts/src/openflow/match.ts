import { invalid } from '../errors.js';
import { OXM_ORDER, PREREQUISITES, type OxmFieldName, type OxmValueOf } from './oxm-fields.js';
import { checkMask, checkOxmValue, describe, fieldSpec, isOpaqueField, type Match, type MatchField, type OxmValue } from './oxm-values.js';

/** OFPVID_PRESENT: set in vlan_vid when the packet has a VLAN tag. */
export const OFPVID_PRESENT = 0x1000;

const PREFIX = /^(.*)\/(\d{1,3})$/;

function ipv4PrefixMask(bits: number, what: string): string {
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw invalid(what, `an IPv4 prefix length is 0..32, got ${bits}`);
  const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return `${m >>> 24}.${(m >>> 16) & 0xff}.${(m >>> 8) & 0xff}.${m & 0xff}`;
}

function ipv6PrefixMask(bits: number, what: string): string {
  if (!Number.isInteger(bits) || bits < 0 || bits > 128) throw invalid(what, `an IPv6 prefix length is 0..128, got ${bits}`);
  const groups: string[] = [];
  for (let g = 0; g < 8; g++) {
    const on = Math.max(0, Math.min(16, bits - g * 16));
    groups.push(((0xffff << (16 - on)) & 0xffff).toString(16));
  }
  return groups.join(':');
}

/** "10.0.0.0/24" -> ['10.0.0.0', '255.255.255.0']; a number mask is a prefix length. */
function addressAndMask(address: string, mask: string | number | undefined, prefixMask: (bits: number, what: string) => string, what: string): [string, string | undefined] {
  const cidr = typeof address === 'string' ? PREFIX.exec(address) : null;
  if (cidr !== null) {
    if (mask !== undefined) throw invalid(what, `give either a prefix "${address}" or a mask, not both`);
    return [cidr[1]!, prefixMask(Number(cidr[2]), what)];
  }
  return [address, typeof mask === 'number' ? prefixMask(mask, what) : mask];
}

/**
 * Builds a match one typed field at a time. Each call checks its value at once
 * (range, address syntax, mask allowed and consistent) and returns a new builder;
 * `build()` checks the OpenFlow 1.3 prerequisites (ipv4_dst needs eth_type
 * 0x0800, tcp_dst needs ip_proto 6, ...) and puts the fields in spec order, so a
 * built match is one a switch accepts. Errors are SdnClientError INVALID.
 */
export class MatchBuilder {
  private constructor(
    /** @internal */ readonly parent: MatchBuilder | undefined,
    /** @internal */ readonly entry: MatchField | undefined,
  ) {}

  /** The builder of the empty match (matches every packet). */
  static readonly EMPTY = new MatchBuilder(undefined, undefined);

  /** Any modelled field by name, typed by the field (`field('reg0', 7)`, `field('eth_dst', mac, mask)`). */
  field<F extends OxmFieldName>(name: F, value: OxmValueOf<F>, mask?: OxmValueOf<F>): MatchBuilder {
    const what = `match field ${name}`;
    const spec = fieldSpec(name, what);
    if (entriesOf(this).some((e) => e.field === name)) throw invalid(what, `${name} is set twice`);
    const v = checkOxmValue(name, spec, value, what);
    const entry: MatchField = mask === undefined ? { field: name, value: v } : { field: name, value: v, mask: checkMask(name, spec, v, mask, what) };
    return new MatchBuilder(this, entry);
  }

  inPort(port: number): MatchBuilder {
    return this.field('in_port', port);
  }
  inPhyPort(port: number): MatchBuilder {
    return this.field('in_phy_port', port);
  }
  metadata(value: bigint, mask?: bigint): MatchBuilder {
    return this.field('metadata', value, mask);
  }
  ethDst(mac: string, mask?: string): MatchBuilder {
    return this.field('eth_dst', mac, mask);
  }
  ethSrc(mac: string, mask?: string): MatchBuilder {
    return this.field('eth_src', mac, mask);
  }
  ethType(ethType: number): MatchBuilder {
    return this.field('eth_type', ethType);
  }
  /** Packets tagged with VLAN `vid` (0..4095); sets OFPVID_PRESENT. */
  vlanVid(vid: number): MatchBuilder {
    if (!Number.isInteger(vid) || vid < 0 || vid > 0xfff) throw invalid('match field vlan_vid', `a VLAN id is 0..4095, got ${describe(vid)}`);
    return this.field('vlan_vid', OFPVID_PRESENT | vid);
  }
  /** Packets without a VLAN tag. */
  vlanUntagged(): MatchBuilder {
    return this.field('vlan_vid', 0);
  }
  /** Packets with any VLAN tag. */
  vlanTagged(): MatchBuilder {
    return this.field('vlan_vid', OFPVID_PRESENT, OFPVID_PRESENT);
  }
  vlanPcp(pcp: number): MatchBuilder {
    return this.field('vlan_pcp', pcp);
  }
  ipDscp(dscp: number): MatchBuilder {
    return this.field('ip_dscp', dscp);
  }
  ipEcn(ecn: number): MatchBuilder {
    return this.field('ip_ecn', ecn);
  }
  ipProto(proto: number): MatchBuilder {
    return this.field('ip_proto', proto);
  }
  /** `ipv4Src('10.0.0.0', '255.255.255.0')`, `ipv4Src('10.0.0.0', 24)` or `ipv4Src('10.0.0.0/24')`. */
  ipv4Src(address: string, mask?: string | number): MatchBuilder {
    const [a, m] = addressAndMask(address, mask, ipv4PrefixMask, 'match field ipv4_src');
    return this.field('ipv4_src', a, m);
  }
  /** `ipv4Dst('10.0.0.0', '255.255.255.0')`, `ipv4Dst('10.0.0.0', 24)` or `ipv4Dst('10.0.0.0/24')`. */
  ipv4Dst(address: string, mask?: string | number): MatchBuilder {
    const [a, m] = addressAndMask(address, mask, ipv4PrefixMask, 'match field ipv4_dst');
    return this.field('ipv4_dst', a, m);
  }
  tcpSrc(port: number): MatchBuilder {
    return this.field('tcp_src', port);
  }
  tcpDst(port: number): MatchBuilder {
    return this.field('tcp_dst', port);
  }
  udpSrc(port: number): MatchBuilder {
    return this.field('udp_src', port);
  }
  udpDst(port: number): MatchBuilder {
    return this.field('udp_dst', port);
  }
  sctpSrc(port: number): MatchBuilder {
    return this.field('sctp_src', port);
  }
  sctpDst(port: number): MatchBuilder {
    return this.field('sctp_dst', port);
  }
  icmpv4Type(type: number): MatchBuilder {
    return this.field('icmpv4_type', type);
  }
  icmpv4Code(code: number): MatchBuilder {
    return this.field('icmpv4_code', code);
  }
  arpOp(op: number): MatchBuilder {
    return this.field('arp_op', op);
  }
  arpSpa(address: string, mask?: string | number): MatchBuilder {
    const [a, m] = addressAndMask(address, mask, ipv4PrefixMask, 'match field arp_spa');
    return this.field('arp_spa', a, m);
  }
  arpTpa(address: string, mask?: string | number): MatchBuilder {
    const [a, m] = addressAndMask(address, mask, ipv4PrefixMask, 'match field arp_tpa');
    return this.field('arp_tpa', a, m);
  }
  arpSha(mac: string, mask?: string): MatchBuilder {
    return this.field('arp_sha', mac, mask);
  }
  arpTha(mac: string, mask?: string): MatchBuilder {
    return this.field('arp_tha', mac, mask);
  }
  /** `ipv6Src('2001:db8::/32')`, `ipv6Src('2001:db8::', 32)` or `ipv6Src('2001:db8::', 'ffff:ffff::')`. */
  ipv6Src(address: string, mask?: string | number): MatchBuilder {
    const [a, m] = addressAndMask(address, mask, ipv6PrefixMask, 'match field ipv6_src');
    return this.field('ipv6_src', a, m);
  }
  ipv6Dst(address: string, mask?: string | number): MatchBuilder {
    const [a, m] = addressAndMask(address, mask, ipv6PrefixMask, 'match field ipv6_dst');
    return this.field('ipv6_dst', a, m);
  }
  ipv6Flabel(label: number, mask?: number): MatchBuilder {
    return this.field('ipv6_flabel', label, mask);
  }
  icmpv6Type(type: number): MatchBuilder {
    return this.field('icmpv6_type', type);
  }
  icmpv6Code(code: number): MatchBuilder {
    return this.field('icmpv6_code', code);
  }
  ipv6NdTarget(address: string): MatchBuilder {
    return this.field('ipv6_nd_target', address);
  }
  ipv6NdSll(mac: string): MatchBuilder {
    return this.field('ipv6_nd_sll', mac);
  }
  ipv6NdTll(mac: string): MatchBuilder {
    return this.field('ipv6_nd_tll', mac);
  }
  mplsLabel(label: number): MatchBuilder {
    return this.field('mpls_label', label);
  }
  mplsTc(tc: number): MatchBuilder {
    return this.field('mpls_tc', tc);
  }
  mplsBos(bos: number): MatchBuilder {
    return this.field('mpls_bos', bos);
  }
  pbbIsid(isid: number, mask?: number): MatchBuilder {
    return this.field('pbb_isid', isid, mask);
  }
  tunnelId(id: bigint, mask?: bigint): MatchBuilder {
    return this.field('tunnel_id', id, mask);
  }
  ipv6Exthdr(flags: number, mask?: number): MatchBuilder {
    return this.field('ipv6_exthdr', flags, mask);
  }

  /**
   * Open vSwitch's connection-tracking state (Nicira ct_state, 32 bits), CtState
   * bits: `ctState(TRACKED | NEW, TRACKED | NEW)` is "+trk+new",
   * `ctState(0, TRACKED)` is "-trk". Without a mask every bit must match.
   */
  ctState(state: number, mask?: number): MatchBuilder {
    return this.field('ct_state', state, mask);
  }
  /** The conntrack zone (Nicira ct_zone, 0..65535) the packet was last tracked in. */
  ctZone(zone: number): MatchBuilder {
    return this.field('ct_zone', zone);
  }
  /** The mark committed with the connection (Nicira ct_mark, 32 bits). */
  ctMark(mark: number, mask?: number): MatchBuilder {
    return this.field('ct_mark', mark, mask);
  }

  /** The match, prerequisites checked, fields in spec order. */
  build(): readonly MatchField[] {
    const fields = entriesOf(this);
    checkPrerequisites(fields);
    return fields.sort((a, b) => OXM_ORDER.get(a.field)! - OXM_ORDER.get(b.field)!);
  }
}

/** The fields of a builder chain, first set first. */
function entriesOf(last: MatchBuilder): MatchField[] {
  const fields: MatchField[] = [];
  for (let b: MatchBuilder | undefined = last; b !== undefined; b = b.parent) if (b.entry !== undefined) fields.push(b.entry);
  return fields.reverse();
}

/** Starts a match: `match().inPort(1).ethType(0x0800).ipv4Dst('10.0.0.0/24')`. */
export function match(): MatchBuilder {
  return MatchBuilder.EMPTY;
}

/** INVALID unless every field's prerequisite is in the match with an allowed exact value. */
export function checkPrerequisites(fields: Match): void {
  const byName = new Map<string, MatchField>();
  for (const f of fields) if (!isOpaqueField(f)) byName.set(f.field, f);
  for (const f of byName.values()) {
    const pre = PREREQUISITES[f.field as OxmFieldName];
    if (pre === undefined) continue;
    const have = byName.get(pre.field);
    const what = `match field ${f.field}`;
    const wants = pre.values.length === 0 ? pre.field : `${pre.field} ${pre.values.map((v) => `0x${v.toString(16).padStart(2, '0')}`).join(' or ')}`;
    if (have === undefined) throw invalid(what, `needs ${wants} in the match (OpenFlow 1.3 prerequisite)`);
    if (pre.field === 'vlan_vid') {
      const tagged = (Number(have.value) & OFPVID_PRESENT) !== 0 && (have.mask === undefined || (Number(have.mask) & OFPVID_PRESENT) !== 0);
      if (!tagged) throw invalid(what, 'needs vlan_vid to match tagged packets (OpenFlow 1.3 prerequisite)');
      continue;
    }
    if (have.mask !== undefined || (pre.values.length > 0 && !pre.values.includes(have.value as number))) {
      throw invalid(what, `needs ${wants} matched exactly, have ${describe(have.value)}${have.mask === undefined ? '' : `/${describe(have.mask)}`}`);
    }
  }
}

/** The value of `field` in a match (e.g. a packet-in's), or undefined when absent. */
export function matchValue(m: Match, field: string): OxmValue | undefined {
  for (const f of m) if (f.field === field && !isOpaqueField(f)) return f.value;
  return undefined;
}
