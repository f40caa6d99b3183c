/** Frames for topology tests, built byte by byte (independent of the parsers under test). */

export function macBytes(mac: string): Buffer {
  return Buffer.from(mac.replaceAll(':', ''), 'hex');
}

function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

/** Full (uncompressed) IPv6 text only: "fe80:0:0:0:0:0:0:1". */
function ipv6Bytes(ip: string): Buffer {
  const groups = ip.split(':');
  if (groups.length !== 8) throw new Error(`test helper wants 8 groups: ${ip}`);
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), 2 * i));
  return b;
}

export function ethernet(dst: string, src: string, ethType: number, payload: Uint8Array): Buffer {
  const head = Buffer.alloc(14);
  macBytes(dst).copy(head, 0);
  macBytes(src).copy(head, 6);
  head.writeUInt16BE(ethType, 12);
  return Buffer.concat([head, payload]);
}

/** ARP for IPv4 over Ethernet; op 1 request, 2 reply. */
export function arp(src: string, senderIp: string, targetIp: string, op = 1, senderMac = src): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt16BE(1, 0);
  b.writeUInt16BE(0x0800, 2);
  b[4] = 6;
  b[5] = 4;
  b.writeUInt16BE(op, 6);
  macBytes(senderMac).copy(b, 8);
  ipv4Bytes(senderIp).copy(b, 14);
  ipv4Bytes(targetIp).copy(b, 24);
  return ethernet('ff:ff:ff:ff:ff:ff', src, 0x0806, b);
}

/** An IPv4 UDP datagram header (no checksum: topology does not check it). */
export function ipv4(src: string, dst: string, srcIp: string, dstIp: string): Buffer {
  const b = Buffer.alloc(28);
  b[0] = 0x45;
  b.writeUInt16BE(28, 2);
  b[8] = 64;
  b[9] = 17;
  ipv4Bytes(srcIp).copy(b, 12);
  ipv4Bytes(dstIp).copy(b, 16);
  return ethernet(dst, src, 0x0800, b);
}

/** An ICMPv6 neighbour discovery message (type 135 NS, 136 NA) with a target address. */
export function neighbourDiscovery(src: string, srcIp: string, type: number, target: string): Buffer {
  const icmp = Buffer.alloc(24);
  icmp[0] = type;
  ipv6Bytes(target).copy(icmp, 8);
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(icmp.length, 4);
  ip[6] = 58;
  ip[7] = 255;
  ipv6Bytes(srcIp).copy(ip, 8);
  ipv6Bytes('ff02:0:0:0:0:1:ff00:1').copy(ip, 24);
  return ethernet('33:33:ff:00:00:01', src, 0x86dd, Buffer.concat([ip, icmp]));
}

/** LLDP as a legacy switch or a host agent sends it: chassis (MAC), port (name), TTL, End; no probe TLV. */
export function plainLldp(src: string): Buffer {
  const tlv = (type: number, value: Buffer): Buffer => {
    const h = Buffer.alloc(2);
    h.writeUInt16BE((type << 9) | value.length);
    return Buffer.concat([h, value]);
  };
  const body = Buffer.concat([tlv(1, Buffer.concat([Buffer.from([4]), macBytes(src)])), tlv(2, Buffer.from('\x05eth0', 'latin1')), tlv(3, Buffer.from([0, 120])), Buffer.alloc(2)]);
  return ethernet('01:80:c2:00:00:0e', src, 0x88cc, body);
}

/** `frame` with an 802.1Q tag (VLAN `vid`) inserted after the addresses. */
export function tagged(frame: Buffer, vid: number): Buffer {
  const tag = Buffer.alloc(4);
  tag.writeUInt16BE(0x8100, 0);
  tag.writeUInt16BE(vid, 2);
  return Buffer.concat([frame.subarray(0, 12), tag, frame.subarray(12)]);
}
