import { SdnError } from '../errors.js';

/**
 * A subject or pattern that breaks the syntax (pubsub/subject.ts). Stable codes:
 * `PUBSUB_SUBJECT` for a publish subject, `PUBSUB_PATTERN` for a subscription
 * pattern. The message names the offending token and its position.
 */
export type PubSubErrorCode = 'PUBSUB_SUBJECT' | 'PUBSUB_PATTERN';

export class PubSubError extends SdnError {
  declare readonly code: PubSubErrorCode;

  constructor(code: PubSubErrorCode, message: string) {
    super(code, message);
  }
}
