import type {
  Bucket,
  Instruction,
  Match,
  MeterBand,
  PacketQueue,
  PhyPort10,
  Port,
  Action,
} from './structs.js';
import type { MultipartReplyBody, MultipartRequestBody } from './multipart-types.js';
import type { Of10Message } from './of10/types.js';

/**
 * Value types of OpenFlow messages. Every message carries the `version` byte and
 * the `xid` of its header; `type` is the message name without the OFPT_ prefix in
 * the spec's words (OFPT_FLOW_MOD -> 'FlowMod'). See `structs.ts` for the value
 * conventions (numbers, bigints, text addresses, opaque bytes).
 */
export interface Header {
  /** Wire version byte: 0x01 (1.0), 0x04 (1.3), 0x05 (1.4), 0x06 (1.5). */
  readonly version: number;
  /** Transaction id: a reply carries the xid of its request. */
  readonly xid: number;
}

// ---------------------------------------------------------------- symmetric (7.5)

/** A HELLO element other than the version bitmap: kept as bytes. */
export interface HelloElementOpaque {
  readonly type: 'opaque';
  readonly elementType: number;
  readonly data: Uint8Array;
}

export interface HelloElementVersionBitmap {
  readonly type: 'versionBitmap';
  /** Versions the sender supports, ascending wire version bytes. */
  readonly versions: readonly number[];
  /**
   * Number of 32-bit bitmap words on the wire. Optional: when absent the encoder
   * writes as few as the highest version needs.
   */
  readonly bitmapWords?: number;
}

export type HelloElement = HelloElementVersionBitmap | HelloElementOpaque;

export interface Hello extends Header {
  readonly type: 'Hello';
  readonly elements: readonly HelloElement[];
}

export interface EchoRequest extends Header {
  readonly type: 'EchoRequest';
  readonly data: Uint8Array;
}

export interface EchoReply extends Header {
  readonly type: 'EchoReply';
  readonly data: Uint8Array;
}

/** OFPT_ERROR with a standard error type; `data` is (part of) the failed request. */
export interface ErrorMsg extends Header {
  readonly type: 'Error';
  readonly errorType: number;
  readonly code: number;
  readonly data: Uint8Array;
}

/** OFPT_ERROR of type OFPET_EXPERIMENTER (0xffff). */
export interface ErrorExperimenterMsg extends Header {
  readonly type: 'ErrorExperimenter';
  readonly expType: number;
  readonly experimenter: number;
  readonly data: Uint8Array;
}

export interface Experimenter extends Header {
  readonly type: 'Experimenter';
  readonly experimenter: number;
  readonly expType: number;
  readonly data: Uint8Array;
}

// ---------------------------------------------------------------- switch config (7.3.1-7.3.2)

export interface FeaturesRequest extends Header {
  readonly type: 'FeaturesRequest';
}

/**
 * OFPT_FEATURES_REPLY. 1.3+ fill `auxiliaryId` and `reserved`; 1.0 fills
 * `actions` and `ports` instead (and has no auxiliary id).
 */
export interface FeaturesReply extends Header {
  readonly type: 'FeaturesReply';
  readonly datapathId: bigint;
  readonly nBuffers: number;
  readonly nTables: number;
  readonly auxiliaryId: number;
  readonly capabilities: number;
  readonly reserved: number;
  /** OpenFlow 1.0 only: supported action bitmap. */
  readonly actions?: number;
  /** OpenFlow 1.0 only: the switch's ports. */
  readonly ports?: readonly PhyPort10[];
}

export interface GetConfigRequest extends Header {
  readonly type: 'GetConfigRequest';
}

export interface GetConfigReply extends Header {
  readonly type: 'GetConfigReply';
  readonly flags: number;
  readonly missSendLen: number;
}

export interface SetConfig extends Header {
  readonly type: 'SetConfig';
  readonly flags: number;
  readonly missSendLen: number;
}

// ---------------------------------------------------------------- async (7.4)

export interface PacketIn extends Header {
  readonly type: 'PacketIn';
  readonly bufferId: number;
  readonly totalLen: number;
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: bigint;
  readonly match: Match;
  /** The frame: a view into the received buffer, not a copy. */
  readonly data: Uint8Array;
}

export interface FlowRemoved extends Header {
  readonly type: 'FlowRemoved';
  readonly cookie: bigint;
  readonly priority: number;
  readonly reason: number;
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly match: Match;
}

export interface PortStatus extends Header {
  readonly type: 'PortStatus';
  readonly reason: number;
  readonly desc: Port;
}

