import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../errors.js';
import { internetChecksum } from './checksum.js';
import { PacketError } from './errors.js';
import { parseEthernet } from './ethernet.js';
import { buildFrame, parseFrame, type FrameSpec } from './frame.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function malformed(fn: () => unknown, layer: string, pattern: RegExp, offset?: number): void {
  assert.throws(fn, (e: unknown) => e instanceof PacketError && e.code === ErrorCode.MALFORMED_PACKET && e.layer === layer && pattern.test(e.message) && (offset === undefined || e.offset === offset));
}

function invalid(spec: FrameSpec, layer: string, pattern: RegExp): void {
  assert.throws(() => buildFrame(spec), (e: unknown) => e instanceof PacketError && e.code === ErrorCode.INVALID && e.layer === layer && pattern.test(e.message));
}

const ETH = { dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01' };

describe('packet library', () => {
  it('internet checksum: RFC 1071 example and a textbook IPv4 header', () => {
    assert.equal(internetChecksum(hex('0001f203f4f5f6f7')), 0x220d);
    assert.equal(internetChecksum(hex('0001f203f4f5f6')), internetChecksum(hex('0001f203f4f5f600')));
    const header = hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    assert.equal(internetChecksum(header), 0xb861);
  });

  it('parses an ARP request as a switch sends it, payload views into the frame', () => {
    const frame = hex('ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002' + '00'.repeat(18));
    const f = parseFrame(frame);
    assert.deepEqual(f.arp, { op: 1, senderMac: '02:00:00:00:00:01', senderIp: '10.0.0.1', targetMac: '00:00:00:00:00:00', targetIp: '10.0.0.2' });
    assert.equal(f.ethernet.dst, 'ff:ff:ff:ff:ff:ff');
    assert.equal(f.payload.length, 18, 'Ethernet padding is left as the payload');
    assert.equal(f.payload.buffer, frame.buffer);
  });

  it('parses an LLDP frame (chassis MAC, port "1/3", TTL 120)', () => {
    const f = parseFrame(hex('0180c200000e 000496 1fa726 88cc 0207 04 000496 1fa726 0404 05 312f33 0602 0078 0000'));
    assert.equal(f.lldp?.chassisId.subtype, 4);
    assert.deepEqual([...f.lldp!.chassisId.id], [0x00, 0x04, 0x96, 0x1f, 0xa7, 0x26]);
    assert.equal(Buffer.from(f.lldp!.portId.id).toString(), '1/3');
    assert.equal(f.lldp?.ttl, 120);
  });

  it('reads VLAN tags, outer first', () => {
    const bytes = buildFrame({ ethernet: { ...ETH, vlans: [{ tpid: 0x88a8, vid: 100 }, { vid: 10, pcp: 5 }] }, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } });
    const e = parseEthernet(bytes);
    assert.deepEqual(e.vlans, [
      { tpid: 0x88a8, pcp: 0, dei: false, vid: 100 },
      { tpid: 0x8100, pcp: 5, dei: false, vid: 10 },
    ]);
    assert.equal(e.ethType, 0x0800);
  });

  it('leaves fragments, unknown protocols and IPv6 extension headers unparsed', () => {
    const frag = parseFrame(buildFrame({ ethernet: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, moreFragments: true }, payload: new Uint8Array([1, 2, 3]) }));
    assert.equal(frag.udp, undefined);
    assert.deepEqual([...frag.payload], [1, 2, 3]);
    const hopByHop = parseFrame(buildFrame({ ethernet: ETH, ipv6: { src: '::1', dst: '::2', nextHeader: 0 }, payload: new Uint8Array(8) }));
    assert.equal(hopByHop.ipv6?.nextHeader, 0);
    assert.equal(hopByHop.payload.length, 8);
    const icmpOverV6 = parseFrame(buildFrame({ ethernet: ETH, ipv6: { src: '::1', dst: '::2', nextHeader: 1 }, payload: new Uint8Array(8) }));
    assert.equal(icmpOverV6.icmp, undefined);
  });

  it('an ICMP echo request: identifier and sequence in restOfHeader', () => {
    const f = parseFrame(buildFrame({ ethernet: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, icmp: { type: 8, restOfHeader: (0x1234 << 16) | 1 }, payload: new Uint8Array(56) }));
    assert.deepEqual([f.ipv4?.protocol, f.icmp?.type, f.icmp!.restOfHeader >>> 16, f.icmp!.restOfHeader & 0xffff, f.ipv4?.totalLength], [1, 8, 0x1234, 1, 20 + 8 + 56]);
  });

  it('short or lying input is a PacketError naming layer and offset', () => {
    malformed(() => parseFrame(new Uint8Array(13)), 'ethernet', /truncated: 14 bytes needed, 13 left/, 0);
    malformed(() => parseFrame(hex('ffffffffffff 020000000001 8100 00')), 'vlan', /truncated/, 14);
    const ip = buildFrame({ ethernet: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 }, payload: new Uint8Array(10) });
    const badVersion = ip.slice();
    badVersion[14] = 0x55;
    malformed(() => parseFrame(badVersion), 'ipv4', /version is 5, not 4/, 14);
    malformed(() => parseFrame(ip.subarray(0, ip.length - 1)), 'ipv4', /truncated: total length 38, 37 bytes present/, 16);
    const badIhl = ip.slice();
    badIhl[14] = 0x44;
    malformed(() => parseFrame(badIhl), 'ipv4', /header length 16 is below 20/);
    const badUdp = ip.slice();
    badUdp[14 + 20 + 5] = 4;
    malformed(() => parseFrame(badUdp), 'udp', /length 4 is below 8/, 38);
    const tcp = buildFrame({ ethernet: ETH, ipv6: { src: '::1', dst: '::2' }, tcp: { srcPort: 1, dstPort: 2 } });
    const badOffset = tcp.slice();
    badOffset[14 + 40 + 12] = 0x40;
    malformed(() => parseFrame(badOffset), 'tcp', /data offset 16 is below 20/, 66);
    malformed(() => parseFrame(hex('0180c200000e 020000000001 88cc 0207 04 000496 1fa726')), 'lldp', /truncated/);
    malformed(() => parseFrame(hex('0180c200000e 020000000001 88cc 0404 05 312f33 0207 04 000496 1fa726 0602 0078 0000')), 'lldp', /chassis ID TLV must come first/);
    malformed(() => parseFrame(hex('ffffffffffff 020000000001 0806 0001 0800 06 04 0001')), 'arp', /truncated/);
  });

  it('refuses specs that cannot be built', () => {
    invalid({ ethernet: ETH, tcp: { srcPort: 1, dstPort: 2 } }, 'tcp', /needs an ipv4 or ipv6 layer/);
    invalid({ ethernet: ETH, ipv6: { src: '::1', dst: '::2' }, icmp: { type: 8 } }, 'icmp', /ICMP runs over IPv4/);
    invalid({ ethernet: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, icmpv6: { type: 128 } }, 'icmpv6', /runs over IPv6/);
    invalid({ ethernet: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, ipv6: { src: '::1', dst: '::2' } }, 'frame', /at most one network layer, got ipv4 and ipv6/);
    invalid({ ethernet: { ...ETH, ethType: 0x86dd }, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', protocol: 6 } }, 'ethernet', /ethType 0x86dd contradicts the next layer \(0x800\)/);
    invalid({ ethernet: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', protocol: 6 }, udp: { srcPort: 1, dstPort: 2 } }, 'ipv4', /protocol 0x6 contradicts/);
    invalid({ ethernet: ETH, payload: new Uint8Array(1) }, 'ethernet', /ethType is needed/);
    invalid({ ethernet: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' } }, 'ipv4', /protocol is needed/);
    invalid({ ethernet: { ...ETH, dst: 'nope' }, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', protocol: 6 } }, 'ethernet', /dst "nope" is not a MAC address/);
    invalid({ ethernet: { ...ETH, vlans: [{ vid: 4096 }], ethType: 0x800 } }, 'vlan', /vid must be an integer 0\.\.4095/);
    invalid({ ethernet: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', options: new Uint8Array(3) }, udp: { srcPort: 1, dstPort: 2 } }, 'ipv4', /multiple of 4/);
    invalid({ ethernet: ETH, ipv4: { src: '10.0.0.300', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } }, 'ipv4', /src "10.0.0.300" is not an IPv4 address/);
    invalid({ ethernet: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 70000 } }, 'udp', /dstPort/);
    invalid({ ethernet: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 }, payload: new Uint8Array(65530) }, 'udp', /exceeds 65535/);
    invalid({ ethernet: ETH, arp: { op: 1, senderMac: ETH.src, senderIp: '10.0.0.1', targetIp: '10.0.0.2' }, payload: new Uint8Array(1) }, 'arp', /carries no payload/);
    invalid({ ethernet: ETH, lldp: { chassisId: { subtype: 7, id: new Uint8Array(0) }, portId: { subtype: 7, id: new Uint8Array(1) }, ttl: 1 } }, 'lldp', /cannot be empty/);
    invalid({ ethernet: ETH, lldp: { chassisId: { subtype: 7, id: new Uint8Array(1) }, portId: { subtype: 7, id: new Uint8Array(1) }, ttl: 1, tlvs: [{ type: 2, value: new Uint8Array(0) }] } }, 'lldp', /reserved/);
  });
});
