import { bytesField, field, get16, put16 } from './bytes.js';
import { badSpec, malformed, need } from './errors.js';

/** A typed ID (chassis or port): its subtype and bytes (IEEE 802.1AB 8.5.2, 8.5.3). */
export interface LldpId {
  readonly subtype: number;
  readonly id: Uint8Array;
}

/** A TLV after the mandatory three (port description, system name, organisation-specific, ...). */
export interface LldpTlv {
  readonly type: number;
  readonly value: Uint8Array;
}

/** An LLDP data unit: the mandatory chassis ID, port ID and TTL, then the other TLVs up to End. */
export interface Lldp {
  readonly chassisId: LldpId;
  readonly portId: LldpId;
  /** Seconds. */
  readonly ttl: number;
  readonly tlvs: readonly LldpTlv[];
}

export interface LldpSpec {
  readonly chassisId: LldpId;
  readonly portId: LldpId;
  readonly ttl: number;
  readonly tlvs?: readonly LldpTlv[];
}

/** TLV types (IEEE 802.1AB table 8-1). */
export const LldpTlvType = {
  END: 0,
  CHASSIS_ID: 1,
  PORT_ID: 2,
  TTL: 3,
  PORT_DESCRIPTION: 4,
  SYSTEM_NAME: 5,
  SYSTEM_DESCRIPTION: 6,
  SYSTEM_CAPABILITIES: 7,
  MANAGEMENT_ADDRESS: 8,
  ORGANIZATIONALLY_SPECIFIC: 127,
} as const;

/** Chassis ID subtypes (4: MAC address, 7: locally assigned text). */
export const LldpChassisIdSubtype = { CHASSIS_COMPONENT: 1, INTERFACE_ALIAS: 2, PORT_COMPONENT: 3, MAC_ADDRESS: 4, NETWORK_ADDRESS: 5, INTERFACE_NAME: 6, LOCALLY_ASSIGNED: 7 } as const;
/** Port ID subtypes (3: MAC address, 5: interface name, 7: locally assigned text). */
export const LldpPortIdSubtype = { INTERFACE_ALIAS: 1, PORT_COMPONENT: 2, MAC_ADDRESS: 3, NETWORK_ADDRESS: 4, INTERFACE_NAME: 5, AGENT_CIRCUIT_ID: 6, LOCALLY_ASSIGNED: 7 } as const;

/** Parses TLVs up to End; MALFORMED_PACKET when the mandatory TLVs are missing or out of order, or a TLV overruns. */
export function parseLldp(b: Uint8Array, base = 0): Lldp {
  const tlvs: LldpTlv[] = [];
  let p = 0;
  for (;;) {
    need(b, p, 2, 'lldp', base);
    const head = get16(b, p);
    const type = head >>> 9;
    const length = head & 0x1ff;
    need(b, p + 2, length, 'lldp', base);
    if (type === LldpTlvType.END) {
      if (length !== 0) throw malformed('lldp', base + p, `End TLV has length ${length}, not 0`);
      break;
    }
    tlvs.push({ type, value: b.subarray(p + 2, p + 2 + length) });
    p += 2 + length;
  }
  const [chassis, port, ttl] = tlvs;
  const expect = (tlv: LldpTlv | undefined, type: number, min: number, name: string): Uint8Array => {
    if (tlv === undefined || tlv.type !== type) throw malformed('lldp', base, `the ${name} TLV must come ${['first', 'second', 'third'][type - 1]}`);
    if (tlv.value.length < min) throw malformed('lldp', base, `the ${name} TLV is ${tlv.value.length} bytes, at least ${min} needed`);
    return tlv.value;
  };
  const c = expect(chassis, LldpTlvType.CHASSIS_ID, 2, 'chassis ID');
  const q = expect(port, LldpTlvType.PORT_ID, 2, 'port ID');
  const t = expect(ttl, LldpTlvType.TTL, 2, 'TTL');
  return { chassisId: { subtype: c[0]!, id: c.subarray(1) }, portId: { subtype: q[0]!, id: q.subarray(1) }, ttl: get16(t, 0), tlvs: tlvs.slice(3) };
}

function tlvSize(length: number, name: string): number {
  if (length > 0x1ff) throw badSpec('lldp', `${name} is ${length} bytes, a TLV holds at most 511`);
  return 2 + length;
}

export function lldpSize(spec: LldpSpec): number {
  let size = tlvSize(1 + bytesField(spec.chassisId?.id, 'lldp', 'chassisId.id').length, 'chassisId') + tlvSize(1 + bytesField(spec.portId?.id, 'lldp', 'portId.id').length, 'portId') + 4 + 2;
  for (const t of spec.tlvs ?? []) size += tlvSize(bytesField(t.value, 'lldp', `TLV ${t.type}`).length, `TLV ${t.type}`);
  return size;
}

export function writeLldp(spec: LldpSpec, out: Uint8Array, p: number): void {
  const tlv = (type: number, value: Uint8Array, prefix?: number): void => {
    const length = value.length + (prefix === undefined ? 0 : 1);
    put16(out, p, (type << 9) | length);
    p += 2;
    if (prefix !== undefined) out[p++] = prefix;
    out.set(value, p);
    p += value.length;
  };
  if (spec.chassisId.id.length === 0 || spec.portId.id.length === 0) throw badSpec('lldp', 'chassis and port IDs cannot be empty');
  tlv(LldpTlvType.CHASSIS_ID, spec.chassisId.id, field(spec.chassisId.subtype, 8, 'lldp', 'chassisId.subtype'));
  tlv(LldpTlvType.PORT_ID, spec.portId.id, field(spec.portId.subtype, 8, 'lldp', 'portId.subtype'));
  const ttl = new Uint8Array(2);
  put16(ttl, 0, field(spec.ttl, 16, 'lldp', 'ttl'));
  tlv(LldpTlvType.TTL, ttl);
  for (const t of spec.tlvs ?? []) {
    const type = field(t.type, 7, 'lldp', 'TLV type');
    if (type <= LldpTlvType.TTL) throw badSpec('lldp', `TLV type ${type} is reserved for End/chassis/port/TTL`);
    tlv(type, t.value);
  }
  put16(out, p, 0);
}
