import fc from 'fast-check';
import { ipv4At, ipv6At, macAt } from '../../addresses.js';
import type { FrameSpec } from '../frame.js';
import type { VlanSpec } from '../ethernet.js';

/** fast-check generators of valid frame specs, for the packet library's property tests. */

const bytes = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });
export const mac = bytes(6).map((b) => macAt(b, 0));
export const ipv4 = bytes(4).map((b) => ipv4At(b, 0));
export const ipv6 = bytes(16).map((b) => ipv6At(b, 0));
const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** bits - 1 });
const words = (max: number): fc.Arbitrary<Uint8Array> => fc.integer({ min: 0, max }).chain((n) => bytes(n * 4));
const payload = fc.uint8Array({ maxLength: 120 });

const vlan: fc.Arbitrary<VlanSpec> = fc.record({ vid: u(12), pcp: u(3), dei: fc.boolean(), tpid: fc.constantFrom(0x8100, 0x88a8) });
const ethernet = fc.record({ dst: mac, src: mac, vlans: fc.array(vlan, { maxLength: 2 }) });

const tcp = fc.record({ srcPort: u(16), dstPort: u(16), seq: u(32), ack: u(32), flags: u(9), window: u(16), urgentPointer: u(16), options: words(10) });
const udp = fc.record({ srcPort: u(16), dstPort: u(16) });
const ipv4Spec = fc.record({ src: ipv4, dst: ipv4, ttl: u(8), dscp: u(6), ecn: u(2), identification: u(16), dontFragment: fc.boolean(), options: words(10) });
const ipv6Spec = fc.record({ src: ipv6, dst: ipv6, hopLimit: u(8), trafficClass: u(8), flowLabel: u(20) });
const lldpTlv = fc.record({ type: fc.integer({ min: 4, max: 127 }), value: fc.uint8Array({ maxLength: 40 }) });

/** Any frame the builder accepts: each network layer with each transport it carries, or raw payloads. */
export const frameSpec: fc.Arbitrary<FrameSpec> = fc.oneof(
  fc.record({ ethernet: ethernet.map((e) => ({ ...e, ethType: 0x9000 })), payload }),
  fc.record({ ethernet, arp: fc.record({ op: fc.constantFrom(1, 2), senderMac: mac, senderIp: ipv4, targetMac: mac, targetIp: ipv4 }) }),
  fc.record({
    ethernet,
    lldp: fc.record({
      chassisId: fc.record({ subtype: u(8), id: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
      portId: fc.record({ subtype: u(8), id: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
      ttl: u(16),
      tlvs: fc.array(lldpTlv, { maxLength: 4 }),
    }),
  }),
  fc.record({ ethernet, ipv4: ipv4Spec.map((ip) => ({ ...ip, protocol: 200 })), payload }),
  fc.record({ ethernet, ipv4: ipv4Spec, tcp, payload }),
  fc.record({ ethernet, ipv4: ipv4Spec, udp, payload }),
  fc.record({ ethernet, ipv4: ipv4Spec, icmp: fc.record({ type: u(8), code: u(8), restOfHeader: u(32) }), payload }),
  fc.record({ ethernet, ipv6: ipv6Spec.map((ip) => ({ ...ip, nextHeader: 59 })), payload }),
  fc.record({ ethernet, ipv6: ipv6Spec, tcp, payload }),
  fc.record({ ethernet, ipv6: ipv6Spec, udp, payload }),
  fc.record({ ethernet, ipv6: ipv6Spec, icmpv6: fc.record({ type: u(8), code: u(8) }), payload }),
);
