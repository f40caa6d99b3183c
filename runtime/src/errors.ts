/**
 * The error base of the whole runtime. Every error we raise on purpose is an
 * `SdnError` with a stable `code` that callers (and the gRPC status mapping) may
 * switch on; the human message may change between releases, the code may not.
 */
export class SdnError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
