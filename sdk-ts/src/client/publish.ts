import { utf8 } from '../convert/bytes.js';
import type { CommandKind } from '../convert/commands.js';
import { invalid } from '../errors.js';

const SUBJECT = /^[^.\s*>]+(\.[^.\s*>]+)*$/;

/** The publish command for a message; INVALID for a subject with wildcards or empty tokens, or bad headers. */
export function publishCommand(subject: string, payload: string | Uint8Array, headers: Readonly<Record<string, string>>): CommandKind {
  if (typeof subject !== 'string' || !SUBJECT.test(subject)) throw invalid('publish subject', `"${String(subject)}" is not a subject (dot-separated tokens, no wildcards)`);
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) throw invalid('publish payload', 'a payload is a string or bytes');
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (typeof v !== 'string') throw invalid(`publish header ${k}`, 'header values are strings');
    h[k] = v;
  }
  return { $case: 'publish', value: { message: { subject, payload: utf8(payload), headers: h } } };
}
