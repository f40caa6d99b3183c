import { status as GrpcStatus } from '@grpc/grpc-js';
import { CommandError_Code } from './generated/sdn/runtime/v1/events.js';
import type { OpenFlowError as OpenFlowErrorMessage } from './generated/sdn/runtime/v1/openflow.js';

/**
 * Stable error codes of the SDK: the runtime's CommandError.Code, the gRPC
 * statuses an app can meet, and the SDK's own conditions. Switch on `code`, never
 * on the message text (it may change between releases; the codes may not).
 */
export const ErrorCode = {
  /** A value out of range, a bad address, a message that does not encode (client or server side); a plugin the runtime refused. */
  INVALID: 'INVALID',
  /** No switch with that dpid is connected to the runtime. */
  UNKNOWN_SWITCH: 'UNKNOWN_SWITCH',
  /** A named thing that does not exist: a plugin, or a path the runtime cannot read. */
  NOT_FOUND: 'NOT_FOUND',
  /** The switch answered with OFPT_ERROR: see `SdnClientError.openflow`. */
  SWITCH_ERROR: 'SWITCH_ERROR',
  /** The runtime or the switch did not answer, or the connection broke first. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** The token lacks the scope the call needs. */
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  /** No token, or one the runtime does not know. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The client-side deadline of a call passed. */
  TIMEOUT: 'TIMEOUT',
  /** The app was closed while the call was in flight. */
  CANCELLED: 'CANCELLED',
  /** A KV or pubsub failure, or an unexpected server error. */
  INTERNAL: 'INTERNAL',
  /** The runtime does not offer this RPC (an older server). */
  UNIMPLEMENTED: 'UNIMPLEMENTED',
  /** The runtime refused for lack of resources (too many apps, a message too large). */
  RESOURCE_EXHAUSTED: 'RESOURCE_EXHAUSTED',
  /** A KV watch asked for history the store has compacted away. */
  COMPACTED: 'COMPACTED',
  /** The server broke the stream contract (a result nobody asked for, no Subscribed first). */
  PROTOCOL: 'PROTOCOL',
  /** The packet library met bytes that are not a well-formed packet. */
  MALFORMED_PACKET: 'MALFORMED_PACKET',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An OFPT_ERROR a switch sent, as the runtime decoded it. */
export interface OpenFlowErrorInfo {
  /** OFPET_* (0xffff for an experimenter error). */
  readonly type: number;
  /** OFPxxC_* code within the type. */
  readonly code: number;
  readonly experimenter: number;
  readonly expType: number;
  /** The start of the request that failed, as the switch quoted it. */
  readonly data: Uint8Array;
  /** e.g. "OFPET_BAD_MATCH/OFPBMC_BAD_PREREQ". */
  readonly description: string;
}

export interface SdnClientErrorOptions {
  readonly cause?: unknown;
  /** The gRPC status the error came with, when it came from an RPC. */
  readonly grpcStatus?: number;
  readonly openflow?: OpenFlowErrorInfo;
  /** The correlation id of the command that failed. */
  readonly correlationId?: string;
}

/** The one error class of the SDK. */
export class SdnClientError extends Error {
  readonly code: ErrorCode;
  readonly grpcStatus: number | undefined;
  readonly openflow: OpenFlowErrorInfo | undefined;
  readonly correlationId: string | undefined;

  constructor(code: ErrorCode, message: string, options: SdnClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SdnClientError';
    this.code = code;
    this.grpcStatus = options.grpcStatus;
    this.openflow = options.openflow;
    this.correlationId = options.correlationId;
  }
}

/** A client-side validation failure: the value named by `what` is not acceptable. */
export function invalid(what: string, why: string): SdnClientError {
  return new SdnClientError(ErrorCode.INVALID, `${what}: ${why}`);
}

const FROM_GRPC: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [GrpcStatus.CANCELLED, ErrorCode.CANCELLED],
  [GrpcStatus.INVALID_ARGUMENT, ErrorCode.INVALID],
  // What the runtime answers for a plugin whose `initialize` refused; INVALID as in sdk-python.
  [GrpcStatus.FAILED_PRECONDITION, ErrorCode.INVALID],
  [GrpcStatus.OUT_OF_RANGE, ErrorCode.INVALID],
  [GrpcStatus.DEADLINE_EXCEEDED, ErrorCode.TIMEOUT],
  [GrpcStatus.NOT_FOUND, ErrorCode.NOT_FOUND],
  [GrpcStatus.PERMISSION_DENIED, ErrorCode.PERMISSION_DENIED],
  [GrpcStatus.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED],
  [GrpcStatus.RESOURCE_EXHAUSTED, ErrorCode.RESOURCE_EXHAUSTED],
  [GrpcStatus.UNIMPLEMENTED, ErrorCode.UNIMPLEMENTED],
  [GrpcStatus.UNAVAILABLE, ErrorCode.UNAVAILABLE],
]);

/** The SDK error for a failed gRPC call (the one place gRPC statuses are mapped). */
export function fromGrpcError(err: unknown, what: string): SdnClientError {
  if (err instanceof SdnClientError) return err;
  const grpcStatus = typeof (err as { code?: unknown })?.code === 'number' ? (err as { code: number }).code : undefined;
  const code = (grpcStatus === undefined ? undefined : FROM_GRPC.get(grpcStatus)) ?? ErrorCode.INTERNAL;
  const details = (err as { details?: unknown })?.details;
  const message = err instanceof Error ? err.message : undefined;
  const text = typeof details === 'string' && details !== '' ? details : message !== undefined && message !== '' ? message : `gRPC status ${grpcStatus === undefined ? 'unknown' : (GrpcStatus[grpcStatus] ?? grpcStatus)}`;
  return new SdnClientError(code, `${what}: ${text}`, { cause: err, ...(grpcStatus === undefined ? {} : { grpcStatus }) });
}

const FROM_COMMAND: ReadonlyMap<CommandError_Code, ErrorCode> = new Map<CommandError_Code, ErrorCode>([
  [CommandError_Code.CODE_INVALID, ErrorCode.INVALID],
  [CommandError_Code.CODE_UNKNOWN_SWITCH, ErrorCode.UNKNOWN_SWITCH],
  [CommandError_Code.CODE_SWITCH_ERROR, ErrorCode.SWITCH_ERROR],
  [CommandError_Code.CODE_UNAVAILABLE, ErrorCode.UNAVAILABLE],
  [CommandError_Code.CODE_PERMISSION_DENIED, ErrorCode.PERMISSION_DENIED],
  [CommandError_Code.CODE_INTERNAL, ErrorCode.INTERNAL],
]);

/** The SDK code for a CommandError.Code (unknown or unspecified codes are INTERNAL). */
export function fromCommandErrorCode(code: CommandError_Code): ErrorCode {
  return FROM_COMMAND.get(code) ?? ErrorCode.INTERNAL;
}

/** A decoded OFPT_ERROR as the SDK shows it. */
export function openFlowErrorInfo(e: OpenFlowErrorMessage): OpenFlowErrorInfo {
  return { type: e.type, code: e.code, experimenter: e.experimenter, expType: e.expType, data: e.data, description: e.description };
}
