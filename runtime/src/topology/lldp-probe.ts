import { createHmac, timingSafeEqual } from 'node:crypto';
import { formatDpid } from '../openflow/index.js';
import { TopologyFrameError } from './errors.js';
import { EthType, parseEthernet } from './ethernet.js';
import type { Endpoint } from './types.js';

/**
 * LLDP probes: the frame a runtime node sends out of a switch port to learn the
 * link behind it, and the checks it runs on one that comes back. The wire format
 * is written out in README.md ("Probe frame"). Pure: bytes and values in and out.
 */

/** IEEE 802.1AB nearest-bridge group address: not forwarded by 802.1D bridges. */
export const LLDP_NEAREST_BRIDGE = '01:80:c2:00:00:0e';
/**
 * The organisation identifier of our probe TLV. Not an IEEE-assigned OUI: it is a
 * value of the CID form (first octet low nibble 0xA), which no OUI can equal, so
 * it never collides with a vendor's TLV. Replace it if the project registers one.
 */
export const PROBE_OUI = 0x5a5344;
export const PROBE_SUBTYPE = 1;
/** The version of the probe TLV's content; a different one is LLDP_FOREIGN. */
export const PROBE_VERSION = 1;
/** The TTL we announce, in seconds (Ryu's value; receivers of our probes do not age on it). */
export const PROBE_TTL_SEC = 120;
/** Shortest cluster secret accepted, in bytes. */
export const MIN_SECRET_BYTES = 16;

const TLV_END = 0;
const TLV_CHASSIS_ID = 1;
const TLV_PORT_ID = 2;
const TLV_TTL = 3;
const TLV_ORGANISATION = 127;
/** Chassis id subtype 7 (locally assigned) with "dpid:%016x", as Ryu writes it. */
const CHASSIS_SUBTYPE_LOCAL = 7;
const CHASSIS_PREFIX = 'dpid:';
/** Port id subtype 2 (port component) with the port number as 4 bytes, as Ryu and ONOS write it. */
const PORT_SUBTYPE_COMPONENT = 2;
const MAC_SIZE = 32;
/** Version, timestamp, node, HMAC. */
const PROBE_CONTENT_SIZE = 1 + 8 + 4 + MAC_SIZE;
const ETH_HEADER_SIZE = 14;

/** What a verified probe says about where it was sent from. */
export interface Probe {
  readonly src: Endpoint;
  /** The node that sent it (its 32-bit id, core/node.ts). */
  readonly node: number;
  /** The sender's clock when it built the frame, ms since the epoch. */
  readonly sentAtMs: number;
}

export interface ProbeSpec {
  readonly dpid: bigint;
  readonly port: number;
  /** The port's MAC: the frame's source address, as LLDP agents do. */
  readonly hwAddr: string;
  /** This node's 32-bit id. */
  readonly node: number;
  readonly nowMs: number;
}

/** Fails unless `secret` is long enough to key the HMAC. */
export function checkSecret(secret: Uint8Array): void {
  if (secret.length < MIN_SECRET_BYTES) throw new RangeError(`the cluster secret is ${secret.length} bytes, at least ${MIN_SECRET_BYTES} needed`);
}

