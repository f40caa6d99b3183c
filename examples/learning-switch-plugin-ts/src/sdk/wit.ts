/**
 * The values of wit/plugin.wit (`sdn:plugin@0.2.0`) as a QuickJS guest sees them:
 * records with camelCase fields, variants as `{ tag, val }` with the WIT case name
 * as tag, an absent `option` as `null`, `list<u8>` as Uint8Array, enums as their
 * case name.
 *
 * `u32` values at or above 2^31 (port numbers like OFPP_FLOOD, OFP_NO_BUFFER)
 * arrive in their int32 form (negative) and must be given in that form: a
 * positive number above 2^31 - 1 is saturated by componentize-qjs 0.4.5. The
 * constants in `openflow.ts` are already in that form; `u32()` converts others.
 */

/** A switch's datapath id: 16 lowercase hex digits. */
export type Dpid = string;
/** A 64-bit value (cookie, metadata, counter) as decimal text. */
export type U64Text = string;
/** A WIT u32 in the guest's int32 form (see above); the SDK's builders take either form. */
export type U32 = number;

export type OxmValue = { tag: 'uint'; val: U32 } | { tag: 'big'; val: U64Text } | { tag: 'text'; val: string };

/** One OXM TLV, named as in the spec and Ryu ("in_port", "eth_dst"). */
export interface OxmField {
  field: string;
  value: OxmValue;
  mask: OxmValue | null;
}

export interface OutputAction {
  port: U32;
  /** Bytes sent to the controller when `port` is CONTROLLER (0xffff: the whole packet). */
  maxLen: number;
}

export interface ExperimenterBody {
  experimenter: U32;
  data: Uint8Array;
}

/** A field inside a Nicira action: its name ("reg0", "ct_mark") or its 32-bit NXM/OXM header. Since 0.2.0. */
export type NxmField = { tag: 'name'; val: string } | { tag: 'header'; val: U32 };

/** NXAST_NAT; each null bound is not sent. Since 0.2.0. */
export interface NxNatAction {
  flags: number;
  rangeIpv4Min: string | null;
  rangeIpv4Max: string | null;
  rangeIpv6Min: string | null;
  rangeIpv6Max: string | null;
  rangeProtoMin: number | null;
  rangeProtoMax: number | null;
}

/** What a ct runs on commit. Since 0.2.0. */
export type NxCtNestedAction = { tag: 'set-field'; val: OxmField } | { tag: 'nx-nat'; val: NxNatAction };

/** NXAST_CT: the zone is `zoneOfsNbits` itself when `zoneSrc` is null; `recircTable` 255: none. Since 0.2.0. */
export interface NxCtAction {
  flags: number;
  zoneSrc: NxmField | null;
  zoneOfsNbits: number;
  recircTable: number;
  alg: number;
  actions: NxCtNestedAction[];
}

export interface NxFlowSpecField {
  field: NxmField;
  ofs: number;
}

/** One learn spec: `nBits` bits from a field or an immediate big-endian value. Since 0.2.0. */
export interface NxFlowSpec {
  type: 'match' | 'load' | 'output';
  nBits: number;
  src: { tag: 'field'; val: NxFlowSpecField } | { tag: 'value'; val: Uint8Array };
  /** null for `output`. */
  dst: NxFlowSpecField | null;
}

/** NXAST_LEARN. Since 0.2.0. */
export interface NxLearnAction {
  idleTimeout: number;
  hardTimeout: number;
  priority: number;
  cookie: U64Text;
  flags: number;
  tableId: number;
  finIdleTimeout: number;
  finHardTimeout: number;
  specs: NxFlowSpec[];
}

export type Action =
  | { tag: 'output'; val: OutputAction }
  | { tag: 'copy-ttl-out' | 'copy-ttl-in' | 'dec-mpls-ttl' | 'pop-vlan' | 'dec-nw-ttl' | 'pop-pbb' }
  | { tag: 'set-mpls-ttl' | 'push-vlan' | 'push-mpls' | 'pop-mpls' | 'set-queue' | 'group' | 'set-nw-ttl' | 'push-pbb'; val: number }
  | { tag: 'set-field'; val: OxmField }
  | { tag: 'experimenter'; val: ExperimenterBody }
  // Since 0.2.0: the Nicira (Open vSwitch) actions; builders in nicira.ts.
  | { tag: 'nx-ct'; val: NxCtAction }
  | { tag: 'nx-ct-clear' }
  | { tag: 'nx-nat'; val: NxNatAction }
  | { tag: 'nx-resubmit'; val: number }
  | { tag: 'nx-resubmit-table'; val: { inPort: number; tableId: number } }
  | { tag: 'nx-learn'; val: NxLearnAction }
  | { tag: 'nx-reg-load'; val: { ofsNbits: number; dst: NxmField; value: U64Text } }
  | { tag: 'nx-reg-move'; val: { nBits: number; srcOfs: number; dstOfs: number; srcField: NxmField; dstField: NxmField } }
  | { tag: 'nx-conjunction'; val: { clause: number; nClauses: number; id: U32 } }
  | { tag: 'nx-note'; val: Uint8Array };

export type Instruction =
  | { tag: 'goto-table' | 'meter'; val: number }
  | { tag: 'write-metadata'; val: { metadata: U64Text; mask: U64Text } }
  | { tag: 'write-actions' | 'apply-actions'; val: Action[] }
  | { tag: 'clear-actions' };

