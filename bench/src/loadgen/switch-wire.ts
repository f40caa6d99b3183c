import {
  OFP_NO_BUFFER,
  OFP_VERSION_1_0,
  OFP_VERSION_1_3,
  OFPBRC_BAD_EXPERIMENTER,
  OFPBRC_BAD_MULTIPART,
  OFPET_BAD_REQUEST,
  OFPFW_ALL,
  OFPP_FLOOD,
  OFPP_FLOOD_10,
  OFPR_NO_MATCH,
  type FlowMod,
  type FlowMod10,
  type Match,
  type OfpMessage,
  type PhyPort10,
  type Port,
} from '../../../runtime/dist/openflow/index.js';

/**
 * What an emulated switch says differently in OpenFlow 1.0 and 1.3: its HELLO,
 * its PACKET_IN, its FEATURES_REPLY (1.0 lists the ports there; 1.3 answers a
 * PORT_DESC multipart), the DESC request (a 1.0 STATS_REQUEST, a 1.3
 * MULTIPART_REQUEST), the flood port and the table-miss flow. Messages whose shape
 * is the same in both (ECHO, GET_CONFIG, BARRIER, ERROR) are answered by the
 * switch itself. Pure: values out, no I/O.
 */

export type OpenFlowVersion = '1.0' | '1.3';
export const OPENFLOW_VERSIONS: readonly OpenFlowVersion[] = ['1.0', '1.3'];

/** The handshake replies a controller may wait for before it handles PACKET_INs. */
export type HandshakeStep = 'features' | 'portDesc' | 'desc';

export interface SwitchIdentity {
  /** 0-based position among the emulated switches (names ports and the DESC reply). */
  readonly index: number;
  readonly dpid: bigint;
  /** Ports 1..ports. */
  readonly ports: number;
}

/** The replies to one request, and the handshake steps they complete. */
export interface Answer {
  readonly replies: readonly OfpMessage[];
  readonly steps: readonly HandshakeStep[];
}

export interface SwitchWire {
  /** The wire version byte. */
  readonly version: number;
  /** The version's OFPP_FLOOD (16 bits in 1.0, 32 in 1.3). */
  readonly floodPort: number;
  /** HELLO offering this version only. */
  hello(): OfpMessage;
  /** A table-miss PACKET_IN of the whole `frame` received on `inPort`, no buffer, with `xid`. */
  packetIn(xid: number, inPort: number, frame: Uint8Array): OfpMessage;
  /** The answer to FEATURES, DESC / PORT_DESC and VENDOR requests; undefined for any other message. */
  answer(msg: OfpMessage): Answer | undefined;
}

/** True for the flow that sends every packet to the controller (priority 0, matching anything). */
export function isTableMiss(msg: FlowMod | FlowMod10): boolean {
  if (msg.priority !== 0) return false;
  return msg.type === 'FlowMod' ? msg.match.length === 0 : (msg.match.wildcards & OFPFW_ALL) === OFPFW_ALL;
}

/** The wire of `version` for the switch `identity`. */
export function switchWire(version: OpenFlowVersion, identity: SwitchIdentity): SwitchWire {
  return version === '1.0' ? new Wire10(identity) : new Wire13(identity);
}

