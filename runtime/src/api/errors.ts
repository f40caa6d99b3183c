import { SdnError } from '../errors.js';

/**
 * Errors of the gRPC API layer. Each has a stable code that `status.ts` maps to
 * a gRPC status and to a `CommandError.Code`; the message is for people.
 */

/**
 * Client input that cannot be used: a value out of range, a bad address, a
 * missing field. `path` names the field in the proto's own words
 * ("command.flow_mod.match.fields[1].value").
 */
export class ApiInputError extends SdnError {
  readonly path: string;

  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super('API_INVALID', `${path}: ${detail}`, options);
    this.path = path;
  }
}

/** No or an unknown token while tokens are configured. */
export class ApiUnauthenticatedError extends SdnError {
  constructor(message: string) {
    super('API_UNAUTHENTICATED', message);
  }
}

/** The caller's token lacks the scope a call or command needs. */
export class ApiPermissionError extends SdnError {
  readonly scope: string;

  constructor(scope: string, message: string) {
    super('API_PERMISSION_DENIED', message);
    this.scope = scope;
  }
}

/** The thing asked for does not exist (a dpid no switch has). */
export class ApiNotFoundError extends SdnError {
  constructor(message: string) {
    super('API_NOT_FOUND', message);
  }
}

/** A service whose feature this node runs without (the Topology service with --no-topology). */
export class ApiFeatureOffError extends SdnError {
  constructor(message: string) {
    super('API_FEATURE_OFF', message);
  }
}

/** A client that sends faster than it reads, or a stream state the protocol forbids. */
export class ApiStreamError extends SdnError {
  constructor(code: 'API_STREAM_PROTOCOL' | 'API_STREAM_OVERFLOW' | 'API_SHUTDOWN' | 'API_KV_COMPACTED', message: string) {
    super(code, message);
  }
}