/** The probe frame for one port; RangeError for a node id or a port beyond 32 bits. */
export function encodeProbe(spec: ProbeSpec, secret: Uint8Array): Buffer {
  if (!Number.isInteger(spec.node) || spec.node < 0 || spec.node > 0xffffffff) throw new RangeError(`node ${spec.node} is not a 32-bit node id`);
  if (!Number.isInteger(spec.port) || spec.port < 0 || spec.port > 0xffffffff) throw new RangeError(`port ${spec.port} is not a 32-bit port number`);
  const chassis = Buffer.from(CHASSIS_PREFIX + formatDpid(spec.dpid), 'ascii');
  const orgLength = 4 + PROBE_CONTENT_SIZE;
  const size = ETH_HEADER_SIZE + (2 + 1 + chassis.length) + (2 + 5) + (2 + 2) + (2 + orgLength) + 2;
  const out = Buffer.alloc(size);
  writeMac(out, 0, LLDP_NEAREST_BRIDGE);
  writeMac(out, 6, spec.hwAddr);
  out.writeUInt16BE(EthType.LLDP, 12);
  let p = ETH_HEADER_SIZE;
  const tlvHeader = (type: number, length: number): void => {
    out.writeUInt16BE((type << 9) | length, p);
    p += 2;
  };
  tlvHeader(TLV_CHASSIS_ID, 1 + chassis.length);
  out[p++] = CHASSIS_SUBTYPE_LOCAL;
  p += chassis.copy(out, p);
  tlvHeader(TLV_PORT_ID, 5);
  out[p++] = PORT_SUBTYPE_COMPONENT;
  p = out.writeUInt32BE(spec.port, p);
  tlvHeader(TLV_TTL, 2);
  p = out.writeUInt16BE(PROBE_TTL_SEC, p);
  tlvHeader(TLV_ORGANISATION, orgLength);
  p = out.writeUIntBE(PROBE_OUI, p, 3);
  out[p++] = PROBE_SUBTYPE;
  out[p++] = PROBE_VERSION;
  p = out.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(spec.nowMs))), p);
  p = out.writeUInt32BE(spec.node, p);
  p += mac(secret, out.subarray(ETH_HEADER_SIZE, p)).copy(out, p);
  out.writeUInt16BE(TLV_END << 9, p);
  return out;
}

/**
 * True when the frame is LLDP (after up to two VLAN tags); false for anything
 * else, including a frame too short to say. Reads only the ethertypes: it runs
 * for every packet-in.
 */
export function isLldp(frame: Uint8Array): boolean {
  for (let at = 12, tags = 0; at + 2 <= frame.length && tags <= 2; at += 4, tags++) {
    const ethType = (frame[at]! << 8) | frame[at + 1]!;
    if (ethType !== EthType.VLAN && ethType !== EthType.QINQ) return ethType === EthType.LLDP;
  }
  return false;
}

/**
 * The probe in `frame` after checking its HMAC with `secret`. Throws
 * TopologyFrameError: LLDP_MALFORMED (not well-formed LLDP), LLDP_FOREIGN (LLDP
 * without our probe TLV), LLDP_FORGED (the HMAC or the ids do not check out).
 * Freshness is the caller's check (it has the clock).
 */
export function decodeProbe(frame: Uint8Array, secret: Uint8Array): Probe {
  const eth = lldpEthernet(frame);
  if (eth.ethType !== EthType.LLDP) throw new TopologyFrameError('LLDP_FOREIGN', `ethertype 0x${eth.ethType.toString(16)} is not LLDP`);
  const lldpStart = eth.payloadAt;
  const tlvs = readTlvs(frame, lldpStart);
  const [chassis, port, ttl] = tlvs;
  if (chassis?.type !== TLV_CHASSIS_ID || port?.type !== TLV_PORT_ID || ttl?.type !== TLV_TTL || ttl.value.length !== 2) {
    throw new TopologyFrameError('LLDP_MALFORMED', 'LLDP must start with the chassis id, port id and TTL TLVs');
  }
  const org = tlvs.find((t) => t.type === TLV_ORGANISATION && t.value.length >= 5 && readU24(t.value, 0) === PROBE_OUI && t.value[3] === PROBE_SUBTYPE);
  if (org === undefined) throw new TopologyFrameError('LLDP_FOREIGN', 'LLDP without a probe TLV (not one of ours)');
  const v = org.value;
  if (v[4] !== PROBE_VERSION) throw new TopologyFrameError('LLDP_FOREIGN', `probe TLV version ${v[4]}, this node reads ${PROBE_VERSION}`);
  if (v.length !== 4 + PROBE_CONTENT_SIZE) throw new TopologyFrameError('LLDP_FORGED', `probe TLV of ${v.length} bytes, ${4 + PROBE_CONTENT_SIZE} expected`);
  const macAt = org.at + 4 + PROBE_CONTENT_SIZE - MAC_SIZE;
  const expected = mac(secret, frame.subarray(lldpStart, macAt));
  if (!timingSafeEqual(expected, frame.subarray(macAt, macAt + MAC_SIZE))) throw new TopologyFrameError('LLDP_FORGED', 'probe HMAC does not verify with the cluster secret');
  const src = { dpid: chassisDpid(chassis.value), port: portNumber(port.value) };
  const sentAtMs = Number(Buffer.from(v.buffer, v.byteOffset + 5, 8).readBigUInt64BE(0));
  const node = Buffer.from(v.buffer, v.byteOffset + 13, 4).readUInt32BE(0);
  return { src, node, sentAtMs };
}