/** A locally administered MAC per (switch, port): 02:fe:<switch>:<port>. */
function portMac(index: number, portNo: number): string {
  return [0x02, 0xfe, index >>> 8, index & 0xff, portNo >>> 8, portNo & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function descBody(index: number): { type: 'desc'; mfrDesc: string; hwDesc: string; swDesc: string; serialNum: string; dpDesc: string } {
  return { type: 'desc', mfrDesc: 'sdn-runtime bench', hwDesc: 'emulated switch', swDesc: 'loadgen', serialNum: String(index), dpDesc: `switch ${index}` };
}

function refuse(version: number, xid: number, code: number): Answer {
  return { replies: [{ type: 'Error', version, xid, errorType: OFPET_BAD_REQUEST, code, data: Buffer.alloc(0) }], steps: [] };
}

class Wire13 implements SwitchWire {
  readonly version = OFP_VERSION_1_3;
  readonly floodPort = OFPP_FLOOD;
  private readonly identity: SwitchIdentity;
  /** The in_port match of each port, built once: a PACKET_IN allocates no match. */
  private readonly matchByPort: readonly Match[];

  constructor(identity: SwitchIdentity) {
    this.identity = identity;
    this.matchByPort = Array.from({ length: identity.ports + 1 }, (_, port) => [{ field: 'in_port', value: port }]);
  }

  hello(): OfpMessage {
    return { type: 'Hello', version: this.version, xid: 1, elements: [{ type: 'versionBitmap', versions: [this.version] }] };
  }

  packetIn(xid: number, inPort: number, frame: Uint8Array): OfpMessage {
    return { type: 'PacketIn', version: this.version, xid, bufferId: OFP_NO_BUFFER, totalLen: frame.length, reason: OFPR_NO_MATCH, tableId: 0, cookie: 0n, match: this.matchByPort[inPort]!, data: frame };
  }

  answer(msg: OfpMessage): Answer | undefined {
    const { version, xid } = msg;
    if (msg.type === 'FeaturesRequest') {
      const reply: OfpMessage = { type: 'FeaturesReply', version, xid, datapathId: this.identity.dpid, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f, reserved: 0 };
      return { replies: [reply], steps: ['features'] };
    }
    if (msg.type !== 'MultipartRequest') return undefined;
    if (msg.body.type === 'portDesc') return { replies: [{ type: 'MultipartReply', version, xid, flags: 0, body: { type: 'portDesc', ports: this.ports() } }], steps: ['portDesc'] };
    if (msg.body.type === 'desc') return { replies: [{ type: 'MultipartReply', version, xid, flags: 0, body: descBody(this.identity.index) }], steps: ['desc'] };
    return refuse(version, xid, OFPBRC_BAD_MULTIPART);
  }

  private ports(): Port[] {
    const i = this.identity.index;
    return Array.from({ length: this.identity.ports }, (_, k) => {
      const portNo = k + 1;
      // state OFPPS_LIVE; curr 10 Gb/s full duplex, copper.
      return { portNo, hwAddr: portMac(i, portNo), name: `s${i}-p${portNo}`, config: 0, state: 4, curr: 0x840, advertised: 0, supported: 0, peer: 0, currSpeed: 10_000_000, maxSpeed: 10_000_000 };
    });
  }
}

/** OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS (1.0). */
const CAPABILITIES_10 = 0x7;
/** Every 1.0 action type, OFPAT_OUTPUT (0) .. OFPAT_ENQUEUE (11), as a bitmap of 1 << type. */
const ACTIONS_10 = 0xfff;
/** OFPPF_10GB_FD | OFPPF_COPPER (1.0). */
const PORT_FEATURES_10 = 0xc0;

class Wire10 implements SwitchWire {
  readonly version = OFP_VERSION_1_0;
  readonly floodPort = OFPP_FLOOD_10;
  private readonly identity: SwitchIdentity;

  constructor(identity: SwitchIdentity) {
    this.identity = identity;
  }

  hello(): OfpMessage {
    // A 1.0 HELLO has no elements: the header's version is the offer.
    return { type: 'Hello', version: this.version, xid: 1, elements: [] };
  }

  packetIn(xid: number, inPort: number, frame: Uint8Array): OfpMessage {
    return { type: 'PacketIn10', version: this.version, xid, bufferId: OFP_NO_BUFFER, totalLen: frame.length, inPort, reason: OFPR_NO_MATCH, data: frame };
  }

  answer(msg: OfpMessage): Answer | undefined {
    const { version, xid } = msg;
    switch (msg.type) {
      case 'FeaturesRequest': {
        const reply: OfpMessage = { type: 'FeaturesReply', version, xid, datapathId: this.identity.dpid, nBuffers: 0, nTables: 1, auxiliaryId: 0, capabilities: CAPABILITIES_10, reserved: 0, actions: ACTIONS_10, ports: this.ports() };
        // 1.0 has no PORT_DESC: the ports came with the features.
        return { replies: [reply], steps: ['features', 'portDesc'] };
      }
      case 'StatsRequest':
        if (msg.body.type === 'desc') return { replies: [{ type: 'StatsReply', version, xid, flags: 0, body: descBody(this.identity.index) }], steps: ['desc'] };
        // 1.0's OFPBRC_BAD_STAT has 1.3's OFPBRC_BAD_MULTIPART number.
        return refuse(version, xid, OFPBRC_BAD_MULTIPART);
      case 'Vendor':
        // No vendor extensions (Open vSwitch's Nicira ones included): OFPBRC_BAD_VENDOR, 1.3's OFPBRC_BAD_EXPERIMENTER number.
        return refuse(version, xid, OFPBRC_BAD_EXPERIMENTER);
      default:
        return undefined;
    }
  }

  private ports(): PhyPort10[] {
    const i = this.identity.index;
    return Array.from({ length: this.identity.ports }, (_, k) => {
      const portNo = k + 1;
      // state 0: link up, no STP.
      return { portNo, hwAddr: portMac(i, portNo), name: `s${i}-p${portNo}`, config: 0, state: 0, curr: PORT_FEATURES_10, advertised: 0, supported: 0, peer: 0 };
    });
  }
}
