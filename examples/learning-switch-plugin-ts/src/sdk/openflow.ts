import type { Action, Command, Dpid, FlowModCommand, Instruction, OxmField, OxmValue, U32, U64Text } from './wit.js';

/**
 * OpenFlow 1.3 constants and builders for the WIT values. Every u32 constant is
 * in its int32 form (the guest's form: see wit.ts), so comparing with what
 * arrives and passing it back both work.
 */

/**
 * A u32 in the guest's int32 form, from either form (0 to 2^32 - 1, or -2^31 to -1
 * as it arrives). The builders below pass every u32 through it, so `output(0xfffffffb)`
 * is as good as `output(Port.FLOOD)`. @throws RangeError for anything else
 */
export function u32(n: number): U32 {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) throw new RangeError(`${n} is not a u32`);
  return n | 0;
}

/** The unsigned value of a u32 the guest holds (for printing and arithmetic). */
export function unsigned(n: U32): number {
  return n >>> 0;
}

/** Reserved port numbers (ofp_port_no, OpenFlow 1.3.5 7.2.1). */
export const Port = {
  MAX: u32(0xffffff00),
  IN_PORT: u32(0xfffffff8),
  TABLE: u32(0xfffffff9),
  NORMAL: u32(0xfffffffa),
  FLOOD: u32(0xfffffffb),
  ALL: u32(0xfffffffc),
  CONTROLLER: u32(0xfffffffd),
  LOCAL: u32(0xfffffffe),
  ANY: u32(0xffffffff),
} as const;

/** OFP_NO_BUFFER: a packet-in whose frame is all in `data`. */
export const NO_BUFFER = u32(0xffffffff);
/** OFPCML_NO_BUFFER: send the whole packet to the controller, do not buffer it. */
export const CONTROLLER_MAX_LEN_NO_BUFFER = 0xffff;
/** OFPG_ANY */
export const GROUP_ANY = u32(0xffffffff);
/** OFPFF_* flow-mod flags. */
export const FlowModFlags = { SEND_FLOW_REM: 1, CHECK_OVERLAP: 2, RESET_COUNTS: 4, NO_PKT_COUNTS: 8, NO_BYT_COUNTS: 16 } as const;
/** EtherTypes. */
export const EthType = { IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, IPV6: 0x86dd, MPLS: 0x8847, LLDP: 0x88cc } as const;

/** A dpid (16 lowercase hex digits) from a number or bigint. */
export function dpid(value: number | bigint): Dpid {
  return BigInt(value).toString(16).padStart(16, '0');
}

/** u64-text (decimal) from a number, bigint or decimal text. @throws RangeError outside 0 to 2^64 - 1 */
export function u64(value: number | bigint | U64Text): U64Text {
  const n = BigInt(value);
  if (n < 0n || n > 0xffffffffffffffffn) throw new RangeError(`${value} is not a u64`);
  return n.toString();
}

const value = (v: number | string | bigint, kind: 'uint' | 'text' | 'big'): OxmValue =>
  kind === 'uint' ? { tag: 'uint', val: u32(Number(v)) } : kind === 'big' ? { tag: 'big', val: u64(v) } : { tag: 'text', val: String(v) };

/** OXM fields by their spec names; masks are optional. */
export const oxm = {
  uint: (field: string, v: number, mask?: number): OxmField => ({ field, value: value(v, 'uint'), mask: mask === undefined ? null : value(mask, 'uint') }),
  big: (field: string, v: bigint | U64Text, mask?: bigint | U64Text): OxmField => ({ field, value: value(v, 'big'), mask: mask === undefined ? null : value(mask, 'big') }),
  text: (field: string, v: string, mask?: string): OxmField => ({ field, value: value(v, 'text'), mask: mask === undefined ? null : value(mask, 'text') }),
  inPort: (port: U32): OxmField => oxm.uint('in_port', port),
  ethDst: (mac: string, mask?: string): OxmField => oxm.text('eth_dst', mac, mask),
  ethSrc: (mac: string, mask?: string): OxmField => oxm.text('eth_src', mac, mask),
  ethType: (type: number): OxmField => oxm.uint('eth_type', type),
  vlanVid: (vid: number, mask?: number): OxmField => oxm.uint('vlan_vid', vid, mask),
  ipProto: (proto: number): OxmField => oxm.uint('ip_proto', proto),
  ipv4Src: (ip: string, mask?: string): OxmField => oxm.text('ipv4_src', ip, mask),
  ipv4Dst: (ip: string, mask?: string): OxmField => oxm.text('ipv4_dst', ip, mask),
  tcpSrc: (port: number): OxmField => oxm.uint('tcp_src', port),
  tcpDst: (port: number): OxmField => oxm.uint('tcp_dst', port),
  udpSrc: (port: number): OxmField => oxm.uint('udp_src', port),
  udpDst: (port: number): OxmField => oxm.uint('udp_dst', port),
  metadata: (v: bigint | U64Text, mask?: bigint | U64Text): OxmField => oxm.big('metadata', v, mask),
};

