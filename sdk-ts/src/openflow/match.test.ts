import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, SdnClientError } from '../errors.js';
import { CtState, EthType } from './constants.js';
import { match, matchValue, OFPVID_PRESENT } from './match.js';

function invalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof SdnClientError && err.code === ErrorCode.INVALID && pattern.test(err.message));
}

describe('match builder', () => {
  it('builds typed fields in spec order with canonical values', () => {
    const m = match().ipv4Dst('10.0.0.0', '255.255.255.0').ethType(0x0800).inPort(1).ethSrc('AA:BB:CC:DD:EE:FF').build();
    assert.deepEqual(m, [
      { field: 'in_port', value: 1 },
      { field: 'eth_src', value: 'aa:bb:cc:dd:ee:ff' },
      { field: 'eth_type', value: 0x0800 },
      { field: 'ipv4_dst', value: '10.0.0.0', mask: '255.255.255.0' },
    ]);
  });

  it('takes prefixes as text or length', () => {
    const a = match().ethType(0x0800).ipv4Src('192.168.0.0/16').build();
    const b = match().ethType(0x0800).ipv4Src('192.168.0.0', 16).build();
    assert.deepEqual(a, b);
    assert.deepEqual(matchValue(a, 'ipv4_src'), '192.168.0.0');
    const v6 = match().ethType(0x86dd).ipv6Dst('2001:DB8::/32').build();
    assert.deepEqual(v6[1], { field: 'ipv6_dst', value: '2001:db8::', mask: 'ffff:ffff::' });
    assert.deepEqual(match().ethType(0x0800).ipv4Dst('0.0.0.0/0').build()[1], { field: 'ipv4_dst', value: '0.0.0.0', mask: '0.0.0.0' });
  });

  it('is immutable: each call returns a new builder', () => {
    const base = match().inPort(1);
    const a = base.ethType(0x0800).build();
    const b = base.ethType(0x86dd).build();
    assert.equal(a[1]!.value, 0x0800);
    assert.equal(b[1]!.value, 0x86dd);
    assert.equal(base.build().length, 1);
    assert.deepEqual(match().build(), []);
  });

  it('refuses values out of range and bad addresses at once', () => {
    invalid(() => match().inPort(-1), /in_port takes an integer 0\.\.4294967295, got -1/);
    invalid(() => match().inPort(1.5), /in_port/);
    invalid(() => match().ethType(0x10000), /eth_type takes an integer 0\.\.65535/);
    invalid(() => match().vlanVid(4096), /VLAN id is 0\.\.4095/);
    invalid(() => match().vlanPcp(8), /vlan_pcp takes an integer 0\.\.7/);
    invalid(() => match().ipDscp(64), /ip_dscp/);
    invalid(() => match().ethDst('aa:bb:cc:dd:ee'), /eth_dst takes a MAC address/);
    invalid(() => match().ipv4Dst('10.0.0.256'), /ipv4_dst takes an IPv4 address/);
    invalid(() => match().ipv4Dst('10.0.0.01'), /ipv4_dst takes an IPv4 address/);
    invalid(() => match().ipv4Dst('10.0.0.0/33'), /prefix length is 0\.\.32/);
    invalid(() => match().ipv4Dst('10.0.0.0/8', '255.0.0.0'), /either a prefix/);
    invalid(() => match().ipv6Src('2001:db8:::1'), /ipv6_src takes an IPv6 address/);
    invalid(() => match().metadata(-1n), /metadata takes a bigint/);
    invalid(() => match().field('no_such_field' as 'in_port', 1), /unknown OXM field "no_such_field"/);
  });

  it('refuses masks where the spec forbids them or the value has bits outside the mask', () => {
    invalid(() => match().field('in_port', 1, 1), /in_port cannot be masked/);
    invalid(() => match().ethType(0x0800).ipv4Dst('10.0.0.1', 24), /has bits set outside its mask "255.255.255.0"/);
    invalid(() => match().ethDst('01:00:00:00:00:01', '01:00:00:00:00:00'), /outside its mask/);
    assert.deepEqual(match().ethDst('01:00:00:00:00:00', '01:00:00:00:00:00').build(), [{ field: 'eth_dst', value: '01:00:00:00:00:00', mask: '01:00:00:00:00:00' }]);
  });

  it('refuses a field set twice', () => {
    invalid(() => match().inPort(1).inPort(2), /in_port is set twice/);
  });

  it('checks OpenFlow 1.3 prerequisites when built, transitively', () => {
    invalid(() => match().ipv4Dst('10.0.0.1').build(), /ipv4_dst: needs eth_type 0x800/);
    invalid(() => match().ethType(0x86dd).ipv4Dst('10.0.0.1').build(), /needs eth_type 0x800 matched exactly, have 34525/);
    invalid(() => match().ethType(0x0800).tcpDst(80).build(), /tcp_dst: needs ip_proto 0x06/);
    invalid(() => match().ipProto(6).tcpDst(80).build(), /ip_proto: needs eth_type 0x800 or 0x86dd/);
    invalid(() => match().ethType(0x0800).ipProto(17).tcpDst(80).build(), /needs ip_proto 0x06 matched exactly/);
    invalid(() => match().vlanPcp(3).build(), /vlan_pcp: needs vlan_vid/);
    invalid(() => match().vlanUntagged().vlanPcp(3).build(), /vlan_vid to match tagged packets/);
    invalid(() => match().ethType(0x86dd).ipProto(58).icmpv6Type(128).ipv6NdTarget('::1').build(), /ipv6_nd_target: needs icmpv6_type 0x87 or 0x88/);
    invalid(() => match().inPhyPort(1).build(), /in_phy_port: needs in_port/);
    assert.equal(match().ethType(0x0800).ipProto(6).tcpDst(80).ipv4Src('10.0.0.0/8').build().length, 4);
    assert.deepEqual(match().vlanTagged().vlanPcp(3).build()[0], { field: 'vlan_vid', value: OFPVID_PRESENT, mask: OFPVID_PRESENT });
    assert.equal(match().vlanVid(10).vlanPcp(3).build()[0]!.value, OFPVID_PRESENT | 10);
    assert.equal(match().ethType(0x86dd).ipProto(58).icmpv6Type(135).ipv6NdTarget('fe80::1').ipv6NdSll('02:00:00:00:00:01').build().length, 5);
  });

  it('takes Nicira fields by name with their own types', () => {
    const m = match().field('reg0', 7).field('ct_state', 0x21, 0x21).field('xxreg0', new Uint8Array(16)).build();
    assert.deepEqual(m.map((f) => f.field), ['reg0', 'ct_state', 'xxreg0']);
    invalid(() => match().field('xxreg0', new Uint8Array(15)), /xxreg0 takes 16 bytes/);
    invalid(() => match().field('ct_zone', 1, 1), /ct_zone cannot be masked/);
  });

  it('builds the conntrack fields with CtState bits', () => {
    const m = match().ethType(EthType.IPV4).ctState(CtState.TRACKED | CtState.NEW, CtState.TRACKED | CtState.NEW | CtState.INVALID).ctZone(7).ctMark(1, 0xff).build();
    assert.deepEqual(m, [
      { field: 'eth_type', value: 0x0800 },
      { field: 'ct_state', value: 0x21, mask: 0x31 },
      { field: 'ct_zone', value: 7 },
      { field: 'ct_mark', value: 1, mask: 0xff },
    ]);
    invalid(() => match().ctState(CtState.TRACKED, CtState.NEW), /ct_state value 32 has bits set outside its mask 1/);
    invalid(() => match().ctZone(0x10000), /ct_zone takes an integer 0\.\.65535/);
  });

  it('matchValue finds a field or says undefined', () => {
    const m = match().inPort(3).build();
    assert.equal(matchValue(m, 'in_port'), 3);
    assert.equal(matchValue(m, 'eth_type'), undefined);
  });
});