function lldpEthernet(frame: Uint8Array): ReturnType<typeof parseEthernet> {
  try {
    return parseEthernet(frame);
  } catch (err) {
    throw new TopologyFrameError('LLDP_MALFORMED', 'LLDP frame without a whole Ethernet header', { cause: err });
  }
}

interface Tlv {
  readonly type: number;
  readonly value: Uint8Array;
  /** Index in the frame of the value's first byte. */
  readonly at: number;
}

/** TLVs up to End; every read is inside the frame, so the loop is bounded by its length. */
function readTlvs(frame: Uint8Array, start: number): Tlv[] {
  const tlvs: Tlv[] = [];
  let p = start;
  for (;;) {
    if (p + 2 > frame.length) throw new TopologyFrameError('LLDP_MALFORMED', `LLDP ends at byte ${frame.length} without an End TLV`);
    const head = (frame[p]! << 8) | frame[p + 1]!;
    const type = head >>> 9;
    const length = head & 0x1ff;
    if (type === TLV_END && length !== 0) throw new TopologyFrameError('LLDP_MALFORMED', `LLDP End TLV at byte ${p} has length ${length}, not 0`);
    if (type === TLV_END) return tlvs;
    if (p + 2 + length > frame.length) throw new TopologyFrameError('LLDP_MALFORMED', `LLDP TLV type ${type} at byte ${p} overruns the frame (${length} bytes)`);
    tlvs.push({ type, value: frame.subarray(p + 2, p + 2 + length), at: p + 2 });
    p += 2 + length;
  }
}

function chassisDpid(value: Uint8Array): bigint {
  if (value.length !== 1 + CHASSIS_PREFIX.length + 16) throw new TopologyFrameError('LLDP_FORGED', `probe chassis id of ${value.length} bytes is not "dpid:" and 16 hex digits`);
  const text = Buffer.from(value.buffer, value.byteOffset + 1, value.length - 1).toString('latin1');
  if (value[0] !== CHASSIS_SUBTYPE_LOCAL || !/^dpid:[0-9a-f]{16}$/.test(text)) throw new TopologyFrameError('LLDP_FORGED', 'probe chassis id is not "dpid:" and 16 hex digits');
  return BigInt(`0x${text.slice(CHASSIS_PREFIX.length)}`);
}

function portNumber(value: Uint8Array): number {
  if (value[0] !== PORT_SUBTYPE_COMPONENT || value.length !== 5) throw new TopologyFrameError('LLDP_FORGED', 'probe port id is not a 4-byte port component');
  return ((value[1]! << 24) >>> 0) + ((value[2]! << 16) | (value[3]! << 8) | value[4]!);
}

function readU24(b: Uint8Array, p: number): number {
  return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
}

function mac(secret: Uint8Array, data: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

function writeMac(out: Buffer, p: number, text: string): void {
  const hex = text.replaceAll(':', '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) throw new RangeError(`${text} is not a MAC address`);
  out.write(hex, p, 6, 'hex');
}