/** The value of field `name` in a match (a number in int32 form, or text for addresses and 64-bit fields), or undefined. */
export function matchValue(match: readonly OxmField[], name: string): number | string | undefined {
  return match.find((f) => f.field === name)?.value.val;
}

export const output = (port: U32, maxLen = 0): Action => ({ tag: 'output', val: { port: u32(port), maxLen } });
export const setField = (field: OxmField): Action => ({ tag: 'set-field', val: field });
export const pushVlan = (ethType: number = EthType.VLAN): Action => ({ tag: 'push-vlan', val: ethType });
export const popVlan = (): Action => ({ tag: 'pop-vlan' });
export const group = (id: U32): Action => ({ tag: 'group', val: u32(id) });
export const setQueue = (id: U32): Action => ({ tag: 'set-queue', val: u32(id) });
export const decNwTtl = (): Action => ({ tag: 'dec-nw-ttl' });

export const applyActions = (...actions: Action[]): Instruction => ({ tag: 'apply-actions', val: actions });
export const writeActions = (...actions: Action[]): Instruction => ({ tag: 'write-actions', val: actions });
export const clearActions = (): Instruction => ({ tag: 'clear-actions' });
export const gotoTable = (table: number): Instruction => ({ tag: 'goto-table', val: table });
export const meter = (id: U32): Instruction => ({ tag: 'meter', val: u32(id) });
export const writeMetadata = (metadata: bigint | U64Text, mask: bigint | U64Text): Instruction => ({ tag: 'write-metadata', val: { metadata: u64(metadata), mask: u64(mask) } });

export interface FlowModOptions {
  readonly priority?: number;
  readonly match?: OxmField[];
  /** Shorthand for `instructions: [applyActions(...actions)]`. */
  readonly actions?: Action[];
  readonly instructions?: Instruction[];
  /** Seconds (0: none). */
  readonly idleTimeout?: number;
  /** Seconds (0: none). */
  readonly hardTimeout?: number;
  readonly command?: FlowModCommand;
  readonly tableId?: number;
  readonly cookie?: bigint | U64Text;
  readonly cookieMask?: bigint | U64Text;
  /** Apply the flow to this buffered packet too (a packet-in's bufferId). */
  readonly bufferId?: U32;
  /** For deletes: only flows that output to this port / group. */
  readonly outPort?: U32;
  readonly outGroup?: U32;
  readonly flags?: number;
}

/** OFPT_FLOW_MOD (default: add to table 0, priority 0, no timeouts, cookie 0). */
export function flowMod(target: Dpid, o: FlowModOptions): Command {
  const instructions = [...(o.actions === undefined ? [] : [applyActions(...o.actions)]), ...(o.instructions ?? [])];
  return {
    dpid: target,
    body: {
      tag: 'flow-mod',
      val: {
        cookie: u64(o.cookie ?? 0),
        cookieMask: u64(o.cookieMask ?? 0),
        tableId: o.tableId ?? 0,
        command: o.command ?? 'add',
        idleTimeout: o.idleTimeout ?? 0,
        hardTimeout: o.hardTimeout ?? 0,
        priority: o.priority ?? 0,
        bufferId: o.bufferId === undefined ? null : u32(o.bufferId),
        outPort: o.outPort === undefined ? null : u32(o.outPort),
        outGroup: o.outGroup === undefined ? null : u32(o.outGroup),
        flags: o.flags ?? 0,
        match: o.match ?? [],
        instructions,
      },
    },
  };
}

export interface PacketOutOptions {
  readonly actions: Action[];
  /** The frame (when not buffered). */
  readonly data?: Uint8Array;
  /** A buffered packet (a packet-in's bufferId other than NO_BUFFER); then `data` is not sent. */
  readonly bufferId?: U32;
  /** Default CONTROLLER. */
  readonly inPort?: U32;
}

/** OFPT_PACKET_OUT. */
export function packetOut(target: Dpid, o: PacketOutOptions): Command {
  const bufferId = o.bufferId === undefined ? NO_BUFFER : u32(o.bufferId);
  const buffered = bufferId !== NO_BUFFER;
  return {
    dpid: target,
    body: { tag: 'packet-out', val: { bufferId: buffered ? bufferId : null, inPort: o.inPort === undefined ? null : u32(o.inPort), actions: o.actions, data: buffered ? new Uint8Array(0) : (o.data ?? new Uint8Array(0)) } },
  };
}

/** OFPT_BARRIER_REQUEST: the switch confirms it processed everything sent before. */
export function barrier(target: Dpid): Command {
  return { dpid: target, body: { tag: 'barrier' } };
}

/** A whole OpenFlow message (header included; the host sets version and xid). */
export function raw(target: Dpid, message: Uint8Array): Command {
  return { dpid: target, body: { tag: 'raw', val: message } };
}
