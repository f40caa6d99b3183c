import { PubSubError, type PubSubErrorCode } from './errors.js';

/**
 * Subject syntax (NATS-like): tokens separated by "."; a token is non-empty and
 * has no whitespace, "*" or ">". A pattern may also use the whole token "*"
 * (exactly one token) and, as its last token only, ">" (one or more tokens).
 */

export const ONE_TOKEN = '*';
export const REST = '>';

const FORBIDDEN = /[\s*>]/u;

function tokens(text: unknown, code: PubSubErrorCode, what: string, wildcards: boolean): string[] {
  if (typeof text !== 'string' || text.length === 0) throw new PubSubError(code, `${what} is empty`);
  const parts = text.split('.');
  parts.forEach((token, index) => {
    const fail = (detail: string): never => {
      throw new PubSubError(code, `${what} ${JSON.stringify(text)}: token ${index} ${detail}`);
    };
    if (token.length === 0) fail('is empty');
    if (wildcards && token === ONE_TOKEN) return;
    if (wildcards && token === REST) {
      if (index !== parts.length - 1) fail(`is ">", which may only be the last token`);
      return;
    }
    const bad = FORBIDDEN.exec(token);
    if (bad !== null) fail(`${JSON.stringify(token)} contains ${JSON.stringify(bad[0])}${wildcards ? ' (wildcards are whole tokens)' : ' (a subject has no wildcards)'}`);
  });
  return parts;
}

/** @throws PubSubError `PUBSUB_SUBJECT` */
export function parseSubject(subject: unknown): string[] {
  return tokens(subject, 'PUBSUB_SUBJECT', 'subject', false);
}

/** @throws PubSubError `PUBSUB_PATTERN` */
export function parsePattern(pattern: unknown): string[] {
  return tokens(pattern, 'PUBSUB_PATTERN', 'pattern', true);
}
