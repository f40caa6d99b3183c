import { SdnError } from '../errors.js';

/** A configuration value that is missing, malformed or out of range. */
export class ConfigError extends SdnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, options);
  }
}
