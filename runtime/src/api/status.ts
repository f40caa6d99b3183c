import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { SdnError } from '../errors.js';
import { CommandError_Code } from '../generated/sdn/runtime/v1/events.js';
import { PluginLoadError, type PluginLoadReason } from '../plugins/index.js';

/**
 * The one place where runtime errors become gRPC statuses (unary calls, the end
 * of a stream) and `CommandError` codes (results on the event stream). Mapping is
 * by the stable `SdnError.code`, never by message text; a code not listed here is
 * a runtime fault (INTERNAL).
 */
const BY_CODE: Readonly<Record<string, readonly [GrpcStatus, CommandError_Code]>> = {
  API_INVALID: [GrpcStatus.INVALID_ARGUMENT, CommandError_Code.CODE_INVALID],
  OFP_ENCODE: [GrpcStatus.INVALID_ARGUMENT, CommandError_Code.CODE_INVALID],
  OFP_DECODE: [GrpcStatus.INVALID_ARGUMENT, CommandError_Code.CODE_INVALID],
  PUBSUB_PATTERN: [GrpcStatus.INVALID_ARGUMENT, CommandError_Code.CODE_INVALID],
  PUBSUB_SUBJECT: [GrpcStatus.INVALID_ARGUMENT, CommandError_Code.CODE_INVALID],
  KV_INVALID: [GrpcStatus.INVALID_ARGUMENT, CommandError_Code.CODE_INVALID],
  KV_CLOSED: [GrpcStatus.UNAVAILABLE, CommandError_Code.CODE_UNAVAILABLE],
  KV_STORAGE: [GrpcStatus.INTERNAL, CommandError_Code.CODE_INTERNAL],
  KV_CORRUPT: [GrpcStatus.DATA_LOSS, CommandError_Code.CODE_INTERNAL],
  KV_LOCKED: [GrpcStatus.FAILED_PRECONDITION, CommandError_Code.CODE_INTERNAL],
  // The etcd cluster has no reachable healthy member: retry later.
  KV_UNAVAILABLE: [GrpcStatus.UNAVAILABLE, CommandError_Code.CODE_UNAVAILABLE],
  API_STREAM_PROTOCOL: [GrpcStatus.INVALID_ARGUMENT, CommandError_Code.CODE_INVALID],
  API_UNAUTHENTICATED: [GrpcStatus.UNAUTHENTICATED, CommandError_Code.CODE_PERMISSION_DENIED],
  API_PERMISSION_DENIED: [GrpcStatus.PERMISSION_DENIED, CommandError_Code.CODE_PERMISSION_DENIED],
  API_NOT_FOUND: [GrpcStatus.NOT_FOUND, CommandError_Code.CODE_UNKNOWN_SWITCH],
  API_FEATURE_OFF: [GrpcStatus.FAILED_PRECONDITION, CommandError_Code.CODE_INVALID],
  API_STREAM_OVERFLOW: [GrpcStatus.RESOURCE_EXHAUSTED, CommandError_Code.CODE_INTERNAL],
  API_KV_COMPACTED: [GrpcStatus.OUT_OF_RANGE, CommandError_Code.CODE_INTERNAL],
  API_SHUTDOWN: [GrpcStatus.UNAVAILABLE, CommandError_Code.CODE_UNAVAILABLE],
  // The switch refused: the request reached it, so the caller's precondition failed.
  SWITCH_ERROR: [GrpcStatus.FAILED_PRECONDITION, CommandError_Code.CODE_SWITCH_ERROR],
  SWITCH_UNAVAILABLE: [GrpcStatus.UNAVAILABLE, CommandError_Code.CODE_UNAVAILABLE],
  // The switch is not taking commands as fast as they come: nothing was sent, retry later.
  SWITCH_BUSY: [GrpcStatus.UNAVAILABLE, CommandError_Code.CODE_UNAVAILABLE],
  // A write to a switch this node is not master of (HA): send it to the master node named in the message.
  NOT_MASTER: [GrpcStatus.FAILED_PRECONDITION, CommandError_Code.CODE_UNAVAILABLE],
  MASTERSHIP_UNAVAILABLE: [GrpcStatus.UNAVAILABLE, CommandError_Code.CODE_UNAVAILABLE],
  MASTERSHIP_CONFLICT: [GrpcStatus.FAILED_PRECONDITION, CommandError_Code.CODE_INTERNAL],
  PLUGIN_MANIFEST: [GrpcStatus.INVALID_ARGUMENT, CommandError_Code.CODE_INVALID],
  // The command would reach or clobber another app's flows (docs/apps-sharing-a-switch.md); nothing was sent.
  OWNERSHIP_REFUSED: [GrpcStatus.INVALID_ARGUMENT, CommandError_Code.CODE_INVALID],
  // The app holds its flow quota on that switch; nothing was sent.
  OWNERSHIP_QUOTA: [GrpcStatus.RESOURCE_EXHAUSTED, CommandError_Code.CODE_INVALID],
  PLUGIN_NOT_FOUND: [GrpcStatus.NOT_FOUND, CommandError_Code.CODE_INVALID],
  // A component that is not one, of another world, without the exports (refined by reason below).
  PLUGIN_LOAD: [GrpcStatus.INVALID_ARGUMENT, CommandError_Code.CODE_INVALID],
};

