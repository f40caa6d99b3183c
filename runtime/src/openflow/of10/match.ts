import { readIpv4, readMac, writeIpv4, writeMac } from '../addresses.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { OFP_MATCH_10_SIZE } from './constants.js';
import type { Match10 } from './types.js';

/** struct ofp_match of OpenFlow 1.0 (5.2.3): 40 bytes, fixed fields and a wildcard bitmap. */

export function readMatch10(r: Reader): Match10 {
  r.need(OFP_MATCH_10_SIZE, 'match');
  const wildcards = r.u32('match.wildcards');
  const inPort = r.u16('match.in_port');
  const dlSrc = readMac(r, 'match.dl_src');
  const dlDst = readMac(r, 'match.dl_dst');
  const dlVlan = r.u16('match.dl_vlan');
  const dlVlanPcp = r.u8('match.dl_vlan_pcp');
  r.pad(1, 'match.pad1');
  const dlType = r.u16('match.dl_type');
  const nwTos = r.u8('match.nw_tos');
  const nwProto = r.u8('match.nw_proto');
  r.pad(2, 'match.pad2');
  const nwSrc = readIpv4(r, 'match.nw_src');
  const nwDst = readIpv4(r, 'match.nw_dst');
  const tpSrc = r.u16('match.tp_src');
  const tpDst = r.u16('match.tp_dst');
  return { wildcards, inPort, dlSrc, dlDst, dlVlan, dlVlanPcp, dlType, nwTos, nwProto, nwSrc, nwDst, tpSrc, tpDst };
}

export function writeMatch10(w: Writer, m: Match10): void {
  w.struct(m, 'match');
  w.u32(m.wildcards, 'match.wildcards');
  w.u16(m.inPort, 'match.in_port');
  writeMac(w, m.dlSrc, 'match.dl_src');
  writeMac(w, m.dlDst, 'match.dl_dst');
  w.u16(m.dlVlan, 'match.dl_vlan');
  w.u8(m.dlVlanPcp, 'match.dl_vlan_pcp');
  w.zeros(1);
  w.u16(m.dlType, 'match.dl_type');
  w.u8(m.nwTos, 'match.nw_tos');
  w.u8(m.nwProto, 'match.nw_proto');
  w.zeros(2);
  writeIpv4(w, m.nwSrc, 'match.nw_src');
  writeIpv4(w, m.nwDst, 'match.nw_dst');
  w.u16(m.tpSrc, 'match.tp_src');
  w.u16(m.tpDst, 'match.tp_dst');
}
