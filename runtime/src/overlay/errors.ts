import { SdnError } from '../errors.js';

/**
 * Stable codes of what goes wrong on an overlay link or in a peer's messages.
 * They are the `code` of `problem` outputs (the runner counts them by code and
 * logs each once) and of `OverlayError`s thrown to callers (seeds, controls).
 */
export type OverlayErrorCode =
  | 'OVERLAY_SEED'
  | 'OVERLAY_FRAME'
  | 'OVERLAY_DECODE'
  | 'OVERLAY_PROTOCOL'
  | 'OVERLAY_ROUTE'
  | 'OVERLAY_TABLE_FULL'
  | 'OVERLAY_TTL'
  | 'OVERLAY_NO_ROUTE'
  | 'OVERLAY_RECORD'
  | 'OVERLAY_SUBJECT'
  | 'OVERLAY_LIMIT';

export class OverlayError extends SdnError {
  declare readonly code: OverlayErrorCode;

  constructor(code: OverlayErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