/** PLUGIN_LOAD by its stable `reason`, where the component itself is not what is wrong. */
const PLUGIN_LOAD_BY_REASON: Readonly<Partial<Record<PluginLoadReason, readonly [GrpcStatus, CommandError_Code]>>> = {
  // The path does not exist on the runtime's machine (or cannot be read there).
  unreadable: [GrpcStatus.NOT_FOUND, CommandError_Code.CODE_INVALID],
  // Outside the folders the runtime loads plugins from: the caller may not read it, whether or not it exists.
  outside: [GrpcStatus.PERMISSION_DENIED, CommandError_Code.CODE_PERMISSION_DENIED],
  // A valid component whose `initialize` refused or did not return: its config or the node's state.
  initFailed: [GrpcStatus.FAILED_PRECONDITION, CommandError_Code.CODE_INVALID],
};

const INTERNAL = [GrpcStatus.INTERNAL, CommandError_Code.CODE_INTERNAL] as const;

function entry(err: unknown): readonly [GrpcStatus, CommandError_Code] {
  if (err instanceof PluginLoadError) return PLUGIN_LOAD_BY_REASON[err.reason] ?? BY_CODE.PLUGIN_LOAD!;
  return err instanceof SdnError ? (BY_CODE[err.code] ?? INTERNAL) : INTERNAL;
}

/** The gRPC status for `err`. */
export function grpcStatusOf(err: unknown): GrpcStatus {
  return entry(err)[0];
}

/** The `CommandError.Code` for `err`. */
export function commandErrorCodeOf(err: unknown): CommandError_Code {
  return entry(err)[1];
}

/** Trailing metadata key with the SdnError's stable `code`, for clients that tell refusals apart (e.g. a missing scope from a refused path). */
export const ERROR_CODE_METADATA_KEY = 'sdn-error-code';

/** What a client sees for a bug in `where` (`KV.Put`): INTERNAL, and no internals; the caller logs `err`. */
export function internalServiceError(where: string): Partial<ServiceError> {
  return { code: GrpcStatus.INTERNAL, details: `internal error in ${where} (see the runtime log)`, metadata: new Metadata() };
}

/**
 * `err` as what grpc-js sends: an SdnError keeps its message and sends its code
 * in the `sdn-error-code` metadata; anything else is a bug in the runtime and is
 * reported without internals.
 */
export function toServiceError(err: unknown): Partial<ServiceError> {
  const code = grpcStatusOf(err);
  const metadata = new Metadata();
  if (!(err instanceof SdnError)) return { code, details: 'internal error in the runtime (see its log)', metadata };
  metadata.set(ERROR_CODE_METADATA_KEY, err.code);
  return { code, details: err.message, metadata };
}
