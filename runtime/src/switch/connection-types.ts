import type {
  DescStats,
  ErrorExperimenterMsg,
  ErrorMsg,
  FeaturesReply,
  OfpMessage,
  Port,
} from '../openflow/index.js';
// The constant alone (not the index): serve's configuration reads HANDSHAKE_VERSIONS, and `--help` must not load the codec.
import { OFP_VERSION_1_0, OFP_VERSION_1_3 } from '../openflow/constants.js';

/**
 * Wire versions whose handshake the runtime completes (HELLO, FEATURES, SET_CONFIG,
 * PORT_DESC, DESC; 1.0 has its ports in FEATURES and DESC as a STATS request):
 * OpenFlow 1.0 and 1.3. The codec reads more versions, but a session only offers
 * these; a switch speaking none of them gets HELLO_FAILED.
 */
export const HANDSHAKE_VERSIONS: readonly number[] = [OFP_VERSION_1_0, OFP_VERSION_1_3];

/** Settings of one switch connection; every time is in milliseconds. */
export interface ConnectionConfig {
  /** Wire versions we accept, a subset of HANDSHAKE_VERSIONS. The highest is announced in our HELLO header. */
  readonly versions: readonly number[];
  /** SET_CONFIG miss_send_len: bytes of a table-miss packet sent to the controller (0xffff: whole packet, no buffering). */
  readonly missSendLen: number;
  /** Send ECHO_REQUEST after this long without hearing from the switch. */
  readonly echoIntervalMs: number;
  /** Declare the switch dead when an echo stays unanswered (and nothing else arrives) this long. */
  readonly echoTimeoutMs: number;
  /** Close a switch that has not finished HELLO/FEATURES/PORT_DESC within this time. */
  readonly handshakeTimeoutMs: number;
  /** Fail a request (and the barrier confirming commands) not answered within this time. */
  readonly requestTimeoutMs: number;
  /** Largest OpenFlow message accepted (the framer's limit). */
  readonly maxMessageSize: number;
  /**
   * Messages per second a switch may send (token bucket, burst of one second).
   * Above it, unsolicited messages (PACKET_IN first of all) are shed and counted;
   * a switch still over budget after `floodGraceMs` is disconnected. 0: no limit.
   */
  readonly maxMessagesPerSecond: number;
  readonly floodGraceMs: number;
  /**
   * Bytes the runtime may hold for a switch that is not taking what it is sent
   * (written, but not yet accepted by the kernel's socket buffer). A command that
   * finds this much waiting is refused (SWITCH_BUSY), never queued: the memory a
   * stuck switch costs is this plus one event-loop turn's output. Enforced by
   * the session, which owns the socket.
   */
  readonly maxSendQueueBytes: number;
}

export const DEFAULT_CONNECTION_CONFIG: ConnectionConfig = {
  versions: [0x04],
  missSendLen: 0xffff,
  echoIntervalMs: 5_000,
  echoTimeoutMs: 15_000,
  handshakeTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  maxMessageSize: 0xffff,
  maxMessagesPerSecond: 0,
  floodGraceMs: 5_000,
  maxSendQueueBytes: 4 * 1024 * 1024,
};

/** Why a connection ended: a stable code for metrics and logs. */
export type CloseReason =
  | 'versionMismatch'
  | 'handshakeTimeout'
  | 'echoTimeout'
  | 'malformed'
  | 'framing'
  | 'flood'
  | 'peerClosed'
  | 'replaced'
  | 'shutdown'
  /** An exception in the runtime's own handling of this switch (a bug): the session is closed, the process carries on. */
  | 'internalError';

/** What the switch told us during the handshake. */
/**
 * Looks at a message once it is encoded for the switch, before it is sent:
 * `bytes[start..end)` is the whole message in the session's version, valid
 * during the call only. Throwing refuses it: nothing is sent.
 */
export type AdmitEncoded = (bytes: Buffer, start: number, end: number) => void;

export interface SwitchInfo {
  readonly dpid: bigint;
  readonly version: number;
  readonly features: FeaturesReply;
  /** 1.0 ports are mapped to the 1.3 `Port` (16-bit reserved numbers widened, speeds 0). */
  readonly ports: readonly Port[];
  /** Absent when the switch answered DESC with nothing usable. */
  readonly desc: DescStats | undefined;
}

export type ConnectionEvent =
  /** Handshake done: the switch is usable. */
  | { readonly type: 'ready'; readonly info: SwitchInfo }
  /**
   * An unsolicited message: PACKET_IN, PORT_STATUS, FLOW_REMOVED, an ERROR no request owns, ...
   * `frame`: a PACKET_IN of OpenFlow 1.3 as received (a view), for a consumer that
   * passes it on as bytes (the plugin host); absent for every other message.
   */
  | { readonly type: 'message'; readonly message: OfpMessage; readonly frame?: Buffer }
  /** The reply to `request(...)`; a multipart reply's parts in order. */
  | { readonly type: 'reply'; readonly xid: number; readonly messages: readonly OfpMessage[] }
  /** A `send(..., { confirm: true })` command was applied: a later barrier came back with no error for it. */
  | { readonly type: 'confirmed'; readonly xid: number }
  /** The switch answered a request or confirmed command with OFPT_ERROR. */
  | { readonly type: 'failed'; readonly xid: number; readonly error: ErrorMsg | ErrorExperimenterMsg }
  /** No answer within requestTimeoutMs. */
  | { readonly type: 'timedOut'; readonly xid: number }
  /** A problem that did not close the connection (shed messages, a bad message we answered with an error). */
  | { readonly type: 'problem'; readonly cause: string; readonly detail: string }
  /** `error` is the exception behind an `internalError` close, for the log. */
  | { readonly type: 'closed'; readonly reason: CloseReason; readonly detail: string; readonly error?: unknown };
