import { SdnError } from '../errors.js';

/**
 * Input a CLI command cannot use (bytes that are not OpenFlow, JSON that is not a
 * message, a missing file). The message says what is wrong and where: byte
 * offset, document number and line, JSON path. Printed without a stack trace;
 * the command exits with status 1.
 */
export class CliInputError extends SdnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CLI_INPUT', message, options);
  }
}

/**
 * A command that talks to a running runtime over gRPC failed: unreachable, a
 * refused token, an unknown dpid. The message says what to do about it.
 */
export class CliRemoteError extends SdnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CLI_REMOTE', message, options);
  }
}