export type FlowModCommand = 'add' | 'modify' | 'modify-strict' | 'delete' | 'delete-strict';

/** OFPT_FLOW_MOD; `null` options take the spec's "none" (OFP_NO_BUFFER, OFPP_ANY, OFPG_ANY). */
export interface FlowMod {
  cookie: U64Text;
  cookieMask: U64Text;
  tableId: number;
  command: FlowModCommand;
  /** Seconds (0: none). */
  idleTimeout: number;
  /** Seconds (0: none). */
  hardTimeout: number;
  priority: number;
  bufferId: U32 | null;
  outPort: U32 | null;
  outGroup: U32 | null;
  /** OFPFF_* bits (1 = SEND_FLOW_REM, ...). */
  flags: number;
  match: OxmField[];
  instructions: Instruction[];
}

/** OFPT_PACKET_OUT; `bufferId` null: the frame is `data`; `inPort` null: CONTROLLER. */
export interface PacketOut {
  bufferId: U32 | null;
  inPort: U32 | null;
  actions: Action[];
  data: Uint8Array;
}

export type CommandBody =
  | { tag: 'flow-mod'; val: FlowMod }
  | { tag: 'packet-out'; val: PacketOut }
  | { tag: 'barrier' }
  /** A whole OpenFlow message; the host sets version and xid. */
  | { tag: 'raw'; val: Uint8Array };

/** What a plugin asks of a switch. */
export interface Command {
  dpid: Dpid;
  body: CommandBody;
}

/** struct ofp_port, the WIT record `port` (speeds in kbps). */
export interface PortDesc {
  portNo: U32;
  hwAddr: string;
  name: string;
  config: U32;
  state: U32;
  currSpeed: U32;
  maxSpeed: U32;
}

export interface SwitchUp {
  dpid: Dpid;
  /** Negotiated wire version (4 = OpenFlow 1.3). */
  version: number;
  nTables: number;
  ports: PortDesc[];
}

export interface SwitchDown {
  dpid: Dpid;
  /** echoTimeout, peerClosed, replaced, malformed, shutdown, ... */
  reason: string;
}

/** OFPT_PACKET_IN. */
export interface PacketIn {
  dpid: Dpid;
  bufferId: U32;
  totalLen: number;
  /** 0 table miss, 1 action, 2 invalid TTL. */
  reason: number;
  tableId: number;
  cookie: U64Text;
  /** The match's in_port (0 when absent). */
  inPort: U32;
  match: OxmField[];
  data: Uint8Array;
}

export interface PortStatus {
  dpid: Dpid;
  /** 0 add, 1 delete, 2 modify. */
  reason: number;
  desc: PortDesc;
}

export interface FlowRemoved {
  dpid: Dpid;
  cookie: U64Text;
  priority: number;
  reason: number;
  tableId: number;
  durationSec: U32;
  packetCount: U64Text;
  byteCount: U64Text;
  match: OxmField[];
}

/** An OFPT_ERROR a switch sent. */
export interface SwitchError {
  dpid: Dpid;
  type: number;
  code: number;
  data: Uint8Array;
}

export interface PubsubMessage {
  subject: string;
  payload: Uint8Array;
}

export interface KvChange {
  key: Uint8Array;
  /** null for a delete. */
  value: Uint8Array | null;
  revision: U64Text;
}

/** One port of one switch. Since 0.2.0. */
export interface Endpoint {
  dpid: Dpid;
  port: U32;
}

/** One direction of a link: probes sent out of `src` arrive at `dst`. Since 0.2.0. */
export interface Link {
  src: Endpoint;
  dst: Endpoint;
  latencyMs: number;
  srcNode: U32;
  /** ms since the Unix epoch. */
  upSinceMs: number;
  lastSeenMs: number;
}

/** A MAC seen as the source of frames on an edge port. Since 0.2.0. */
export interface Host {
  mac: string;
  ips: string[];
  location: Endpoint;
  firstSeenMs: number;
  lastSeenMs: number;
}

/** With mastership: this node's role for a switch changed. Since 0.2.0. */
export interface RoleChanged {
  dpid: Dpid;
  /** master, slave, none. */
  role: string;
  masterNode: string | null;
  generation: U64Text | null;
}

/** Something that happened; a plugin sees only the kinds its plugin.json subscribes to. */
export type Event =
  | { tag: 'switch-up'; val: SwitchUp }
  | { tag: 'switch-down'; val: SwitchDown }
  | { tag: 'packet-in'; val: PacketIn }
  | { tag: 'port-status'; val: PortStatus }
  | { tag: 'flow-removed'; val: FlowRemoved }
  | { tag: 'switch-error'; val: SwitchError }
  | { tag: 'message'; val: PubsubMessage }
  | { tag: 'kv-change'; val: KvChange }
  // Since 0.2.0: topology (reason: timeout, portDown, switchDown, replaced / notEdge) and mastership.
  | { tag: 'link-up'; val: { link: Link } }
  | { tag: 'link-down'; val: { link: Link; reason: string } }
  | { tag: 'host-added'; val: { host: Host } }
  | { tag: 'host-moved'; val: { host: Host; from: Endpoint } }
  | { tag: 'host-removed'; val: { host: Host; reason: string } }
  | { tag: 'role-changed'; val: RoleChanged };

/** Why a host call failed; thrown as the `payload` of an Error (see `hostError`). */
export type HostError = { tag: 'denied' | 'invalid' | 'unavailable'; val: string };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