// ---------------------------------------------------------------- controller-to-switch (7.3)

export interface PacketOut extends Header {
  readonly type: 'PacketOut';
  readonly bufferId: number;
  readonly inPort: number;
  readonly actions: readonly Action[];
  readonly data: Uint8Array;
}

export interface FlowMod extends Header {
  readonly type: 'FlowMod';
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly tableId: number;
  readonly command: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly priority: number;
  readonly bufferId: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly flags: number;
  readonly match: Match;
  readonly instructions: readonly Instruction[];
}

export interface GroupMod extends Header {
  readonly type: 'GroupMod';
  readonly command: number;
  readonly groupType: number;
  readonly groupId: number;
  readonly buckets: readonly Bucket[];
}

export interface PortMod extends Header {
  readonly type: 'PortMod';
  readonly portNo: number;
  readonly hwAddr: string;
  readonly config: number;
  readonly mask: number;
  readonly advertise: number;
}

export interface TableMod extends Header {
  readonly type: 'TableMod';
  readonly tableId: number;
  readonly config: number;
}

export interface MeterMod extends Header {
  readonly type: 'MeterMod';
  readonly command: number;
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly MeterBand[];
}

export interface MultipartRequest extends Header {
  readonly type: 'MultipartRequest';
  readonly flags: number;
  readonly body: MultipartRequestBody;
}

export interface MultipartReply extends Header {
  readonly type: 'MultipartReply';
  readonly flags: number;
  readonly body: MultipartReplyBody;
}

export interface BarrierRequest extends Header {
  readonly type: 'BarrierRequest';
}

export interface BarrierReply extends Header {
  readonly type: 'BarrierReply';
}

export interface QueueGetConfigRequest extends Header {
  readonly type: 'QueueGetConfigRequest';
  readonly port: number;
}

export interface QueueGetConfigReply extends Header {
  readonly type: 'QueueGetConfigReply';
  readonly port: number;
  readonly queues: readonly PacketQueue[];
}

export interface RoleRequest extends Header {
  readonly type: 'RoleRequest';
  readonly role: number;
  readonly generationId: bigint;
}

export interface RoleReply extends Header {
  readonly type: 'RoleReply';
  readonly role: number;
  readonly generationId: bigint;
}

export interface GetAsyncRequest extends Header {
  readonly type: 'GetAsyncRequest';
}

/** Masks are [master/equal, slave], as in struct ofp_async_config. */
export interface AsyncConfig {
  readonly packetInMask: readonly [number, number];
  readonly portStatusMask: readonly [number, number];
  readonly flowRemovedMask: readonly [number, number];
}

export interface GetAsyncReply extends Header, AsyncConfig {
  readonly type: 'GetAsyncReply';
}

export interface SetAsync extends Header, AsyncConfig {
  readonly type: 'SetAsync';
}

/**
 * A well-framed message the codec does not model for its version (an OpenFlow 1.0
 * FLOW_MOD, a 1.5 BUNDLE_CONTROL, an unknown type): header plus raw body, encoded
 * back unchanged.
 */
export interface Unknown extends Header {
  readonly type: 'Unknown';
  readonly msgType: number;
  readonly body: Uint8Array;
}

export type OfpMessage =
  | Hello
  | ErrorMsg
  | ErrorExperimenterMsg
  | EchoRequest
  | EchoReply
  | Experimenter
  | FeaturesRequest
  | FeaturesReply
  | GetConfigRequest
  | GetConfigReply
  | SetConfig
  | PacketIn
  | FlowRemoved
  | PortStatus
  | PacketOut
  | FlowMod
  | GroupMod
  | PortMod
  | TableMod
  | MultipartRequest
  | MultipartReply
  | BarrierRequest
  | BarrierReply
  | QueueGetConfigRequest
  | QueueGetConfigReply
  | RoleRequest
  | RoleReply
  | GetAsyncRequest
  | GetAsyncReply
  | SetAsync
  | MeterMod
  | Of10Message
  | Unknown;

export type OfpMessageType = OfpMessage['type'];

/**
 * A message value without its header fields (version, xid): what an app builds;
 * the connection supplies the negotiated version and a fresh xid when encoding.
 */
export type MessageBody = OfpMessage extends infer M ? (M extends OfpMessage ? Omit<M, 'version' | 'xid'> : never) : never;

/** The message value of a given `type` tag. */
export type MessageOf<T extends OfpMessageType> = Extract<OfpMessage, { type: T }>;
