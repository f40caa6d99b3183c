import { base64, type Field, ipv4, mac, u16, u8 } from './fields.js';
import { fail, type JsonObject, readArray, readClassed, type RyuJson } from './json.js';

/**
 * A frame in Ryu's packet-library JSON, `{"Packet": {"protocols": [{"ethernet":
 * {...}}, {"ipv4": {...}}, {"icmp": {...}}]}}`, as Ryu shows a PACKET_OUT built with
 * `ryu.lib.packet`, read into the frame's bytes. Read only: like Ryu's parser,
 * `toRyuJson` writes a received frame as base64. Modelled: Ethernet II carrying
 * IPv4 without options carrying an ICMP echo request or reply, every header field
 * (checksums included) written as given; total_length must be the packet's.
 */

/** Ethernet II header: dst, src, ethertype. */
export const ETHERNET_HEADER_SIZE = 14;
/** IPv4 header without options (header_length 5). */
export const IPV4_HEADER_SIZE = 20;
/** ICMP header: type, code, csum. */
export const ICMP_HEADER_SIZE = 4;
/** ICMP echo: id, seq, then data. */
export const ICMP_ECHO_HEADER_SIZE = 4;

const ETH_TYPE_IP = 0x0800;
const IPPROTO_ICMP = 1;
const ICMP_ECHO_REPLY = 0;
const ICMP_ECHO_REQUEST = 8;

/** The body of `{name: {...}}`, the only key of the object at `path`. */
function only(j: RyuJson | undefined, name: string, path: string): JsonObject {
  const { name: given, body } = readClassed(j, path);
  if (given !== name) fail(path, `expected ${name}, got ${given}`);
  return body;
}

function get<T>(o: JsonObject, key: string, f: Field<T>): T {
  return f.from(o.get(key), o.at(key));
}

function expect(o: JsonObject, key: string, value: RyuJson, why: string): void {
  if (o.get(key) !== value) fail(o.at(key), why);
}

/**
 * The frame of Ryu's packet-library form (`{"Packet": {...}}` at `path`).
 * @throws OfpJsonError naming the path of a protocol or field this form does not model.
 */
export function frameFromRyu(j: RyuJson, path: string): Buffer {
  const packet = only(j, 'Packet', path);
  const protocols = readArray(packet.get('protocols'), packet.at('protocols'));
  if (protocols.length !== 3) fail(packet.at('protocols'), 'only Ethernet / IPv4 / ICMP echo frames are modelled; give other frames as base64');
  const eth = only(protocols[0]!.value, 'ethernet', protocols[0]!.path);
  const ip = only(protocols[1]!.value, 'ipv4', protocols[1]!.path);
  const icmp = only(protocols[2]!.value, 'icmp', protocols[2]!.path);
  expect(eth, 'ethertype', ETH_TYPE_IP, 'only IPv4 (2048) is modelled');
  expect(ip, 'version', 4, 'must be 4');
  expect(ip, 'header_length', 5, 'only IPv4 without options (5) is modelled');
  expect(ip, 'proto', IPPROTO_ICMP, 'only ICMP (1) is modelled');
  expect(ip, 'option', null, 'IPv4 options are not modelled');
  const type = get(icmp, 'type', u8);
  if (type !== ICMP_ECHO_REQUEST && type !== ICMP_ECHO_REPLY) fail(icmp.at('type'), 'only ICMP echo (0, 8) is modelled');
  const echo = only(icmp.get('data'), 'echo', icmp.at('data'));
  const payload = get(echo, 'data', base64);
  const flags = get(ip, 'flags', u8);
  const offset = get(ip, 'offset', u16);
  if (flags > 7 || offset > 0x1fff) fail(ip.at('flags'), 'flags are 3 bits and offset 13');
  const b = Buffer.alloc(ETHERNET_HEADER_SIZE + IPV4_HEADER_SIZE + ICMP_HEADER_SIZE + ICMP_ECHO_HEADER_SIZE + payload.length);
  const totalLength = get(ip, 'total_length', u16);
  if (totalLength !== b.length - ETHERNET_HEADER_SIZE) fail(ip.at('total_length'), `is ${totalLength} but the packet is ${b.length - ETHERNET_HEADER_SIZE} bytes`);
  Buffer.from(get(eth, 'dst', mac).split(':').map((x) => parseInt(x, 16))).copy(b, 0);
  Buffer.from(get(eth, 'src', mac).split(':').map((x) => parseInt(x, 16))).copy(b, 6);
  b.writeUInt16BE(ETH_TYPE_IP, 12);
  const at = ETHERNET_HEADER_SIZE;
  b[at] = 0x45;
  b[at + 1] = get(ip, 'tos', u8);
  b.writeUInt16BE(totalLength, at + 2);
  b.writeUInt16BE(get(ip, 'identification', u16), at + 4);
  b.writeUInt16BE((flags << 13) | offset, at + 6);
  b[at + 8] = get(ip, 'ttl', u8);
  b[at + 9] = IPPROTO_ICMP;
  b.writeUInt16BE(get(ip, 'csum', u16), at + 10);
  Buffer.from(get(ip, 'src', ipv4).split('.').map(Number)).copy(b, at + 12);
  Buffer.from(get(ip, 'dst', ipv4).split('.').map(Number)).copy(b, at + 16);
  const ic = at + IPV4_HEADER_SIZE;
  b[ic] = type;
  b[ic + 1] = get(icmp, 'code', u8);
  b.writeUInt16BE(get(icmp, 'csum', u16), ic + 2);
  b.writeUInt16BE(get(echo, 'id', u16), ic + 4);
  b.writeUInt16BE(get(echo, 'seq', u16), ic + 6);
  b.set(payload, ic + 8);
  for (const o of [packet, eth, ip, icmp, echo]) o.done();
  return b;
}
