import { SdnError } from '../errors.js';

/**
 * Why the web view refused a request. Each code is an HTTP status and a JSON
 * body `{ "error": { "code", "message" } }`, counted in
 * `sdn_runtime_web_refused_total{code}`.
 */
export const WEB_ERROR_STATUS = {
  WEB_NOT_FOUND: 404,
  WEB_BAD_REQUEST: 400,
  WEB_UNAUTHENTICATED: 401,
  WEB_FORBIDDEN: 403,
  WEB_NOT_EXPOSED: 403,
  WEB_TOO_MANY_CLIENTS: 503,
  WEB_SWITCH_FAILED: 502,
  WEB_INTERNAL: 500,
} as const;

export type WebErrorCode = keyof typeof WEB_ERROR_STATUS;

export class WebError extends SdnError {
  declare readonly code: WebErrorCode;

  constructor(code: WebErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }

  get status(): number {
    return WEB_ERROR_STATUS[this.code];
  }
}
